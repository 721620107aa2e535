"""`story:"City budget"` and `tag:budget` in a query: which sources they cover.

Stories and tags are not indexed: filing a source in a story or tagging it must not re-index
its text and annotations. The parser leaves `story:` and `tag:` as plain terms; before the
search runs, each becomes the set of sources it names (by `article_id`, which every article
and annotation document carries), read from SQLite at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils
from whoosh import query

from sourcemark.app.errors import QueryError, SourcemarkError
from sourcemark.app.naming import clean_tag, folded
from sourcemark.db import queries

SCOPE_FIELDS = ("story", "tag")


def expand_scopes(parsed: query.Query, db: sqlite_utils.Database) -> query.Query:
    """The query with each `story:` and `tag:` term replaced by the sources it covers."""

    def visit(node: query.Query) -> query.Query:
        if isinstance(node, query.Term) and node.fieldname in SCOPE_FIELDS:
            return sources_query(_sources(node.fieldname, node.text, db))
        return node.apply(visit)

    return visit(parsed).normalize()


def sources_query(article_ids: Iterable[str]) -> query.Query:
    """Every document (article or annotation) of these sources."""
    terms = [query.Term("article_id", article_id) for article_id in article_ids]
    return query.Or(terms) if terms else query.NullQuery


def _sources(field: str, value: str, db: sqlite_utils.Database) -> list[str]:
    try:
        if field == "tag":
            return queries.article_ids(db, tag=clean_tag(value))
        found = queries.story_id_by_name(db, folded(value))
    except SourcemarkError as error:
        raise QueryError(f"{field}: {error}") from None
    if not found:
        raise QueryError(f"story: there is no story named {value!r}")
    return queries.story_members(db, found[0])
