"""Child processes start from a checkout, an installed copy and a frozen build alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sourcemark import __version__
from sourcemark.__main__ import main
from sourcemark.app.children import CHILD_FLAG, child_command
from sourcemark.app.importers import extract
from sourcemark.app.workers.pool import WorkerPool
from tests.conftest import REPO

HTML = REPO / "tests" / "fixtures" / "html" / "ledger-council-budget.html"

# What PyInstaller's executable amounts to: Python with `sys.frozen` set, running the entry
# point with the executable's own arguments (and no `-c`, no `-m`).
_FROZEN_EXECUTABLE = """#!{python}
import sys
sys.frozen = True
sys.path.insert(0, {root!r})
from sourcemark.__main__ import main
sys.exit(main())
"""


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This process made to look like the frozen build; returns its stand-in executable."""
    executable = tmp_path / "sourcemark"
    executable.write_text(_FROZEN_EXECUTABLE.format(python=sys.executable, root=str(REPO)))
    executable.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    return executable


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_from_python_the_child_is_the_interpreter_running_the_module(tmp_path: Path) -> None:
    command = child_command("sourcemark", "--version")
    assert command[:3] == [sys.executable, "-I", "-c"]
    assert _run(command, tmp_path).stdout == f"Sourcemark {__version__}\n"


def test_a_frozen_build_starts_the_child_through_its_own_entry_point(
    frozen: Path, tmp_path: Path
) -> None:
    command = child_command("sourcemark", "--version")
    assert command == [str(frozen), CHILD_FLAG, "sourcemark", "--version"]
    assert _run(command, tmp_path).stdout == f"Sourcemark {__version__}\n"


def test_a_frozen_build_extracts_a_web_page_in_its_worker(frozen: Path) -> None:
    with WorkerPool(size=1) as pool:  # its own workers, started the frozen way
        source = extract(HTML.read_bytes(), HTML.name, pool=pool)
    assert source.title == "Council approves $2.1bn budget after six-hour debate"
    assert "six-hour debate" in source.text


def test_the_child_flag_runs_only_sourcemark_modules(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="http.server is not part of Sourcemark"):
        main([CHILD_FLAG, "http.server"])
