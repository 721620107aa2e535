"""`search --all-versions`: the earlier versions of sources, searched beside the index.

The search index holds each source's latest text only. Earlier versions exist only for
sources refetched after their publisher changed them, so they are few: they are indexed on the
fly in memory with the same schema and query parser, and never touch the library's index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils
from whoosh.filedb.filestore import RamStorage

from sourcemark.app.search.documents import article_document
from sourcemark.app.search.query import parse
from sourcemark.app.search.schema import ENGLISH, build_schema, family
from sourcemark.app.search.snippets import NOTHING, highlight_terms, snippet
from sourcemark.db import queries


@dataclass(frozen=True, slots=True)
class VersionHit:
    """A match in an earlier version of a source: offsets point into that version's text."""

    article_id: str
    version: int
    title: str
    score: float
    start: int
    end: int
    snippet: str


def search_earlier_versions(
    db: sqlite_utils.Database, query_text: str, *, limit: int = 20
) -> list[VersionHit]:
    """Ranked matches of a query in the sources' earlier versions (not their latest)."""
    rows = queries.superseded_versions(db)
    if not rows:
        return []
    parsed = parse(query_text, frozenset(family(row["language"]) for row in rows) | {ENGLISH})
    index = RamStorage().create_index(build_schema())
    writer = index.writer()
    for row in rows:  # one document per version, keyed "<article id>:<number>"
        writer.add_document(**article_document({**row, "id": _key(row)}))
    writer.commit()
    texts = {_key(row): row for row in rows}
    with index.searcher() as searcher:
        wanted = highlight_terms(parsed, searcher.reader())
        hits = []
        for hit in searcher.search(parsed, limit=limit):
            row = texts[hit["article_id"]]
            analysis = family(row["language"])
            shown = snippet(row["text"], wanted.get(analysis, NOTHING), analysis)
            hits.append(
                VersionHit(
                    row["article_id"],
                    row["number"],
                    row["title"],
                    hit.score,
                    shown.start,
                    shown.end,
                    shown.text,
                )
            )
    return hits


def _key(row: dict[str, Any]) -> str:
    return f"{row['article_id']}:{row['number']}"
