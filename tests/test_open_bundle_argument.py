"""`sourcemark story.zip` (a file manager's "Open with") opens the desk with the bundle;
anything else that is not a command stays a usage error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sourcemark.app.cli import parse_command_line
from tests.conftest import REPO


def test_a_bundle_opens_the_desk_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Story.ZIP").write_bytes(b"PK")
    monkeypatch.chdir(tmp_path)
    invocation = parse_command_line(["Story.ZIP"])
    assert invocation.bundle == tmp_path / "Story.ZIP"
    assert invocation.args.command is None and not hasattr(invocation.args, "library")
    both = parse_command_line(["--library", "lib", "Story.ZIP"])
    assert (both.bundle, both.args.library) == (tmp_path / "Story.ZIP", Path("lib"))
    after = parse_command_line(["Story.ZIP", "--library=lib"])
    assert (after.bundle, after.args.library) == (tmp_path / "Story.ZIP", Path("lib"))


def test_commands_and_the_bare_desk_are_read_as_before(tmp_path: Path) -> None:
    search = parse_command_line(["search", "story.zip", "--library", str(tmp_path)])
    assert (search.args.command, search.args.query, search.bundle) == ("search", "story.zip", None)
    desk = parse_command_line(["--library", str(tmp_path)])
    assert (desk.args.command, desk.bundle) == (None, None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing.zip"], "no bundle file at missing.zip"),
        (["folder.zip"], "no bundle file at folder.zip"),
        (["notes.txt"], "COMMAND: 'notes.txt' is not one of: import,"),
        (["story.zip", "search", "x"], "COMMAND: 'story.zip' is not one of: import,"),
    ],
)
def test_anything_else_is_a_usage_error(arguments: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "folder.zip").mkdir()
    (tmp_path / "story.zip").write_bytes(b"PK")
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"sourcemark: {message}")
