"""Small wording helpers for messages people read."""

from __future__ import annotations


def count(number: int, noun: str) -> str:
    """'1 source', '2 sources', '12,000 annotations' (nouns whose plural adds an s)."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
