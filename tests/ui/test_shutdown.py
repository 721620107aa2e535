"""A desk closed by the system closes as if the user closed it: the note being typed is saved,
the lock released and the library marked clean."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sourcemark.app import lock
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.opening import open_library
from tests.conftest import REPO

# Opens the desk as `python main.py` does, types a note into the form without leaving the
# field, then has the system ask the process to stop.
_DESK_THEN_SIGNAL = """
import os, signal, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sourcemark.ui import desk
from sourcemark.ui.main_window import MainWindow

def type_then_signal():
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    if not windows or not windows[0].isVisible():
        QTimer.singleShot(20, type_then_signal)
        return
    window = windows[0]
    window.focus_annotation(window.library.annotations()[0].id)
    window.annotations.form.note.setFocus()
    window.annotations.form.note.setPlainText("Call the press office")
    print("typed", flush=True)
    os.kill(os.getpid(), int(sys.argv[2]))

QTimer.singleShot(0, type_then_signal)
sys.exit(desk.run_desk(Path(sys.argv[1])))
"""


@pytest.mark.parametrize("closing", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_closes_the_desk_like_the_close_button(
    tmp_path: Path, closing: signal.Signals
) -> None:
    library_path = tmp_path / "library"
    with open_library(library_path) as library:
        article = library.import_source(from_pasted_text("The port closed at dawn.")).value.article
        claim = library.annotate_quote(article.id, "claim", "The port closed").value
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # the child's QSettings, not the user's
    }
    child = subprocess.run(
        [sys.executable, "-c", _DESK_THEN_SIGNAL, str(library_path), str(int(closing))],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.stdout == "typed\n", child.stderr
    assert child.returncode == 0, child.stderr
    assert lock.state(library_path).state == "free"  # released, and the exit was clean
    with open_library(library_path, with_index=False) as library:
        assert library.annotation(claim.id).note == "Call the press office"
