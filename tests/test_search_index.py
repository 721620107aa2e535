"""The index follows the database: outbox replay, idempotent syncs, rebuilds, repair at start-up."""

from __future__ import annotations

import random
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import IndexWriter

from sourcemark.app.errors import LibraryBusy
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.layout import INDEX_DIR
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from sourcemark.app.search import documents
from sourcemark.app.search import index as search_index
from sourcemark.app.search.index import SearchIndex
from sourcemark.app.search.writers import writer_for
from sourcemark.app.storage import write_transaction
from sourcemark.app.trash import delete_source
from tests.search_helpers import add_article, hit_ids


def fill(library: Library) -> dict[str, str]:
    """Articles and annotations made through the service, with an edit and a deletion."""
    council = add_article(
        library,
        "The council approved the budget after a long debate.",
        title="Budget passes",
        outlet="City Desk",
        published="2021-03-04",
    )
    police = add_article(
        library,
        "Police said crime fell sharply across the city this year.",
        title="Crime report",
        outlet="Metro",
        published="2021-04-01",
    )
    claim = library.annotate_quote(
        police.id, "claim", "crime fell sharply", speaker="Chief Ray"
    ).value
    quote = library.annotate_quote(
        council.id, "quote", "approved the budget", speaker="Mayor"
    ).value
    library.edit_annotation(claim.id, verdict="mostly true", note="matches state data")
    gone = library.annotate_quote(council.id, "rebuttal", "long debate").value
    library.delete_annotation(gone.id)
    return {"council": council.id, "police": police.id, "claim": claim.id, "quote": quote.id}


def index_of(library: Library) -> SearchIndex:
    assert library.index is not None
    return library.index


def outbox_size(library: Library) -> int:
    return int(library.db.execute("SELECT count(*) FROM index_outbox").fetchone()[0])


QUERIES = (
    "budget",
    "crime OR budget",
    "kind:claim",
    "verdict:mostly-true",
    "outlet:metro",
    "published:2021-03",
    "speaker:mayor",
    "note:state",
)


def answers(library: Library) -> dict[str, set[str]]:
    return {q: hit_ids(index_of(library).search(q)) for q in QUERIES}


def test_each_commit_is_applied_and_the_outbox_emptied(library: Library) -> None:
    ids = fill(library)
    assert outbox_size(library) == 0
    status = index_of(library).status(library.db)
    assert status.agrees and status.documents == status.expected_documents == 4
    assert hit_ids(index_of(library).search("verdict:mostly-true")) == {ids["claim"]}


def test_outbox_is_replayed_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    open_library(path).close()
    # Changes committed while no index was being kept: the outbox holds them, the index lags.
    with open_library(path, with_index=False) as bare:
        ids = fill(bare)
        assert outbox_size(bare) > 0
    with open_library(path) as library:
        assert outbox_size(library) == 0
        assert hit_ids(index_of(library).search("kind:claim")) == {ids["claim"]}
        assert index_of(library).status(library.db).agrees


def test_sync_is_idempotent(library: Library) -> None:
    fill(library)
    before = answers(library)
    assert index_of(library).sync(library.db) == 0  # nothing pending
    # Replaying rows that were already applied (say, a crash before pruning) changes nothing.
    with write_transaction(library.db):
        library.db.execute(
            "INSERT INTO index_outbox (doc_type, doc_id, op) "
            "SELECT 'article', id, 'upsert' FROM articles UNION ALL "
            "SELECT 'annotation', id, 'upsert' FROM annotations"
        )
    # Five rows: the deleted annotation is still stored (in the trash), and stays out.
    assert index_of(library).sync(library.db) == 5
    assert index_of(library).sync(library.db) == 0
    assert answers(library) == before
    assert index_of(library).status(library.db).documents == 4


@pytest.mark.parametrize("bulk_from", [10**9, 1])
def test_rebuild_equals_incremental_indexing(
    library: Library, monkeypatch: pytest.MonkeyPatch, bulk_from: int
) -> None:
    """In one writer, or (a library of `bulk_from` documents or more) one per core."""
    monkeypatch.setattr(search_index, "_BULK_SYNC_ROWS", bulk_from)
    fill(library)
    incremental = answers(library)
    seen: list[tuple[int, int]] = []
    assert index_of(library).rebuild(library.db, progress=lambda *p: seen.append(p)) == 4
    assert seen[-1] == (4, 4)
    assert answers(library) == incremental
    assert index_of(library).status(library.db).agrees


def test_busy_writer_leaves_rows_for_the_next_sync(library: Library) -> None:
    ids = fill(library)
    other = whoosh_index.open_dir(str(library.path / INDEX_DIR))
    writer = other.writer()  # another thread or process is writing
    try:
        library.edit_annotation(ids["quote"], note="said twice")
        assert outbox_size(library) > 0
        assert index_of(library).sync(library.db) == 0
        assert not index_of(library).merge_segments()
    finally:
        writer.cancel()
    assert index_of(library).sync(library.db) > 0
    assert hit_ids(index_of(library).search("note:twice")) == {ids["quote"]}
    assert index_of(library).merge_segments()


def test_another_connection_sees_changes_without_reopening(library: Library) -> None:
    assert hit_ids(index_of(library).search("harbour")) == set()
    with open_library(library.path) as worker:  # e.g. an import in a worker thread
        article = add_article(worker, "The harbour reopened on Monday.")
    assert hit_ids(index_of(library).search("harbour")) == {article.id}


def reopened_answers(path: Path) -> tuple[dict[str, set[str]], bool]:
    with open_library(path) as library:
        return answers(library), index_of(library).status(library.db).agrees


def test_missing_index_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    with open_library(path) as library:
        fill(library)
        expected = answers(library)
    shutil.rmtree(path / INDEX_DIR)
    assert reopened_answers(path) == (expected, True)
    assert (path / INDEX_DIR).stat().st_mode & 0o777 == 0o700


def test_corrupt_index_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    with open_library(path) as library:
        fill(library)
        expected = answers(library)
    for file in (path / INDEX_DIR).iterdir():
        if file.suffix in (".toc", ".seg", ".trm", ".pst"):
            file.write_bytes(b"\x80\x04garbage")
    assert reopened_answers(path) == (expected, True)


def test_index_of_another_library_is_rebuilt(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    with open_library(theirs) as library:
        add_article(library, "Their secret harbour plans.")
    with open_library(mine) as library:
        ids = fill(library)
    shutil.rmtree(mine / INDEX_DIR)
    shutil.copytree(theirs / INDEX_DIR, mine / INDEX_DIR)
    with open_library(mine) as library:
        status = index_of(library).status(library.db)
        assert status.identity_matches and status.agrees
        assert hit_ids(index_of(library).search("harbour")) == set()
        assert hit_ids(index_of(library).search("kind:claim")) == {ids["claim"]}


def test_index_out_of_step_with_the_database_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    with open_library(path) as library:
        ids = fill(library)
    ix = whoosh_index.open_dir(str(path / INDEX_DIR))
    with ix.writer() as writer:  # a document lost, the outbox already pruned
        writer.delete_by_term("key", f"annotation:{ids['claim']}")
    ix.close()
    with open_library(path) as library:
        assert index_of(library).status(library.db).agrees
        assert hit_ids(index_of(library).search("kind:claim")) == {ids["claim"]}


def test_status_reports_a_missing_index(library: Library) -> None:
    shutil.rmtree(library.path / INDEX_DIR)
    status = index_of(library).status(library.db)
    assert not status.exists and not status.opens and not status.agrees


def test_an_edited_annotation_is_found_once(library: Library) -> None:
    ids = fill(library)
    for note in ("first draft", "second draft", "final draft"):
        library.edit_annotation(ids["quote"], note=note)
    results = index_of(library).search("note:draft")
    assert results.total == 1 and hit_ids(results) == {ids["quote"]}


def test_read_only_open_applies_the_outbox_without_writing_the_database(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    open_library(path).close()
    with open_library(path, with_index=False) as bare:
        ids = fill(bare)
        pending = outbox_size(bare)
    with open_library(path, read_only=True) as reader:
        assert hit_ids(index_of(reader).search("kind:claim")) == {ids["claim"]}
        assert outbox_size(reader) == pending  # applied, but only a writer prunes
        assert index_of(reader).status(reader.db).agrees
    with open_library(path) as writer:
        assert outbox_size(writer) == 0


def test_rebuild_gives_up_on_a_writer_that_never_finishes(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "_REBUILD_WAIT_S", 0.1)
    writer = whoosh_index.open_dir(str(library.path / INDEX_DIR)).writer()
    try:
        with pytest.raises(LibraryBusy, match="another Sourcemark process"):
            index_of(library).rebuild(library.db)
    finally:
        writer.cancel()


def test_threads_syncing_the_same_index_lose_nothing(library: Library) -> None:
    errors: list[BaseException] = []

    def import_in_a_worker(first: int) -> None:
        try:
            with open_library(library.path) as worker:
                for n in range(first, first + 15):
                    add_article(worker, f"Dispatch {n} about the harbour strike.")
        except BaseException as error:  # surfaced below, in the test's own thread
            errors.append(error)

    workers = [threading.Thread(target=import_in_a_worker, args=(n * 100,)) for n in range(2)]
    for worker in workers:
        worker.start()
    for n in range(15):
        add_article(library, f"Bulletin {n} about the harbour strike.")
    for worker in workers:
        worker.join()
    assert not errors
    index_of(library).sync(library.db)  # whatever a busy lock left in the outbox
    assert index_of(library).search("harbour strike", limit=100).total == 45
    assert index_of(library).status(library.db).agrees


def test_an_index_folder_linking_out_of_the_library_is_never_opened(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    with open_library(theirs) as library:
        add_article(library, "Their secret harbour plans.")
    their_files = sorted(p.name for p in (theirs / INDEX_DIR).iterdir())
    open_library(mine).close()
    shutil.rmtree(mine / INDEX_DIR)
    (mine / INDEX_DIR).symlink_to(theirs / INDEX_DIR)
    with open_library(mine) as library:
        assert hit_ids(index_of(library).search("harbour")) == set()
    assert not (mine / INDEX_DIR).is_symlink()
    assert sorted(p.name for p in (theirs / INDEX_DIR).iterdir()) == their_files


def test_the_total_is_exact_whatever_the_limit_across_segments(tmp_path: Path) -> None:
    """Whoosh's top-N collector skips segments that cannot reach the top N; totals must not."""
    rng = random.Random(7)
    words = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "budget",
        "council",
        "housing",
        "police",
        "mayor",
        "city",
    ]
    with open_library(tmp_path / "lib") as lib:
        for batch in range(4):  # each batch commits its own segment
            lib.import_many(
                from_pasted_text(
                    f"Story {batch}-{n}. " + " ".join(rng.choices(words, k=rng.randint(3, 300)))
                )
                for n in range(150)
            )
        both = lib.db.execute(
            "SELECT count(*) FROM articles WHERE text LIKE '%mayor%' AND text LIKE '%budget%'"
        ).fetchone()[0]
        assert {lib.search("mayor budget", limit=limit).total for limit in (3, 40, 500)} == {both}


@pytest.mark.parametrize(
    "rows, words, parallel",
    [
        (60, 30, True),  # enough rows holding enough article text
        (60, 2, False),  # as many rows of short texts: one writer is faster
        (120, 2, True),  # enough rows whatever they hold
        (40, 30, False),
    ],
)
def test_a_bulk_sync_uses_the_parallel_writer_and_agrees_with_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int, words: int, parallel: bool
) -> None:
    monkeypatch.setattr(search_index, "_BULK_SYNC_ROWS", 100)
    monkeypatch.setattr(search_index, "_BULK_SYNC_ARTICLE_ROWS", 50)
    monkeypatch.setattr(search_index, "_BULK_SYNC_TEXT_CHARS", 60 * 100)
    kinds: list[str] = []

    def spy(ix: whoosh_index.FileIndex, **settings: Any) -> IndexWriter:
        writer = writer_for(ix, **settings)
        kinds.append(type(writer).__name__)
        return writer

    monkeypatch.setattr(search_index, "writer_for", spy)
    with open_library(tmp_path / "lib") as lib:
        kinds.clear()  # opening the library wrote its first index
        lib.import_many(
            from_pasted_text(f"Bulk wire story {n} on turnout." + " More of it." * words)
            for n in range(rows)
        )
        assert lib.index is not None and lib.index.status(lib.db).agrees
        assert lib.search("turnout", limit=5).total == rows
        assert lib.db.execute("SELECT count(*) FROM index_outbox").fetchone()[0] == 0
    # One core: always one writer.
    assert ("BulkWriter" in kinds) == (parallel and search_index._BULK_PROCS > 1)


@pytest.mark.parametrize(
    "sizes, budget, merged",
    [
        ([1000] * 7, None, set()),  # a tier is merged only once full
        ([1000] * 8, None, set(range(8))),
        ([1000] * 8 + [10**7], None, set(range(8))),  # bigger segments stay
        ([1000] * 8 + [600_000] * 8, None, set(range(16))),  # every full tier
        ([1000] * 8 + [600_000] * 8, 100_000, set(range(8))),  # within a sync's budget
        ([600_000] * 8, 100_000, set()),
    ],
)
def test_segments_merge_by_full_size_tiers(
    sizes: list[int], budget: int | None, merged: set[int]
) -> None:
    assert search_index.tiers_to_merge(sizes, budget) == merged


def test_idle_merges_leave_one_segment_per_tier() -> None:
    assert search_index.tiers_to_merge([1000, 2000, 600_000, 10**7], None, 2) == {0, 1}


def test_one_commit_per_source_keeps_the_segments_few(library: Library) -> None:
    """Each import and annotation commits a segment; full tiers merge as they go, so the
    searcher never faces one segment per document (what made imports slow down)."""
    assert library.index is not None
    for number in range(60):
        article = add_article(library, f"Source {number} says the river rose {number} cm.")
        library.annotate_quote(article.id, "claim", "the river rose")
    segments = library.index._fresh_searcher().reader().leaf_readers()
    assert len(segments) <= search_index._CROWDED_SEGMENTS
    assert len(hit_ids(library.search("river", limit=500))) == 120


def test_the_document_count_is_the_live_articles_and_their_live_annotations(
    library: Library,
) -> None:
    """What the index must hold, counted from the partial indexes of live rows."""
    articles = [add_article(library, f"Source {n} says the budget grew.") for n in range(4)]
    made = [library.annotate(a.id, "claim", 0, 6).value for a in articles for _ in range(3)]
    library.delete_annotation(made[0].id)  # one annotation in the trash
    delete_source(library, articles[1].id)  # a source in the trash, its 3 annotations with it
    expected = len(list(documents.all_articles(library.db))) + len(
        list(documents.all_annotations(library.db))
    )
    assert expected == 3 + 2 + 3 + 3
    assert documents.document_count(library.db) == expected
    assert index_of(library).status(library.db).agrees
