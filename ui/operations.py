"""Running the library's operations for the desk, off the GUI thread when they take long.

Every change goes through an `app/` operation that returns an `Outcome`; `Operations` runs
one and reports back the same way whatever it was: `changed(changes)` so the window redraws
only what changed, `warned(message)` for each warning, `failed(message)` for an expected
problem (nothing was changed), and a bug re-raised on the GUI thread, where it is seen.
Long work (imports, bundles, upkeep) runs on a worker thread that opens its own `Library`:
a SQLite connection belongs to the thread that opened it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from sourcemark.app.changes import Changes, Outcome
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from sourcemark.ui.tasks import BackgroundTask, Cancelled, Progress

T = TypeVar("T")
Work = Callable[[Library, Progress, Cancelled], Outcome[T]]
"""An operation for a worker thread: the library it opened there, progress, cancellation."""


class Operation(QObject):
    """One operation running in the background; `cancel()` asks it to stop between steps."""

    def __init__(self, label: str, task: BackgroundTask, parent: QObject) -> None:
        super().__init__(parent)
        self.label = label
        self.task = task

    def cancel(self) -> None:
        self.task.cancel()

    def wait(self, timeout_ms: int) -> bool:
        return self.task.wait(timeout_ms)


class Operations(QObject):
    """The desk's one way to run an operation.

    Signals (always on the GUI thread):
    - `changed(Changes)`: what an operation changed, for the window to redraw;
    - `warned(str)`: a warning an operation gave (the change was made);
    - `failed(str)`: an expected problem; nothing was changed;
    - `progressed(str, int, int)`: label, done and total of a background operation that is not
      quiet (total 0: busy);
    - `ended(str)`: that operation ended, whatever its outcome.
    """

    changed = Signal(Changes)
    warned = Signal(str)
    failed = Signal(str)
    progressed = Signal(str, int, int)
    ended = Signal(str)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._running: dict[str, Operation] = {}

    def run(
        self, operation: Callable[[Library], Outcome[T]], *, refusal: str = ""
    ) -> Outcome[T] | None:
        """Run a quick operation now on the desk's own library; None if it was refused (the
        message, after `refusal` if given, goes out on `failed`)."""
        try:
            outcome = operation(self.library)
        except SourcemarkError as error:
            self.failed.emit(f"{refusal}{error}")
            return None
        self._report(outcome)
        return outcome

    def start(
        self,
        label: str,
        work: Work[T],
        done: Callable[[T], None] | None = None,
        *,
        quiet: bool = False,
        path: Path | None = None,
    ) -> Operation | None:
        """Run `work` on a worker thread with a library of its own (the desk's, or `path`'s).

        One operation per label at a time: a second is refused with a message (None).
        `quiet` operations (upkeep) show no progress.
        """
        if label in self._running:
            self.failed.emit(f"{label} is still running; wait for it to finish.")
            return None
        library_path = path or self.library.path

        def run(progress: Progress, cancelled: Cancelled) -> Outcome[T]:
            with open_library(library_path) as library:
                return work(library, progress, cancelled)

        task = BackgroundTask(run, self)
        operation = Operation(label, task, self)
        if not quiet:
            task.progressed.connect(lambda step, total: self.progressed.emit(label, step, total))
        task.succeeded.connect(lambda outcome: self._succeeded(outcome, done))
        task.failed.connect(self.failed)
        task.finished.connect(lambda: self._finished(label))
        self._running[label] = operation
        if not quiet:
            self.progressed.emit(label, 0, 0)
        task.start()
        return operation

    def is_running(self, label: str) -> bool:
        return label in self._running

    def stop_all(self, timeout_ms: int) -> None:
        """Cancel every background operation and wait for each to end (the window closes):
        the step in progress is finished, nothing more starts."""
        for operation in list(self._running.values()):
            operation.task.blockSignals(True)
            operation.cancel()
            operation.wait(timeout_ms)
        self._running.clear()

    def _succeeded(self, outcome: Outcome[Any], done: Callable[[Any], None] | None) -> None:
        self._report(outcome)
        if done is not None:
            done(outcome.value)

    def _report(self, outcome: Outcome[Any]) -> None:
        if not outcome.changes.empty:
            self.changed.emit(outcome.changes)
        for warning in outcome.warnings:
            self.warned.emit(warning)

    def _finished(self, label: str) -> None:
        operation = self._running.pop(label, None)
        if operation is not None:
            operation.task.deleteLater()
            operation.deleteLater()
        self.ended.emit(label)
