"""The parent side of the worker pool: a few long-lived, sandboxed worker processes.

Each job runs in a worker under a wall-clock limit (here) and an address-space and CPU limit
(set by the worker before the job). A worker is recycled after `jobs_per_worker` jobs and after
any failure: a refusal, a time-out, a crash or a garbled reply. A crash or a time-out costs that
one job a clear `ImportFailed`, never a hang. This module imports no parser: dispatching a job
never loads trafilatura, pypdf or pypdfium2 in the app's process.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from sourcemark.app.children import child_command
from sourcemark.app.errors import ImportFailed
from sourcemark.app.workers.protocol import BadFrame, Frame, decode, encode

WORKER_MODULE = "sourcemark.app.workers.child"
_READ_CHUNK = 1024 * 1024
_STOP_GRACE_S = 2.0

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Limits:
    """Wall-clock seconds and address-space bytes one job may use."""

    seconds: float = 60.0
    memory_bytes: int = 1536 * 1024 * 1024


DEFAULT_LIMITS = Limits()


def default_size() -> int:
    """Two workers, or one on a single-core machine."""
    return max(1, min(2, os.cpu_count() or 1))


class _WorkerLost(Exception):
    """The worker gave no usable answer; the message is the job's failure."""


class _Worker:
    def __init__(self) -> None:
        try:
            self.process = subprocess.Popen(
                child_command(WORKER_MODULE),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                # Its own process group, so a kill also ends a program it started (tesseract).
                start_new_session=True,
            )
        except OSError as error:
            raise ImportFailed(f"cannot start a worker process ({error.strerror})") from None
        self.jobs_done = 0

    def exchange(self, request: bytes, limits: Limits) -> Frame:
        """Send one request and wait for its reply, for at most `limits.seconds`."""
        assert self.process.stdin is not None and self.process.stdout is not None
        deadline = time.monotonic() + limits.seconds
        try:
            # The worker reads a whole request before it starts the job, so this cannot block
            # on a busy worker; a dead one raises BrokenPipeError.
            self.process.stdin.write(request)
            self.process.stdin.flush()
        except OSError:
            raise _WorkerLost(_CRASHED) from None
        self.jobs_done += 1
        return self._reply(deadline, limits.seconds)

    def _reply(self, deadline: float, seconds: float) -> Frame:
        assert self.process.stdout is not None
        stdout = self.process.stdout.fileno()
        buffer = bytearray()
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    raise _WorkerLost(
                        f"gave up after {seconds:g} s: the file is malformed or too complex"
                    )
                chunk = os.read(stdout, _READ_CHUNK)
                if not chunk:
                    raise _WorkerLost(_CRASHED)
                buffer += chunk
                try:
                    decoded = decode(buffer)
                except BadFrame:
                    raise _WorkerLost(_GARBLED) from None
                if decoded is not None:
                    frame, size = decoded
                    if size != len(buffer):
                        raise _WorkerLost(_GARBLED)
                    return frame

    def stop(self) -> None:
        """Let the worker end on its own (end of input), killing it if it does not."""
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        try:
            self.process.wait(_STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()


_CRASHED = "the extractor crashed on this file: it is malformed or too large"
_GARBLED = "the extractor gave an unreadable answer for this file"


class WorkerPool:
    """Up to `size` worker processes, started on demand and shared by every thread.

    `run` blocks the calling thread until its job is answered; several threads may run jobs at
    once (at most `size` run, the others wait for a free worker).
    """

    def __init__(self, size: int | None = None, *, jobs_per_worker: int = 100) -> None:
        self.size = size or default_size()
        self.jobs_per_worker = jobs_per_worker
        self._free = threading.BoundedSemaphore(self.size)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._closed = False

    def run(
        self,
        job: str,
        params: dict[str, Any] | None = None,
        blobs: Iterable[bytes] = (),
        *,
        limits: Limits = DEFAULT_LIMITS,
    ) -> Frame:
        """The reply of `job` run in a worker; its refusal or failure raises `ImportFailed`."""
        request = encode(
            {
                "job": job,
                "params": params or {},
                "seconds": limits.seconds,
                "memory_bytes": limits.memory_bytes,
            },
            list(blobs),
        )
        with self._free:
            worker = self._take()
            try:
                reply = worker.exchange(request, limits)
            except _WorkerLost as lost:
                worker.kill()
                raise ImportFailed(str(lost)) from None
            except BaseException:  # interrupted mid-job: the worker's state is unknown
                worker.kill()
                raise
            error = reply.header.get("error")
            if error is not None or worker.jobs_done >= self.jobs_per_worker:
                worker.stop()
            else:
                self._give_back(worker)
        if error is not None:
            raise ImportFailed(" ".join(str(error).split())[:300])
        return reply

    def map_ordered(
        self, function: Callable[[T], R], items: Iterable[T], *, in_flight: int | None = None
    ) -> Iterator[R]:
        """`function(item)` for each item, computed on up to `in_flight` threads at once (by
        default twice the pool's size, so no worker waits for the next request) and yielded
        in the order of `items`. Leaving the loop early cancels what has not started."""
        limit = in_flight or 2 * self.size
        with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="extract") as executor:
            pending: list[Future[R]] = []
            iterator = iter(items)
            try:
                for item in iterator:
                    pending.append(executor.submit(function, item))
                    if len(pending) >= limit:
                        yield pending.pop(0).result()
                while pending:
                    yield pending.pop(0).result()
            finally:
                for future in pending:
                    future.cancel()

    def warm(self) -> None:
        """Start the workers ahead of the first jobs."""
        with self._lock:
            while not self._closed and len(self._idle) < self.size:
                self._idle.append(_Worker())

    def _take(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise ImportFailed("the worker pool is closed")
            if self._idle:
                return self._idle.pop()
        return _Worker()

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.stop()

    def close(self) -> None:
        """Stop the idle workers; jobs still running finish, and their workers stop after."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> WorkerPool:
    """The process's own pool, started on first use and closed when the process exits."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool()
            atexit.register(_shared.close)
        return _shared
