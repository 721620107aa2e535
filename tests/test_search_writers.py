"""Sourcemark's index writers write what Whoosh's own writers write."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage, RamStorage, Storage
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from sourcemark.app.search.schema import SCHEMA
from sourcemark.app.search.writers import BulkWriter, IndexWriter, writer_for
from tests.search_helpers import CITY_WORDS

# A pool this small spills a sorted run to disk every few documents.
SPILLING_MB = 0.05


def documents(count: int) -> list[dict[str, Any]]:
    rng = random.Random(3)
    return [
        {
            "key": f"article:{number}",
            "doc_type": "article",
            "article_id": str(number),
            "lang": "en",
            "headline": " ".join(rng.choices(CITY_WORDS, k=5)),
            "body": " ".join(rng.choices(CITY_WORDS, k=200)),
            "speaker": "Maria Lopez" if number % 3 else "",
            "published": 20200101 + number,
        }
        for number in range(count)
    ]


def segment_files(storage: Storage, ix: FileIndex) -> dict[str, str]:
    """Each file of the index's one segment by its extension, as a digest of its bytes."""
    (segment,) = ix._segments()
    prefix = f"{ix.indexname}_{segment.segid}."
    return {
        name.removeprefix(prefix): hashlib.sha256(storage.open_file(name).read()).hexdigest()
        for name in storage.list()
        if name.startswith(prefix)
    }


def write_in_ram(writer_class: type[SegmentWriter]) -> dict[str, str]:
    storage = RamStorage()
    ix = storage.create_index(SCHEMA)
    writer = writer_class(ix, compound=False, limitmb=SPILLING_MB)
    for document in documents(300):
        writer.add_document(**document)
    writer.commit()
    return segment_files(storage, ix)


def test_the_index_writer_writes_whooshs_segment_byte_for_byte() -> None:
    """Its runs spilled as marshalled lists and its lengths read once change nothing."""
    ours = write_in_ram(IndexWriter)
    assert ours == write_in_ram(SegmentWriter)
    assert {"pst", "trm"} <= set(ours)


def postings_by_key(ix: FileIndex) -> dict[tuple[str, bytes], list[tuple[str, float, bytes]]]:
    """Every posting of every term, documents named by their key (docnums differ between
    one segment and several)."""
    found: dict[tuple[str, bytes], list[tuple[str, float, bytes]]] = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            items = []
            while matcher.is_active():
                key = searcher.stored_fields(matcher.id())["key"]
                items.append((key, matcher.weight(), matcher.value()))
                matcher.next()
            found[(fieldname, text)] = sorted(items)
    return found


def test_the_bulk_writer_indexes_the_same_postings_in_a_segment_per_process(
    tmp_path: Path,
) -> None:
    indexes = {}
    for name, procs in (("one", 1), ("two", 2)):
        storage = FileStorage(str(tmp_path / name)).create()
        ix = storage.create_index(SCHEMA)
        writer = writer_for(ix, procs=procs, compound=False, limitmb=SPILLING_MB)
        assert isinstance(writer, BulkWriter if procs > 1 else IndexWriter)
        for document in documents(400):
            writer.add_document(**document)
        writer.commit()
        indexes[name] = ix
    assert len(indexes["two"]._segments()) == 2
    single = postings_by_key(indexes["one"])
    assert postings_by_key(indexes["two"]) == single
    assert len(single) > 50
