"""The search panel's list model: the hits of one search (at most `limit` hits), read from the
library as the list scrolls: the first screen at once, the rest as Qt asks for more."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sourcemark.app.models import Kind, Verdict
from sourcemark.ui.models import plain_tooltip

if TYPE_CHECKING:
    from sourcemark.app.search.results import Hit, SearchResults

    ReadMore = Callable[[SearchResults, int], tuple[list[Hit], SearchResults]]

PAGE = 20  # hits read at a time when the list scrolls to its end

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


def match_label(hit: Hit) -> str:
    """A claim-matching hit: its kind and verdict, speaker and similarity."""
    speaker = f" · {hit.speaker}" if hit.speaker else ""
    return f"{hit_label(hit)}{speaker} · {hit.score:.0%} similar"


def hit_source_line(hit: Hit) -> str:
    """The source's title, outlet and date, as one line."""
    details = [part for part in (hit.outlet, hit.published) if part]
    title = hit.title or "Untitled source"
    return f"{title} ({', '.join(details)})" if details else title


class SearchResultsModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._results: SearchResults | None = None
        self._read_more: ReadMore | None = None

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._results = self._read_more = None
        self.endResetModel()

    def set_results(self, results: SearchResults, read_more: ReadMore) -> None:
        """The hits read so far, and how to read the ranked rest when the list wants them."""
        self.beginResetModel()
        self._hits = list(results.hits)
        self._results, self._read_more = results, read_more
        self.endResetModel()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._results is not None and bool(self._results.pending)

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        assert self._results is not None and self._read_more is not None
        new, self._results = self._read_more(self._results, PAGE)
        if new:
            self.beginInsertRows(QModelIndex(), len(self._hits), len(self._hits) + len(new) - 1)
            self._hits.extend(new)
            self.endInsertRows()

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
