"""The desk's view of the trash: what was deleted, when and by whom; the chosen entries come
back (one undo step each), or the trash is emptied for good after asking once more."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.trash import TrashItem
from sourcemark.app.wording import count

_KINDS = {"article": "Source", "annotation": "Annotation", "story": "Story"}


@dataclass(frozen=True, slots=True)
class TrashAnswer:
    """What the user chose: entries to restore, or to empty the trash."""

    restore: list[TrashItem] = field(default_factory=list)
    empty: bool = False


class TrashDialog(QDialog):
    def __init__(self, items: list[TrashItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trash")
        self.resize(720, 400)
        self.items = items
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Deleted items")
        self.tree.setHeaderLabels(["Kind", "Deleted", "By", "Title, passage or name"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for number, item in enumerate(items):
            row = QTreeWidgetItem(
                [
                    _KINDS.get(item.target_type, item.target_type),
                    item.deleted_at[:16].replace("T", " "),
                    item.deleted_by,
                    " ".join(item.label.split()),
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, number)
            row.setToolTip(3, item.label)
            self.tree.addTopLevelItem(row)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore.setEnabled(False)
        self.empty = buttons.addButton("Empty trash…", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.empty.setEnabled(bool(items))
        self.emptying = False
        self.empty.clicked.connect(self._empty)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.tree.itemSelectionChanged.connect(
            lambda: self.restore.setEnabled(bool(self.tree.selectedItems()))
        )
        self.tree.itemActivated.connect(lambda _item, _column: self.accept())
        layout = QVBoxLayout(self)
        heading = (
            f"{count(len(items), 'deletion')} in the trash. Restoring brings a source back "
            "with its annotations and links."
            if items
            else "The trash is empty."
        )
        layout.addWidget(QLabel(heading))
        layout.addWidget(self.tree)
        layout.addWidget(buttons)

    def chosen(self) -> list[TrashItem]:
        rows = sorted(
            int(row.data(0, Qt.ItemDataRole.UserRole)) for row in self.tree.selectedItems()
        )
        return [self.items[number] for number in rows]

    @Slot()
    def _empty(self) -> None:
        self.emptying = True
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget, items: list[TrashItem]) -> TrashAnswer | None:
        """The entries to restore or emptying the trash; None if the user closed it."""
        dialog = cls(items, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            if dialog.emptying:
                return TrashAnswer(empty=True)
            chosen = dialog.chosen()
            return TrashAnswer(restore=chosen) if chosen else None
        finally:
            dialog.deleteLater()


def confirm_emptying_trash(parent: QWidget, deletions: int) -> bool:
    """Ask before anything is destroyed for good (a seam: tests replace it)."""
    answer = QMessageBox.warning(
        parent,
        "Empty trash",
        f"Destroy the {count(deletions, 'deletion')} in the trash for good? This cannot be "
        "undone. A bundle that still carries a destroyed item puts it back in the trash.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes
