"""Usage errors are one line naming the bad value and what is accepted (exit 2); with no
display, the desk says so in one line and points at the command line (exit 1)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sourcemark.__main__ import main
from sourcemark.app.cli.parser import byte_size
from sourcemark.app.display import missing_display
from tests.conftest import REPO


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err  # one line, no usage block
    return captured.err.strip()


@pytest.mark.parametrize(
    "argv, named, accepted",
    [
        (
            ("annotate", "3f2a", "--kind", "opinion", "--quote", "x"),
            "'opinion'",
            "claim, quote, rebuttal",
        ),
        (("import", "--max-size", "abc", "story.txt"), "'abc'", "KB, MB or GB"),
        (("search", "crime", "--limit", "zero"), "'zero'", "whole number"),
        (("search", "crime", "--limit", "0"), "'0'", "1 or more"),
        (
            ("annotate", "3f2a", "--kind", "claim", "--start", "1.5", "--end", "3"),
            "'1.5'",
            "whole number",
        ),
        (
            ("export", "--out", "x.zip", "--all", "--kind", "quotes"),
            "'quotes'",
            "claim, quote, rebuttal",
        ),
        (("frobnicate",), "'frobnicate'", "annotations, edit, delete"),
    ],
)
def test_a_bad_value_is_named_with_the_accepted_ones(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], named: str, accepted: str
) -> None:
    line = usage_error(capsys, *argv)
    assert line.startswith("sourcemark")
    assert named in line and accepted in line
    assert "usage:" not in line and "--help" in line


def test_a_missing_argument_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(capsys, "annotate")
    assert line.startswith("sourcemark annotate: the following arguments are required: ARTICLE")


def test_sizes_take_units() -> None:
    assert byte_size("5000") == 5000
    assert byte_size("100MB") == 100_000_000
    assert byte_size("1.5 gb") == 1_500_000_000
    assert byte_size("20k") == 20_000


@pytest.mark.parametrize(
    "environ, platform, missing",
    [
        ({}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_a_display_is_needed_only_where_qt_needs_one(
    environ: dict[str, str], platform: str, missing: bool
) -> None:
    assert (missing_display(environ, platform) is not None) is missing


def test_the_desk_without_a_display_says_so_in_one_line() -> None:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "main.py"],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sourcemark: there is no display")
    assert "sourcemark --help" in lines[0] and "xcb" not in lines[0]
