"""Searching the newsroom with PostgreSQL full-text search: stemming, fields, snippets, stories,
deletions left out, and nothing from another desk."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from sourcemark.app.newsroom import protocol
from sourcemark.app.newsroom.protocol import Change
from sourcemark.app.newsroom.search import search
from tests.newsroom.conftest import Newsroom, Reporter

Conn = psycopg.Connection[tuple[Any, ...]]
STAMP = "2024-05-01T10:00:00Z"


def push(conn: Conn, desk: str, record: str, **body: Any) -> None:
    """Push a record given as "kind:id"."""
    kind, record_id = record.split(":", 1)
    desk_id = protocol.my_desks(conn)[desk]
    full = {"id": record_id, "updated_at": STAMP, **body}
    protocol.push(conn, [Change(str(uuid.uuid4()), desk_id, kind, record_id, full)])


def seed(reporter: Reporter, desk: str) -> Conn:
    conn = psycopg.connect(reporter.login, autocommit=True)
    push(conn, desk, "story:s1", name="Crime figures")
    push(conn, desk, "article:a1", title="Mayor on crime", text="The mayor spoke.", outlet="AP")
    push(conn, desk, "story_article:s1/a1", story_id="s1", article_id="a1", removed=False)
    push(
        conn,
        desk,
        "annotation:n1",
        article_id="a1",
        kind="claim",
        quote="violent crimes are falling",
        speaker="Mayor Adams",
        verdict="false",
        note="",
        creator="x",
    )
    push(
        conn,
        desk,
        "annotation:n2",
        article_id="a1",
        kind="quote",
        quote="crime is a priority",
        speaker="Chief Lee",
        verdict=None,
        note="",
        creator="x",
    )
    return conn


def test_team_search_stems_filters_and_highlights(newsroom: Newsroom) -> None:
    newsroom.desk("Metro")
    with seed(newsroom.reporter("alice", "Metro"), "Metro") as conn:
        hits = search(conn, "falling crime")
        assert [h.id for h in hits] == ["n1"]
        assert hits[0].snippet.count("«") == 2 and "«crimes»" in hits[0].snippet
        assert (hits[0].source_title, hits[0].outlet) == ("Mayor on crime", "AP")
        assert hits[0].stories == ["Crime figures"] and hits[0].creator == "alice"
        assert {h.id for h in search(conn, "crime")} == {"s1", "a1", "n1", "n2"}
        assert [h.id for h in search(conn, "crime", kind="quote")] == ["n2"]
        assert [h.id for h in search(conn, "crime", speaker="adams")] == ["n1"]
        assert [h.id for h in search(conn, "crime", verdict="false")] == ["n1"]
        assert search(conn, "crime", story="crime FIGURES") != []
        assert search(conn, "crime", story="Other story") == []
        assert [h.id for h in search(conn, '"crime is a priority"')] == ["n2"]
        assert [h.id for h in search(conn, "crime -priority -figures -spoke")] == ["n1"]
        push(
            conn,
            "Metro",
            "tombstone:t1",
            target_type="annotation",
            target_id="n1",
            article_id="a1",
            deleted_at=STAMP,
            deleted_by="alice",
            restored_at=None,
        )
        assert [h.id for h in search(conn, "falling")] == []


def test_team_search_never_shows_another_desk(newsroom: Newsroom) -> None:
    newsroom.desk("Metro")
    newsroom.desk("Politics")
    seed(newsroom.reporter("alice", "Metro"), "Metro").close()
    with psycopg.connect(newsroom.reporter("bob", "Politics").login) as conn:
        assert search(conn, "crime") == []
        direct = conn.execute(
            "SELECT count(*) FROM sourcemark.matching(to_tsquery('english', 'crime'))"
        ).fetchone()
        assert direct == (0,)
