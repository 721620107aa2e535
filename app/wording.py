"""Small wording helpers for messages people read."""

from __future__ import annotations

from datetime import timedelta


def count(number: int, noun: str, plural: str = "") -> str:
    """'1 source', '2 sources', '12,000 annotations'; `plural` where it does not add an s."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def one_line(text: str, width: int = 60) -> str:
    """Text on one line, cut to `width` characters with an ellipsis, at a word's end if one
    is near."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    end = cut.rfind(" ")
    return (cut[:end] if end > width * 2 // 3 else cut).rstrip(" ,;:") + "…"


def listing(items: list[str]) -> str:
    """'title', 'title and url', 'title, outlet and url'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


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


def sizes(size: int, limit: int) -> tuple[str, str]:
    """Two sizes in human units, exact in bytes when the units would show them alike."""
    shown = file_size(size), file_size(limit)
    return shown if shown[0] != shown[1] else (f"{size:,} bytes", f"{limit:,} bytes")


def ago(elapsed: timedelta) -> str:
    """'just now', '1 minute ago', '5 hours ago', '3 days ago'."""
    minutes = round(elapsed.total_seconds() / 60)
    if minutes < 1:
        return "just now"
    if minutes < 90:
        return f"{count(minutes, 'minute')} ago"
    if minutes < 48 * 60:
        return f"{count(round(minutes / 60), 'hour')} ago"
    return f"{count(round(minutes / (24 * 60)), 'day')} ago"
