"""Searching the newsroom: PostgreSQL full-text search over every shared record a reporter may
see (their desks' records: `sourcemark.matching` finds them through the GIN index, and row-level
security guards the rows it returns), with English stemming, web-search syntax
(`websearch_to_tsquery`: words, "phrases", OR, -word) and snippets (`ts_headline`) whose
matches are wrapped in « », as the local search's are.
Local search stays on the library's Whoosh index.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass
from typing import Any

from sourcemark.app.models import Kind, Verdict
from sourcemark.app.newsroom.protocol import Connection
from sourcemark.app.search.results import Hit

_WORD = re.compile(r"\w{3,}")
MAX_STATEMENT_WORDS = 60
_HEADLINE = "StartSel=«, StopSel=», MaxWords=30, MinWords=10, MaxFragments=2"


@dataclass(frozen=True, slots=True)
class TeamHit:
    desk: str
    kind: str
    """'article', 'annotation' or 'story'."""
    id: str
    article_id: str | None
    title: str
    snippet: str
    annotation_kind: str | None
    speaker: str | None
    verdict: str | None
    creator: str | None
    stories: list[str]
    rank: float
    source_title: str
    """The title of the source a hit is in (its own, for a source)."""
    outlet: str
    published: str
    language: str
    """The source's language (ISO 639), which the desk's list shows."""
    start: int
    """Code-point offsets of an annotation's passage in its source (0, 0 otherwise)."""
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search(
    conn: Connection,
    query: str,
    *,
    kind: str | None = None,
    speaker: str | None = None,
    verdict: str | None = None,
    story: str | None = None,
    limit: int = 20,
) -> list[TeamHit]:
    """Ranked shared sources, annotations and stories matching `query`; deleted ones left out.
    `kind` (claim, quote, rebuttal), `speaker`, `verdict` and `story` (a name) narrow it."""
    rows = conn.execute(
        """
        WITH q AS (SELECT websearch_to_tsquery('english', %(query)s) AS query),
        hits AS (
            SELECT r.desk_id, r.kind, r.id, r.body, found.rank,
                   coalesce(r.body->>'article_id', CASE WHEN r.kind = 'article' THEN r.id END)
                       AS article_id
            FROM q, sourcemark.matching(q.query) found
            JOIN sourcemark.records r
              ON r.desk_id = found.desk_id AND r.kind = found.kind AND r.id = found.id
            WHERE (%(kind)s::text IS NULL OR r.body->>'kind' = %(kind)s)
              AND (%(speaker)s::text IS NULL OR r.body->>'speaker' ILIKE %(speaker)s)
              AND (%(verdict)s::text IS NULL OR r.body->>'verdict' = %(verdict)s)
              AND NOT EXISTS (  -- deleted, or its source deleted (one index probe each)
                  SELECT 1 FROM sourcemark.records t
                  WHERE t.desk_id = r.desk_id AND t.kind = 'tombstone'
                    AND t.body->>'target_id' IN (r.id, coalesce(r.body->>'article_id', r.id))
                    AND t.body->>'restored_at' IS NULL)
              AND (%(story)s::text IS NULL OR EXISTS (
                  SELECT 1 FROM sourcemark.records m JOIN sourcemark.records s
                    ON s.desk_id = m.desk_id AND s.kind = 'story'
                   AND s.id = m.body->>'story_id'
                  WHERE m.desk_id = r.desk_id AND m.kind = 'story_article'
                    AND m.body->>'article_id' = coalesce(r.body->>'article_id', r.id)
                    AND lower(s.body->>'name') = lower(%(story)s)))
            ORDER BY rank DESC, r.kind, r.id
            LIMIT %(limit)s
        )
        SELECT d.name, h.kind, h.id, h.article_id, h.body, h.rank,
               (SELECT a.body FROM sourcemark.records a
                WHERE a.desk_id = h.desk_id AND a.kind = 'article' AND a.id = h.article_id)
                   AS source,
               coalesce((SELECT array_agg(s.body->>'name' ORDER BY s.body->>'name')
                         FROM sourcemark.records m JOIN sourcemark.records s
                           ON s.desk_id = m.desk_id AND s.kind = 'story'
                          AND s.id = m.body->>'story_id'
                         WHERE m.desk_id = h.desk_id AND m.kind = 'story_article'
                           AND m.body->>'article_id' = h.article_id
                           AND NOT (m.body->>'removed')::boolean), '{}') AS stories,
               ts_headline('english',
                           coalesce(h.body->>'quote', '') || ' ' || coalesce(h.body->>'note', '')
                           || ' ' || coalesce(h.body->>'name', '') || ' '
                           || left(coalesce(h.body->>'text', ''), 20000),
                           (SELECT query FROM q), %(headline)s) AS snippet
        FROM hits h JOIN sourcemark.desks d ON d.id = h.desk_id
        ORDER BY h.rank DESC, h.kind, h.id
        """,
        {
            "query": query,
            "kind": kind,
            "speaker": f"%{speaker}%" if speaker else None,
            "verdict": verdict,
            "story": story,
            "headline": _HEADLINE,
            "limit": limit,
        },
    ).fetchall()
    return [
        TeamHit(
            desk=desk,
            kind=record_kind,
            id=record_id,
            article_id=article_id,
            title=str(body.get("title") or body.get("name") or body.get("quote") or ""),
            snippet=" ".join(str(snippet).split()),
            annotation_kind=body.get("kind") if record_kind == "annotation" else None,
            speaker=body.get("speaker") or None,
            verdict=body.get("verdict"),
            creator=body.get("creator"),
            stories=list(stories),
            rank=float(rank),
            source_title=str((source or {}).get("title", "")),
            outlet=str((source or {}).get("outlet", "")),
            published=str((source or {}).get("published", "")),
            language=str((source or {}).get("language") or "en"),
            start=int(body.get("start", 0)) if record_kind == "annotation" else 0,
            end=int(body.get("end", 0)) if record_kind == "annotation" else 0,
        )
        for desk, record_kind, record_id, article_id, body, rank, source, stories, snippet in rows
    ]


def as_hit(hit: TeamHit) -> Hit:
    """A newsroom hit as the desk's search list shows a hit (sources and annotations only)."""
    assert hit.article_id is not None
    escaped = html.escape(hit.snippet).replace("«", "<b>").replace("»", "</b>")
    return Hit(
        doc_type="annotation" if hit.kind == "annotation" else "article",
        article_id=hit.article_id,
        annotation_id=hit.id if hit.kind == "annotation" else None,
        title=hit.source_title,
        outlet=hit.outlet,
        published=hit.published,
        kind=Kind(hit.annotation_kind) if hit.annotation_kind else None,
        speaker=hit.speaker or "",
        verdict=Verdict(hit.verdict) if hit.verdict else None,
        score=hit.rank,
        language=hit.language,
        start=hit.start,
        end=hit.end,
        snippet=hit.snippet,
        snippet_html=escaped,
    )


def claim_candidates(conn: Connection, statement: str, limit: int = 200) -> list[TeamHit]:
    """The newsroom's annotations sharing a word with a statement, best first: what claim
    matching then scores ("have we checked this before?")."""
    words = _WORD.findall(statement)[:MAX_STATEMENT_WORDS]
    if not words:
        return []
    found = search(conn, " or ".join(words), limit=limit)
    return [hit for hit in found if hit.kind == "annotation"]
