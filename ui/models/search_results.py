"""The search panel's list model: the hits of one search (a page of at most `limit` hits)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sourcemark.app.models import Kind, Verdict
from sourcemark.ui.models import plain_tooltip

if TYPE_CHECKING:
    from sourcemark.app.search.results import Hit

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The `Hit` itself, for the delegate and for opening the passage."""

ModelIndex = QModelIndex | QPersistentModelIndex


def hit_label(hit: Hit) -> str:
    """What kind of place a hit is: 'Article', 'Quote', or 'Claim · Mostly true'."""
    if hit.kind is None:  # a hit on an article's own text
        return "Article"
    label = Kind(hit.kind).value.capitalize()
    if hit.verdict:
        label += f" · {Verdict(hit.verdict).label}"
    return label


def hit_source_line(hit: Hit) -> str:
    """The source's title, outlet and date, as one line."""
    details = [part for part in (hit.outlet, hit.published) if part]
    title = hit.title or "Untitled source"
    return f"{title} ({', '.join(details)})" if details else title


class SearchResultsModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit_label(hit)}: {hit_source_line(hit)}\n{hit.snippet}"
        if role == Qt.ItemDataRole.ToolTipRole:
            speaker = f"\nSpeaker: {hit.speaker}" if hit.speaker else ""
            return plain_tooltip(f"{hit_label(hit)} in {hit_source_line(hit)}{speaker}")
        if role == HIT_ROLE:
            return hit
        return None
