"""Whether an extracted article text is plausible for the page it came from.

Extraction sometimes keeps the wrong block: a 151-character photo caption out of a long page,
or a page of navigation links extracted as "Home". Such a text is imported all the same, with a
warning and a flag the reporter dismisses once they have checked it against the page's text.
"""

from __future__ import annotations

# An article text this short, and this small a share of what the page shows, is suspect.
SHORT_TEXT_CHARS = 500
SMALL_SHARE = 0.2


def extraction_warning(text: str, page_text: str) -> str:
    """Why `text` may be an incomplete extraction of a page showing `page_text`; '' if plausible."""
    kept, shown = _letters(text), _letters(page_text)
    if kept >= SHORT_TEXT_CHARS or shown == 0 or kept >= shown * SMALL_SHARE:
        return ""
    return (
        f"extraction may be incomplete: {kept:,} characters kept of the {shown:,} the page "
        "shows; compare it with the page's text"
    )


def _letters(text: str) -> int:
    """Characters other than white space: what a reader sees."""
    return sum(1 for char in text if not char.isspace())
