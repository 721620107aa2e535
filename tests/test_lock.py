"""One writer per library: the lock file, its owner, stale locks and concurrent processes."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sourcemark.app import lock
from sourcemark.app.errors import LibraryBusy
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.layout import LOCK_FILE
from sourcemark.app.opening import open_library

REPO = Path(__file__).resolve().parent.parent

_HOLD_THEN_DIE = """
import os, signal, sys
from pathlib import Path
from sourcemark.app import lock
lock.acquire(Path(sys.argv[1]))
print("locked", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""

_TRY = """
import sys
from pathlib import Path
from sourcemark.app import lock
from sourcemark.app.errors import LibraryBusy
try:
    lock.acquire(Path(sys.argv[1]))
except LibraryBusy:
    print("busy", flush=True)
else:
    print("got", flush=True)
"""

# Says "ready", waits at the starting line (a pipe the test closes once every racer is ready:
# the read returns in all of them at once), tries the lock, and a winner holds it until the
# test closes its stdin, after every racer has told its outcome.
_RACE = """
import os, sys
from pathlib import Path
from sourcemark.app import lock
from sourcemark.app.errors import LibraryBusy
print("ready", flush=True)
os.read(int(sys.argv[2]), 1)
try:
    lock.acquire(Path(sys.argv[1]))
except LibraryBusy:
    print("busy", flush=True)
else:
    print("got", flush=True)
    sys.stdin.read()
"""


_READ_AND_SEARCH = """
import sys
from pathlib import Path
from sourcemark.app.opening import open_library
with open_library(Path(sys.argv[1]), read_only=True) as library:
    print(len(library.annotations()), library.index.search("ferry").total)
"""


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True, timeout=60
    )


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "main.py", *args],
        cwd=REPO,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_second_process_is_told_who_holds_the_library(tmp_path: Path) -> None:
    with open_library(tmp_path, with_index=False):
        source = tmp_path.parent / "note.txt"
        source.write_text("The mayor said the budget grew.")
        proc = _cli("import", "--library", str(tmp_path), str(source))
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    host = socket.gethostname()
    assert err.strip().startswith(
        "sourcemark: This library is being changed by a Sourcemark command still running on "
        "this computer (since "
    )
    assert f"Wait for it to finish, or open another library. (Held by PID {os.getpid()} " in err
    assert f"on host {host} since " in err


def test_lock_file_names_the_owner_and_goes_away_on_close(tmp_path: Path) -> None:
    with open_library(tmp_path, with_index=False):
        owner = json.loads((tmp_path / LOCK_FILE).read_text())
        assert (owner["pid"], owner["host"]) == (os.getpid(), socket.gethostname())
        assert lock.state(tmp_path).state == "held"
    assert not (tmp_path / LOCK_FILE).exists()
    assert lock.state(tmp_path).state == "free"


def test_the_lock_is_reentrant_within_one_process(tmp_path: Path) -> None:
    first = open_library(tmp_path, with_index=False)
    second = open_library(tmp_path, with_index=False)
    first.close()
    assert lock.state(tmp_path).state == "held"
    assert _python(_TRY, str(tmp_path)).stdout.strip() == "busy"
    second.close()
    assert lock.state(tmp_path).state == "free"
    assert _python(_TRY, str(tmp_path)).stdout.strip() == "got"


def test_a_lock_left_by_a_killed_process_is_stale_and_taken_over(tmp_path: Path) -> None:
    result = _python(_HOLD_THEN_DIE, str(tmp_path))
    assert result.stdout.strip() == "locked"
    state = lock.state(tmp_path)
    assert state.state == "stale"
    assert state.owner is not None and state.owner.pid != os.getpid()
    taken = lock.acquire(tmp_path)
    try:
        assert taken.crashed_owner == state.owner
        assert lock.state(tmp_path).state == "held"
    finally:
        taken.release()


def test_check_shows_who_holds_the_lock_and_a_stale_one(tmp_path: Path) -> None:
    with open_library(tmp_path, with_index=False):
        held = _cli("check", "--library", str(tmp_path))
        out, _ = held.communicate(timeout=60)
    assert f"lock      held by PID {os.getpid()} on host {socket.gethostname()}" in out
    assert _python(_HOLD_THEN_DIE, str(tmp_path)).stdout.strip() == "locked"
    stale = _cli("check", "--library", str(tmp_path))
    out, _ = stale.communicate(timeout=60)
    assert stale.returncode == 1
    assert "lock      stale (left by PID" in out
    assert "advice:   the last session did not close cleanly" in out


def test_reading_needs_no_lock_while_a_writer_works(tmp_path: Path) -> None:
    with open_library(tmp_path) as writer:
        article = writer.import_source(from_pasted_text("The ferry strike ended at noon.")).value
        writer.annotate_quote(article.article.id, "claim", "The ferry strike ended")
        reader = _python(_READ_AND_SEARCH, str(tmp_path))
        assert reader.stdout.split() == ["1", "2"], reader.stderr
        assert lock.state(tmp_path).state == "held"


def test_only_one_of_many_processes_takes_over_a_stale_lock(tmp_path: Path) -> None:
    stale = {"pid": 2**22 + 7, "host": socket.gethostname(), "since": "2020-01-01T00:00:00Z"}
    (tmp_path / LOCK_FILE).write_text(json.dumps(stale))
    starting_line, start = os.pipe()
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACE, str(tmp_path), str(starting_line)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            pass_fds=(starting_line,),
        )
        for _ in range(6)
    ]
    os.close(starting_line)
    try:
        ready = [_line(racer) for racer in racers]
    finally:
        os.close(start)  # every racer's read returns now
    outcomes = sorted(_line(racer) for racer in racers)
    for racer in racers:
        racer.communicate(timeout=60)  # closes stdin: the winner lets go
    assert ready == ["ready"] * 6
    assert outcomes == ["busy"] * 5 + ["got"]


def _line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().strip()


def test_two_processes_importing_at_once_never_see_database_is_locked(tmp_path: Path) -> None:
    library = tmp_path / "library"
    open_library(library, with_index=False).close()
    batches = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        for i in range(15):
            (folder / f"{i}.txt").write_text(f"Source {name} number {i}: the council voted.")
        batches.append(sorted(str(p) for p in folder.iterdir()))
    procs = [_cli("import", "--library", str(library), *files) for files in batches]
    results = [(*proc.communicate(timeout=120), proc.returncode) for proc in procs]
    for _out, err, code in results:
        assert "Traceback" not in err and "database is locked" not in err
        assert code == 0 or err.strip().startswith("sourcemark: This library is being changed")
    with open_library(library, with_index=False) as opened:
        imported = opened.counts()["articles"]
    assert imported == 15 * sum(1 for _o, _e, code in results if code == 0)
    assert imported >= 15


def test_a_busy_lock_names_its_owner_even_while_the_owner_is_still_writing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    fd = os.open(library / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another writer has just locked it, its name not yet written
    record = json.dumps({"pid": 4242, "host": "desk-host"}).encode()
    read_owner = lock._read_owner
    looks: list[lock.Owner | None] = []

    def owner_written_after_the_first_look(lock_fd: int) -> lock.Owner | None:
        looks.append(read_owner(lock_fd))
        if len(looks) == 1:
            os.pwrite(fd, record, 0)
        return looks[-1]

    monkeypatch.setattr(lock, "_read_owner", owner_written_after_the_first_look)
    try:
        with pytest.raises(LibraryBusy, match="on another computer, desk-host") as refused:
            lock.acquire(library)
        assert refused.value.details == "Held by PID 4242 on host desk-host"
    finally:
        os.close(fd)
    assert looks[0] is None  # the name was not there at first: it was waited for


def test_a_busy_library_is_explained_in_a_journalists_words() -> None:
    here = socket.gethostname()
    today = datetime.now().astimezone().replace(hour=14, minute=2, second=11, microsecond=0)
    since = today.astimezone(UTC).isoformat().replace("+00:00", "Z")
    window = lock.Owner(12706, here, since, lock.DESK).busy(now=today)
    assert str(window) == (
        "This library is open in another Sourcemark window on this computer (since 14:02). "
        "Switch to that window, or open another library."
    )
    assert window.details == f"Held by PID 12706 on host {here} since {since}"
    command = lock.Owner(12706, here, since, lock.COMMAND).busy(now=today)
    assert str(command).startswith("This library is being changed by a Sourcemark command")
    elsewhere = lock.Owner(12706, "newsroom-2", since, lock.DESK).busy(now=today)
    assert str(elsewhere).startswith(
        "This library is open in Sourcemark on another computer, newsroom-2 (since 14:02)."
    )
    yesterday = lock.Owner(1, here, since, lock.DESK).busy(now=today + timedelta(days=1))
    assert f"(since {today.day} {today:%B}, 14:02)" in str(yesterday)
    assert "(since" not in str(lock.Owner(1, here).busy())  # an old lock file: no time


def test_the_desk_says_so_in_its_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "_process_role", lock.COMMAND)
    lock.describe_process_as(lock.DESK)
    held = lock.acquire(tmp_path)
    try:
        owner = lock.state(tmp_path).owner
        assert owner is not None and owner.role == lock.DESK
    finally:
        held.release()
