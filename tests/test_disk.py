"""A full disk and read-only media: a clear message, no partial write, the library still opens.

The real cases mount a small tmpfs and a read-only bind mount (they need root or
CAP_SYS_ADMIN and are skipped without it); the simulated cases run everywhere.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from sourcemark.app.bundles import import_bundle
from sourcemark.app.errors import StorageError
from sourcemark.app.health import database_health
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.layout import DATABASE_FILE
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from tests.bundle_support import annotated_library, exported, snapshot

REPO = Path(__file__).resolve().parent.parent
FULL = "the disk holding the library is full: nothing was saved (free some space and retry)"
READ_ONLY = "the library is on read-only storage or open read-only: nothing was saved"


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here ({result.stderr.strip()}): simulated cases cover this")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk))
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.fixture
def read_only_library(tmp_path: Path) -> Iterator[Path]:
    """A library seen through a read-only bind mount."""
    source, view = tmp_path / "library", tmp_path / "read-only-view"
    with open_library(source) as library:
        _annotated_article(library, "The mayor said the bridge would reopen in May.")
    view.mkdir()
    _mount("--bind", str(source), str(view))
    try:
        _mount("-o", "remount,ro,bind", str(view))
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], check=True)


def _annotated_article(library: Library, text: str) -> str:
    article = library.import_source(from_pasted_text(text)).value.article
    library.annotate_quote(article.id, "claim", text.split(".")[0][:30])
    return article.id


def _big_text(n: int) -> str:
    return f"Article {n}. " + "The council debated the budget late into the night. " * 1500


def _outbox(library: Library) -> int:
    return int(library.db.execute("SELECT count(*) FROM index_outbox").fetchone()[0])


def _assert_whole(library_path: Path) -> None:
    health = database_health(library_path / DATABASE_FILE)
    assert health.ok, health


def test_a_full_disk_stops_an_import_cleanly_and_the_library_reopens(small_disk: Path) -> None:
    library_path = small_disk / "library"
    room = small_disk / "room-to-free"
    room.write_bytes(b"\0" * 300_000)
    imported = 0
    with open_library(library_path) as library:
        with pytest.raises(StorageError) as raised:
            for n in range(200):
                library.import_source(from_pasted_text(_big_text(n)))
                imported += 1
        assert str(raised.value) == FULL
        assert library.counts()["articles"] == imported > 0
        first = library.articles()[-1].id
        try:
            library.annotate_quote(first, "quote", "council debated", occurrence=1)
        except StorageError as error:
            assert str(error) == FULL
    _assert_whole(library_path)
    with open_library(library_path) as library:  # still opens on the full disk
        assert library.counts()["articles"] == imported
    room.unlink()
    with open_library(library_path) as library:
        assert library.index is not None and library.index.status(library.db).agrees
        library.import_source(from_pasted_text("A short note after space was freed."))
        assert library.index.search("freed").total == 1


def test_a_full_database_leaves_no_partial_import(bare_library: Library) -> None:
    _annotated_article(bare_library, "The port reopened on Monday, officials said.")
    pages = bare_library.db.execute("PRAGMA page_count").fetchone()[0]
    bare_library.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
    before = bare_library.counts(), _outbox(bare_library)
    with pytest.raises(StorageError, match=re.escape(FULL)):
        bare_library.import_source(from_pasted_text(_big_text(1)))
    assert (bare_library.counts(), _outbox(bare_library)) == before
    _assert_whole(bare_library.path)
    bare_library.db.execute("PRAGMA max_page_count = 1073741823")
    bare_library.import_source(from_pasted_text(_big_text(1)))
    assert bare_library.counts()["articles"] == before[0]["articles"] + 1


def test_a_full_disk_under_the_index_loses_nothing_saved(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = _annotated_article(library, "The harbour closed at dawn, officials said.")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileStorage, "create_file", disk_full)
    saved = library.annotate_quote(article_id, "quote", "officials said").value  # SQLite has room
    assert library.index is not None
    assert library.index.status(library.db).pending_outbox == 1
    monkeypatch.undo()
    with open_library(library.path) as reopened:
        assert reopened.index is not None and reopened.index.status(reopened.db).agrees
        assert reopened.annotation(saved.id).quote == "officials said"


def test_writes_to_a_library_opened_read_only_change_nothing(tmp_path: Path) -> None:
    with open_library(tmp_path) as library:
        article_id = _annotated_article(library, "The minister denied the report on Friday.")
        annotation_id = library.annotations()[0].id
    with open_library(tmp_path, read_only=True) as library:
        attempts: list[Callable[[], object]] = [
            lambda: library.import_source(from_pasted_text("Another source entirely.")),
            lambda: library.annotate_quote(article_id, "quote", "denied the report"),
            lambda: library.edit_annotation(annotation_id, note="changed"),
            lambda: library.delete_annotation(annotation_id),
        ]
        for attempt in attempts:
            with pytest.raises(StorageError, match=re.escape(READ_ONLY)):
                attempt()
    with open_library(tmp_path) as library:
        assert library.counts() == {"articles": 1, "annotations": 1, "links": 0}
        assert library.annotation(annotation_id).note == ""


def test_a_library_on_read_only_media_opens_read_only(read_only_library: Path) -> None:
    with pytest.raises(StorageError, match="on read-only storage: Sourcemark can only open it"):
        open_library(read_only_library)
    with open_library(read_only_library, read_only=True) as library:
        assert [a.quote for a in library.annotations()] == ["The mayor said the bridge woul"]
        with pytest.raises(StorageError, match=re.escape(READ_ONLY)):
            library.annotate_quote(library.articles()[0].id, "quote", "in May")


def test_the_command_line_says_plainly_that_the_media_is_read_only(
    read_only_library: Path, tmp_path: Path
) -> None:
    source = tmp_path / "note.txt"
    source.write_text("A statement from the port authority.")
    result = subprocess.run(
        [sys.executable, "main.py", "import", "--library", str(read_only_library), str(source)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"sourcemark: the library {read_only_library} is on read-only storage: "
        "Sourcemark can only open it read-only"
    )


def test_a_full_disk_during_a_bundle_import_is_one_message_and_changes_nothing(
    bare_library: Library, tmp_path: Path
) -> None:
    bundle = exported(bare_library_with_a_story(tmp_path / "sender"), tmp_path / "story.zip")
    _annotated_article(bare_library, "The port reopened on Monday, officials said.")
    pages = bare_library.db.execute("PRAGMA page_count").fetchone()[0]
    bare_library.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
    before = snapshot(bare_library)
    with pytest.raises(StorageError, match=re.escape(FULL)):
        import_bundle(bare_library, bundle)
    assert snapshot(bare_library) == before
    _assert_whole(bare_library.path)


def test_the_command_line_reports_a_full_disk_during_a_bundle_import(tmp_path: Path) -> None:
    bundle = exported(bare_library_with_a_story(tmp_path / "sender"), tmp_path / "story.zip")
    receiver = tmp_path / "receiver"
    open_library(receiver, with_index=False).close()
    # The receiving library's connections may not grow the database: a full disk.
    fill_up = (
        "import sys, runpy; from sourcemark.db import connection; real = connection.connect\n"
        "def full(path, **options):\n"
        "    db = real(path, **options)\n"
        "    pages = db.execute('PRAGMA page_count').fetchone()[0]\n"
        "    db.execute(f'PRAGMA max_page_count = {pages}')\n"
        "    return db\n"
        "connection.connect = full\n"
        "import sourcemark.app.opening as opening; opening.connect = full\n"
        "sys.argv = ['sourcemark', *sys.argv[1:]]\n"
        "runpy.run_module('sourcemark', run_name='__main__')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", fill_up, "import-bundle", str(bundle), "--library", str(receiver)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"sourcemark: {FULL}\n"
    with open_library(receiver, with_index=False) as library:
        assert library.counts() == {"articles": 0, "annotations": 0, "links": 0}


def bare_library_with_a_story(path: Path) -> Library:
    """A story with annotations, and a source big enough not to fit in a page or two."""
    library = open_library(path, with_index=False)
    annotated_library(library)
    library.import_source(from_pasted_text(_big_text(7)))
    return library


def test_a_library_opens_where_there_is_no_statvfs_as_on_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "statvfs")
    with open_library(tmp_path / "library", with_index=False) as library:
        library.import_source(from_pasted_text("The port reopened on Monday."))
    with open_library(tmp_path / "library", read_only=True, with_index=False) as library:
        assert library.counts()["articles"] == 1
