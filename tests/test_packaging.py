"""Sourcemark installs under one name: the wheel, its console script, its resources, its icon
and its menu entry. (Building the frozen app and the .deb is the slow, on-demand check:
`python packaging/check.py`.)"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sourcemark import __version__
from tests.conftest import REPO

LAYERS = ("app", "db", "ui", "resources")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DESKTOP_ENTRY = REPO / "packaging" / "linux" / "sourcemark.desktop"
WEB_PAGE = REPO / "tests" / "fixtures" / "html" / "ledger-council-budget.html"
NOT_SHIPPED = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)

_LIST_RESOURCES = """
from importlib import resources
import sourcemark

def walk(folder, prefix=""):
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            yield from walk(entry, f"{prefix}{entry.name}/")
        elif entry.is_file():
            yield f"{prefix}{entry.name}"

print(sourcemark.__file__)
print("\\n".join(sorted(walk(resources.files("sourcemark.resources")))))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the checkout, offline, as `pip wheel .` builds it."""
    source = tmp_path_factory.mktemp("source") / "sourcemark"
    shutil.copytree(REPO, source, symlinks=True, ignore=NOT_SHIPPED)
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "--no-index", "-w", str(out), str(source)], check=True, timeout=300)
    (built,) = out.glob("sourcemark-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """That wheel installed on its own into a folder (its dependencies come from this venv)."""
    target = tmp_path_factory.mktemp("installed")
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*pip, "--target", str(target), str(wheel)], check=True, timeout=300)
    return target


def _run_installed(
    installed: Path, command: list[str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _shipped_files(folder: str) -> set[str]:
    return {
        f"sourcemark/{path.relative_to(REPO).as_posix()}"
        for path in (REPO / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_holds_nothing_outside_the_sourcemark_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    metadata = re.compile(rf"sourcemark-{re.escape(__version__)}\.dist-info/[^/]+")
    assert {n for n in names if not n.startswith("sourcemark/") and not metadata.fullmatch(n)} == (
        set()
    )
    expected = {"sourcemark/__init__.py", "sourcemark/__main__.py"}
    expected |= {name for folder in LAYERS for name in _shipped_files(folder)}
    assert expected - names == set()
    entry_points = zipfile.ZipFile(wheel).read(
        f"sourcemark-{__version__}.dist-info/entry_points.txt"
    )
    assert b"sourcemark = sourcemark.__main__:main" in entry_points


def test_the_console_script_prints_the_version_and_runs_commands(
    installed: Path, tmp_path: Path
) -> None:
    script = str(installed / "bin" / "sourcemark")
    version = _run_installed(installed, [script, "--version"], tmp_path)
    assert version.stdout == f"Sourcemark {__version__}\n"
    library = ["--library", str(tmp_path / "library")]
    # A web page is read in a child process started from the installed copy.
    imported = _run_installed(installed, [script, *library, "import", str(WEB_PAGE)], tmp_path)
    assert imported.returncode == 0, imported.stderr
    found = _run_installed(installed, [script, *library, "search", "six-hour debate"], tmp_path)
    assert "Council approves $2.1bn budget" in found.stdout
    usage = _run_installed(installed, [script, "no-such-command"], tmp_path)
    assert usage.returncode == 2


def test_importlib_resources_finds_every_resource_in_the_installed_copy(
    installed: Path, tmp_path: Path
) -> None:
    listing = _run_installed(installed, [sys.executable, "-c", _LIST_RESOURCES], tmp_path)
    package, *found = listing.stdout.splitlines()
    assert Path(package).is_relative_to(installed)  # not this checkout
    expected = sorted(
        name.removeprefix("sourcemark/resources/") for name in _shipped_files("resources")
    )
    assert found == expected


def test_every_icon_size_is_drawn_at_its_size() -> None:
    icons = REPO / "resources" / "icons"
    assert (icons / "sourcemark.svg").read_text().startswith("<svg")
    for size in ICON_SIZES:
        header = (icons / f"sourcemark-{size}.png").read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", header[16:24]) == (size, size)


def test_the_menu_entry_opens_bundles_with_the_launcher_and_the_icon() -> None:
    entry = dict(
        line.split("=", 1) for line in DESKTOP_ENTRY.read_text().splitlines() if "=" in line
    )
    assert (entry["Exec"], entry["Icon"], entry["MimeType"]) == (
        "sourcemark %f",
        "sourcemark",
        "application/zip;",
    )


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate is not installed (.ci/run installs desktop-file-utils)",
)
def test_the_menu_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_ENTRY)], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
