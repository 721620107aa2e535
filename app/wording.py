"""Small wording helpers for messages people read."""

from __future__ import annotations


def count(number: int, noun: str) -> str:
    """'1 source', '2 sources', '12,000 annotations' (nouns whose plural adds an s)."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def ocr_notice(pages: list[int]) -> str:
    """The warning shown with a source whose text OCR read from scanned pages."""
    return (
        f"OCR text ({count(len(pages), 'scanned page')}): recognised, not typed, so it may "
        "hold errors; check a quote against the page image."
    )
