"""The command line as a journalist runs it: `python main.py ...` in a child process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.conftest import REPO


def sourcemark(
    *args: str | Path,
    library: Path | None = None,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run a command (with `--library` when given) and capture its output as text."""
    command = [sys.executable, "main.py", *map(str, args)]
    if library is not None:
        command += ["--library", str(library)]
    return subprocess.run(
        command,
        cwd=REPO,
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
