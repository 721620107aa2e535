"""The raw engines on the same corpus, with no Sourcemark code: Whoosh and SQLite FTS5.

Both hold one document per article and per annotation, with the same fields and English
stemming, so the same query strings (`kind:claim`, "phrases", implicit AND) mean the same
thing in each. Every function here runs inside a benchmark child process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from tests.bench.generator import GeneratedArticle, read_corpus
from tests.bench.measure import Stopwatch
from tests.bench.workload import (
    QUERY_MIX,
    SNIPPET_HITS,
    marker_word,
    run_query_mix,
)

WHOOSH_FIELDS = ("title", "text", "note", "speaker")
FTS_COLUMNS = ("title", "text", "note", "speaker", "kind")
FASTEST_WRITER = {"procs": min(4, os.cpu_count() or 1), "multisegment": True, "limitmb": 256}


def documents(
    articles: Iterable[GeneratedArticle], *, annotations: bool
) -> Iterator[dict[str, str]]:
    """Index documents: each article, then (if asked) each of its annotations."""
    for number, article in enumerate(articles):
        article_id = f"a{number}"
        yield {
            "id": article_id,
            "doc_type": "article",
            "kind": "",
            "title": article.title,
            "text": article.text,
            "note": "",
            "speaker": "",
            "outlet": article.outlet,
            "author": article.author,
            "published": article.published,
        }
        if not annotations:
            continue
        for index, planned in enumerate(article.annotations):
            yield {
                "id": f"{article_id}n{index}",
                "doc_type": "annotation",
                "kind": planned.kind,
                "title": "",  # as in Sourcemark, a word of the headline finds the article only
                "text": article.text[planned.start : planned.end],
                "note": planned.note,
                "speaker": planned.speaker,
                "outlet": article.outlet,
                "author": article.author,
                "published": article.published,
            }


# --- Whoosh -------------------------------------------------------------------------------


def whoosh_schema() -> Any:
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        doc_type=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        text=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        note=fields.TEXT(analyzer=StemmingAnalyzer()),
        speaker=fields.TEXT(stored=True),
        outlet=fields.TEXT,
        author=fields.TEXT,
        published=fields.ID,
    )


def whoosh_build(
    index_dir: str, corpus: str, count: int, *, fastest: bool, annotations: bool
) -> dict[str, Any]:
    """Index `count` articles in one writer: Whoosh's defaults, or its fastest settings."""
    from whoosh import index

    articles = read_corpus(Path(corpus), count)
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    clock = Stopwatch()
    ix = index.create_in(index_dir, whoosh_schema())
    writer = ix.writer(**FASTEST_WRITER) if fastest else ix.writer()
    for document in documents(articles, annotations=annotations):
        writer.add_document(**document)
    writer.commit()
    ix.close()
    return {"seconds": clock.ms() / 1000, "articles": len(articles)}


def _whoosh_query(searcher: Any, parser: Any, text: str) -> tuple[int, list[str]]:
    results = searcher.search(parser.parse(text), limit=SNIPPET_HITS)
    snippets = [hit.highlights("text") for hit in results]
    return len(results), snippets


def _whoosh_open(index_dir: str) -> tuple[Any, Any, Any]:
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(index_dir)
    return ix, ix.searcher(), MultifieldParser(list(WHOOSH_FIELDS), ix.schema)


def whoosh_search(index_dir: str, rounds: int) -> dict[str, Any]:
    """Latency of the query mix (with snippets for the top hits), after one warm-up round."""
    ix, searcher, parser = _whoosh_open(index_dir)
    return run_query_mix(lambda text: _whoosh_query(searcher, parser, text), rounds)


def whoosh_new_document(index_dir: str, repeats: int) -> dict[str, Any]:
    """Add one annotation document, commit without merging, refresh, and find it."""
    from whoosh.writing import NO_MERGE

    ix, searcher, parser = _whoosh_open(index_dir)
    samples = []
    for attempt in range(repeats):
        word = marker_word(attempt)
        clock = Stopwatch()
        writer = ix.writer()
        writer.add_document(
            id=f"new{attempt}",
            doc_type="annotation",
            kind="claim",
            text=f"A new claim {word}",
            note=word,
        )
        writer.commit(mergetype=NO_MERGE)
        searcher = searcher.refresh()
        total, _ = _whoosh_query(searcher, parser, word)
        samples.append(clock.ms())
        assert total >= 1, f"the new document {word} was not found"
    return {"samples_ms": samples}


def whoosh_cold_search(index_dir: str) -> dict[str, Any]:
    """Open the index and answer the first query of the mix (timed from process start)."""
    ix, searcher, parser = _whoosh_open(index_dir)
    total, _ = _whoosh_query(searcher, parser, QUERY_MIX[0][1])
    return {"first_result_at": time.monotonic(), "total": total}


# --- SQLite FTS5 ---------------------------------------------------------------------------


def fts5_build(db_path: str, corpus: str, count: int, *, annotations: bool) -> dict[str, Any]:
    """Insert the documents in one transaction, then build the FTS5 table (with triggers)."""
    articles = read_corpus(Path(corpus), count)
    clock = Stopwatch()
    db = sqlite_utils.Database(db_path)
    with db.conn:
        db.table("docs").insert_all(documents(articles, annotations=annotations), pk="id")
    db.table("docs").enable_fts(FTS_COLUMNS, tokenize="porter", create_triggers=True)
    db.close()
    return {"seconds": clock.ms() / 1000, "articles": len(articles)}


def _fts5_query(db: sqlite_utils.Database, text: str) -> tuple[int, list[str]]:
    hits = list(db.table("docs").search(text, limit=SNIPPET_HITS, columns=["id"]))
    total = db.execute("SELECT count(*) FROM docs_fts WHERE docs_fts MATCH ?", (text,)).fetchone()[
        0
    ]
    placeholders = ",".join("?" * len(hits))
    snippets = [
        row[0]
        for row in db.execute(
            "SELECT snippet(docs_fts, -1, '<b>', '</b>', '…', 24) FROM docs_fts "
            "WHERE docs_fts MATCH ? AND rowid IN "
            f"(SELECT rowid FROM docs WHERE id IN ({placeholders}))",
            (text, *(hit["id"] for hit in hits)),
        )
    ]
    return total, snippets


def fts5_search(db_path: str, rounds: int) -> dict[str, Any]:
    db = sqlite_utils.Database(db_path)
    return run_query_mix(lambda text: _fts5_query(db, text), rounds)


def fts5_new_document(db_path: str, repeats: int) -> dict[str, Any]:
    """Insert one annotation row (its trigger updates FTS5) and find it."""
    db = sqlite_utils.Database(db_path)
    samples = []
    for attempt in range(repeats):
        word = marker_word(attempt)
        clock = Stopwatch()
        with db.conn:
            db.table("docs").insert(
                {
                    "id": f"new{attempt}",
                    "doc_type": "annotation",
                    "kind": "claim",
                    "text": f"A new claim {word}",
                    "note": word,
                },
                replace=True,  # a resumed run adds the same rows again
            )
        total, _ = _fts5_query(db, word)
        samples.append(clock.ms())
        assert total >= 1, f"the new row {word} was not found"
    return {"samples_ms": samples}


def fts5_cold_search(db_path: str) -> dict[str, Any]:
    db = sqlite_utils.Database(db_path)
    total, _ = _fts5_query(db, QUERY_MIX[0][1])
    return {"first_result_at": time.monotonic(), "total": total}
