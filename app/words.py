"""Snapping a selection to whole words, keeping the punctuation that belongs to the quote.

A drag that starts or ends inside a word ("eting, Mayor John") becomes the whole words
("meeting, Mayor John"). Word boundaries are Unicode's (UAX #29, through the `regex`
module): a word never loses a combining mark, an emoji sequence stays whole, Chinese and
Japanese snap per character, right-to-left text follows its logical order. A quotation mark
opened inside the passage is closed if its closing mark follows it (`"We cannot pay,"`), and
a closing mark at its end gets its opening mark. Offsets are code points, as stored.
"""

from __future__ import annotations

import regex

from sourcemark.app.anchoring import trim

# How far around an edge to look for its word's boundaries: longer than any real word.
_WINDOW = 64
_BOUNDARY = regex.compile(r"(?w)\b")
# Opening marks and the marks that close them („ is closed by “ in German, by ” in Polish).
_CLOSERS = {
    "“": "”",
    "‘": "’",
    "«": "»",
    "‹": "›",
    "„": "“”",
    "‚": "‘’",
    "「": "」",
    "『": "』",
    "《": "》",
    "〈": "〉",
    '"': '"',
}
_CLOSING = {closer for closers in _CLOSERS.values() for closer in closers}
# Punctuation that may sit between the end of a quote's words and its closing mark.
_INSIDE_PUNCTUATION = ".,;:!?…"
# French sets guillemets off with a (no-break) space: « c’est fini ».
_GUILLEMET_SPACES = " \u00a0\u202f"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The selection `text[start:end]` widened to whole words and balanced quotation marks,
    without white space at either end; (start, start) if nothing but space is selected."""
    start, end = trim(text, start, end)
    if start >= end:
        return start, start
    start = _boundary_at_or_before(text, start)
    end = _boundary_at_or_after(text, end)
    return _balance_quotes(text, start, end)


def _boundaries_near(text: str, offset: int) -> list[int]:
    """The word boundaries within a window around `offset` (the window's own edges are not
    boundaries, unless they are the text's)."""
    low, high = max(0, offset - _WINDOW), min(len(text), offset + _WINDOW)
    found = (low + match.start() for match in _BOUNDARY.finditer(text[low:high]))
    return [b for b in found if (b > low or low == 0) and (b < high or high == len(text))]


def _boundary_at_or_before(text: str, offset: int) -> int:
    return max((b for b in _boundaries_near(text, offset) if b <= offset), default=offset)


def _boundary_at_or_after(text: str, offset: int) -> int:
    return min((b for b in _boundaries_near(text, offset) if b >= offset), default=offset)


def _balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    unclosed, unopened = _unmatched(text[start:end])
    if unclosed:
        closers = _CLOSERS[unclosed[-1]]
        inside = _INSIDE_PUNCTUATION + (_GUILLEMET_SPACES if closers in "»›" else "")
        after = end
        while after < len(text) and text[after] in inside and after - end < 3:
            after += 1
        if after < len(text) and text[after] in closers:
            end = after + 1
    if unopened and start > 0 and unopened[0] in _CLOSERS.get(text[start - 1], ""):
        start -= 1
    return start, end


def _unmatched(passage: str) -> tuple[list[str], list[str]]:
    """The opening marks a passage leaves open, and the closing marks it has no opening for."""
    open_marks: list[str] = []
    unopened: list[str] = []
    for at, char in enumerate(passage):
        if open_marks and char in _CLOSERS[open_marks[-1]]:
            open_marks.pop()
        elif char in _CLOSERS and not (char == '"' and _closes_straight(passage, at)):
            open_marks.append(char)
        elif char in _CLOSING and not _is_apostrophe(passage, at):
            unopened.append(char)
    return open_marks, unopened


def _closes_straight(passage: str, at: int) -> bool:
    """A straight quote with no opening one before it closes a quote when it follows a word
    ('this,"') rather than preceding one ('"We')."""
    before = passage[at - 1] if at > 0 else " "
    return not before.isspace() and before not in "([{"


def _is_apostrophe(passage: str, at: int) -> bool:
    """’ or ' between letters is an apostrophe (it’s), not a closing quotation mark."""
    if passage[at] not in "’'":
        return False
    return 0 < at < len(passage) - 1 and passage[at - 1].isalnum() and passage[at + 1].isalnum()
