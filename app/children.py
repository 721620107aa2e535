"""How Sourcemark starts a child process running one of its own modules (the extraction
workers): the one place that knows how this copy of Sourcemark is run.

From Python, the child is the same interpreter told to run the module. A frozen Sourcemark
(the PyInstaller build) is one executable that takes no `-c`: the child is that executable
with `CHILD_FLAG`, which its entry point hands to `run_child` before reading any command.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import sourcemark

CHILD_FLAG = "--sourcemark-child"
"""First argument of a frozen Sourcemark started as a child: `CHILD_FLAG MODULE ARGS...`."""

# The folder that holds the `sourcemark` package, so the child imports this very copy of it.
_PACKAGE_ROOT = Path(sourcemark.__file__).resolve().parent.parent


def child_command(module: str, *args: str) -> list[str]:
    """The command that runs `module` as `__main__` with `args`, isolated from the user's
    Python settings (-I: no PYTHONPATH, no user site-packages, no current folder)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG, module, *args]
    bootstrap = (
        f"import runpy, sys; sys.path.insert(0, {str(_PACKAGE_ROOT)!r}); "
        f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-I", "-c", bootstrap, *args]


def run_child(module: str, *args: str) -> None:
    """Run one of Sourcemark's own modules as `__main__` with `args` (what `CHILD_FLAG` asks)."""
    if module != "sourcemark" and not module.startswith("sourcemark."):
        raise SystemExit(f"sourcemark: {module} is not part of Sourcemark")
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
