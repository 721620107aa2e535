"""A broken index never breaks the library: each kind of damage is detected and rebuilt."""

from __future__ import annotations

import random
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sourcemark.app.health import index_health
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 12


def _build(path: Path, word: str) -> Path:
    with open_library(path) as library:
        for n in range(ARTICLES):
            text = f"Dispatch {n}. The {word} authority said cargo rose {n} percent this quarter."
            article = library.import_source(from_pasted_text(text)).value.article
            library.annotate_quote(article.id, "claim", "cargo rose")
    return path


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("pristine") / "library", "harbour")


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another library, with other words, whose index must never be used for ours."""
    return _build(tmp_path_factory.mktemp("stranger") / "library", "airport")


@pytest.fixture
def library_path(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(pristine, copy)
    return copy


def _index_files(library: Path) -> list[Path]:
    return sorted(p for p in (library / "index").iterdir() if p.is_file())


def delete_the_folder(library: Path) -> None:
    shutil.rmtree(library / "index")


def truncate_every_file(library: Path) -> None:
    for path in _index_files(library):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def empty_every_file(library: Path) -> None:
    for path in _index_files(library):
        path.write_bytes(b"")


def flip_bits_in_every_file(library: Path) -> None:
    rng = random.Random(5)
    for path in _index_files(library):
        data = bytearray(path.read_bytes())
        for _ in range(len(data) // 50 + bool(data)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))


def flip_bits_in_the_postings_only(library: Path) -> None:
    """The quiet kind: the index opens and counts right, but some postings are garbage."""
    for path in _index_files(library):
        if path.suffix == ".pst":
            data = bytearray(path.read_bytes())
            at = len(data) // 10  # among the text postings, far from the ids the index opens by
            data[at : at + 4] = bytes(byte ^ 0xFF for byte in data[at : at + 4])
            path.write_bytes(bytes(data))


def delete_the_table_of_contents(library: Path) -> None:
    for path in _index_files(library):
        if path.suffix == ".toc":
            path.unlink()


DAMAGE: list[Callable[[Path], None]] = [
    delete_the_folder,
    truncate_every_file,
    empty_every_file,
    flip_bits_in_every_file,
    delete_the_table_of_contents,
]
QUIET_DAMAGE = [flip_bits_in_the_postings_only]


def _assert_searches_work(library: Library) -> None:
    assert library.index is not None
    assert library.index.status(library.db).agrees
    assert library.index.search("harbour").total == ARTICLES
    assert library.index.search("cargo").total == 2 * ARTICLES
    assert library.index.search("airport").total == 0


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
def test_a_damaged_index_is_rebuilt_and_searches_work(
    library_path: Path, damage: Callable[[Path], None]
) -> None:
    damage(library_path)
    assert not index_health(library_path).agrees
    with open_library(library_path) as library:
        _assert_searches_work(library)


@pytest.mark.parametrize("damage", QUIET_DAMAGE, ids=lambda f: f.__name__)
def test_damage_found_only_when_searching_is_repaired_on_the_spot(
    library_path: Path, damage: Callable[[Path], None]
) -> None:
    damage(library_path)
    with open_library(library_path) as library:
        _assert_searches_work(library)
        assert library.index is not None
        assert library.index.search("quarter").total == ARTICLES


def test_an_index_of_another_library_is_not_trusted(library_path: Path, stranger: Path) -> None:
    shutil.rmtree(library_path / "index")
    shutil.copytree(stranger / "index", library_path / "index")
    status = index_health(library_path)
    assert status.opens and not status.identity_matches
    with open_library(library_path) as library:
        _assert_searches_work(library)


def test_an_index_folder_linking_out_of_the_library_is_never_followed(
    library_path: Path, stranger: Path
) -> None:
    outside = sorted((p.name, p.stat().st_size) for p in _index_files(stranger))
    shutil.rmtree(library_path / "index")
    (library_path / "index").symlink_to(stranger / "index", target_is_directory=True)
    with open_library(library_path) as library:
        _assert_searches_work(library)
    assert not (library_path / "index").is_symlink()
    assert sorted((p.name, p.stat().st_size) for p in _index_files(stranger)) == outside


def test_the_index_folder_is_private_to_its_owner(library_path: Path) -> None:
    (library_path / "index").chmod(0o755)
    with open_library(library_path):
        assert stat.S_IMODE((library_path / "index").stat().st_mode) == 0o700
    delete_the_folder(library_path)
    with open_library(library_path):
        assert stat.S_IMODE((library_path / "index").stat().st_mode) == 0o700


def test_check_reports_a_broken_index_without_repairing_it(library_path: Path) -> None:
    truncate_every_file(library_path)
    before = [(p.name, p.read_bytes()) for p in _index_files(library_path)]
    result = subprocess.run(
        [sys.executable, "main.py", "check", "--library", str(library_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "index     unreadable (rebuilt from the database at next open)" in result.stdout
    assert "problem:  the search index does not agree with the database" in result.stdout
    assert [(p.name, p.read_bytes()) for p in _index_files(library_path)] == before
