"""One writer per library: `<library>/sourcemark.lock`, holding the owner's PID and host.

The lock itself is an exclusive OS lock on that file, taken through `portalocker` (`flock` on
Linux and macOS, `LockFileEx`/`msvcrt.locking` on Windows). The kernel drops it when the owner
dies, however it dies, so a lock left by a killed process is never mistaken for a live one and
two processes taking over a stale lock at once cannot both win. The file's content (PID, host)
only names the owner in messages. A clean release empties and deletes the file, so a lock file
found with an owner in it means the previous session ended without closing: an unclean exit.

Within one process the lock is re-entrant: the desk opens extra `Library` objects in worker
threads, and each holds a share of the same lock until the last one closes.
Read-only opens (search, listing, `check`) take no lock: SQLite's WAL lets them read while the
writer works.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import portalocker

from sourcemark.app.errors import LibraryBusy, StorageError
from sourcemark.app.layout import LOCK_FILE
from sourcemark.app.storage import translated_storage_errors
from sourcemark.db.connection import on_read_only_media

_OWNER_READS, _OWNER_READ_PAUSE_S = 20, 0.01
_OPEN_FLAGS = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


DESK, COMMAND = "desk", "command"
_process_role = COMMAND


def describe_process_as(role: str) -> None:
    """Say what this process is (DESK or COMMAND) in the locks it takes, for the message a
    second copy of Sourcemark shows."""
    global _process_role
    _process_role = role


@dataclass(frozen=True, slots=True)
class Owner:
    pid: int
    host: str
    since: str = ""
    role: str = ""

    def describe(self) -> str:
        return f"PID {self.pid} on host {self.host}"

    def busy(self, now: datetime | None = None) -> LibraryBusy:
        """The refusal a second copy of Sourcemark gives, in a journalist's words; the
        process id and host go in its details."""
        since = _local_time(self.since, now)
        when = f" (since {since})" if since else ""
        if self.host != socket.gethostname():
            message = (
                f"This library is open in Sourcemark on another computer, {self.host}{when}. "
                "Close it there, or open another library."
            )
        elif self.role == COMMAND:
            message = (
                f"This library is being changed by a Sourcemark command still running on this "
                f"computer{when}. Wait for it to finish, or open another library."
            )
        else:
            message = (
                f"This library is open in another Sourcemark window on this computer{when}. "
                "Switch to that window, or open another library."
            )
        details = f"Held by {self.describe()}" + (f" since {self.since}" if self.since else "")
        return LibraryBusy(message, details=details)


def _local_time(stamp: str, now: datetime | None) -> str:
    """'14:02' today, else '28 November, 14:02', in the computer's time zone."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return ""
    today = (now or datetime.now(UTC)).astimezone().date()
    if moment.date() == today:
        return f"{moment:%H:%M}"
    return f"{moment.day} {moment:%B}, {moment:%H:%M}"


@dataclass(frozen=True, slots=True)
class LockState:
    """What `check` reports: free, held (by a live owner) or stale (left by a dead one)."""

    state: str
    owner: Owner | None = None

    def describe(self) -> str:
        if self.state == "free":
            return "free"
        who = self.owner.describe() if self.owner else "an unknown process"
        if self.state == "held":
            return f"held by {who}"
        return f"stale (left by {who}, no longer running; taken over at next open)"


class WriterLock:
    """One hold on a library's writer lock; `release()` it when the library closes."""

    def __init__(self, path: Path, crashed_owner: Owner | None) -> None:
        self.path = path
        self.crashed_owner = crashed_owner
        """Whose unclean exit left the lock behind (set for the first hold in a process only)."""
        self._released = False

    def release(self, *, clean: bool = True) -> None:
        """Let go; `clean=False` leaves the file behind, so the next open checks the database."""
        with _registry_guard:
            if self._released:
                return
            self._released = True
            _held[self.path].release(clean)


class _ProcessHold:
    """The process's flock on one lock file, shared by every `WriterLock` taken in it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd
        self.holders = 0

    def release(self, clean: bool) -> None:
        self.holders -= 1
        if self.holders > 0:
            return
        del _held[self.path]
        removed = False
        if clean:
            os.ftruncate(self.fd, 0)  # names no owner, so not an unclean exit, even if left behind
            # Delete while still holding the lock: a process that opened the file meanwhile
            # finds it gone from the folder once it locks it, and starts over (see `_take`).
            try:
                self.path.unlink(missing_ok=True)
                removed = True
            except PermissionError:
                pass  # Windows removes no open file: delete it once closed, below
        os.close(self.fd)
        if clean and not removed:
            # Windows: fails while another process has it open, which leaves it empty: harmless.
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)


_registry_guard = threading.Lock()
_held: dict[Path, _ProcessHold] = {}


def acquire(library_path: Path) -> WriterLock:
    """Take the writer lock of the library folder, or raise `LibraryBusy` naming its owner."""
    path = (library_path / LOCK_FILE).resolve()
    with _registry_guard:
        hold = _held.get(path)
        crashed_owner = None
        if hold is None:
            fd, crashed_owner = _take(path)
            hold = _held[path] = _ProcessHold(path, fd)
        hold.holders += 1
        return WriterLock(path, crashed_owner)


def _take(path: Path) -> tuple[int, Owner | None]:
    if on_read_only_media(path):
        raise StorageError(
            f"the library {path.parent} is on read-only storage: "
            "Sourcemark can only open it read-only"
        )
    while True:
        with translated_storage_errors(path.parent):
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _OPEN_FLAGS, 0o600)
        try:
            portalocker.lock(
                fd, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
            )
        except portalocker.AlreadyLocked:
            owner = _owner_once_written(fd)
            os.close(fd)
            if owner is None:
                raise LibraryBusy(
                    "This library is open in another Sourcemark window or command. "
                    "Switch to it, or open another library."
                ) from None
            raise owner.busy() from None
        if not _still_in_folder(path, fd):
            os.close(fd)  # the previous owner released and deleted this file: lock the new one
            continue
        crashed_owner = _read_owner(fd)
        try:
            with translated_storage_errors(path.parent):
                _write_owner(fd)
        except BaseException:
            os.close(fd)
            raise
        return fd, crashed_owner


def state(library_path: Path) -> LockState:
    """Whether the library's writer lock is free, held or stale, without taking it."""
    path = (library_path / LOCK_FILE).resolve()
    try:
        fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
    except FileNotFoundError:
        return LockState("free")
    try:
        owner = _read_owner(fd)
        if path in _held:
            return LockState("held", owner)
        try:
            # A shared probe conflicts with the owner's exclusive lock but not with other probes.
            portalocker.lock(fd, portalocker.LockFlags.SHARED | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.AlreadyLocked:
            return LockState("held", owner)
        return LockState("stale", owner) if owner else LockState("free")
    finally:
        os.close(fd)


def _still_in_folder(path: Path, fd: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _read_owner(fd: int) -> Owner | None:
    """The owner recorded in the lock file; None if it is empty or being written."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096))
        return Owner(
            int(data["pid"]),
            str(data["host"]),
            str(data.get("since", "")),
            str(data.get("role", "")),
        )
    except (ValueError, KeyError, TypeError, OSError):
        return None


def _owner_once_written(fd: int) -> Owner | None:
    """The owner of a held lock; a process that has just locked it may still be writing it."""
    for _ in range(_OWNER_READS):
        owner = _read_owner(fd)
        if owner is not None:
            return owner
        time.sleep(_OWNER_READ_PAUSE_S)
    return None


def _write_owner(fd: int) -> None:
    since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": since,
        "role": _process_role,
    }
    data = json.dumps(record).encode()
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)
    os.fsync(fd)
