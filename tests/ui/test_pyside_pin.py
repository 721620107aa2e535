"""The PySide6 pin for Python 3.11 (pyproject.toml): PySide6 6.12.0 kills a Python 3.11 process
after a few thousand calls of void methods. A dependency bump that brings the crash back fails
here, in a child process, instead of in a user's desk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("void_calls_child.py")
VOID_CALLS = 20_000


def test_twenty_thousand_void_calls_leave_the_interpreter_alive() -> None:
    done = subprocess.run(
        [sys.executable, str(CHILD), str(VOID_CALLS)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [str(VOID_CALLS)]
