"""What a library folder holds, and where the default library lives."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATABASE_FILE = "library.db"
"""The SQLite database: the library's source of truth."""
INDEX_DIR = "index"
"""The Whoosh index: a cache, rebuilt from the database whenever in doubt."""
BACKUPS_DIR = "backups"
PAGE_IMAGES_DIR = "page-images"
"""Pages of PDF sources drawn as images: a cache, drawn again whenever missing."""
LOCK_FILE = "sourcemark.lock"
"""Held by the one process that writes the library (see app/lock.py)."""


def default_library_path() -> Path:
    """`SOURCEMARK_LIBRARY` if set, else the user data folder for Sourcemark."""
    configured = os.environ.get("SOURCEMARK_LIBRARY")
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path("Sourcemark", appauthor=False)


def is_library(folder: Path) -> bool:
    return (folder / DATABASE_FILE).is_file()


def can_hold_library(folder: Path) -> bool:
    """A Sourcemark library, or an empty folder to start a new one in."""
    if is_library(folder):
        return True
    return folder.is_dir() and not any(folder.iterdir())
