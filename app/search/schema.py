"""The search index's schema: one Whoosh index over articles and annotations.

Only ids are stored; titles, quotes and texts are read back from SQLite for the hits shown.
Annotation documents also carry their article's title, outlet, author and date so that
`title:`, `outlet:` and `published:` filter annotations too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from datetime import date

from whoosh import fields, query
from whoosh.analysis import Analyzer, Filter, RegexTokenizer, Token
from whoosh.lang import porter2, stemmer_for_language
from whoosh.support.charset import accent_map

from sourcemark.app.errors import QueryError
from sourcemark.app.languages import DEFAULT_LANGUAGE, STEMMED_LANGUAGES, normalise_language
from sourcemark.app.models import Kind, Verdict

# Bump when the schema or the analysis changes: an index of another format is rebuilt.
INDEX_FORMAT = 2


_WORDS_CACHED = 50_000


@functools.lru_cache(maxsize=_WORDS_CACHED)
def stem(word: str) -> str:
    """Porter2, not Whoosh's default Porter: it stems "generate" and "generating" alike."""
    stemmed: str = porter2.stem(word)
    return stemmed


class Words(Filter):  # type: ignore[misc]  # Whoosh is untyped
    """Each token's text turned into its index term by one cached function: what a chain of
    Whoosh's LowercaseFilter, CharsetFilter and StemFilter does, for a quarter less of the
    time analysis takes (it is a third of indexing): one generator and one cache look-up a
    token instead of three of each. The index pickles its schema, so `term` must pickle."""

    def __init__(self, term: Callable[[str], str]) -> None:
        self.term = term

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        term = self.term
        for token in tokens:
            token.text = term(token.text)
            yield token


@functools.lru_cache(maxsize=_WORDS_CACHED)
def english_term(word: str) -> str:
    """Lower case, accents folded, then Porter2."""
    return stem(word.lower().translate(accent_map))


@functools.lru_cache(maxsize=_WORDS_CACHED)
def folded_term(word: str) -> str:
    """Lower case and accents folded: names, and languages without a stemmer."""
    return word.lower().translate(accent_map)


class LanguageStemmer:
    """A language's terms: lower case, its Snowball stemmer (which expects the language's own
    letters), then accents folded; cached per word. Pickles as the language code alone."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, word: str) -> str:
        return _cached_terms(self.language)(word)


@functools.cache
def _cached_terms(language: str) -> Callable[[str], str]:
    stemmer: Callable[[str], str] = stemmer_for_language(language)

    @functools.lru_cache(maxsize=_WORDS_CACHED)
    def term(word: str) -> str:
        return stemmer(word.lower()).translate(accent_map)

    return term


STEMMED = RegexTokenizer() | Words(english_term)
NAMES = RegexTokenizer() | Words(folded_term)

# A source's own words (its text, its headline, the sentence around a passage) are analysed in
# its language: each language has its fields, "body_de", "headline_de"... English keeps the
# plain names, and languages without a stemmer share the "plain" ones (words as written).
# What the journalist writes (notes, speakers) and the article's metadata stay English.
SOURCE_FIELDS = ("body", "headline", "context")
PLAIN = "plain"
ENGLISH = ""
FAMILIES: tuple[str, ...] = (ENGLISH, *sorted(STEMMED_LANGUAGES - {DEFAULT_LANGUAGE}), PLAIN)


def family(language: str) -> str:
    """The analysis a source in `language` gets: "" (English), a stemmed language, or "plain"."""
    if language == DEFAULT_LANGUAGE:
        return ENGLISH
    return language if language in STEMMED_LANGUAGES else PLAIN


def field_in(name: str, analysis: str) -> str:
    """The field holding a source field in one analysis: "body", "body_de", "body_plain"."""
    return f"{name}_{analysis}" if analysis else name


def analysis_of(fieldname: str) -> str:
    """The analysis family of an indexed field ("body_de" -> "de", "note" -> "")."""
    base, _, suffix = fieldname.partition("_")
    return suffix if base in SOURCE_FIELDS else ENGLISH


ANALYZERS: dict[str, Analyzer] = {
    ENGLISH: STEMMED,
    PLAIN: NAMES,
    **{
        language: RegexTokenizer() | Words(LanguageStemmer(language))
        for language in FAMILIES
        if language not in ("", PLAIN)
    },
}

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


class LanguageField(_ChoiceField):
    """`lang:de`: documents of sources in one language."""

    noun = "language"

    def normalise(self, text: str) -> str:
        try:
            return normalise_language(text)
        except ValueError as error:
            raise QueryError(f"lang: {error}") from None


def build_schema() -> fields.Schema:
    schema = fields.Schema(
        key=fields.ID(unique=True, stored=True),  # "article:<id>", "annotation:<id>" or "meta"
        doc_type=fields.ID(stored=True),
        article_id=fields.ID(stored=True),
        annotation_id=fields.ID(stored=True),
        lang=LanguageField(),
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
    for analysis in FAMILIES:
        analyzer = ANALYZERS[analysis]
        # body: an article's text or an annotation's quote; headline: article documents only;
        # context: the sentence around an annotation's passage (claim matching's weak field).
        schema.add(field_in("body", analysis), fields.TEXT(analyzer=analyzer))
        schema.add(field_in("headline", analysis), fields.TEXT(analyzer=analyzer, field_boost=2.0))
        schema.add(field_in("context", analysis), fields.TEXT(analyzer=analyzer))
    return schema


SCHEMA = build_schema()

# Fields a free-text word searches (with the source fields of every language in the library),
# and the fields users may name in a query.
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
    "lang",
    "story",
    "tag",
)


def default_fields(analyses: frozenset[str]) -> list[str]:
    """What a free-text word searches when the library holds sources of these analyses."""
    extra = [
        field_in(name, analysis)
        for analysis in FAMILIES
        if analysis and analysis in analyses
        for name in ("body", "headline")
    ]
    return [*DEFAULT_FIELDS, *extra]
