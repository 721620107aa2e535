"""Snippets over arbitrary Unicode text: the passage offsets always point at matched words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sourcemark.app.search.schema import STEMMED
from sourcemark.app.search.snippets import SNIPPET_CHARS, Wanted, matches, snippet

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


def _analysed_matches(text: str, wanted: Wanted) -> list[tuple[int, int, str]]:
    """The reference: every token through the full analyser, as the index sees it."""
    found, seen = [], []
    for token in STEMMED(text, chars=True, mode="query"):
        seen.append((token.startchar, token.text))
        if token.text in wanted.words:
            found.append((token.startchar, token.endchar, token.text))
        for phrase in wanted.phrases:
            tail = seen[-len(phrase) :]
            if tuple(key for _, key in tail) == phrase:
                found.append((tail[0][0], token.endchar, " ".join(phrase)))
    return found


SAMPLE_WORDS = [
    "generating",
    "generate",
    "skies",
    "dying",
    "Café",
    "naïve",
    "the",
    "of",
    "council",
    "city",
]


@settings(max_examples=150)
@given(
    st.lists(st.sampled_from(SAMPLE_WORDS + ["—", "2020", "e\u0301te\u0301"]), max_size=30),
    st.data(),
)
def test_fast_matching_agrees_with_the_full_analyser(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    vocabulary = stems(" ".join(SAMPLE_WORDS))
    single = frozenset(data.draw(st.lists(st.sampled_from(vocabulary), max_size=3)))
    pairs = data.draw(st.lists(st.tuples(*[st.sampled_from(vocabulary)] * 2), max_size=2))
    wanted = Wanted(single, frozenset(pairs))
    assert list(matches(text, wanted)) == _analysed_matches(text, wanted)
