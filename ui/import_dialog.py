"""Importing files in the background: a progress dialog with Cancel, then a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressDialog,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.errors import SourcemarkError
from sourcemark.app.importers import extract_files
from sourcemark.app.library import Library
from sourcemark.app.wording import count
from sourcemark.ui.tasks import BackgroundTask, Cancelled, Progress

PROGRESS_DELAY_MS = 400
"""Imports quicker than this never flash a progress dialog."""


@dataclass(frozen=True, slots=True)
class ImportedFile:
    path: Path
    article_id: str
    title: str


@dataclass(slots=True)
class ImportReport:
    """What happened to each file of one import."""

    imported: list[ImportedFile] = field(default_factory=list)
    already_present: list[ImportedFile] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    not_imported: list[Path] = field(default_factory=list)
    """Files left alone: the import was cancelled, or could not run at all."""
    problem: str = ""
    """Why the import could not run at all (e.g. the library is busy)."""

    @property
    def article_ids(self) -> list[str]:
        """Ids of the articles now in the library from these files, new or not."""
        return [f.article_id for f in (*self.imported, *self.already_present)]

    @property
    def headline(self) -> str:
        if self.problem:
            return f"Nothing was imported: {self.problem}"
        parts = [f"{len(self.imported)} imported"]
        if self.already_present:
            parts.append(f"{len(self.already_present)} already in the library")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.not_imported:
            parts.append(f"{len(self.not_imported)} not imported (cancelled)")
        return ", ".join(parts) + "."


def import_files(
    library_path: Path, files: list[Path], progress: Progress, cancelled: Cancelled
) -> ImportReport:
    """Import `files` into the library at `library_path`, on the calling thread (several are
    extracted at once in the worker pool, and stored in the order given).

    A file that fails is recorded with its reason and the others go on; a cancel stops
    between files, so every file is either fully imported or left alone.
    """
    report = ImportReport()
    with Library.open(library_path) as library:
        for done, (path, extracted) in enumerate(extract_files(files), start=1):
            try:
                if isinstance(extracted, SourcemarkError):
                    raise extracted
                result = library.import_source(extracted)
            except SourcemarkError as error:
                report.failed.append((path, str(error).removeprefix(f"{path}: ")))
            else:
                record = ImportedFile(path, result.article.id, result.article.title)
                (report.imported if result.created else report.already_present).append(record)
            progress(done, len(files))
            if cancelled():  # the file in progress is finished; the others are left alone
                report.not_imported.extend(files[done:])
                break
    return report


class ImportSummaryDialog(QDialog):
    """Lists every file of an import with what became of it, failures first."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_summary_title(report))
        self.headline = QLabel(report.headline)
        self.headline.setWordWrap(True)
        self.files = QTreeWidget()
        self.files.setHeaderLabels(["File", "Result"])
        self.files.setRootIsDecorated(False)
        self.files.setAlternatingRowColors(True)
        self._add_rows(report)
        self.files.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.files)
        layout.addWidget(buttons)
        buttons.setFocus()
        self.resize(760, 320)

    def _add_rows(self, report: ImportReport) -> None:
        style = self.style()
        warning = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for path, reason in report.failed:
            self._add_row(path, f"Failed: {reason}").setIcon(0, warning)
        why_not = "the import could not run" if report.problem else "the import was cancelled"
        for path in report.not_imported:
            self._add_row(path, f"Not imported: {why_not}")
        for record in report.imported:
            self._add_row(record.path, f"Imported as “{record.title}”")
        for record in report.already_present:
            self._add_row(record.path, f"Already in the library as “{record.title}”")

    def _add_row(self, path: Path, outcome: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.files, [path.name, outcome])
        item.setToolTip(0, str(path))
        item.setToolTip(1, outcome)
        return item

    @classmethod
    def ask(cls, parent: QWidget | None, report: ImportReport) -> None:
        """Show the summary until the user closes it (tests replace this seam)."""
        cls(report, parent).exec()


def _summary_title(report: ImportReport) -> str:
    if report.problem:
        return "Import failed"
    return "Import cancelled" if report.not_imported else "Import finished"


class ImportController(QObject):
    """Imports files into the library at `library_path` without blocking the window.

    `progressed(done, total)` follows the import (e.g. for a status bar);
    `importFinished(article_ids)` carries the ids of the articles imported or already
    present, once the import has ended (also after a cancel); the summary follows it.
    """

    progressed = Signal(int, int)
    importFinished = Signal(list)

    def __init__(self, library_path: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self._library_path = library_path
        self._parent = parent
        self._task: BackgroundTask | None = None
        self._files: list[Path] = []
        self._waiting: list[Path] = []
        self.progress_dialog: QProgressDialog | None = None

    @property
    def is_running(self) -> bool:
        return self._task is not None

    def start(self, files: list[Path]) -> None:
        """Import `files`; while an import runs, they wait for it to end."""
        if not files:
            return
        if self.is_running:
            self._waiting.extend(files)
            return
        library_path = self._library_path
        task = BackgroundTask(
            lambda progress, cancelled: import_files(library_path, files, progress, cancelled),
            self,
        )
        self.progress_dialog = self._make_progress_dialog(len(files))
        self.progress_dialog.canceled.connect(task.cancel)
        task.progressed.connect(self._show_progress)
        task.progressed.connect(self.progressed)
        task.succeeded.connect(self._report)
        task.failed.connect(self._report_failure)
        task.finished.connect(self._task_ended)
        self._task, self._files = task, files
        task.start()

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Cancel the import and wait for the file in progress (e.g. when the window closes).

        No summary follows. False if the worker did not end within `timeout_ms`.
        """
        self._waiting.clear()
        task = self._task
        if task is None:
            return True
        task.blockSignals(True)
        task.cancel()
        if not task.wait(timeout_ms):
            return False
        self._dispose()
        return True

    def _make_progress_dialog(self, total: int) -> QProgressDialog:
        dialog = QProgressDialog(self._progress_label(0, total), "Cancel", 0, total, self._parent)
        dialog.setWindowTitle("Importing")
        dialog.setMinimumWidth(360)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        return dialog

    @staticmethod
    def _progress_label(done: int, total: int) -> str:
        return f"Importing {count(total, 'file')}: {done} done…"

    def _show_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText(self._progress_label(done, total))
            self.progress_dialog.setValue(done)

    def _task_ended(self) -> None:
        """Once the summary is closed: clean up, then import the files that waited."""
        self._dispose()
        if self._waiting:
            files, self._waiting = self._waiting, []
            self.start(files)

    def _dispose(self) -> None:
        self._close_progress()
        if self._task is not None:
            self._task.deleteLater()
            self._task = None

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()  # also stops its timer, which would show it again
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _report(self, report: ImportReport) -> None:
        self._close_progress()
        self.importFinished.emit(report.article_ids)
        ImportSummaryDialog.ask(self._parent, report)

    def _report_failure(self, message: str) -> None:
        self._report(ImportReport(not_imported=self._files, problem=message))
