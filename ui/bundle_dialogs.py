"""Exporting an annotated bundle and importing one, run in the background with progress."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.models import Kind
from sourcemark.ui.combo import ComboBox

BUNDLE_FILTER = "Sourcemark bundles (*.zip);;All files (*)"
MAX_PATH_FIELD_WIDTH = 640


@dataclass(frozen=True, slots=True)
class ExportRequest:
    out: Path
    article_ids: list[str] | None
    kind: str | None
    story_id: str | None = None


class ExportDialog(QDialog):
    """Where to write the bundle, which sources, and which kinds of annotation."""

    def __init__(
        self,
        default_out: Path,
        open_article: str | None,
        story: tuple[str, str] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Export annotated bundle")
        self._open_article = open_article
        self._story = story
        self.all_sources = QRadioButton("Every source in the library")
        self.open_source = QRadioButton("Only the source open in the reader")
        self.open_source.setEnabled(open_article is not None)
        self.story = QRadioButton(f"The story “{story[1]}”" if story else "The chosen story")
        self.story.setEnabled(story is not None)
        (
            self.story if story else self.open_source if open_article else self.all_sources
        ).setChecked(True)
        self.kind = ComboBox()
        self.kind.addItem("Every kind", None)
        for kind in Kind:
            self.kind.addItem(f"{kind.value.capitalize()}s only", kind.value)
        self.out = QLineEdit(str(default_out))
        metrics = self.out.fontMetrics()  # room for the whole path, padding and cursor
        path_width = metrics.horizontalAdvance(str(default_out)) + 4 * metrics.averageCharWidth()
        self.out.setMinimumWidth(min(path_width, MAX_PATH_FIELD_WIDTH))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(browse)
        scope = QVBoxLayout()
        scope.addWidget(self.story)
        scope.addWidget(self.all_sources)
        scope.addWidget(self.open_source)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Sources", scope)
        form.addRow("Annotations", self.kind)
        form.addRow("Bundle file", where)
        form.addRow(buttons)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export bundle", self.out.text(), BUNDLE_FILTER
        )
        if chosen:
            self.out.setText(chosen)

    def request(self) -> ExportRequest:
        ids = [self._open_article] if self.open_source.isChecked() and self._open_article else None
        story = self._story[0] if self._story and self.story.isChecked() else None
        return ExportRequest(
            Path(self.out.text()).expanduser(), ids, self.kind.currentData(), story
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        default_out: Path,
        open_article: str | None,
        story: tuple[str, str] | None = None,
    ) -> ExportRequest | None:
        """What to export (the chosen story, if any, is offered first), or None if the user
        cancelled."""
        dialog = cls(default_out, open_article, story, parent)
        try:
            return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class ReplaceBundleQuestion:
    """Whether to replace a bundle file that already exists."""

    @classmethod
    def ask(cls, parent: QWidget, path: Path) -> bool:
        """True to replace `path` (a seam: tests replace it)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Export annotated bundle",
            f"{path.name} already exists in {path.parent}.\n\nReplace it with the new bundle?",
            QMessageBox.StandardButton.Cancel,
            parent,
        )
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is replace


def ask_bundle_file(parent: QWidget) -> Path | None:
    """The bundle to import (a seam: tests replace it)."""
    chosen, _ = QFileDialog.getOpenFileName(parent, "Import bundle", "", BUNDLE_FILTER)
    return Path(chosen) if chosen else None
