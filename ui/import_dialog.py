"""Importing files in the background: a progress dialog with Cancel, then a summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
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

from sourcemark.app.changes import Outcome
from sourcemark.app.importing import ImportReport, import_files
from sourcemark.app.library import Library
from sourcemark.app.wording import count
from sourcemark.ui.operations import Operations
from sourcemark.ui.tasks import Cancelled, Progress

PROGRESS_DELAY_MS = 400
"""Imports quicker than this never flash a progress dialog."""
IMPORTING = "Importing"


class ImportSummaryDialog(QDialog):
    """Lists every file of an import with what became of it, failures first."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_summary_title(report))
        self.headline = QLabel("\n".join([report.headline, *report.advice]))
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
        for name in report.not_imported:
            self._add_row(name, "Not imported: the import was cancelled")
        warnings = dict(report.warnings)
        for record in report.imported:
            if record.name in warnings:
                row = self._add_row(
                    record.name, f"Imported as “{record.title}”, but {warnings[record.name]}"
                )
                row.setIcon(0, warning)
            else:
                self._add_row(record.name, f"Imported as “{record.title}”")
        for record in report.already_present:
            self._add_row(record.name, f"Already in the library as “{record.title}”")

    def _add_row(self, name: str, outcome: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.files, [Path(name).name, outcome])
        item.setToolTip(0, name)
        item.setToolTip(1, outcome)
        return item

    @classmethod
    def ask(cls, parent: QWidget | None, report: ImportReport) -> None:
        """Show the summary until the user closes it (tests replace this seam)."""
        cls(report, parent).exec()


def _summary_title(report: ImportReport) -> str:
    return "Import cancelled" if report.not_imported else "Import finished"


class ImportController(QObject):
    """Imports files without blocking the window: a progress dialog with Cancel (shown only
    when the import takes a while), then the summary. Files dropped while an import runs wait
    for it to end. The window redraws through `Operations.changed`; `imported(report)` comes
    when an import ends (also after a cancel), just before its summary shows."""

    imported = Signal(ImportReport)

    def __init__(self, operations: Operations, parent: QWidget) -> None:
        super().__init__(parent)
        self._operations = operations
        self._parent = parent
        self._waiting: list[Path] = []
        self.progress_dialog: QProgressDialog | None = None
        operations.progressed.connect(self._show_progress)
        operations.ended.connect(self._ended)

    @property
    def is_running(self) -> bool:
        return self._operations.is_running(IMPORTING)

    def start(self, files: list[Path]) -> None:
        """Import `files`; while an import runs, they wait for it to end."""
        if not files:
            return
        if self.is_running:
            self._waiting.extend(files)
            return

        def work(
            library: Library, progress: Progress, cancelled: Cancelled
        ) -> Outcome[ImportReport]:
            return import_files(library, files, progress=progress, cancelled=cancelled)

        running = self._operations.start(IMPORTING, work, self._report)
        if running is not None:
            self.progress_dialog = self._make_progress_dialog(len(files))
            self.progress_dialog.canceled.connect(running.cancel)

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
        return f"Importing {count(total, 'file')}: {done:,} done…"

    @Slot(str, int, int)
    def _show_progress(self, label: str, done: int, total: int) -> None:
        if label == IMPORTING and self.progress_dialog is not None and total:
            self.progress_dialog.setLabelText(self._progress_label(done, total))
            self.progress_dialog.setValue(done)

    @Slot(str)
    def _ended(self, label: str) -> None:
        """Once the summary is closed: clean up, then import the files that waited."""
        if label != IMPORTING:
            return
        self._close_progress()
        if self._waiting:
            files, self._waiting = self._waiting, []
            self.start(files)

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()  # also stops its timer, which would show it again
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _report(self, report: ImportReport) -> None:
        self._close_progress()
        self.imported.emit(report)
        ImportSummaryDialog.ask(self._parent, report)
