"""Laptops on a newsroom: libraries joined as reporters, and the canonical dumps that say
whether every replica converged to the server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourcemark.app.importers import ExtractedSource
from sourcemark.app.library import Library
from sourcemark.app.newsroom import replica, team
from sourcemark.app.newsroom.records import content
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
