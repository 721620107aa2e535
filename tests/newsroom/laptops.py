"""Laptops on a newsroom: libraries joined as reporters, and the canonical dumps that say
whether every replica converged to the server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourcemark.app.changes import Outcome
from sourcemark.app.importers import ExtractedSource
from sourcemark.app.library import Library
from sourcemark.app.newsroom import protocol, replica, team
from sourcemark.app.newsroom.connection import connected
from sourcemark.app.newsroom.records import content
from sourcemark.app.newsroom.sync import SyncReport
from sourcemark.app.newsroom.sync import sync_once as one_round
from sourcemark.app.opening import open_library

if TYPE_CHECKING:  # the fixtures of conftest use these helpers
    from tests.newsroom.conftest import Newsroom, Reporter

TEXT = (
    "The mayor said the city is the safest big city in America. Police data show violent "
    "crime fell by 4 percent last year, while the council disputes the figures."
)


def laptop(tmp_path: Path, name: str, reporter: Reporter) -> Library:
    """A library of its own, joined to the newsroom as `reporter`, its local user `name`."""
    library = open_library(tmp_path / name)
    library.user = name
    team.join(library, reporter.dsn, reporter.name, reporter.password)
    return library


def article(library: Library, title: str, text: str = TEXT) -> str:
    extracted = ExtractedSource(
        title=title, text=text, source_format="text", original=text.encode(), filename="s.txt"
    )
    return library.import_source(extracted).value.article.id


def server_dump(room: Newsroom, desk: str) -> dict[str, dict[str, Any]]:
    """The server's current records of a desk, as the merge compares them."""
    with room.admin() as conn:
        rows = conn.execute(
            "SELECT r.kind, r.id, r.body FROM sourcemark.records r JOIN sourcemark.desks d "
            "ON d.id = r.desk_id WHERE d.name = %s",
            (desk,),
        ).fetchall()
    return {f"{kind}:{rid}": content(body) for kind, rid, body in rows if not body.get("removed")}


def converged(room: Newsroom, desk: str, *libraries: Library) -> bool:
    """Whether every library's shared records equal the server's."""
    expected = server_dump(room, desk)
    return all(replica.dump(library.db) == expected for library in libraries)


def settle(library: Library, timeout: float = 30.0) -> None:
    """Wait until every change on the server is behind the horizon, so that the next pull
    anywhere reads it: a maintenance transaction (autovacuum's ANALYZE) may hold the horizon
    back a moment, and a test that expects a change to arrive at once must not race it."""
    current = team.team_of(library)
    with connected(current.dsn, password=current.password(), autocommit=True) as conn:
        row = conn.execute("SELECT coalesce(max(txid)::text, '0') FROM sourcemark.changes")
        found = row.fetchone()
        newest = int(found[0]) if found else 0
        deadline = time.monotonic() + timeout
        while protocol.horizon(conn) <= newest and time.monotonic() < deadline:
            time.sleep(0.02)


def sync_once(library: Library, **options: Any) -> Outcome[SyncReport]:
    """One sync round, then `settle`: what a test means by "this laptop has synced"."""
    outcome = one_round(library, **options)
    settle(library)
    return outcome
