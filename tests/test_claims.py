"""Claim matching: "have we checked this before?" for a statement or an annotation."""

from __future__ import annotations

import pytest

from sourcemark.app.errors import QueryError
from sourcemark.app.library import Library
from sourcemark.app.models import Kind, Verdict
from sourcemark.app.search import claims
from sourcemark.app.search.index import MAX_STATEMENT_CHARS
from tests.search_helpers import add_article

DENVER = "Violent crime in Denver fell 12 percent last year"


def _claim(library: Library, text: str, verdict: Verdict | None = None, speaker: str = "") -> str:
    """A source holding `text` (and a sentence more), with `text` tagged as a claim."""
    article = add_article(library, f"{text}. Officials will publish the data next month.")
    tagged = library.annotate_quote(article.id, Kind.CLAIM, text, verdict=verdict, speaker=speaker)
    return tagged.value.id


def test_a_reworded_statement_finds_the_claim_with_its_details(library: Library) -> None:
    claim = _claim(library, DENVER, Verdict.MOSTLY_TRUE, speaker="Chief Ray")
    _claim(library, "The Denver city council approved a new budget")
    results = library.similar_to_text("Denver saw a twelve percent drop in violent crime")
    best = results.hits[0]
    assert best.annotation_id == claim and results.total == len(results.hits)
    assert (best.kind, best.verdict, best.speaker) == (Kind.CLAIM, Verdict.MOSTLY_TRUE, "Chief Ray")
    assert 0 < best.score <= 1 and "«12 percent»" in best.snippet


def test_unrelated_statements_find_nothing(library: Library) -> None:
    _claim(library, DENVER)
    assert not library.similar_to_text("The weather was mild on Sunday").hits
    assert not library.similar_to_text("the of and said was").hits  # stop words only
    assert library.similar_to_text("Sunday weather", min_score=0.0).total == 0


def test_claims_come_first_and_a_verdict_wins_a_tie(library: Library) -> None:
    unchecked = _claim(library, DENVER)
    checked = _claim(library, f"{DENVER} ", Verdict.FALSE)  # the same words: a tie
    article = add_article(library, f"Quoted again: {DENVER.lower()}.")
    quote = library.annotate_quote(article.id, Kind.QUOTE, DENVER.lower()).value
    found = [hit.annotation_id for hit in library.similar_to_text(DENVER).hits]
    assert found[:3] == [checked, unchecked, quote.id]


def test_a_claim_whose_numbers_differ_ranks_below(library: Library) -> None:
    right = _claim(library, "Unemployment fell to 4 percent in March")
    wrong = _claim(library, "Unemployment fell to 9 percent in March")
    scores = {
        h.annotation_id: h.score
        for h in library.similar_to_text(
            "Joblessness fell to four percent in March", min_score=0
        ).hits
    }
    assert scores[right] > scores[wrong]


def test_unannotated_sources_are_found_by_their_sentence(library: Library) -> None:
    claim = _claim(library, DENVER)
    echo = add_article(
        library, "The weekend was quiet. Violent crime in Denver dropped 12 percent last year."
    )
    hits = library.similar(claim).hits
    assert [hit.article_id for hit in hits] == [echo.id]
    assert hits[0].kind is None
    assert echo.text[hits[0].start : hits[0].end].startswith("Violent crime in Denver dropped")


def test_statements_are_bounded(library: Library) -> None:
    with pytest.raises(QueryError, match="longer than"):
        library.similar_to_text("word " * MAX_STATEMENT_CHARS)


def test_statement_words_numbers_and_names() -> None:
    said = claims.statement("Mayor Adams said 12% of the 1,200 jobs were lost in twelve days", [""])
    stems = said.terms[""]
    assert "said" not in stems and "the" not in stems
    assert stems["12"] == stems["1200"] == 2.0  # numbers weigh most; "twelve" reads as 12
    assert stems["adam"] == 1.5  # a name inside the sentence
    assert stems["job"] == 1.0
