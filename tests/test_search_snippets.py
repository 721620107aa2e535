"""Snippets over arbitrary Unicode text: the passage offsets always point at matched words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.schema import STEMMED
from app.search.snippets import SNIPPET_CHARS, Wanted, snippet

WORDS = st.sampled_from(["claim", "claims", "city", "safest", "naïve", "мэр", "市长", "😀", "—"])
TEXTS = st.lists(st.one_of(WORDS, st.text(max_size=12)), min_size=1, max_size=120).map(" ".join)


def stems(text: str) -> list[str]:
    return [token.text for token in STEMMED(text)]


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_passage_starts_and_ends_on_a_matched_word(text: str, data: st.DataObject) -> None:
    words = stems(text)
    if not words:
        shown = snippet(text, Wanted(frozenset({"absent"})))
        assert (shown.start, shown.end) == (0, 0)
        return
    single = frozenset(data.draw(st.lists(st.sampled_from(words), max_size=3)))
    at = data.draw(st.integers(0, len(words) - 1))
    phrase = tuple(words[at : at + 2])
    phrases = frozenset({phrase}) if len(phrase) == 2 else frozenset()
    shown = snippet(text, Wanted(single, phrases))
    if not single and not phrases:
        return
    passage = stems(text[shown.start : shown.end])
    assert passage[0] in single | {phrase[0]} and passage[-1] in single | {phrase[-1]}
    assert shown.end - shown.start <= SNIPPET_CHARS
    assert "«" in shown.text and "<b>" in shown.html
    assert "<" not in shown.html.replace("<b>", "").replace("</b>", "")
