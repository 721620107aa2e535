"""Upkeep while the desk runs: the daily backup and merging the search index's small segments.

Both run off the GUI thread, so the window never waits on a backup or an index merge.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from sourcemark.app.backup import backup_if_due
from sourcemark.app.changes import Outcome
from sourcemark.app.library import Library
from sourcemark.ui.operations import Operations
from sourcemark.ui.tasks import Cancelled, Progress

UPKEEP_INTERVAL_MS = 10 * 60 * 1000
UPKEEP = "Upkeep"


def keep_up(library: Library, _progress: Progress, cancelled: Cancelled) -> Outcome[Path | None]:
    """Back up when due, then merge the small segments quick index updates leave behind."""
    made = backup_if_due(library.path)
    if not cancelled() and library.index is not None:
        library.index.merge_segments(thorough=True)
    return Outcome(made)


class Upkeep(QObject):
    """Runs `keep_up` now and then, quietly; one run at a time.

    `backedUp(path)` says where a backup was made; a failure reaches the window through
    `Operations.failed`."""

    backedUp = Signal(str)

    def __init__(
        self, operations: Operations, parent: QObject, interval_ms: int = UPKEEP_INTERVAL_MS
    ) -> None:
        super().__init__(parent)
        self._operations = operations
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run)
        self.timer.start()

    def run(self) -> None:
        if not self._operations.is_running(UPKEEP):
            self._operations.start(UPKEEP, keep_up, self._report, quiet=True)

    def stop(self) -> None:
        """No more runs (the window is closing; a run in progress is waited for with the rest)."""
        self.timer.stop()

    def _report(self, made: Path | None) -> None:
        if made is not None:
            self.backedUp.emit(str(made))
