"""What a search returns: ranked hits read back from SQLite, each with its passage and snippet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlite_utils

from sourcemark.app.models import (
    Kind,
    PageRange,
    PageSpan,
    Verdict,
    page_span_from_row,
    pages_of,
)
from sourcemark.app.search import documents
from sourcemark.app.search.schema import ENGLISH, family
from sourcemark.app.search.snippets import NOTHING, Highlights, snippet
from sourcemark.db import queries


@dataclass(frozen=True, slots=True)
class Hit:
    doc_type: str  # 'article' or 'annotation'
    article_id: str
    annotation_id: str | None
    title: str
    outlet: str
    published: str
    kind: Kind | None
    speaker: str
    verdict: Verdict | None
    score: float
    language: str  # the source's (ISO 639 code)
    start: int  # code-point offsets into the article text: the passage to jump to
    end: int
    snippet: str  # plain text, matches wrapped in « »
    snippet_html: str  # HTML-escaped, matches in <b>…</b>
    pages: PageRange | None = None  # the pages the passage lies on, for a source from a PDF


@dataclass(frozen=True, slots=True)
class Ranked:
    """A ranked index document not read from SQLite yet: its score and stored ids."""

    score: float
    stored: dict[str, str]


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The first hits of a search, read and with snippets, and the ranked rest (`pending`),
    which `more` reads when they are wanted (a list shows the first screen first)."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    elapsed_ms: float = 0.0
    query: str = ""
    pending: tuple[Ranked, ...] = ()
    wanted: Highlights = field(default_factory=dict)

    def of(self, kind: Kind | None = None, verdict: Verdict | None = None) -> list[Hit]:
        """The hits read so far that are of this kind and carry this verdict (None: any)."""
        return [
            hit
            for hit in self.hits
            if (kind is None or hit.kind is kind) and (verdict is None or hit.verdict is verdict)
        ]

    def more(self, db: sqlite_utils.Database, count: int) -> tuple[list[Hit], SearchResults]:
        """The next `count` pending hits, and these results with them read."""
        new = read_hits(db, self.pending[:count], self.wanted)
        rest = replace(self, hits=[*self.hits, *new], pending=self.pending[count:])
        return new, rest


def read_hits(db: sqlite_utils.Database, ranked: Sequence[Ranked], wanted: Highlights) -> list[Hit]:
    """The ranked hits with their details from SQLite; a record deleted since the index was
    last brought up to date is left out."""
    article_ids = [r.stored["article_id"] for r in ranked if r.stored["doc_type"] == "article"]
    annotation_ids = [
        r.stored["annotation_id"] for r in ranked if r.stored["doc_type"] == "annotation"
    ]
    articles = {row["id"]: row for row in documents.articles_by_id(db, article_ids)}
    annotations = {row["id"]: row for row in documents.annotations_by_id(db, annotation_ids)}
    hits = []
    for score, stored in ((r.score, r.stored) for r in ranked):
        if stored["doc_type"] == "article" and stored["article_id"] in articles:
            hits.append(_article_hit(articles[stored["article_id"]], score, wanted))
        elif stored["doc_type"] == "annotation" and stored["annotation_id"] in annotations:
            hits.append(annotation_hit(annotations[stored["annotation_id"]], score, wanted))
    return with_pages(db, hits)


def with_pages(db: sqlite_utils.Database, hits: list[Hit]) -> list[Hit]:
    """The hits, each with the pages its passage lies on (for sources with a page map)."""
    maps: dict[str, list[PageSpan]] = {}
    for article_id in {hit.article_id for hit in hits}:
        maps[article_id] = [page_span_from_row(r) for r in queries.article_pages(db, article_id)]
    return [replace(hit, pages=pages_of(maps[hit.article_id], hit.start, hit.end)) for hit in hits]


def _article_hit(row: dict[str, Any], score: float, wanted: Highlights) -> Hit:
    analysis = family(row["language"])
    shown = snippet(row["text"], wanted.get(analysis, NOTHING), analysis)
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
        language=row["language"],
        start=shown.start,
        end=shown.end,
        snippet=shown.text,
        snippet_html=shown.html,
    )


def passage_hit(row: dict[str, Any], score: float, start: int, end: int, wanted: Highlights) -> Hit:
    """A passage of an article's text (`text[start:end]`), not an annotation."""
    analysis = family(row["language"])
    shown = snippet(row["text"][start:end], wanted.get(analysis, NOTHING), analysis)
    return replace(
        _article_hit(row, score, {}),
        start=start,
        end=end,
        snippet=shown.text,
        snippet_html=shown.html,
    )


def annotation_hit(row: dict[str, Any], score: float, wanted: Highlights) -> Hit:
    analysis = family(row["language"])
    shown = snippet(row["quote"], wanted.get(analysis, NOTHING), analysis)
    if shown.start == shown.end and row["note"]:
        in_note = snippet(row["note"], wanted.get(ENGLISH, NOTHING))
        if in_note.start != in_note.end:
            shown = in_note
    return Hit(
        doc_type="annotation",
        article_id=row["article_id"],
        annotation_id=row["id"],
        title=row["title"],
        outlet=row["outlet"],
        published=row["published"],
        kind=Kind(row["kind"]),
        speaker=row["speaker"],
        verdict=Verdict(row["verdict"]) if row["verdict"] else None,
        score=score,
        language=row["language"],
        start=row["start"],
        end=row["end"],
        snippet=shown.text,
        snippet_html=shown.html,
    )
