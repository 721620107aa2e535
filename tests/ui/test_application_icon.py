"""The window carries Sourcemark's icon in every size drawn from its SVG."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from sourcemark.ui import desk

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def test_the_application_icon_has_every_size(qapp: QApplication) -> None:
    icon = desk.application_icon()
    assert sorted(size.width() for size in icon.availableSizes()) == list(SIZES)
    assert all(size == QSize(size.width(), size.width()) for size in icon.availableSizes())


def test_the_application_shows_the_icon_and_names_its_desktop_entry(qapp: QApplication) -> None:
    try:
        app = desk.make_application()
        assert not app.windowIcon().isNull()
        assert app.desktopFileName() == "sourcemark"
    finally:
        qapp.setStyleSheet("")
