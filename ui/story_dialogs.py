"""Small dialogs for stories and sources: a new story, deleting a source, an annotation's
history. Each has an `ask()` seam, so tests never block on a modal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.history import Version


class NewStoryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New story")
        self.name = QLineEdit(placeholderText="e.g. City budget 2025")
        self.description = QPlainTextEdit(placeholderText="What the story is about (optional)")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start story")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.name.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        form = QFormLayout(self)
        form.addRow("&Name", self.name)
        form.addRow("&Description", self.description)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget) -> tuple[str, str] | None:
        """(name, description) of the story to start, or None if the user cancelled."""
        dialog = cls(parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.name.text(), dialog.description.toPlainText()
        finally:
            dialog.deleteLater()


def ask_story_to_file_in(parent: QWidget, title: str, stories: list[str]) -> str | None:
    """The story to file a source in, or None if the user cancelled (a seam: tests replace it)."""
    story, ok = QInputDialog.getItem(
        parent, "File in a story", f"File “{title[:60]}” in the story:", stories, 0, False
    )
    return story if ok and story else None


def confirm_deleting_source(parent: QWidget, title: str, annotations: int) -> bool:
    """Ask once before a source goes to the trash (a seam: tests replace it)."""
    what = f"“{title}” and its {annotations} annotations" if annotations else f"“{title}”"
    answer = QMessageBox.question(
        parent,
        "Delete source",
        f"Move {what} to the trash? Undo (Ctrl+Z) brings it back; "
        "`sourcemark empty-trash` removes it for good.",
    )
    return answer == QMessageBox.StandardButton.Yes


class HistoryDialog(QDialog):
    """Every version of an annotation with what changed; one can be made current again."""

    def __init__(self, versions: list[Version], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annotation history")
        self.resize(640, 380)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Versions")
        self.tree.setHeaderLabels(["Version", "Made", "What changed"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for version in reversed(versions):
            changed = "; ".join(
                f"{field}: {_short(before)} → {_short(after)}"
                for field, before, after in version.changes
            ) or ("first version" if version.number == 1 else "")
            label = f"{version.number}" + (" (current)" if version.current else "")
            item = QTreeWidgetItem([label, version.made_at[:19].replace("T", " "), changed])
            item.setData(0, Qt.ItemDataRole.UserRole, version.number)
            item.setToolTip(2, changed)
            self.tree.addTopLevelItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.revert = buttons.addButton(
            "Revert to this version", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.revert.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.tree.itemSelectionChanged.connect(self._update)
        self._current = versions[-1].number
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Reverting makes the chosen version current as a new version."))
        layout.addWidget(self.tree)
        layout.addWidget(buttons)

    def chosen(self) -> int | None:
        items = self.tree.selectedItems()
        return int(items[0].data(0, Qt.ItemDataRole.UserRole)) if items else None

    def _update(self) -> None:
        chosen = self.chosen()
        self.revert.setEnabled(chosen is not None and chosen != self._current)

    @classmethod
    def ask(cls, parent: QWidget, versions: list[Version]) -> int | None:
        """The version to revert to, or None."""
        dialog = cls(versions, parent)
        try:
            return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def _short(value: object) -> str:
    text = " ".join(str(value if value is not None else "—").split())
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"
