"""How annotations look in the reader: a colour-blind-safe tint plus an underline style per kind.

Overlapping annotations are cut into segments where the set of covering annotations is
constant; each segment gets one format (blended tint, deeper where annotations overlap, and the
underline of the innermost one), so nested and crossing passages all stay visible. Segments are
written into the (read-only) document's character formats in one edit block.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QIcon,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)

from sourcemark.app import palette
from sourcemark.app.models import Annotation, Kind, PassageStatus
from sourcemark.ui.offsets import OffsetMap

# The palette the report and the legend share (app/palette.py).
KIND_COLOURS: dict[Kind, QColor] = {kind: QColor(c) for kind, c in palette.KIND_COLOURS.items()}
# The cue that does not depend on colour.
KIND_UNDERLINES: dict[Kind, QTextCharFormat.UnderlineStyle] = {
    Kind.CLAIM: QTextCharFormat.UnderlineStyle.SingleUnderline,
    Kind.QUOTE: QTextCharFormat.UnderlineStyle.DotLine,
    Kind.REBUTTAL: QTextCharFormat.UnderlineStyle.WaveUnderline,
}
KIND_UNDERLINE_NAMES: dict[Kind, str] = {
    Kind.CLAIM: "solid underline",
    Kind.QUOTE: "dotted underline",
    Kind.REBUTTAL: "wavy underline",
}
# Passages the publisher edited after they were annotated: dark red italic text.
EDITED_COLOUR = QColor("#9C1C08")
_TINT_ALPHA, _TINT_ALPHA_PER_LAYER, _TINT_ALPHA_MAX = 70, 45, 190


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text covered by the same annotations (code-point offsets)."""

    start: int
    end: int
    covering: tuple[Annotation, ...]


def segments(annotations: Iterable[Annotation]) -> list[Segment]:
    """Cut overlapping annotations into non-overlapping segments, in text order (a sweep)."""
    by_start = sorted(annotations, key=lambda a: a.start)
    by_end = sorted(by_start, key=lambda a: a.end)
    bounds = sorted({a.start for a in by_start} | {a.end for a in by_start})
    active: dict[str, Annotation] = {}
    opened = closed = 0
    result = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        while closed < len(by_end) and by_end[closed].end <= start:
            active.pop(by_end[closed].id, None)
            closed += 1
        while opened < len(by_start) and by_start[opened].start <= start:
            if by_start[opened].end > start:
                active[by_start[opened].id] = by_start[opened]
            opened += 1
        if active:
            result.append(Segment(start, end, tuple(active.values())))
    return result


@dataclass(frozen=True, slots=True)
class Boundary:
    """Where a passage starts or ends inside (or right against) another passage, so that its
    tint alone does not show it: the reader draws a thin mark there."""

    offset: int
    kind: Kind
    opening: bool


def hidden_boundaries(annotations: Iterable[Annotation]) -> list[Boundary]:
    """The starts and ends that fall within or against another passage, in text order.

    A start s is hidden when another passage runs up to it (start < s <= end); an end e when
    another passage runs on past it (start <= e < end). O(n log n): prefix maxima of the ends
    of the passages sorted by start."""
    ordered = sorted(annotations, key=lambda a: a.start)
    starts = [a.start for a in ordered]
    furthest: list[int] = []
    for a in ordered:
        furthest.append(max(a.end, furthest[-1]) if furthest else a.end)
    found = []
    for a in ordered:
        before = bisect_left(starts, a.start)  # the passages starting strictly before a
        if before and furthest[before - 1] >= a.start:
            found.append(Boundary(a.start, a.kind, opening=True))
        upto = bisect_right(starts, a.end)  # the passages starting at or before a's end
        if upto and furthest[upto - 1] > a.end:
            found.append(Boundary(a.end, a.kind, opening=False))
    return sorted(found, key=lambda b: (b.offset, b.opening))


def segment_format(covering: Sequence[Annotation]) -> QTextCharFormat:
    """Blended tint of every covering kind; the underline of the innermost annotation."""
    innermost = min(covering, key=lambda a: a.end - a.start)
    colours = [KIND_COLOURS[a.kind] for a in covering]
    tint = QColor(
        sum(c.red() for c in colours) // len(colours),
        sum(c.green() for c in colours) // len(colours),
        sum(c.blue() for c in colours) // len(colours),
        min(_TINT_ALPHA + _TINT_ALPHA_PER_LAYER * (len(covering) - 1), _TINT_ALPHA_MAX),
    )
    fmt = QTextCharFormat()
    fmt.setBackground(tint)
    fmt.setUnderlineStyle(KIND_UNDERLINES[innermost.kind])
    fmt.setUnderlineColor(KIND_COLOURS[innermost.kind].darker(180))
    if any(a.status is PassageStatus.EDITED for a in covering):
        fmt.setForeground(EDITED_COLOUR)  # the tooltip and the list say it in words too
        fmt.setFontItalic(True)
    return fmt


def apply(
    document: QTextDocument,
    offsets: OffsetMap,
    annotations: Iterable[Annotation],
    within: tuple[int, int] | None = None,
) -> int:
    """Draw `annotations` into the document's character formats, replacing earlier ones;
    returns how many segments the whole text shows.

    `within` (code-point offsets) redraws only that stretch, where the annotations changed:
    the rest of the text keeps its formats and is not laid out again. On a 1 MB text with
    1,000 highlights a full redraw takes ~300 ms; redrawing one tagged passage, a few ms.
    All in one edit block: the document is laid out again once, lazily, and a cursor skips
    placing itself on screen at every move.
    """
    low, high = within if within is not None else (0, offsets.length)
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    try:
        cursor.setPosition(offsets.to_qt(low))
        cursor.setPosition(offsets.to_qt(high), QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(QTextCharFormat())
        drawn = segments(annotations)
        for segment in drawn:
            start, end = max(segment.start, low), min(segment.end, high)
            if start < end:
                cursor.setPosition(offsets.to_qt(start))
                cursor.setPosition(offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(segment_format(segment.covering))
    finally:
        cursor.endEditBlock()
    return len(drawn)


def changed_span(
    before: Iterable[Annotation], after: Iterable[Annotation]
) -> tuple[int, int] | None:
    """The stretch of text whose highlights differ between two sets of annotations."""
    old, new = set(before), set(after)
    changed = old ^ new
    if not changed:
        return None
    return min(a.start for a in changed), max(a.end for a in changed)


BOUNDARY_PEN_PX = 2.0
BOUNDARY_TICK_PX = 4.0


def draw_boundary(painter: QPainter, line: QRect, boundary: Boundary) -> None:
    """A thin bracket at a passage's hidden start (⌜) or end (⌟), in its kind's deep colour.

    `line` is the cursor rectangle at the boundary: its left edge is the boundary's x, its
    height the line's."""
    pen = QPen(KIND_COLOURS[boundary.kind].darker(170), BOUNDARY_PEN_PX)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    x = line.left() + (0.5 if boundary.opening else -0.5)
    top, bottom = line.top() + 1.0, line.bottom() - 1.0
    painter.drawLine(QPointF(x, top), QPointF(x, bottom))
    if boundary.opening:
        painter.drawLine(QPointF(x, top), QPointF(x + BOUNDARY_TICK_PX, top))
    else:
        painter.drawLine(QPointF(x, bottom), QPointF(x - BOUNDARY_TICK_PX, bottom))


@cache
def kind_icon(kind: Kind, size: int = 16) -> QIcon:
    """A swatch of the kind's tint over its underline style, as the reader draws it."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    tint = QColor(KIND_COLOURS[kind])
    tint.setAlpha(150)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(tint)
    painter.drawRoundedRect(1, 1, size - 2, size - 6, 2, 2)
    pen = QPen(KIND_COLOURS[kind].darker(140), 1.6)
    baseline = size - 2.5
    if kind is Kind.QUOTE:
        pen.setStyle(Qt.PenStyle.DotLine)
    painter.setPen(pen)
    if kind is Kind.REBUTTAL:
        wave = [QPointF(x, baseline + (1.5 if x % 4 < 2 else -1.5)) for x in range(1, size, 2)]
        painter.drawPolyline(QPolygonF(wave))
    else:
        painter.drawLine(QPointF(1, baseline), QPointF(size - 1, baseline))
    painter.end()
    return QIcon(pixmap)
