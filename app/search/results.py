"""What a search returns: ranked hits read back from SQLite, each with its passage and snippet."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import sqlite_utils
from whoosh.searching import Results

from sourcemark.app.models import PageRange, PageSpan, page_span_from_row, pages_of
from sourcemark.app.search import documents
from sourcemark.app.search.snippets import Wanted, snippet
from sourcemark.db import queries


@dataclass(frozen=True, slots=True)
class Hit:
    doc_type: str  # 'article' or 'annotation'
    article_id: str
    annotation_id: str | None
    title: str
    outlet: str
    published: str
    kind: str | None
    speaker: str
    verdict: str | None
    score: float
    start: int  # code-point offsets into the article text: the passage to jump to
    end: int
    snippet: str  # plain text, matches wrapped in « »
    snippet_html: str  # HTML-escaped, matches in <b>…</b>
    pages: PageRange | None = None  # the pages the passage lies on, for a source from a PDF


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    elapsed_ms: float = 0.0
    query: str = ""


def read_hits(db: sqlite_utils.Database, results: Results, wanted: Wanted) -> list[Hit]:
    """The ranked hits with their details from SQLite; a record deleted since the index was
    last brought up to date is left out."""
    ranked = [(hit.score, hit.fields()) for hit in results]
    article_ids = [f["article_id"] for _, f in ranked if f["doc_type"] == "article"]
    annotation_ids = [f["annotation_id"] for _, f in ranked if f["doc_type"] == "annotation"]
    articles = {row["id"]: row for row in documents.articles_by_id(db, article_ids)}
    annotations = {row["id"]: row for row in documents.annotations_by_id(db, annotation_ids)}
    hits = []
    for score, stored in ranked:
        if stored["doc_type"] == "article" and stored["article_id"] in articles:
            hits.append(_article_hit(articles[stored["article_id"]], score, wanted))
        elif stored["doc_type"] == "annotation" and stored["annotation_id"] in annotations:
            hits.append(_annotation_hit(annotations[stored["annotation_id"]], score, wanted))
    return _with_pages(db, hits)


def _with_pages(db: sqlite_utils.Database, hits: list[Hit]) -> list[Hit]:
    """The hits, each with the pages its passage lies on (for sources with a page map)."""
    maps: dict[str, list[PageSpan]] = {}
    for article_id in {hit.article_id for hit in hits}:
        maps[article_id] = [page_span_from_row(r) for r in queries.article_pages(db, article_id)]
    return [replace(hit, pages=pages_of(maps[hit.article_id], hit.start, hit.end)) for hit in hits]


def _article_hit(row: dict[str, Any], score: float, wanted: Wanted) -> Hit:
    shown = snippet(row["text"], wanted)
    return Hit(
        doc_type="article",
        article_id=row["id"],
        annotation_id=None,
        title=row["title"],
        outlet=row["outlet"],
        published=row["published"],
        kind=None,
        speaker="",
        verdict=None,
        score=score,
        start=shown.start,
        end=shown.end,
        snippet=shown.text,
        snippet_html=shown.html,
    )


def _annotation_hit(row: dict[str, Any], score: float, wanted: Wanted) -> Hit:
    shown = snippet(row["quote"], wanted)
    if shown.start == shown.end and row["note"]:
        in_note = snippet(row["note"], wanted)
        if in_note.start != in_note.end:
            shown = in_note
    return Hit(
        doc_type="annotation",
        article_id=row["article_id"],
        annotation_id=row["id"],
        title=row["title"],
        outlet=row["outlet"],
        published=row["published"],
        kind=row["kind"],
        speaker=row["speaker"],
        verdict=row["verdict"],
        score=score,
        start=row["start"],
        end=row["end"],
        snippet=shown.text,
        snippet_html=shown.html,
    )
