"""The open list of a combo box shows its current item (it showed a blank box under the
desk's style sheet)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from sourcemark.ui.combo import ComboBox
from sourcemark.ui.desk import STYLE_SHEET

SELECTION = QColor("#3b5b8c")


def current_row_image(combo: QComboBox, qtbot: QtBot) -> QImage:
    combo.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    for verdict in ("Unverified", "True", "False"):
        combo.addItem(verdict)
    qtbot.addWidget(combo)
    combo.show()
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    row = view.visualRect(view.model().index(0, 0))
    image = view.viewport().grab(row).toImage()
    combo.hidePopup()
    return image


def selection_share(image: QImage) -> float:
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    return sum(p.rgb() == SELECTION.rgb() for p in pixels) / len(pixels)


# The offscreen platform cannot raise a popup or grab the keyboard; the list still draws.
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_current_item_is_drawn_as_a_selected_row(qtbot: QtBot) -> None:
    assert selection_share(current_row_image(ComboBox(), qtbot)) > 0.5
    assert selection_share(current_row_image(QComboBox(), qtbot)) == 0  # Qt's own: the blank box
