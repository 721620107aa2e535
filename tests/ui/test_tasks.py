"""BackgroundTask: work on a worker thread, outcomes as signals on the GUI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from sourcemark.app.errors import ImportFailed
from sourcemark.ui.tasks import PROGRESS_STEPS, BackgroundTask, Cancelled, Progress


def test_runs_off_the_gui_thread_and_reports_progress_then_result(qtbot: QtBot) -> None:
    threads: list[QThread] = []

    def work(progress: Progress, cancelled: Cancelled) -> str:
        threads.append(QThread.currentThread())
        for done in range(1, 4):
            progress(done, 3)
        return "done"

    task = BackgroundTask(work)
    seen: list[tuple[int, int]] = []
    results: list[object] = []
    task.progressed.connect(lambda done, total: seen.append((done, total)))
    task.succeeded.connect(results.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert results == ["done"]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert threads and threads[0] is not QThread.currentThread()
    assert not task.is_running


def test_expected_error_becomes_failed_with_its_message(qtbot: QtBot) -> None:
    def work(progress: Progress, cancelled: Cancelled) -> None:
        raise ImportFailed("notes.bin: the file is binary, not text")

    task = BackgroundTask(work)
    results: list[object] = []
    messages: list[str] = []
    task.succeeded.connect(results.append)
    task.failed.connect(messages.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert messages == ["notes.bin: the file is binary, not text"]
    assert results == []


def test_cancel_is_seen_by_the_work(qtbot: QtBot) -> None:
    started = threading.Event()

    def work(progress: Progress, cancelled: Cancelled) -> int:
        started.set()
        steps = 0
        while not cancelled():
            steps += 1
            threading.Event().wait(0.001)
        return steps

    task = BackgroundTask(work)
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        task.start()
        assert started.wait(5)
        task.cancel()
    assert isinstance(blocker.args[0], int)


def test_frequent_progress_is_thinned_but_ends_at_the_total(qtbot: QtBot) -> None:
    def work(progress: Progress, cancelled: Cancelled) -> None:
        for done in range(1, 10_001):
            progress(done, 10_000)

    task = BackgroundTask(work)
    seen: list[tuple[int, int]] = []
    task.progressed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert len(seen) <= PROGRESS_STEPS + 1
    assert seen[-1] == (10_000, 10_000)


def test_unexpected_exception_surfaces_on_the_gui_thread(qtbot: QtBot) -> None:
    def work(progress: Progress, cancelled: Cancelled) -> None:
        raise ZeroDivisionError("a bug")

    task = BackgroundTask(work)
    with qtbot.captureExceptions() as exceptions:
        with qtbot.waitSignal(task.finished, timeout=5000):
            task.start()
        qtbot.waitUntil(lambda: bool(exceptions), timeout=5000)
    assert exceptions[0][0] is ZeroDivisionError


def test_a_task_runs_once(qtbot: QtBot) -> None:
    task = BackgroundTask(lambda progress, cancelled: None)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    with pytest.raises(RuntimeError):
        task.start()
