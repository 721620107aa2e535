"""Readers borrowing each segment's terms see what Whoosh's own readers see."""

from __future__ import annotations

from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from sourcemark.app.search.readers import SharedTerms
from sourcemark.app.search.schema import SCHEMA
from sourcemark.app.search.writers import writer_for
from tests.test_search_writers import documents


def answers(searcher: Searcher) -> dict[str, list[tuple[str, float]]]:
    """For a few words, each hit's key and score, in Whoosh's order."""
    return {
        word: [(hit["key"], hit.score) for hit in searcher.find("body", word, limit=None)]
        for word in ("housing", "police", "tenants")
    }


def new_index(tmp_path: Path) -> tuple[FileStorage, FileIndex]:
    storage = FileStorage(str(tmp_path)).create()
    ix = storage.create_index(SCHEMA)
    for first in (0, 50):  # two segments
        writer = writer_for(ix, compound=False)
        for document in documents(100)[first : first + 50]:
            writer.add_document(**document)
        writer.commit()
    return storage, ix


def test_searchers_borrowing_terms_find_what_whooshs_searchers_find(tmp_path: Path) -> None:
    storage, ix = new_index(tmp_path)
    shared = SharedTerms(storage)
    before = shared.searcher(ix)
    assert len(before.reader().leaf_readers()) == 2
    with ix.searcher() as whooshs:
        assert answers(before) == answers(whooshs)
    assert all(answers(before).values())
    # Deletions and updates in both old segments, through a writer borrowing the same terms.
    writer = writer_for(ix, terms=shared, compound=False)
    writer.delete_by_term("key", "article:3")
    changed = documents(100)[60]
    writer.update_document(**{**changed, "body": "housing " * 7})
    writer.commit()
    after = shared.searcher(ix)
    with ix.searcher() as whooshs:
        assert answers(after) == answers(whooshs)
        assert answers(after) != answers(before)
    housing = [key for key, _ in answers(after)["housing"]]
    assert housing.count("article:60") == 1 and "article:3" not in housing
    before.close()
    assert all(answers(after).values())  # the segments they shared are still open
    after.close()
    assert shared._open == {}  # every terms reader closed with its last reader


def test_a_merged_segment_is_read_from_its_new_files(tmp_path: Path) -> None:
    storage, ix = new_index(tmp_path)
    shared = SharedTerms(storage)
    before = shared.searcher(ix)
    writer = writer_for(ix, terms=shared, compound=False)
    writer.add_document(**documents(101)[100])
    writer.commit(optimize=True)
    after = shared.searcher(ix)
    before.close()
    assert len(after.reader().leaf_readers()) == 1
    with ix.searcher() as whooshs:
        assert answers(after) == answers(whooshs)
    after.close()
    assert shared._open == {}
