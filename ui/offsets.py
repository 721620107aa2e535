"""The one place that converts between Qt text positions (UTF-16 units) and stored offsets.

Stored offsets are Python code-point indices into an article's normalised text. Qt counts
UTF-16 code units, so every character outside the Basic Multilingual Plane (emoji, many CJK
extensions) takes two Qt positions but one stored offset.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts positions for one text; built once per opened article (O(n)), then O(log n)."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        # The Qt position at which each astral character starts.
        self._astral_qt = [offset + n for n, offset in enumerate(self._astral)]
        self.qt_length = self.length + len(self._astral)

    def to_qt(self, offset: int) -> int:
        """The Qt position of a stored code-point offset."""
        offset = min(max(offset, 0), self.length)
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        """The stored offset of a Qt position; a position inside a surrogate pair snaps back."""
        position = min(max(position, 0), self.qt_length)
        return position - bisect_left(self._astral_qt, position)
