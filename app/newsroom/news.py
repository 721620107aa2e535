"""Word from the server that a colleague's push has committed (PostgreSQL's LISTEN/NOTIFY, see
schema V3), so a desk starts a round at once instead of waiting for its next timed one.

One long-lived connection per open desk, listening on the channels of the reporter's desks.
Offline, or on a server that does not announce (before schema 3), the timed rounds go on alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
from psycopg import sql

from sourcemark.app.newsroom import protocol
from sourcemark.app.newsroom.connection import NewsroomError, connected
from sourcemark.app.newsroom.team import Team

RETRY_AFTER_S = 30.0
LISTEN_STEP_S = 1.0
"""How long one wait for a notification lasts before `stopped` is asked again."""


def channel(desk_id: int) -> str:
    return f"sourcemark_desk_{desk_id}"


def watch(
    team: Team,
    stopped: Callable[[], bool],
    on_news: Callable[[], None],
    *,
    retry_after_s: float = RETRY_AFTER_S,
) -> None:
    """Call `on_news` each time another reporter's push to one of this reporter's desks commits,
    until `stopped()`; when the server cannot be reached, try again every `retry_after_s`."""
    while not stopped():
        try:
            _listen(team, stopped, on_news)
        except (NewsroomError, psycopg.Error):
            deadline = time.monotonic() + retry_after_s
            while not stopped() and time.monotonic() < deadline:
                time.sleep(min(LISTEN_STEP_S, retry_after_s))


def _listen(team: Team, stopped: Callable[[], bool], on_news: Callable[[], None]) -> None:
    with connected(team.dsn, password=team.password(), autocommit=True) as conn:
        for desk_id in protocol.my_desks(conn).values():
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel(desk_id))))
        while not stopped():
            news = [n for n in conn.notifies(timeout=LISTEN_STEP_S) if n.payload != team.reporter]
            if news:
                on_news()
