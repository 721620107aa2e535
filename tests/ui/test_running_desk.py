"""A bundle opened while the desk runs is handed to that desk instead of a second one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sourcemark.app.opening import open_library
from sourcemark.ui import desk
from sourcemark.ui.bundle_offer import ImportBundleOffer
from sourcemark.ui.main_window import IMPORTING_BUNDLE, MainWindow
from sourcemark.ui.running_desk import BundleReceiver, hand_over
from tests.bundle_support import annotated_library, exported
from tests.conftest import REPO

SAFETY_CLOSE_MS = 60_000


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    with open_library(tmp_path / "colleague", with_index=False) as colleague:
        annotated_library(colleague)
        return exported(colleague, tmp_path / "story.zip")


_HAND_OVER = """
import sys
from pathlib import Path
from sourcemark.ui.running_desk import hand_over
print(hand_over(Path(sys.argv[1]), Path(sys.argv[2])))
"""


def _hand_over_from_another_process(qtbot: QtBot, bundle: Path, library: Path) -> bool:
    """`hand_over` as a second start runs it, while this process's event loop serves."""
    sender = subprocess.Popen(
        [sys.executable, "-c", _HAND_OVER, str(bundle), str(library)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        qtbot.waitUntil(lambda: sender.poll() is not None, timeout=30_000)
    finally:
        if sender.poll() is None:
            sender.kill()
    out, _ = sender.communicate()
    return out.strip() == "True"


def test_the_desk_takes_an_existing_bundle_and_nothing_else(
    qtbot: QtBot, bundle: Path, tmp_path: Path
) -> None:
    library = tmp_path / "mine"
    notes = tmp_path / "notes.txt"
    notes.write_text("not a bundle")
    receiver = BundleReceiver(library)
    received: list[Path] = []
    receiver.received.connect(received.append)
    try:
        assert _hand_over_from_another_process(qtbot, bundle, library)
        assert not _hand_over_from_another_process(qtbot, notes, library)
        assert not _hand_over_from_another_process(qtbot, tmp_path / "gone.zip", library)
        assert not _hand_over_from_another_process(qtbot, bundle, tmp_path / "another library")
    finally:
        receiver.close()
    assert received == [bundle]
    assert not hand_over(bundle, library)  # no desk listens any more


def test_a_bundle_opened_while_the_desk_runs_goes_to_that_desk(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> None:
    library = tmp_path / "mine"
    asked: list[Path] = []
    second: list[subprocess.Popen[bytes]] = []

    def ask(cls: type[ImportBundleOffer], parent: QWidget, offered: Path, into: Path) -> bool:
        assert isinstance(parent, MainWindow)
        asked.append(offered)

        def close_once_imported(label: str) -> None:
            if label == IMPORTING_BUNDLE:
                parent.close()

        parent.operations.ended.connect(close_once_imported)
        return True

    def open_the_bundle_once_the_desk_shows() -> None:
        if not any(isinstance(w, MainWindow) and w.isVisible() for w in qapp.topLevelWidgets()):
            QTimer.singleShot(50, open_the_bundle_once_the_desk_shows)
            return
        command = [sys.executable, "main.py", "--library", str(library), str(bundle)]
        second.append(subprocess.Popen(command, cwd=REPO))

    monkeypatch.setattr(ImportBundleOffer, "ask", classmethod(ask))
    QTimer.singleShot(0, open_the_bundle_once_the_desk_shows)
    QTimer.singleShot(SAFETY_CLOSE_MS, QApplication.closeAllWindows)
    try:
        assert desk.run_desk(library) == 0
        assert second[0].wait(timeout=60) == 0  # it handed the bundle over and left
    finally:
        qapp.setStyleSheet("")
        for process in second:
            if process.poll() is None:
                process.kill()
    assert asked == [bundle]
    with open_library(library, with_index=False) as opened:
        assert len(opened.articles()) == 2


def test_a_bundle_macos_opens_in_the_running_app_goes_to_the_desk(
    qapp: QApplication, bundle: Path, tmp_path: Path
) -> None:
    receiver = BundleReceiver(tmp_path / "mine")
    received: list[Path] = []
    receiver.received.connect(received.append)
    try:
        QApplication.sendEvent(qapp, QFileOpenEvent(str(tmp_path / "notes.txt")))
        QApplication.sendEvent(qapp, QFileOpenEvent(str(bundle)))
    finally:
        receiver.close()
    QApplication.sendEvent(qapp, QFileOpenEvent(str(bundle)))  # no desk any more
    assert received == [bundle]
