"""The search index's schema: one Whoosh index over articles and annotations.

Only ids are stored; titles, quotes and texts are read back from SQLite for the hits shown.
Annotation documents also carry their article's title, outlet, author and date so that
`title:`, `outlet:` and `published:` filter annotations too.
"""

from __future__ import annotations

import functools
import re
from datetime import date

from whoosh import fields, query
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.lang import porter2
from whoosh.support.charset import accent_map

from sourcemark.app.errors import QueryError
from sourcemark.app.models import Kind, Verdict

# Bump when the schema or the analysis changes: an index of another format is rebuilt.
INDEX_FORMAT = 1


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Porter2, not Whoosh's default Porter: it stems "generate" and "generating" alike.

    Cached here rather than by StemFilter, whose cache breaks when threads share it.
    """
    stemmed: str = porter2.stem(word)
    return stemmed


STEMMED = (
    RegexTokenizer()
    | LowercaseFilter()
    | CharsetFilter(accent_map)
    | StemFilter(stem, cachesize=None)
)
NAMES = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_key(published: str) -> int | None:
    """YYYY[-MM[-DD]] as the number YYYYMMDD, unknown parts as 00; None if not a date."""
    match = _DATE.match(published.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return int(year) * 10000 + int(month or 0) * 100 + int(day or 0)


def date_bounds(text: str) -> tuple[int, int]:
    """The lowest and highest date keys a query date covers: '2020-01' spans all of January."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        raise QueryError(
            f"published: {text!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY (2020-01-18)"
        )
    key = date_key(text)
    if key is None:
        raise QueryError(f"published: {text!r} does not exist on the calendar")
    if key % 100:
        return key, key
    if key % 10000:
        return key, key + 99
    return key, key + 9999


class PublishedField(fields.NUMERIC):  # type: ignore[misc]  # Whoosh is untyped
    """Publication dates: `published:2020-01`, `published:[2020-01-01 TO 2020-01-10]`."""

    def __init__(self) -> None:
        # Signed, although dates are positive: Whoosh's range queries over an unsigned NUMERIC
        # field matched documents far outside the range.
        super().__init__(numtype=int, bits=32)

    def parse_query(self, fieldname: str, qstring: str, boost: float = 1.0) -> query.Query:
        low, high = date_bounds(qstring)
        return query.NumericRange(fieldname, low, high, boost=boost)

    def parse_range(
        self,
        fieldname: str,
        start: str | None,
        end: str | None,
        startexcl: bool,
        endexcl: bool,
        boost: float = 1.0,
    ) -> query.Query:
        # An inclusive start takes the earliest day the date covers, an exclusive one the last.
        low = date_bounds(start)[1 if startexcl else 0] if start else None
        high = date_bounds(end)[0 if endexcl else 1] if end else None
        if low is not None and high is not None and low > high:
            raise QueryError(f"the published: range starts ({start}) after it ends ({end})")
        return query.NumericRange(fieldname, low, high, startexcl, endexcl, boost=boost)


class _ChoiceField(fields.ID):  # type: ignore[misc]  # Whoosh is untyped
    """A field holding one value of a fixed vocabulary; queries must name a known value."""

    noun = ""

    def normalise(self, text: str) -> str:
        raise NotImplementedError

    def self_parsing(self) -> bool:
        return True

    def parse_query(self, fieldname: str, qstring: str, boost: float = 1.0) -> query.Query:
        return query.Term(fieldname, self.normalise(qstring), boost=boost)

    def parse_range(self, fieldname: str, *args: object, **kwargs: object) -> query.Query:
        raise QueryError(f"{fieldname}: takes one {self.noun}, not a range")


class KindField(_ChoiceField):
    noun = "kind"

    def normalise(self, text: str) -> str:
        try:
            return Kind(text.strip().lower()).value
        except ValueError:
            raise QueryError(
                f"kind: {text!r} is not a kind (use claim, quote or rebuttal)"
            ) from None


class VerdictField(_ChoiceField):
    noun = "verdict"

    def normalise(self, text: str) -> str:
        try:
            return Verdict.parse(text).value
        except ValueError as error:
            raise QueryError(f"verdict: {error}") from None


def build_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),  # "article:<id>", "annotation:<id>" or "meta"
        doc_type=fields.ID(stored=True),
        article_id=fields.ID(stored=True),
        annotation_id=fields.ID(stored=True),
        body=fields.TEXT(analyzer=STEMMED),  # an article's text or an annotation's quote
        headline=fields.TEXT(analyzer=STEMMED, field_boost=2.0),  # article documents only
        title=fields.TEXT(analyzer=STEMMED),
        note=fields.TEXT(analyzer=STEMMED),
        speaker=fields.TEXT(analyzer=NAMES),
        outlet=fields.TEXT(analyzer=NAMES),
        author=fields.TEXT(analyzer=NAMES),
        kind=KindField(),
        verdict=VerdictField(),
        published=PublishedField(),
        state=fields.STORED(),  # only on the "meta" document: identity, applied seq, format
    )


SCHEMA = build_schema()

# Fields a free-text word searches, and the fields users may name in a query.
DEFAULT_FIELDS = ("body", "headline", "note", "speaker")
# `story:` and `tag:` are not indexed: app/search/scopes.py turns them into sets of sources.
QUERY_FIELDS = (
    "kind",
    "speaker",
    "verdict",
    "outlet",
    "author",
    "title",
    "note",
    "published",
    "story",
    "tag",
)
