"""Qt item models over the library; each holds ids and fetches rows lazily."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt


def column_title(
    columns: tuple[str, ...], section: int, orientation: Qt.Orientation, role: int
) -> Any:
    """What `headerData` returns for a table whose horizontal header names `columns`."""
    horizontal = orientation == Qt.Orientation.Horizontal
    if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(columns):
        return columns[section]
    return None


def plain_tooltip(text: str) -> str:
    """A tooltip Qt shows as the plain text it is. Qt reads a tooltip that merely looks like
    HTML (say, a title holding `<img src=...>`) as HTML, and would load its images from files."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"
