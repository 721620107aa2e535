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


def file_size(size: int) -> str:
    """'812 bytes', '14.2 KB', '3.1 MB' (decimal units, as file managers show them)."""
    if size < 1000:
        return count(size, "byte")
    value = size / 1000
    for unit in ("KB", "MB", "GB"):
        if value < 999.95:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:,.1f} TB"
