"""The stories list: "All sources", then every story with its status and counts. Sources
dragged from the sources list are dropped onto a story here to file them in it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from sourcemark.app.models import StorySummary
from sourcemark.ui.models import plain_tooltip

ARTICLES_MIME = "application/x-sourcemark-articles"
"""Dragged sources: their ids, one a line."""
StoryIdRole = Qt.ItemDataRole.UserRole + 1
ALL_SOURCES = "All sources"

Index = QModelIndex | QPersistentModelIndex


def articles_mime(article_ids: list[str]) -> QMimeData:
    mime = QMimeData()
    mime.setData(ARTICLES_MIME, QByteArray("\n".join(article_ids).encode("ascii")))
    return mime


def dropped_articles(mime: QMimeData) -> list[str]:
    if not mime.hasFormat(ARTICLES_MIME):
        return []
    return [
        line for line in bytes(mime.data(ARTICLES_MIME).data()).decode("ascii").split("\n") if line
    ]


class StoriesModel(QAbstractListModel):
    """Row 0 is every source (story id ""), then the stories by name."""

    sourcesDropped = Signal(str, list)
    """(story id, article ids) dropped onto a story."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._stories: list[StorySummary] = []

    def set_stories(self, stories: list[StorySummary]) -> None:
        self.beginResetModel()
        self._stories = list(stories)
        self.endResetModel()

    def story_id(self, row: int) -> str:
        return "" if row == 0 else self._stories[row - 1].story.id

    def row_of(self, story_id: str) -> int | None:
        if not story_id:
            return 0
        for row, summary in enumerate(self._stories, 1):
            if summary.story.id == story_id:
                return row
        return None

    def summary(self, story_id: str) -> StorySummary | None:
        row = self.row_of(story_id)
        return self._stories[row - 1] if row else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._stories) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() <= len(self._stories):
            return None
        row = index.row()
        if role == StoryIdRole:
            return self.story_id(row)
        if row == 0:
            return ALL_SOURCES if role == Qt.ItemDataRole.DisplayRole else None
        summary = self._stories[row - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{summary.story.name}  ·  {summary.sources}"
        if role == Qt.ItemDataRole.ToolTipRole:
            story = summary.story
            lines = [
                story.name,
                f"{story.status.value.capitalize()} · {summary.sources} sources · "
                f"{summary.claims} claims, {summary.quotes} quotes, {summary.rebuttals} rebuttals",
            ]
            return plain_tooltip(
                "\n".join([*lines, story.description] if story.description else lines)
            )
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return f"{summary.story.status.value}, {summary.sources} sources"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.row() > 0:
            return base | Qt.ItemFlag.ItemIsDropEnabled
        return base

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [ARTICLES_MIME]

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction

    def canDropMimeData(  # noqa: N802
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return parent.isValid() and parent.row() > 0 and bool(dropped_articles(data))

    def dropMimeData(  # noqa: N802
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        self.sourcesDropped.emit(self.story_id(parent.row()), dropped_articles(data))
        return True
