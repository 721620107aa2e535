"""The desk's three columns, in which the side panels give way to the reader.

When the window is too narrow for the reader's measure, the sources and annotations panels
shrink (each down to its minimum, in proportion to what it can spare) before the reader
does. With room to spare the sizes stay as the user dragged them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

READER = 1


def give_way(sizes: list[int], minimums: list[int], reader_wants: int) -> list[int]:
    """New sizes (left, reader, right) in which the sides lend the reader what it lacks of
    `reader_wants`, never going below their minimums; the total is unchanged."""
    lacking = reader_wants - sizes[READER]
    sides = [i for i in range(len(sizes)) if i != READER]
    spare = {i: max(0, sizes[i] - minimums[i]) for i in sides}
    total_spare = sum(spare.values())
    if lacking <= 0 or total_spare == 0:
        return list(sizes)
    lent = min(lacking, total_spare)
    result = list(sizes)
    given = 0
    for n, i in enumerate(sides):
        share = lent - given if n == len(sides) - 1 else lent * spare[i] // total_spare
        result[i] -= share
        given += share
    result[READER] += lent
    return result


class ReadingSplitter(QSplitter):
    """A horizontal splitter of (left panel, reader, right panel); `reader_wants()` says how
    wide the reader would like to be, `floors` how narrow each side panel may get for it (the
    panels' own minimums stay lower, so the window can still be made small)."""

    def __init__(
        self,
        reader_wants: Callable[[], int],
        floors: tuple[int, int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._reader_wants = reader_wants
        self._floors = [floors[0], 0, floors[1]]

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.make_room_for_the_reader()

    def make_room_for_the_reader(self) -> None:
        widgets = [self.widget(i) for i in range(self.count())]
        if len(widgets) != 3:
            return
        minimums = [
            max(floor, w.minimumWidth(), w.minimumSizeHint().width()) if w is not None else 0
            for w, floor in zip(widgets, self._floors, strict=True)
        ]
        sizes = self.sizes()
        wanted = give_way(sizes, minimums, self._reader_wants())
        if wanted != sizes:
            self.setSizes(wanted)
