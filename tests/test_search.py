"""Searching a library: the query language, ranking, snippets, offsets and similar passages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from sourcemark.app.errors import NotFound, QueryError, SourcemarkError
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Kind, Verdict
from sourcemark.app.search.results import Hit, SearchResults
from tests.search_helpers import add_article, hit_ids


@pytest.fixture
def desk(library: Library) -> dict[str, str]:
    """Two articles with a claim, a quote and a rebuttal; returns their ids by name."""
    raid = add_article(
        library,
        "The commissioner said sanctuary policies are the sole reason for the killing. "
        "Officials called the claim false. The plant is generating power for the city.",
        title="Sanctuary fight escalates",
        outlet="Daily News",
        author="Ana Pérez",
        published="2020-01-18",
    )
    safe = add_article(
        library,
        "The mayor answered that New York remains the safest big city in America. "
        "This is not a request — it's a demand, Lucero said of the subpoenas.",
        title="Mayor responds",
        outlet="Gotham Gazette",
        author="Sam Lee",
        published="2020-02-03",
    )
    claim = library.annotate_quote(
        raid.id,
        "claim",
        "sanctuary policies are the sole reason for the killing",
        speaker="Albence",
        note="no evidence offered",
        verdict="false",
    ).value
    quote = library.annotate_quote(
        safe.id, "quote", "This is not a request — it's a demand", speaker="Henry Lucero"
    ).value
    rebuttal = library.annotate_quote(
        safe.id, "rebuttal", "the safest big city in America", note="crime statistics"
    ).value
    return {
        "raid": raid.id,
        "safe": safe.id,
        "claim": claim.id,
        "quote": quote.id,
        "rebuttal": rebuttal.id,
    }


def search_ids(
    library: Library, query: str, *, kind: str | None = None, verdict: str | None = None
) -> set[str]:
    assert library.index is not None
    return hit_ids(library.index.search(query, kind=kind, verdict=verdict))


@pytest.mark.parametrize(
    "indexed, searched",
    [
        ("generating", "generate"),
        ("generate", "generating"),
        ("policies", "policy"),
        ("running", "runs"),
    ],
)
def test_english_stemming_matches_word_forms(library: Library, indexed: str, searched: str) -> None:
    article = add_article(library, f"The report was {indexed} slowly.")
    assert search_ids(library, searched) == {article.id}


def test_phrases_match_words_in_order_only(library: Library) -> None:
    ordered = add_article(library, "He called it the sole reason for the attack.")
    add_article(library, "The reason was not the sole one, she said.")
    assert search_ids(library, '"sole reason"') == {ordered.id}


def test_and_or_not(library: Library) -> None:
    both = add_article(library, "Crime fell while subpoenas rose.")
    crime = add_article(library, "Crime fell again this year.")
    subpoenas = add_article(library, "Subpoenas were issued on Friday.")
    assert search_ids(library, "crime subpoenas") == {both.id}
    assert search_ids(library, "crime AND subpoenas") == {both.id}
    assert search_ids(library, "crime OR subpoenas") == {both.id, crime.id, subpoenas.id}
    assert search_ids(library, "crime NOT subpoenas") == {crime.id}
    assert search_ids(library, "(crime OR subpoenas) NOT fell") == {subpoenas.id}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kind:claim", {"claim"}),
        ("kind:Quote", {"quote"}),
        ("speaker:lucero", {"quote"}),
        ('speaker:"Henry Lucero"', {"quote"}),
        ("verdict:false", {"claim"}),
        ('verdict:"mostly false"', set()),
        ("note:evidence", {"claim"}),
        ("title:mayor", {"safe", "quote", "rebuttal"}),
        ('outlet:"gotham gazette"', {"safe", "quote", "rebuttal"}),
        ("author:perez", {"raid", "claim"}),
        ("demand kind:quote", {"quote"}),
        ("city NOT kind:rebuttal", {"raid", "safe"}),
    ],
)
def test_fields(library: Library, desk: dict[str, str], query: str, expected: set[str]) -> None:
    assert search_ids(library, query) == {desk[name] for name in expected}


def test_kind_and_verdict_options_filter(library: Library, desk: dict[str, str]) -> None:
    assert search_ids(library, "city", kind="rebuttal") == {desk["rebuttal"]}
    assert search_ids(library, "killing", verdict="false") == {desk["claim"]}
    assert search_ids(library, "killing", kind="quote") == set()
    with pytest.raises(QueryError, match="not a kind"):
        search_ids(library, "city", kind="opinion")
    with pytest.raises(QueryError, match="unknown verdict"):
        search_ids(library, "city", verdict="dubious")


def test_publication_dates_give_known_counts(library: Library) -> None:
    first = date(2019, 12, 20)
    days = [first + timedelta(days=n) for n in range(60)]  # 2019-12-20 .. 2020-02-17
    sources = [
        from_pasted_text(f"Council minutes number {n}.").with_metadata(published=day.isoformat())
        for n, day in enumerate(days)
    ]
    sources.append(from_pasted_text("Undated January memo.").with_metadata(published="2020-01"))
    sources.append(from_pasted_text("A story from 2020 only.").with_metadata(published="2020"))
    library.import_many(sources)

    def count(query: str) -> int:
        assert library.index is not None
        return library.index.search(query, limit=100).total

    def days_between(low: date, high: date) -> int:
        return sum(low <= day <= high for day in days)

    january = days_between(date(2020, 1, 1), date(2020, 1, 31))
    assert count("published:2020-01") == january + 1  # and the memo dated only 2020-01
    assert count("published:2020") == days_between(date(2020, 1, 1), date(2020, 12, 31)) + 2
    assert count("published:2020-01-05") == 1
    assert count("published:[2020-01-01 TO 2020-01-10]") == 10
    assert count("published:[2020-01-01 to 2020-01-10]") == 10
    assert count("published:{2020-01-01 TO 2020-01-10}") == 8
    assert count("published:[2020-02 TO]") == days_between(date(2020, 2, 1), date(2020, 2, 29))
    assert count("published:[TO 2019]") == days_between(date(2019, 1, 1), date(2019, 12, 31))
    assert count("minutes published:[2019-12-30 TO 2020-01-02]") == 4


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "empty"),
        ("   ", "empty"),
        ('"unclosed phrase', "closing quote"),
        ("(crime OR fell", "'('"),
        ("crime)", "')'"),
        ("colour:red", "unknown field"),
        ("http://example.com", "unknown field"),
        ("kind:opinion", "not a kind"),
        ("verdict:dubious", "unknown verdict"),
        ("published:2020-13", "'2020-13' does not exist on the calendar"),
        ("published:2020-02-30", "'2020-02-30' does not exist on the calendar"),
        ("published:yesterday", "'yesterday' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("published:[2020-01-01 TO", "the range after 'published:' has no closing ']'"),
        ("published:{2020 TO 2021-02", "the range after 'published:' has no closing ']'"),
        ("published:]", "followed by ']', which closes no range"),
        ("published:[ TO ]", "has neither a start nor an end"),
        ("published:[2021 TO 2020-06]", "range starts (2021) after it ends (2020-06)"),
        ("speaker:", "'speaker:' has no value after it"),
        ("crime (speaker:)", "'speaker:' has no value after it"),
        ("speaker: lucero", "'speaker:' has no value after it"),
        ('speaker:""', "'speaker:' is followed by empty quotes"),
        ("kind:[claim TO quote]", "not a range"),
        ("!!! — ,,,", "no words"),
        ("word " * 300, "longer than"),
    ],
)
def test_malformed_queries_say_what_is_wrong(library: Library, query: str, message: str) -> None:
    assert library.index is not None
    with pytest.raises(QueryError, match=re.escape(message)):
        library.index.search(query)


def test_limit_is_bounded(library: Library) -> None:
    assert library.index is not None
    with pytest.raises(QueryError, match="limit"):
        library.index.search("crime", limit=0)


def test_results_are_ranked_and_typed(library: Library, desk: dict[str, str]) -> None:
    assert library.index is not None
    results = library.index.search("sanctuary killing")
    assert results.total == len(results.hits) == 2
    assert [hit.score for hit in results.hits] == sorted(
        (hit.score for hit in results.hits), reverse=True
    )
    by_type = {hit.doc_type: hit for hit in results.hits}
    assert by_type["annotation"].annotation_id == desk["claim"]
    assert by_type["annotation"].kind == "claim" and by_type["annotation"].verdict == "false"
    assert by_type["annotation"].speaker == "Albence"
    assert by_type["article"].annotation_id is None and by_type["article"].kind is None
    assert by_type["article"].title == "Sanctuary fight escalates"
    assert results.query == "sanctuary killing" and results.elapsed_ms > 0


def test_hit_offsets_point_at_the_passage(library: Library, desk: dict[str, str]) -> None:
    assert library.index is not None
    hits = library.index.search("generating OR demand OR safest", limit=50).hits
    assert {hit.doc_type for hit in hits} == {"article", "annotation"}  # both kinds are checked
    for hit in hits:
        text = library.article(hit.article_id).text
        if hit.doc_type == "annotation":
            assert text[hit.start : hit.end] == library.annotation(hit.annotation_id or "").quote
        else:  # the passage runs from the first to the last matched word near each other
            passage = text[hit.start : hit.end].lower()
            assert passage.startswith(("generating", "demand", "safest"))
            assert passage.endswith(("generating", "demand", "safest"))


def test_snippets_mark_matches_and_escape_html(library: Library) -> None:
    article = add_article(
        library,
        "Readers saw <script>alert(1)</script> next to the sanctuary "
        "policies story & its comments.",
    )
    assert library.index is not None
    hit = library.index.search('"sanctuary policies"').hits[0]
    assert hit.article_id == article.id
    assert "«sanctuary policies»" in hit.snippet
    assert "<b>sanctuary policies</b>" in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html and "<script>" not in hit.snippet_html
    assert "&amp;" in hit.snippet_html
    assert article.text[hit.start : hit.end] == "sanctuary policies"


def test_snippet_of_a_long_article_shows_the_matching_passage(library: Library) -> None:
    filler = "Nothing of note happened at the meeting that day. " * 200
    text = filler + "Then the council voted to cut the police budget. " + filler
    article = add_article(library, text)
    assert library.index is not None
    hit = library.index.search("council budget").hits[0]
    assert len(hit.snippet) < 400
    assert "«council»" in hit.snippet and "«budget»" in hit.snippet
    assert article.text[hit.start : hit.end] == "council voted to cut the police budget"


def test_changes_are_searchable_as_soon_as_committed(
    library: Library, desk: dict[str, str]
) -> None:
    library.edit_annotation(desk["quote"], note="echoed by the union")
    assert search_ids(library, "note:union") == {desk["quote"]}
    library.delete_annotation(desk["quote"])
    assert search_ids(library, "note:union") == set()
    assert search_ids(library, "kind:quote") == set()


def test_article_metadata_change_reaches_its_annotations(
    library: Library, desk: dict[str, str]
) -> None:
    from sourcemark.app.storage import write_transaction

    with write_transaction(library.db):
        library.db.execute("UPDATE articles SET outlet = 'Newsday' WHERE id = ?", (desk["raid"],))
    library.sync_index()
    assert search_ids(library, "outlet:newsday kind:claim") == {desk["claim"]}


def test_similar_finds_the_same_claim_in_other_articles(
    library: Library, desk: dict[str, str]
) -> None:
    echo = add_article(
        library,
        "Critics repeated that sanctuary policies were the sole reason for the killing in Queens.",
    )
    add_article(library, "The weather in Queens was mild this weekend.")
    assert library.index is not None
    results = library.index.similar(desk["claim"])
    found = hit_ids(results)
    assert echo.id in found
    assert desk["raid"] not in found and desk["claim"] not in found  # never its own article
    assert all(hit.article_id != desk["raid"] for hit in results.hits)
    best = results.hits[0]
    assert best.article_id == echo.id and "«sanctuary policies»" in best.snippet
    with pytest.raises(NotFound):
        library.index.similar("no-such-annotation")


def test_library_searches_through_its_index(library: Library, desk: dict[str, str]) -> None:
    assert hit_ids(library.search("demand", kind="quote")) == {desk["quote"]}
    assert not library.similar(desk["claim"][:8]).hits  # nothing else says it: an answer too
    echo = add_article(library, "The sole reason for the killing was sanctuary policies, he said.")
    similar = library.similar(desk["claim"][:8]).hits
    assert [hit.article_id for hit in similar] == [echo.id]


def test_a_library_without_index_says_so(bare_library: Library) -> None:
    with pytest.raises(SourcemarkError, match="without its search index"):
        bare_library.search("anything")


def test_a_phrase_is_highlighted_as_a_whole(library: Library) -> None:
    article = add_article(
        library, "It was a long day. Then he said: this is not a request — it is a demand."
    )
    hit = library.search('"not a request" demand').hits[0]
    assert article.text[hit.start : hit.end] == "not a request — it is a demand"
    assert "«not a request» — it is a «demand»" in hit.snippet
    assert "«a»" not in hit.snippet


def test_results_keep_the_hits_of_one_kind_and_verdict() -> None:
    def hit(kind: Kind | None, verdict: Verdict | None) -> Hit:
        return Hit(
            doc_type="annotation" if kind else "article",
            article_id="a",
            annotation_id="n" if kind else None,
            title="T",
            outlet="",
            published="",
            kind=kind,
            speaker="",
            verdict=verdict,
            score=1.0,
            language="en",
            start=0,
            end=1,
            snippet="",
            snippet_html="",
        )

    claim, quote, article = hit(Kind.CLAIM, Verdict.FALSE), hit(Kind.QUOTE, None), hit(None, None)
    results = SearchResults([claim, quote, article], 3)
    assert results.of() == [claim, quote, article]
    assert results.of(Kind.QUOTE) == [quote]
    assert results.of(verdict=Verdict.FALSE) == [claim]
    assert results.of(Kind.CLAIM, Verdict.TRUE) == []
