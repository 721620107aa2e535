"""Anchoring invariants over arbitrary Unicode text, and re-anchoring in changed text."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sourcemark.app import anchoring
from sourcemark.app.errors import InvalidAnnotation
from sourcemark.app.text import normalise

TRICKY = "Mayor 😀 said: «e\u0301té» — مرحبا بالعالم 👩\u200d👩\u200d👧 end.\r\nNext line"


@given(st.text(min_size=1), st.data())
def test_anchor_quote_always_matches_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    place = anchoring.anchor(text, start, end)
    assert text[place.start : place.end] == place.quote
    assert text[: place.start].endswith(place.prefix)
    assert text[place.end :].startswith(place.suffix)
    assert len(place.prefix) <= anchoring.CONTEXT_CHARS >= len(place.suffix)


@given(st.text(min_size=1), st.data())
def test_locate_finds_every_occurrence_by_number(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 12)))
    quote = text[start:end]
    starts = anchoring.occurrences(text, quote)
    assert start in starts
    place = anchoring.locate(text, quote, starts.index(start) + 1)
    assert (place.start, place.end, place.quote) == (start, end, quote)


@given(st.text(), st.data())
def test_trim_never_leaves_outer_whitespace(text: str, data: st.DataObject) -> None:
    assume(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    trimmed_start, trimmed_end = anchoring.trim(text, start, end)
    assert start <= trimmed_start <= trimmed_end <= end
    inner = text[trimmed_start:trimmed_end]
    assert inner == inner.strip()


@settings(max_examples=60)
@given(st.text(min_size=20, max_size=300), st.data())
def test_reanchor_finds_unchanged_quote_after_text_edits(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 5))
    end = data.draw(st.integers(start + 5, len(text)))
    original = anchoring.anchor(text, start, end)
    inserted = data.draw(st.text(max_size=20))
    changed = inserted + text  # the passage moves but is intact
    found = anchoring.reanchor(changed, original.quote, original.prefix, original.suffix)
    assert found is not None
    assert changed[found.start : found.end] == original.quote


def test_offsets_are_code_points_for_tricky_text() -> None:
    text = normalise(TRICKY)
    place = anchoring.locate(text, "مرحبا بالعالم")
    assert text[place.start : place.end] == "مرحبا بالعالم"
    after_emoji = anchoring.locate(text, "said")
    assert after_emoji.start == len("Mayor 😀 ")  # one code point for the emoji, not two
    assert "\r" not in text and "été" in text  # CRLF folded, e + combining acute composed


def test_reanchor_prefers_the_occurrence_with_matching_context() -> None:
    text = "He said yes. Later she said yes. Then they said yes."
    second = anchoring.anchor(text, text.index("she said yes") + 4, text.index("she said yes") + 12)
    edited = "Intro. " + text
    found = anchoring.reanchor(edited, second.quote, second.prefix, second.suffix)
    assert found is not None and found.start == second.start + len("Intro. ")


def test_reanchor_fuzzy_follows_a_lightly_edited_quote() -> None:
    text = "The mayor said the city is the safest big city in America, citing data."
    place = anchoring.locate(text, "the city is the safest big city in America")
    edited = "The mayor said the city is the safest large city in America, citing data."
    found = anchoring.reanchor(edited, place.quote, place.prefix, place.suffix)
    assert found is not None
    assert "safest large city in America" in found.quote


def test_reanchor_reports_orphan_when_passage_is_gone() -> None:
    found = anchoring.reanchor("Completely different words here.", "the safest big city in America")
    assert found is None


def test_locate_lists_occurrences_when_ambiguous() -> None:
    with pytest.raises(InvalidAnnotation, match=r"occurs 3 times.*#2 at 3"):
        anchoring.locate("ab ab ab", "ab")


@pytest.mark.parametrize("start,end", [(-1, 2), (3, 3), (0, 99), (5, 2)])
def test_anchor_rejects_bad_offsets(start: int, end: int) -> None:
    with pytest.raises(InvalidAnnotation):
        anchoring.anchor("short text", start, end)
