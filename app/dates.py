"""Publication dates: stored as ISO 8601 text (YYYY, YYYY-MM or YYYY-MM-DD)."""

from __future__ import annotations

import re
from datetime import date

from sourcemark.app.errors import SourcemarkError

_ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_published(text: str) -> str:
    """Normalise a user-given date to YYYY[-MM[-DD]]; '' stays ''."""
    text = text.strip()
    if not text:
        return ""
    match = _ISO_PREFIX.match(text)
    if match is None:
        raise SourcemarkError(f"date {text!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise SourcemarkError(f"date {text!r} does not exist") from None
    return "-".join(part for part in (year, month, day) if part)
