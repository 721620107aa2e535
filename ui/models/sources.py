"""The sources list: every article's title, outlet, date and annotation counts, loaded lazily.

The model holds only the sorted, filtered ids; rows are exposed to views in pages through
canFetchMore/fetchMore, and summaries are read from the library a page at a time and cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from sourcemark.app.library import Library
from sourcemark.app.models import ArticleSummary
from sourcemark.ui.models import column_title, plain_tooltip
from sourcemark.ui.models.stories import ARTICLES_MIME, articles_mime

PAGE_SIZE = 200
COLUMNS = ("Title", "Outlet", "Date", "Claims", "Quotes", "Rebuttals")
CLAIMS = COLUMNS.index("Claims")
ORDERS = {"Date": "published", "Title": "title", "Outlet": "outlet"}
SummaryRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class SourcesModel(QAbstractTableModel):
    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self.contains = ""
        self.order = "published"
        self.story_id = ""
        """Only this story's sources ("" for every source)."""
        self._ids: list[str] = []
        self._shown = 0
        self._summaries: dict[str, ArticleSummary] = {}
        self.reload()

    # --- what the list holds -------------------------------------------------------------

    def reload(self) -> None:
        """Read the ids again: after imports, or a change of `contains` (filter) or `order`."""
        self.beginResetModel()
        self._ids = self.library.article_ids(
            self.contains, self.order, story_id=self.story_id or None
        )
        self._shown = 0
        self._summaries.clear()
        self.endResetModel()

    def refresh_article(self, article_id: str) -> None:
        """Re-read one article's counts after its annotations changed."""
        self._summaries.pop(article_id, None)
        row = self.row_of(article_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def row_of(self, article_id: str) -> int | None:
        """The row showing an article, fetching pages until it is reached; None if filtered out."""
        try:
            row = self._ids.index(article_id)
        except ValueError:
            return None
        while row >= self._shown:
            self.fetchMore(QModelIndex())
        return row

    def article_id(self, row: int) -> str:
        return self._ids[row]

    def summary(self, row: int) -> ArticleSummary:
        article_id = self._ids[row]
        if article_id not in self._summaries:
            page_start = row - row % PAGE_SIZE
            page = self._ids[page_start : page_start + PAGE_SIZE]
            self._summaries.update(self.library.article_summaries(page))
        return self._summaries[article_id]

    @property
    def total(self) -> int:
        """How many articles match, shown or not yet fetched."""
        return len(self._ids)

    # --- Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and self._shown < len(self._ids)

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if parent.isValid():
            return
        more = min(PAGE_SIZE, len(self._ids) - self._shown)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [ARTICLES_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        """The dragged sources' ids, for dropping onto a story."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        return articles_mime([self._ids[row] for row in rows])

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(COLUMNS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        if role == SummaryRole:
            return self.summary(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= CLAIMS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(self.summary(index.row()), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:  # the list cuts long titles short
            return _tooltip(self.summary(index.row()))
        return None


def _tooltip(summary: ArticleSummary) -> str:
    details = " · ".join(x for x in (summary.outlet, summary.author, summary.published) if x)
    return plain_tooltip("\n".join(x for x in (summary.title or "Untitled source", details) if x))


def _cell(summary: ArticleSummary, column: int) -> str | int:
    values: tuple[str | int, ...] = (
        summary.title or "Untitled source",
        summary.outlet,
        summary.published,
        summary.claims,
        summary.quotes,
        summary.rebuttals,
    )
    return values[column]
