"""Choosing a library folder, and the list of recently opened libraries (kept in QSettings)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from sourcemark.app.layout import can_hold_library

RECENT_KEY = "libraries/recent"
MAX_RECENT = 8


def recent_libraries() -> list[Path]:
    """Recently opened libraries, most recent first, leaving out folders that are gone."""
    stored = cast(list[str], QSettings().value(RECENT_KEY, [], type=list))
    return [Path(p) for p in stored if Path(p).is_dir()]


def remember_library(path: Path) -> None:
    """Put `path` first in the recent libraries."""
    path = path.expanduser().resolve()
    others = [p for p in recent_libraries() if p != path]
    QSettings().setValue(RECENT_KEY, [str(p) for p in [path, *others][:MAX_RECENT]])


def choose_library(parent: QWidget | None) -> Path | None:
    """Ask for a library folder (an existing library or an empty folder); None if cancelled."""
    recent = recent_libraries()
    start = recent[0].parent if recent else Path.home()
    while True:
        folder = ask_folder(parent, start)
        if folder is None or can_hold_library(folder):
            return folder
        explain(
            parent,
            f"{folder} is not a Sourcemark library and is not empty.\n\n"
            "Choose a library folder, or an empty folder to start a new library in.",
        )
        start = folder


def ask_folder(parent: QWidget | None, start: Path) -> Path | None:
    """The folder dialog (a seam: tests replace it)."""
    chosen = QFileDialog.getExistingDirectory(parent, "Open library", str(start))
    return Path(chosen) if chosen else None


def explain(parent: QWidget | None, message: str) -> None:
    """Tell the user why a folder was refused (a seam: tests replace it)."""
    QMessageBox.warning(parent, "Open library", message)
