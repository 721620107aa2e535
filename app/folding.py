"""Forgiving quote matching: the typographic differences a person typing a quote makes.

A quote typed with straight quotation marks, hyphens for dashes or different runs of white
space is folded the same way as the text; where the folded quote occurs in the folded text,
the map back gives the exact span of the text. What is stored is always that span of the
text, never what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

_QUOTES = dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035", "'")
_QUOTES |= dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", '"')
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_ELLIPSIS = "\u2026"
# A suggestion must share at least this share of the quote's characters.
SUGGESTION_MIN_SIMILARITY = 0.5
SUGGESTION_MAX_TEXT = 2_000_000


@dataclass(frozen=True, slots=True)
class Folded:
    """A string folded for matching, with the offset in the original of each character."""

    text: str
    origin: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span a folded span [start, end) covers."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """Curly quotes as straight ones, any dash as '-' (without the spaces around it), '…' as
    '...', and every run of white space as one space."""
    out: list[str] = []
    origin: list[int] = []

    def emit(char: str, at: int) -> None:
        out.append(char)
        origin.append(at)

    for at, char in enumerate(text):
        if char.isspace():
            if out and out[-1] not in (" ", "-"):
                emit(" ", at)
        elif char in _DASHES:
            if out and out[-1] == " ":
                out.pop()
                origin.pop()
            if not out or out[-1] != "-" or text[origin[-1]] not in _DASHES:
                emit("-", at)
        elif char == _ELLIPSIS:
            for _ in range(3):
                emit(".", at)
        else:
            emit(_QUOTES.get(char, char), at)
    return Folded("".join(out), origin)


def forgiving_matches(text: str, quote: str) -> list[tuple[int, int]]:
    """Spans of `text` that read as `quote` once both are folded; empty if none."""
    wanted = fold(quote).text.strip(" ")
    if not wanted:
        return []
    folded = fold(text)
    spans, at = [], folded.text.find(wanted)
    while at != -1:
        spans.append(folded.span(at, at + len(wanted)))
        at = folded.text.find(wanted, at + 1)
    return spans


def closest_passage(text: str, quote: str) -> tuple[int, int] | None:
    """The span of `text` most like `quote` (a "did you mean …?"), if any is close enough."""
    folded, wanted = fold(text), fold(quote).text.strip(" ")
    if len(folded.text) > SUGGESTION_MAX_TEXT or len(wanted) < 3:
        return None
    longest = SequenceMatcher(None, folded.text, wanted, autojunk=False).find_longest_match(
        0, len(folded.text), 0, len(wanted)
    )
    if longest.size < 3:
        return None
    lo = max(0, longest.a - longest.b - len(wanted) // 2)
    hi = min(len(folded.text), longest.a + len(wanted) - longest.b + len(wanted) // 2)
    window = SequenceMatcher(None, folded.text[lo:hi], wanted, autojunk=False)
    blocks = [b for b in window.get_matching_blocks() if b.size >= 2]
    if not blocks or sum(b.size for b in blocks) / len(wanted) < SUGGESTION_MIN_SIMILARITY:
        return None
    start, end = lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size
    return folded.span(start, end)
