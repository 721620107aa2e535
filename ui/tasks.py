"""Background tasks: run long work (import, indexing, export) off the GUI thread.

The work is a plain function `fn(progress, cancelled)` with no Qt in it. It runs on a worker
`QThread` and must open its own `Library` there: a SQLite connection belongs to the thread that
opened it. Outcomes come back to the GUI thread as signals, so the GUI never blocks on a task.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from sourcemark.app.errors import SourcemarkError

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
TaskFunction = Callable[[Progress, Cancelled], object]

PROGRESS_STEPS = 200
"""At most this many progress signals per task, however often the work reports."""


class _WorkerThread(QThread):
    """Runs the function and keeps its outcome; the task reads it once the thread has ended."""

    progressed = Signal(int, int)

    def __init__(self, fn: TaskFunction, cancel_event: threading.Event) -> None:
        super().__init__()
        self._fn = fn
        self._cancel_event = cancel_event
        self._last_step = -1
        self.result: object = None
        self.refusal: SourcemarkError | None = None
        self.crash: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._fn(self._report, self._cancel_event.is_set)
        except SourcemarkError as error:
            self.refusal = error
        except Exception as error:  # re-raised on the GUI thread, where it is seen
            self.crash = error

    def _report(self, done: int, total: int) -> None:
        step = done * PROGRESS_STEPS // total if total > 0 else 0
        if step != self._last_step or done == total:
            self._last_step = step
            self.progressed.emit(done, total)


class BackgroundTask(QObject):
    """One run of `fn` on a worker thread.

    Signals, always delivered on the GUI thread:
    - `progressed(done, total)` as the work advances;
    - then exactly one of `succeeded(result)` (also after a cancel: the function decides what
      it returns when stopped early) or `failed(message)` for an expected `SourcemarkError`
      (whose details, if any, are in `refusal_details` by then);
    - then `finished()`. An unexpected exception is re-raised on the GUI thread after
      `finished()`, so it reaches `sys.excepthook` (and fails the test) instead of vanishing.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, fn: TaskFunction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel_event = threading.Event()
        self._thread = _WorkerThread(fn, self._cancel_event)
        self._thread.progressed.connect(self.progressed)
        self._thread.finished.connect(self._report_outcome)
        self._started = False
        self.refusal_details = ""

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a BackgroundTask runs only once; make a new one")
        self._started = True
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop; it checks `cancelled()` between steps."""
        self._cancel_event.set()

    @property
    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, milliseconds: int) -> bool:
        """Block until the worker thread ends (for shutdown); False if it is still running."""
        return self._thread.wait(milliseconds)

    def _report_outcome(self) -> None:
        thread = self._thread
        if thread.refusal is not None:
            self.refusal_details = thread.refusal.details
            self.failed.emit(str(thread.refusal))
        elif thread.crash is None:
            self.succeeded.emit(thread.result)
        self.finished.emit()
        if thread.crash is not None:
            raise thread.crash
