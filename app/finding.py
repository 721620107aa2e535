"""Finding a word or phrase inside one source's text (the desk's find bar)."""

from __future__ import annotations

import re

MAX_MATCHES = 10_000


def find_all(text: str, needle: str, limit: int = MAX_MATCHES) -> list[tuple[int, int]]:
    """(start, end) code-point offsets of each match of `needle`, ignoring case; at most
    `limit`. White space in the needle matches any run of white space (a line break too)."""
    words = needle.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)
    found = []
    for match in pattern.finditer(text):
        found.append(match.span())
        if len(found) >= limit:
            break
    return found


def nearest(matches: list[tuple[int, int]], offset: int) -> int:
    """The index of the first match starting at or after `offset`, wrapping to the first."""
    for index, (start, _end) in enumerate(matches):
        if start >= offset:
            return index
    return 0
