"""A row of the sources list: the outlet gives way, the date never does."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from pytestqt.qtbot import QtBot

from sourcemark.ui.sources_panel import details_line


def test_the_date_of_a_source_is_never_cut(qtbot: QtBot) -> None:
    metrics = QFontMetrics(QFont())
    date = "2020-02-14"
    for width in (90, 140, 220, 400):
        line = details_line("Los Angeles Times", date, width, metrics)
        assert line.endswith(date), line
        assert metrics.horizontalAdvance(line) <= max(width, metrics.horizontalAdvance(date))
    assert details_line("Los Angeles Times", date, 400, metrics) == f"Los Angeles Times · {date}"
    assert details_line("", date, 50, metrics) == date
    assert details_line("Los Angeles Times", "", 400, metrics) == "Los Angeles Times"
