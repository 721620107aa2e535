"""The vectorised evaluation agrees with Whoosh's own matchers: same totals, same top N, same
scores, over several segments with deleted documents."""

from __future__ import annotations

import random

import pytest
from whoosh import collectors

from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from sourcemark.app.search.query import parse
from sourcemark.app.search.vectors import Vectors
from tests.search_helpers import CITY_WORDS, add_article

WORDS = [
    *CITY_WORDS,
    *["prime", "minister", "election", "turnout", "record", "crisis", "wildfire", "storm"],
]

QUERIES = [
    "housing",
    "police budget",
    '"city council"',
    '"prime minister" vote',
    "housing OR wildfire",
    "(housing OR wildfire) police",
    "housing NOT budget",
    "kind:claim",
    "kind:claim housing",
    "speaker:maria",
    "note:record",
    "title:council^2 rent",
    "hous*",
    '"council budget"~3',
    "published:[2020-01 TO 2020-06]",
    "verdict:false OR kind:quote",
]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """Forty articles with annotations, added in several commits (segments), some deleted."""
    rng = random.Random(7)
    library = open_library(tmp_path_factory.mktemp("vectors") / "library")
    for number in range(40):
        text = ". ".join(" ".join(rng.choices(WORDS, k=12)) for _ in range(4)) + "."
        article = add_article(
            library,
            text,
            title=" ".join(rng.choices(WORDS, k=3)),
            published=f"2020-{rng.randint(1, 12):02d}-01",
        )
        sentence_end = text.index(".")
        kind = rng.choice(["claim", "quote", "rebuttal"])
        annotation = library.annotate(
            article.id,
            kind,
            0,
            sentence_end,
            note=" ".join(rng.choices(WORDS, k=4)),
            speaker=rng.choice(["Maria Lopez", "Sam Lee"]),
            verdict=rng.choice(["false", "true"]) if kind == "claim" else None,
        ).value
        if number % 7 == 3:
            library.delete_annotation(annotation.id)
    return library


@pytest.mark.parametrize("text", QUERIES)
def test_vectors_rank_as_whoosh_does(filled: Library, text: str) -> None:
    assert filled.index is not None
    searcher = filled.index._fresh_searcher()
    assert len(searcher.reader().leaf_readers()) > 1  # several segments
    assert searcher.reader().has_deletions() or any(
        reader.has_deletions() for reader, _ in searcher.reader().leaf_readers()
    )
    parsed = parse(text)
    collector = collectors.TopCollector(15, usequality=False, replace=0)
    searcher.search_with_collector(parsed, collector)
    expected = [(hit.docnum, hit.score) for hit in collector.results()]
    ranked = Vectors(searcher).rank(*Vectors(searcher).evaluate(parsed), 15)
    assert ranked.total == len(collector.results())
    assert [docnum for docnum, _ in ranked.top] == [docnum for docnum, _ in expected]
    for (_, score), (_, whoosh_score) in zip(ranked.top, expected, strict=True):
        assert score == pytest.approx(whoosh_score, rel=1e-9)


def test_word_order_changes_neither_matches_nor_scores(filled: Library) -> None:
    assert filled.index is not None
    vectors = Vectors(filled.index._fresh_searcher())
    first = vectors.evaluate(parse("housing police"))
    again = vectors.evaluate(parse("police housing"))
    assert (first[0] == again[0]).all() and (first[1] == pytest.approx(again[1]))
