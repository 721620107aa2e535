"""Pick the claim a rebuttal answers, from every article in the library."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Kind
from sourcemark.ui.models.annotations import AnnotationIdRole, preview

Index = QModelIndex | QPersistentModelIndex
LIST_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class ClaimsModel(QAbstractListModel):
    """Every claim in the library, each shown with its speaker and its article's title."""

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        titles = {summary.id: summary.title for summary in library.articles()}
        self._claims: list[tuple[Annotation, str]] = [
            (claim, titles.get(claim.article_id, ""))
            for claim in library.annotations(kind=Kind.CLAIM)
        ]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._claims)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._claims):
            return None
        claim, title = self._claims[index.row()]
        if role == AnnotationIdRole:
            return claim.id
        if role == Qt.ItemDataRole.DisplayRole:
            speaker = f" ({claim.speaker})" if claim.speaker else ""
            return f"“{preview(claim.quote, 90)}”{speaker}\n{title or 'Untitled source'}"
        return None


class LinkPicker(QDialog):
    def __init__(
        self, library: Library, current: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Which claim does this rebuttal answer?")
        self.resize(640, 480)
        self.claims = ClaimsModel(library, self)
        self.filtered = QSortFilterProxyModel(self)
        self.filtered.setSourceModel(self.claims)
        self.filtered.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit(placeholderText="Filter claims by words, speaker or source title")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.filtered.setFilterFixedString)
        self.filter.textChanged.connect(self._keep_a_claim_chosen)
        self.filter.installEventFilter(self)
        self.list = QListView()
        self.list.setModel(self.filtered)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        self.list.doubleClicked.connect(self.accept)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.list.selectionModel().selectionChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self._select(current)
        self._update_ok()

    def _select(self, claim_id: str | None) -> None:
        matches = self.filtered.match(
            self.filtered.index(0, 0), AnnotationIdRole, claim_id, 1, Qt.MatchFlag.MatchExactly
        )
        if claim_id and matches:
            self.list.setCurrentIndex(matches[0])

    def _keep_a_claim_chosen(self) -> None:
        """While filtering, the best remaining claim is chosen, so Enter links it."""
        if not self.list.selectionModel().hasSelection() and self.filtered.rowCount():
            self.list.setCurrentIndex(self.filtered.index(0, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Up, Down, Page Up and Page Down in the filter box move through the claims."""
        if (
            watched is self.filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in LIST_KEYS
        ):
            QApplication.sendEvent(self.list, event)
            return True
        return super().eventFilter(watched, event)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.chosen_claim() is not None)

    def chosen_claim(self) -> str | None:
        selected = self.list.selectionModel().selectedIndexes()
        return selected[0].data(AnnotationIdRole) if selected else None

    @classmethod
    def ask(cls, parent: QWidget, library: Library, current: str | None = None) -> str | None:
        """The id of the claim the user picked, or None if they cancelled."""
        dialog = cls(library, current, parent)
        try:
            return dialog.chosen_claim() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
