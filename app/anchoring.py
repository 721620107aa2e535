"""Exact anchoring of passages in normalised text, and re-anchoring in a changed text.

Offsets are Python string indices (code points). `text[start:end] == quote` always holds for
an anchor this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from sourcemark.app.errors import InvalidAnnotation
from sourcemark.app.folding import closest_passage, forgiving_matches
from sourcemark.app.wording import count

CONTEXT_CHARS = 32
# A fuzzy match must keep at least this share of the quote's characters.
FUZZY_MIN_SIMILARITY = 0.75
# Beyond this size a fuzzy scan of the whole text would be too slow to be worth it.
FUZZY_MAX_TEXT = 2_000_000


@dataclass(frozen=True, slots=True)
class Anchor:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def anchor(text: str, start: int, end: int) -> Anchor:
    """The anchor for `text[start:end]`, with its context; checks the offsets."""
    if not (0 <= start < end <= len(text)):
        raise InvalidAnnotation(
            f"offsets {start}-{end} are outside the text (0-{len(text)}) or empty"
        )
    return Anchor(
        start,
        end,
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a selection so it neither starts nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of `quote`, overlapping ones included."""
    found, at = [], text.find(quote)
    while quote and at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def locate(text: str, quote: str, occurrence: int | None = None) -> Anchor:
    """Find `quote` in `text`; with several matches, `occurrence` (1-based) picks one.

    Exact matches come first; failing those, the quote is matched forgivingly (straight for
    curly quotes, hyphens for dashes, any run of white space; app/folding.py), and the anchor
    holds the text's own passage. When nothing matches, the message names the closest passage.
    """
    if not quote:
        raise InvalidAnnotation("the quote is empty")
    spans = [(s, s + len(quote)) for s in occurrences(text, quote)] or forgiving_matches(
        text, quote
    )
    if not spans:
        raise InvalidAnnotation(
            f"the quote {_short(quote)} does not occur in the text" + _hint(text, quote)
        )
    if occurrence is None:
        if len(spans) > 1:
            where = ", ".join(f"#{n} at {s}" for n, (s, _) in enumerate(spans[:20], 1))
            raise InvalidAnnotation(
                f"the quote {_short(quote)} occurs {len(spans)} times ({where}); "
                "pick one with --occurrence N"
            )
        occurrence = 1
    if not 1 <= occurrence <= len(spans):
        raise InvalidAnnotation(
            f"occurrence {occurrence} requested but the quote occurs {count(len(spans), 'time')}"
        )
    start, end = spans[occurrence - 1]
    return anchor(text, start, end)


def _hint(text: str, quote: str) -> str:
    closest = closest_passage(text, quote)
    if closest is None:
        return ""
    return f"; did you mean {_short(text[closest[0] : closest[1]], 80)}?"


def reanchor(
    text: str, quote: str, prefix: str = "", suffix: str = "", hint: int | None = None
) -> Anchor | None:
    """Find a passage again in a changed text: exact first, then fuzzy; None if orphaned."""
    starts = occurrences(text, quote)
    if starts:
        best = max(
            starts, key=lambda s: _context_score(text, s, s + len(quote), prefix, suffix, hint)
        )
        return anchor(text, best, best + len(quote))
    between = _between_context(text, quote, prefix, suffix)
    if between is not None:
        return between
    if len(text) <= FUZZY_MAX_TEXT:
        return _fuzzy(text, quote)
    return None


def _context_score(
    text: str, start: int, end: int, prefix: str, suffix: str, hint: int | None
) -> tuple[int, int]:
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    matched = _common_suffix(before, prefix) + _common_prefix(after, suffix)
    distance = abs(start - hint) if hint is not None else 0
    return matched, -distance


def _between_context(text: str, quote: str, prefix: str, suffix: str) -> Anchor | None:
    """The quote was edited but its surroundings were not: take what lies between them."""
    if len(prefix) < 8 or len(suffix) < 8:
        return None
    for p in occurrences(text, prefix):
        start = p + len(prefix)
        end = text.find(suffix, start)
        if end > start and 0.5 <= (end - start) / len(quote) <= 2:
            candidate = text[start:end]
            if SequenceMatcher(None, candidate, quote, autojunk=False).ratio() >= 0.5:
                return anchor(text, start, end)
    return None


def _fuzzy(text: str, quote: str) -> Anchor | None:
    """Around the longest piece of the quote still present, find the span that best matches it."""
    longest = SequenceMatcher(None, text, quote, autojunk=False).find_longest_match(
        0, len(text), 0, len(quote)
    )
    if longest.size < 3:
        return None
    slack = len(quote) // 2
    lo = max(0, longest.a - longest.b - slack)
    hi = min(len(text), longest.a + len(quote) - longest.b + slack)
    window = SequenceMatcher(None, text[lo:hi], quote, autojunk=False)
    blocks = [b for b in window.get_matching_blocks() if b.size >= 3]
    if not blocks or sum(b.size for b in blocks) / len(quote) < FUZZY_MIN_SIMILARITY:
        return None
    start, end = trim(text, lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size)
    return anchor(text, start, end) if end > start else None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _short(text: str, width: int = 40) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")
