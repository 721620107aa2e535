"""Connecting to the newsroom's PostgreSQL: one place that opens connections and turns the
network's and the server's failures into one clear line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from sourcemark.app.errors import SourcemarkError

CONNECT_TIMEOUT_S = 10


class NewsroomError(SourcemarkError):
    """The newsroom server refused or failed something (shown as one line)."""


class NewsroomUnreachable(NewsroomError):
    """The server cannot be reached now: the laptop works offline and syncs later."""


def describe(dsn: str) -> str:
    """Where a DSN points (user@host:port/db), never its password."""
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "the newsroom server"
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    user = f"{parts['user']}@" if parts.get("user") else ""
    return f"{user}{host}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"


def checked_dsn(dsn: str) -> str:
    """A DSN libpq understands (key=value or postgresql:// URL), or a one-line error."""
    try:
        conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as error:
        raise NewsroomError(f"not a PostgreSQL connection string: {first_line(error)}") from None
    return dsn


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def connected(
    dsn: str, *, password: str | None = None, autocommit: bool = False
) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """A connection to the newsroom (closed after the block). `password` is used only when
    neither the DSN nor libpq's own sources (PGPASSWORD, ~/.pgpass) give one."""
    options: dict[str, str | int] = {"application_name": "sourcemark"}
    parts = conninfo_to_dict(checked_dsn(dsn))
    if "connect_timeout" not in parts:
        options["connect_timeout"] = CONNECT_TIMEOUT_S
    if password is not None and "password" not in parts:
        options["password"] = password
    try:
        conn = psycopg.connect(make_conninfo(dsn, **options), autocommit=autocommit)
    except psycopg.OperationalError as error:
        raise NewsroomUnreachable(
            f"cannot connect to {describe(dsn)}: {first_line(error)}"
        ) from None
    try:
        with conn:
            yield conn
    except psycopg.OperationalError as error:
        raise NewsroomUnreachable(
            f"lost the connection to {describe(dsn)}: {first_line(error)}"
        ) from None
    except psycopg.errors.InsufficientPrivilege as error:
        raise NewsroomError(f"the newsroom server refused: {first_line(error)}") from None
