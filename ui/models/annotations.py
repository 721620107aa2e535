"""The open article's annotations: kind, passage (with the first line of its note), speaker
and verdict, in text order or sorted by a column (the passage sorts by position in the text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sourcemark.app.models import Annotation, Kind, PassageStatus, Verdict
from sourcemark.ui.highlights import kind_icon
from sourcemark.ui.models import column_title, plain_tooltip

COLUMNS = ("Kind", "Passage", "Speaker", "Verdict")
KIND, PASSAGE, SPEAKER, VERDICT = range(len(COLUMNS))
QUOTE_PREVIEW_CHARS = 300
AnnotationIdRole = Qt.ItemDataRole.UserRole + 1
NoteRole = Qt.ItemDataRole.UserRole + 2
"""The first line of the annotation's note (the passage column shows it under the passage)."""

Index = QModelIndex | QPersistentModelIndex
_KIND_ORDER = {kind: n for n, kind in enumerate(Kind)}
_VERDICT_ORDER = {verdict: n for n, verdict in enumerate(Verdict)}


def _position(a: Annotation) -> tuple[str, int, int, str]:
    """Text order; a story's annotations grouped by source first."""
    return a.article_id, a.start, a.end, a.id


# What each column sorts by; ties keep text order. Empty speakers and notes sort last.
SORT_KEYS: dict[int, Callable[[Annotation], Any]] = {
    KIND: lambda a: (_KIND_ORDER[a.kind], _position(a)),
    PASSAGE: _position,
    SPEAKER: lambda a: (not a.speaker, a.speaker.casefold(), _position(a)),
    VERDICT: lambda a: (
        a.verdict is None,
        _VERDICT_ORDER[a.verdict] if a.verdict else 0,
        _position(a),
    ),
}


class AnnotationsModel(QAbstractTableModel):
    """Holds one article's annotations (an article has at most a few hundred)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._annotations: list[Annotation] = []
        self._creators: dict[str, str] = {}
        self._sort = (PASSAGE, Qt.SortOrder.AscendingOrder)

    def set_annotations(
        self, annotations: list[Annotation], creators: dict[str, str] | None = None
    ) -> None:
        """Show these annotations; `creators` names who made each (by id), where known."""
        self.beginResetModel()
        self._annotations = self._sorted(annotations)
        self._creators = creators or {}
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (the view calls this when a header is clicked)."""
        if column not in SORT_KEYS:
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._annotations[i.row()].id if i.isValid() else None for i in before]
        self._sort = (column, order)
        self._annotations = self._sorted(self._annotations)
        rows = {a.id: n for n, a in enumerate(self._annotations)}
        after = [
            self.index(rows[i], old.column()) if i is not None else QModelIndex()
            for i, old in zip(ids, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _sorted(self, annotations: list[Annotation]) -> list[Annotation]:
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(annotations, key=SORT_KEYS[column], reverse=descending)

    def annotation(self, row: int) -> Annotation:
        return self._annotations[row]

    def row_of(self, annotation_id: str) -> int | None:
        for row, annotation in enumerate(self._annotations):
            if annotation.id == annotation_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._annotations)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and section == PASSAGE:
            return "Sorts by where the passage is in the text"
        return column_title(COLUMNS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._annotations):
            return None
        annotation = self._annotations[index.row()]
        if role == AnnotationIdRole:
            return annotation.id
        if role == NoteRole:
            return first_line(annotation.note)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == KIND:
            return kind_icon(annotation.kind)
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(annotation, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:  # the narrow columns cut the passage short
            return tooltip(annotation, self._creators.get(annotation.id))
        return None


def _cell(annotation: Annotation, column: int) -> str:
    if column == KIND:
        kind = annotation.kind.value.capitalize()
        return kind if annotation.status is PassageStatus.SAME else f"{kind} ({annotation.status})"
    if column == PASSAGE:
        return preview(annotation.quote, QUOTE_PREVIEW_CHARS)
    if column == SPEAKER:
        return annotation.speaker
    return annotation.verdict.label if annotation.verdict else ""


def first_line(note: str) -> str:
    """A note's first line, marked as continued when there is more."""
    lines = note.strip().splitlines()
    if not lines:
        return ""
    return lines[0] + (" …" if len(lines) > 1 else "")


def tooltip(annotation: Annotation, creator: str | None = None) -> str:
    """The passage in full (up to a long paragraph), then the note and who made it."""
    lines = [f"{annotation.kind.value.capitalize()}: “{preview(annotation.quote, 600)}”"]
    if annotation.status is PassageStatus.EDITED and annotation.annotated_quote is not None:
        lines.append(
            f"Edited by the publisher; it read: “{preview(annotation.annotated_quote, 600)}”"
        )
    elif annotation.status is PassageStatus.REMOVED:
        lines.append(f"Removed by the publisher: it stays on version {annotation.version}")
    if annotation.note:
        lines.append(f"Note: {annotation.note}")
    if creator:
        lines.append(f"By {creator}")
    return plain_tooltip("\n".join(lines))


def preview(quote: str, width: int = 60) -> str:
    """The start of a quote on one line."""
    flat = " ".join(quote.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
