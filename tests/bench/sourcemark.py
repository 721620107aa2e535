"""Sourcemark's own figures through `app/` (no window): import, search, new annotations.

Every function here runs inside a benchmark child process and returns what it measured.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sourcemark.app.anchoring import anchor
from sourcemark.app.importers import ExtractedSource
from sourcemark.app.library import Library, new_id, now
from sourcemark.app.models import Annotation, Kind, Verdict
from sourcemark.app.opening import open_library
from sourcemark.app.search.index import SearchIndex
from sourcemark.app.storage import write_transaction
from sourcemark.db import writes
from sourcemark.db.writes import Row
from tests.bench.generator import GeneratedArticle, PlannedAnnotation, read_corpus
from tests.bench.measure import Stopwatch
from tests.bench.workload import QUERY_MIX, SNIPPET_HITS, marker_word, run_query_mix

FOUND_WITHIN_S = 10.0


def _sources(articles: list[GeneratedArticle]) -> Iterator[ExtractedSource]:
    """Extraction (decoding, normalising) happens here, inside the timed import."""
    return (article.source(number) for number, article in enumerate(articles))


def import_articles(library_dir: str, corpus: str, count: int) -> dict[str, Any]:
    """Bulk-import `count` plain-text articles into a new library: database, outbox and index."""
    articles = read_corpus(Path(corpus), count)
    clock = Stopwatch()
    library = open_library(Path(library_dir))
    results = library.import_many(_sources(articles), total=len(articles)).value
    library.close()
    seconds = clock.ms() / 1000
    assert sum(result.created for result in results) == len(articles)
    return {"seconds": seconds, "articles": len(articles)}


def annotate_library(library_dir: str, corpus: str, count: int) -> dict[str, Any]:
    """Make every planned annotation of an imported library, then let the index catch up.

    The annotations are made without the index (the outbox queues them), with SQLite's
    `synchronous=OFF` and a transaction per 200 articles: this builds the fixture and is not a
    measured figure (at 100,000 articles one `Library.annotate` per annotation took hours on a
    busy machine). The rows are the ones `annotate` writes, and the database's triggers check
    each. Reopening the library with its index applies the outbox; that catch-up is timed.
    """
    articles = read_corpus(Path(corpus), count)
    library = open_library(Path(library_dir), with_index=False)
    library.db.execute("PRAGMA synchronous = OFF")
    made = 0
    # A run killed while annotating left some: they are not made twice.
    present = set(library.db.execute('SELECT article_id, start, "end" FROM annotations'))
    for first in range(0, len(articles), 200):
        with write_transaction(library.db):
            for article in articles[first : first + 200]:
                article_id = _article_id(library, article.text)
                for planned in article.annotations:
                    if (article_id, planned.start, planned.end) not in present:
                        writes.insert_annotation(library.db, _record(article_id, article, planned))
                    made += 1
    library.close()
    clock = Stopwatch()
    open_library(Path(library_dir)).close()
    return {"annotations": made, "index_catch_up_s": clock.ms() / 1000}


def _record(article_id: str, article: GeneratedArticle, planned: PlannedAnnotation) -> Row:
    place = anchor(article.text, planned.start, planned.end)
    stamp = now()
    kind = Kind(planned.kind)
    return Annotation(
        id=new_id(),
        article_id=article_id,
        kind=kind,
        start=place.start,
        end=place.end,
        quote=place.quote,
        prefix=place.prefix,
        suffix=place.suffix,
        note=planned.note,
        speaker=planned.speaker,
        verdict=Verdict(planned.verdict) if planned.verdict else None,
        created_at=stamp,
        updated_at=stamp,
    ).to_dict()


def _article_id(library: Library, text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    row = library.db.execute("SELECT id FROM articles WHERE text_sha256 = ?", (digest,)).fetchone()
    return str(row[0])


def _search(index: SearchIndex, text: str) -> tuple[int, list[str]]:
    results = index.search(text, limit=SNIPPET_HITS)
    return results.total, [hit.snippet for hit in results.hits]


def search(library_dir: str, rounds: int) -> dict[str, Any]:
    """The query mix through `library.index.search`, snippets included."""
    with open_library(Path(library_dir)) as library:
        assert library.index is not None
        index = library.index
        return run_query_mix(lambda text: _search(index, text), rounds)


def new_annotation(library_dir: str, repeats: int) -> dict[str, Any]:
    """Create a claim whose note holds a new word, then query until that word finds it."""
    samples, queries_needed = [], []
    with open_library(Path(library_dir)) as library:
        assert library.index is not None
        article_ids = [
            row[0]
            for row in library.db.execute("SELECT id FROM articles ORDER BY id LIMIT ?", (repeats,))
        ]
        for attempt, article_id in enumerate(article_ids):
            word = marker_word(attempt)
            text = library.article(article_id).text
            clock = Stopwatch()
            library.annotate(article_id, "claim", 0, text.index(".") + 1, note=f"Check {word}")
            queries = 1
            while library.index.search(word, limit=SNIPPET_HITS).total == 0:
                assert clock.ms() < FOUND_WITHIN_S * 1000, f"{word} never became searchable"
                queries += 1
            samples.append(clock.ms())
            queries_needed.append(queries)
    return {"samples_ms": samples, "queries_needed": max(queries_needed)}


def rebuild(library_dir: str) -> dict[str, Any]:
    """`rebuild-index` on an open library: every document written again from SQLite."""
    with open_library(Path(library_dir)) as library:
        assert library.index is not None
        clock = Stopwatch()
        documents = library.index.rebuild(library.db)
        return {"seconds": clock.ms() / 1000, "documents": documents}


def cold_search(library_dir: str) -> dict[str, Any]:
    """Open the library and answer the first query of the mix (timed from process start)."""
    with open_library(Path(library_dir)) as library:
        assert library.index is not None
        total, _ = _search(library.index, QUERY_MIX[0][1])
        return {"first_result_at": time.monotonic(), "total": total}
