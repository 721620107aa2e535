"""Annotations follow the text: over generated edits (insertions and deletions around and
inside annotated passages), the status each annotation gets is stated exactly.

The text is made of distinct words, so an edit can neither create nor destroy another copy of
a passage; edits fall on word boundaries. With a passage of words i..j:
- an edit outside it (insertion before word i or after word j, deletion of other words) leaves
  it `same`, at its shifted offset;
- an insertion strictly inside it makes it `edited`, the new wording holding the insertion;
- a deletion of some of its words leaves it `edited` (the remaining words) when at least half of
  its characters remain or the remaining words still read like it (difflib's ratio of at least
  0.5), else `removed`; a deletion of all of it makes it `removed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from sourcemark.app import anchoring
from sourcemark.app.capture.compare import compare
from sourcemark.app.models import PassageStatus


@dataclass(frozen=True)
class Words:
    words: list[str]
    separators: list[str]
    """separators[k] follows words[k]; the last is ''."""

    @property
    def text(self) -> str:
        return "".join(w + s for w, s in zip(self.words, self.separators, strict=True))

    def start(self, k: int) -> int:
        return sum(
            len(w) + len(s) for w, s in zip(self.words[:k], self.separators[:k], strict=True)
        )

    def end(self, k: int) -> int:
        return self.start(k) + len(self.words[k])

    def span(self, i: int, j: int) -> str:
        return self.text[self.start(i) : self.end(j)]


@st.composite
def texts(draw: st.DrawFn) -> Words:
    count = draw(st.integers(6, 40))
    lengths = draw(st.lists(st.integers(1, 9), min_size=count, max_size=count))
    words = [f"w{n}{'z' * extra}" for n, extra in enumerate(lengths)]
    separators = [draw(st.sampled_from([" ", " ", " ", "\n"])) for _ in range(count - 1)] + [""]
    return Words(words, separators)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Words, list[tuple[int, int]], tuple[str, int, int]]:
    text = draw(texts())
    n = len(text.words)
    passages = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).map(lambda p: (min(p), max(p))),
            min_size=1,
            max_size=5,
        )
    )
    kind = draw(st.sampled_from(["insert", "delete"]))
    if kind == "insert":
        at = draw(st.integers(0, n - 1))
        inserted = draw(st.integers(1, 3))
        return text, passages, ("insert", at, inserted)
    first = draw(st.integers(0, n - 2))
    last = draw(st.integers(first + 1, n - 1))  # words first..last-1 go, never the final word
    return text, passages, ("delete", first, last)


def edited(text: Words, edit: tuple[str, int, int]) -> Words:
    kind, a, b = edit
    words, separators = list(text.words), list(text.separators)
    if kind == "insert":
        new = [f"x{m}" for m in range(b)]
        return Words(words[:a] + new + words[a:], separators[:a] + [" "] * b + separators[a:])
    return Words(words[:a] + words[b:], separators[:a] + separators[b:])


def expected(
    text: Words, i: int, j: int, edit: tuple[str, int, int]
) -> tuple[PassageStatus, str | None]:
    kind, a, b = edit
    if kind == "insert":
        if i < a <= j:
            after = edited(text, edit)
            return PassageStatus.EDITED, after.span(i, j + b)
        return PassageStatus.SAME, text.span(i, j)
    gone = set(range(a, b)) & set(range(i, j + 1))
    if not gone:
        return PassageStatus.SAME, text.span(i, j)
    left = [k for k in range(i, j + 1) if k not in gone]
    if not left:
        return PassageStatus.REMOVED, None

    def moved(k: int) -> int:
        return k if k < a else k - (b - a)

    total = sum(len(text.words[k]) for k in range(i, j + 1))
    kept = sum(len(text.words[k]) for k in left)
    now = edited(text, edit).span(moved(left[0]), moved(left[-1]))
    similar = SequenceMatcher(None, text.span(i, j), now, autojunk=False).ratio() >= 0.5
    return (
        (PassageStatus.EDITED, now)
        if kept * 2 >= total or similar
        else (PassageStatus.REMOVED, None)
    )


@settings(max_examples=300, deadline=None)
@given(cases())
def test_each_passage_gets_the_status_the_edit_implies(
    case: tuple[Words, list[tuple[int, int]], tuple[str, int, int]],
) -> None:
    text, passages, edit = case
    diff = compare(text.text, edited(text, edit).text)
    for i, j in passages:
        old = anchoring.anchor(text.text, text.start(i), text.end(j))
        placed = diff.place(old.start, old.end, old.quote, old.prefix, old.suffix)
        status, wording = expected(text, i, j, edit)
        assert placed.status is status, (i, j, edit)
        if placed.anchor is None:
            assert wording is None
        else:
            assert placed.anchor.quote == wording
            assert diff.new[placed.anchor.start : placed.anchor.end] == wording


def test_an_edited_passage_that_is_edited_back_reads_the_same_again() -> None:
    first = "The mayor said the harbour is the safest in the country.\nMore text."
    second = first.replace("the safest", "one of the safest")
    note = anchoring.locate(first, "the harbour is the safest in the country")
    moved = compare(first, second).place(note.start, note.end, note.quote, note.prefix, note.suffix)
    assert moved.status is PassageStatus.EDITED and moved.anchor is not None
    back = compare(second, first).place(moved.anchor.start, moved.anchor.end, note.quote)
    assert back.status is PassageStatus.SAME and back.anchor is not None
    assert back.anchor.quote == note.quote


def test_a_moved_paragraph_keeps_its_passages_the_same() -> None:
    old = "First paragraph here.\nThe quoted words that matter most.\nLast paragraph."
    new = "The quoted words that matter most.\nFirst paragraph here.\nLast paragraph."
    note = anchoring.locate(old, "quoted words that matter")
    placed = compare(old, new).place(note.start, note.end, note.quote, note.prefix, note.suffix)
    assert placed.status is PassageStatus.SAME and placed.anchor is not None
    assert placed.anchor.start == new.index("quoted words")
