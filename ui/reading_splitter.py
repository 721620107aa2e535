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


def give_way(sizes: list[int], minimums: list[int], reader: int, reader_wants: int) -> list[int]:
    """New sizes in which the reader (at index `reader`) and the other panels share the room:
    the panels lend the reader what it lacks of `reader_wants`, in proportion to what each can
    spare above its minimum; a reader wider than it wants gives a panel below its minimum
    what that panel lacks. The total is unchanged; a hidden panel (size 0) is left alone."""
    result = list(sizes)
    sides = [i for i in range(len(sizes)) if i != reader and sizes[i] > 0]
    surplus = result[reader] - reader_wants
    for i in sides:
        lacking = minimums[i] - result[i]
        if surplus > 0 and lacking > 0:
            raised = min(lacking, surplus)
            result[i] += raised
            result[reader] -= raised
            surplus -= raised
    lacking = reader_wants - result[reader]
    spare = {i: max(0, result[i] - minimums[i]) for i in sides}
    total_spare = sum(spare.values())
    if lacking <= 0 or total_spare == 0:
        return result
    lent = min(lacking, total_spare)
    given = 0
    lenders = [i for i in sides if spare[i]]
    for n, i in enumerate(lenders):
        share = lent - given if n == len(lenders) - 1 else lent * spare[i] // total_spare
        result[i] -= share
        given += share
    result[reader] += lent
    return result


class ReadingSplitter(QSplitter):
    """A horizontal splitter of panels around the reader; `reader_wants()` says how wide the
    reader would like to be, `floors` how narrow a panel may get for it (the panels' own
    minimums stay lower, so the window can still be made small)."""

    def __init__(
        self,
        reader: QWidget,
        reader_wants: Callable[[], int],
        floors: dict[QWidget, int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._reader = reader
        self._reader_wants = reader_wants
        self._floors = floors

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.make_room_for_the_reader()

    def make_room_for_the_reader(self) -> None:
        widgets = [w for i in range(self.count()) if (w := self.widget(i)) is not None]
        if self._reader not in widgets:
            return
        minimums = [
            max(self._floors.get(w, 0), w.minimumWidth(), w.minimumSizeHint().width())
            for w in widgets
        ]
        sizes = self.sizes()
        wanted = give_way(sizes, minimums, widgets.index(self._reader), self._reader_wants())
        if wanted != sizes:
            self.setSizes(wanted)
