"""Exporting an annotated bundle and importing one, run in the background with progress."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.models import Kind

BUNDLE_FILTER = "Sourcemark bundles (*.zip);;All files (*)"
MAX_PATH_FIELD_WIDTH = 640


@dataclass(frozen=True, slots=True)
class ExportRequest:
    out: Path
    article_ids: list[str] | None
    kind: str | None


class ExportDialog(QDialog):
    """Where to write the bundle, which sources, and which kinds of annotation."""

    def __init__(self, default_out: Path, open_article: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export annotated bundle")
        self._open_article = open_article
        self.all_sources = QRadioButton("Every source in the library")
        self.open_source = QRadioButton("Only the source open in the reader")
        self.open_source.setEnabled(open_article is not None)
        (self.open_source if open_article else self.all_sources).setChecked(True)
        self.kind = QComboBox()
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
        return ExportRequest(Path(self.out.text()).expanduser(), ids, self.kind.currentData())

    @classmethod
    def ask(
        cls, parent: QWidget, default_out: Path, open_article: str | None
    ) -> ExportRequest | None:
        """What to export, or None if the user cancelled."""
        dialog = cls(default_out, open_article, parent)
        try:
            return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def ask_bundle_file(parent: QWidget) -> Path | None:
    """The bundle to import (a seam: tests replace it)."""
    chosen, _ = QFileDialog.getOpenFileName(parent, "Import bundle", "", BUNDLE_FILTER)
    return Path(chosen) if chosen else None
