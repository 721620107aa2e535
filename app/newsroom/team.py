"""A library joins a newsroom as one reporter: where the server is (the DSN without its
password), who the reporter is, and which stories are shared with which desk.

The library keeps the DSN and the reporter's name in its `meta` table; the password goes to
`credentials` (keyring or ~/.pgpass), never to the library.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from sourcemark.app.changes import Outcome
from sourcemark.app.errors import NotFound, SourcemarkError
from sourcemark.app.library import Library, now
from sourcemark.app.models import Kind, Verdict
from sourcemark.app.newsroom import credentials, protocol
from sourcemark.app.newsroom.connection import (
    NewsroomError,
    NewsroomUnreachable,
    checked_dsn,
    connected,
)
from sourcemark.app.newsroom.replica import queue_closure
from sourcemark.app.newsroom.search import TeamHit, as_hit, claim_candidates, search
from sourcemark.app.search.results import Hit
from sourcemark.app.stories import find_story
from sourcemark.db import queries, sync

DSN_KEY = "team_dsn"
REPORTER_KEY = "team_reporter"
SERVER_KEY = "team_server_id"
CURSOR_KEY = "sync_cursor"
WITNESS_KEY = "sync_witness"
LAST_SYNC_KEY = "sync_last"
LAST_ERROR_KEY = "sync_error"


class NotJoined(SourcemarkError):
    """The library has not joined a newsroom."""


@dataclass(frozen=True, slots=True)
class Team:
    dsn: str
    """The server's connection string with the reporter's user, without a password."""
    reporter: str

    def password(self) -> str | None:
        return credentials.password_for(self.dsn)


@dataclass(frozen=True, slots=True)
class Joined:
    team: Team
    desks: list[str]
    password_kept_in: str | None


def team_of(library: Library) -> Team:
    dsn = queries.meta_value(library.db, DSN_KEY)
    reporter = queries.meta_value(library.db, REPORTER_KEY)
    if dsn is None or reporter is None:
        raise NotJoined("this library has not joined a newsroom (team join DSN --as NAME)")
    return Team(dsn, reporter)


def joined(library: Library) -> bool:
    return queries.meta_value(library.db, DSN_KEY) is not None


def without_password(dsn: str) -> str:
    parts = conninfo_to_dict(dsn)
    parts.pop("password", None)
    return make_conninfo("", **{k: str(v) for k, v in parts.items()})


def join(library: Library, dsn: str, reporter: str, password: str | None) -> Outcome[Joined]:
    """Join the newsroom at `dsn` as `reporter`: check the login, keep the password (unless
    the DSN or PGPASSWORD carries it) and mark the library as syncing."""
    given = conninfo_to_dict(checked_dsn(dsn))
    if given.get("user") not in (None, reporter):
        raise NewsroomError(f"the DSN names user {given['user']!r}, not {reporter!r}")
    dsn = make_conninfo(dsn, user=reporter)
    with connected(dsn, password=password, autocommit=True) as conn:
        server = protocol.server_id(conn)
        desks = sorted(protocol.my_desks(conn))
    if not desks:
        raise NewsroomError(f"{reporter} belongs to no desk yet (ask the administrator)")
    stored = without_password(dsn)
    kept_in = None
    if password is not None and "password" not in given:
        kept_in = credentials.store(stored, password)
    with library.operation():
        previous = queries.meta_value(library.db, SERVER_KEY)
        if previous != server:
            for key in (CURSOR_KEY, WITNESS_KEY):
                sync.set_meta(library.db, key, None)
        sync.set_meta(library.db, DSN_KEY, stored)
        sync.set_meta(library.db, REPORTER_KEY, reporter)
        sync.set_meta(library.db, SERVER_KEY, server)
        sync.set_joined(library.db, True)
        for story_id in sync.shared_story_ids(library.db):
            queue_closure(library.db, story_id)  # shared before, or with another server
    return Outcome(Joined(Team(stored, reporter), desks, kept_in))


def leave(library: Library) -> Outcome[Team]:
    """Stop syncing: forget the server, its password and what waits to be pushed. The shared
    stories stay in the library, as private stories."""
    team = team_of(library)
    credentials.forget(team.dsn)
    with library.operation():
        for key in (
            DSN_KEY,
            REPORTER_KEY,
            SERVER_KEY,
            CURSOR_KEY,
            WITNESS_KEY,
            LAST_SYNC_KEY,
            LAST_ERROR_KEY,
        ):
            sync.set_meta(library.db, key, None)
        sync.set_joined(library.db, False)
        sync.clear_outbox(library.db)
        library.db.execute("DELETE FROM sync_shares")
    return Outcome(team)


def share(library: Library, story_reference: str, desk: str) -> Outcome[str]:
    """Share a story with a desk: it and everything it holds go out with the next sync."""
    team = team_of(library)
    story = find_story(library, story_reference)
    try:
        with connected(team.dsn, password=team.password(), autocommit=True) as conn:
            desks = protocol.my_desks(conn)
    except NewsroomUnreachable:
        desks = None  # offline: the next sync checks the desk
    if desks is not None and desk not in desks:
        raise NewsroomError(
            f"{team.reporter} is not on a desk named {desk!r} (yours: {', '.join(desks)})"
        )
    with library.operation() as log:
        if sync.add_share(library.db, story.id, desk, now()):
            queue_closure(library.db, story.id)
        log.story(story.id)
    return Outcome(story.name, log.changes())


def search_team(
    library: Library,
    query: str,
    *,
    kind: str | None = None,
    speaker: str | None = None,
    verdict: str | None = None,
    story: str | None = None,
    limit: int = 20,
) -> list[TeamHit]:
    """Search everything the reporter may see on the server (PostgreSQL full-text search)."""
    if not query.strip():
        raise SourcemarkError("give some words to search for")
    current = team_of(library)
    with connected(current.dsn, password=current.password(), autocommit=True) as conn:
        return search(
            conn, query, kind=kind, speaker=speaker, verdict=verdict, story=story, limit=limit
        )


@dataclass(frozen=True, slots=True)
class TeamAnswer:
    """The newsroom's hits for the desk, which of their sources this laptop lacks, or why
    the newsroom could not answer."""

    hits: list[Hit]
    not_here: set[str]
    problem: str | None = None


def answer_for_desk(
    library: Library, query: str, kind: str | None, verdict: str | None, limit: int = 50
) -> Outcome[TeamAnswer]:
    """`search_team` for the desk's search list (offline is an answer, not a failure)."""
    try:
        found = search_team(library, query, kind=kind, verdict=verdict, limit=limit)
    except SourcemarkError as error:
        return Outcome(TeamAnswer([], set(), str(error)))
    hits = [as_hit(hit) for hit in found if hit.article_id is not None]
    return Outcome(TeamAnswer(hits, {h.article_id for h in hits if not _holds(library, h)}))


def _holds(library: Library, hit: Hit) -> bool:
    try:
        library.article(hit.article_id)
    except NotFound:
        return False
    return True


def checked_before(
    library: Library, statement: str, *, limit: int = 10, min_score: float | None = None
) -> list[tuple[float, TeamHit]]:
    """Have we checked this before, anywhere in the newsroom? The desk's claims (and other
    annotations) that state what `statement` states, scored by the library's claim matching,
    most similar first."""
    if library.index is None:
        raise SourcemarkError("claim matching needs the library's search index")
    current = team_of(library)
    with connected(current.dsn, password=current.password(), autocommit=True) as conn:
        found = claim_candidates(conn, statement)
    by_id = {hit.id: hit for hit in found}
    passages = [
        (
            hit.id,
            Kind(hit.annotation_kind) if hit.annotation_kind else None,
            Verdict(hit.verdict) if hit.verdict else None,
            hit.title,
            hit.language,
        )
        for hit in found
    ]
    threshold = {} if min_score is None else {"min_score": min_score}
    ranked = library.index.rank_passages(statement, passages, **threshold)
    return [(match.similarity, by_id[match.record_id]) for match in ranked[:limit]]
