"""How Sourcemark starts a child process running one of its own modules (the extraction
workers): the one place that knows how this copy of Sourcemark is run."""

from __future__ import annotations

import sys
from pathlib import Path

import sourcemark

# The folder that holds the `sourcemark` package, so the child imports this very copy of it.
_PACKAGE_ROOT = Path(sourcemark.__file__).resolve().parent.parent


def child_command(module: str, *args: str) -> list[str]:
    """The command that runs `module` as `__main__` with `args`, isolated from the user's
    Python settings (-I: no PYTHONPATH, no user site-packages, no current folder)."""
    bootstrap = (
        f"import runpy, sys; sys.path.insert(0, {str(_PACKAGE_ROOT)!r}); "
        f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-I", "-c", bootstrap, *args]
