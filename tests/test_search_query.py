"""The query parser: any input either parses or raises QueryError, never anything else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcemark.app.errors import QueryError
from sourcemark.app.library import Library
from sourcemark.app.search.query import parse
from sourcemark.app.search.schema import date_bounds, date_key
from tests.search_helpers import add_article

# Pieces of the query syntax, so that the fuzzer builds near-valid queries, not just noise.
SYNTAX = st.sampled_from(
    [
        "a",
        "crime",
        " ",
        '"',
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        "*",
        "?",
        "^",
        "~",
        "<",
        ">",
        "=",
        "-",
        "+",
        "!",
        "'",
        "\\",
        "/",
        ",",
        ".",
        "0",
        "9",
        "AND",
        "OR",
        "NOT",
        "ANDNOT",
        "ANDMAYBE",
        " TO ",
        " to ",
        "kind:",
        "verdict:",
        "published:",
        "title:",
        "note:",
        "speaker:",
        "outlet:",
        "author:",
        "colour:",
        "2020",
        "2020-01",
        "2020-01-05",
        "claim",
        "mostly true",
        "\x00",
        "é",
        "😀",
        "\u202e",
        "\n",
    ]
)
QUERIES = st.one_of(st.lists(SYNTAX, max_size=25).map("".join), st.text(max_size=80))


@settings(max_examples=1500, deadline=None)
@given(QUERIES)
def test_parser_raises_only_query_errors(text: str) -> None:
    try:
        parse(text)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)  # one clear line


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(QUERIES)
def test_search_raises_only_query_errors(library: Library, text: str) -> None:
    if not library.articles():
        add_article(library, "Crime fell in 2020, the mayor claimed.", published="2020-01-05")
    assert library.index is not None
    try:
        results = library.index.search(text)
    except QueryError:
        return
    assert results.total >= len(results.hits)


@pytest.mark.parametrize(
    "published, key",
    [
        ("2020-01-05", 20200105),
        ("2020-01", 20200100),
        ("2020", 20200000),
        ("2020-01-05T10:00:00Z", 20200105),
        ("2020-02-30", None),
        ("2020-00-05", None),
        ("January 2020", None),
        ("", None),
    ],
)
def test_date_keys(published: str, key: int | None) -> None:
    assert date_key(published) == key


@pytest.mark.parametrize("month", ["2020-01", "2020-12", "2020"])
def test_a_month_or_a_year_is_a_date(month: str) -> None:
    parse(f"published:{month}")
    parse(f"published:[{month} TO 2021]")


def test_date_bounds_cover_the_whole_period() -> None:
    assert date_bounds("2020") == (20200000, 20209999)
    assert date_bounds("2020-02") == (20200200, 20200299)
    assert date_bounds("2020-02-29") == (20200229, 20200229)
    with pytest.raises(QueryError):
        date_bounds("2020-01-05T10:00")
