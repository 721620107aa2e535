"""The backups a library holds, newest first, and what to tell a user whose database is damaged.

Kept apart from `backup` (which makes and restores backups) so that turning a storage error
into a message needs nothing but the folder listing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sourcemark.app.layout import BACKUPS_DIR, DATABASE_FILE

STAMP = "%Y%m%dT%H%M%SZ"
PREFIX, SUFFIX = "library-", ".db"


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime

    def describe(self) -> str:
        return f"{self.path.name} (taken {self.taken_at:%Y-%m-%d %H:%M} UTC)"


def backups(library_path: Path) -> list[Backup]:
    """The library's backups, newest first."""
    found = []
    for path in (library_path / BACKUPS_DIR).glob(f"{PREFIX}*{SUFFIX}"):
        stamp = path.name[len(PREFIX) : -len(SUFFIX)]
        try:
            taken_at = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Backup(path, taken_at))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def latest_backup(library_path: Path) -> Backup | None:
    found = backups(library_path)
    return found[0] if found else None


def damaged_message(library_path: Path) -> str:
    database = library_path / DATABASE_FILE
    backup = latest_backup(library_path)
    offer = (
        f"the latest good backup is {backup.describe()}: run `sourcemark restore` to use it"
        if backup
        else "there is no backup to restore"
    )
    return f"the library database {database} is damaged and was left untouched; {offer}"
