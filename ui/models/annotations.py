"""The open article's annotations in text order: kind, start of the quote, speaker, verdict."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sourcemark.app.models import Annotation, PassageStatus
from sourcemark.ui.highlights import kind_icon
from sourcemark.ui.models import column_title, plain_tooltip

COLUMNS = ("Kind", "Passage", "Speaker", "Verdict")
QUOTE_PREVIEW_CHARS = 60
AnnotationIdRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class AnnotationsModel(QAbstractTableModel):
    """Holds one article's annotations (an article has at most a few hundred)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._annotations: list[Annotation] = []

    def set_annotations(self, annotations: list[Annotation]) -> None:
        self.beginResetModel()
        self._annotations = sorted(annotations, key=lambda a: (a.start, a.end, a.id))
        self.endResetModel()

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
        return column_title(COLUMNS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._annotations):
            return None
        annotation = self._annotations[index.row()]
        if role == AnnotationIdRole:
            return annotation.id
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return kind_icon(annotation.kind)
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(annotation, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:  # the narrow columns cut the passage short
            return tooltip(annotation)
        return None


def _cell(annotation: Annotation, column: int) -> str:
    if column == 0:
        kind = annotation.kind.value.capitalize()
        return kind if annotation.status is PassageStatus.SAME else f"{kind} ({annotation.status})"
    if column == 1:
        return preview(annotation.quote)
    if column == 2:
        return annotation.speaker
    return annotation.verdict.label if annotation.verdict else ""


def tooltip(annotation: Annotation) -> str:
    """The passage in full (up to a long paragraph), then the note."""
    lines = [f"{annotation.kind.value.capitalize()}: “{preview(annotation.quote, 600)}”"]
    if annotation.status is PassageStatus.EDITED and annotation.annotated_quote is not None:
        lines.append(
            f"Edited by the publisher; it read: “{preview(annotation.annotated_quote, 600)}”"
        )
    elif annotation.status is PassageStatus.REMOVED:
        lines.append(f"Removed by the publisher: it stays on version {annotation.version}")
    if annotation.note:
        lines.append(f"Note: {annotation.note}")
    return plain_tooltip("\n".join(lines))


def preview(quote: str, width: int = QUOTE_PREVIEW_CHARS) -> str:
    """The start of a quote on one line."""
    flat = " ".join(quote.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
