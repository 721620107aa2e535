"""How names and tags compare: story names ignore case (in every script), tags are one word."""

from __future__ import annotations

import re
import unicodedata

from sourcemark.app.errors import SourcemarkError

MAX_STORY_NAME = 200
MAX_TAG = 64
_NOT_IN_A_TAG = re.compile(r'[\s:"()]')


def clean_name(name: str) -> str:
    """A story name as stored: NFC, spaces folded, trimmed; refused if empty or too long."""
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise SourcemarkError("a story needs a name")
    if len(cleaned) > MAX_STORY_NAME:
        raise SourcemarkError(f"a story name is at most {MAX_STORY_NAME} characters")
    return cleaned


def folded(name: str) -> str:
    """The key that makes 'City Budget', 'city budget' and 'CITY  BUDGET' one name."""
    return unicodedata.normalize("NFC", clean_name(name).casefold())


def clean_tag(tag: str) -> str:
    """A tag as stored: one word, lower case (NFC), without spaces, colons, quotes or brackets."""
    cleaned = unicodedata.normalize("NFC", tag.strip().casefold()).lstrip("#")
    if not cleaned:
        raise SourcemarkError("a tag cannot be empty")
    if _NOT_IN_A_TAG.search(cleaned):
        raise SourcemarkError(
            f"the tag {tag!r} is not one word (no spaces, colons, quotes or brackets)"
        )
    if len(cleaned) > MAX_TAG:
        raise SourcemarkError(f"a tag is at most {MAX_TAG} characters")
    return cleaned
