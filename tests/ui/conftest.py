"""Fixtures for the desk: private settings, and a window on a library holding one article."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Article
from sourcemark.ui.main_window import MainWindow

MakeWindow = Callable[[Library], MainWindow]
"""The `make_window` fixture: opens a desk window on a library."""


@pytest.fixture(autouse=True)
def _private_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test gets its own, empty QSettings (recent libraries, window state)."""
    QCoreApplication.setOrganizationName("SourcemarkTests")
    QCoreApplication.setApplicationName("SourcemarkTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("settings")),
    )
    yield
    QSettings().clear()


def add_article(library: Library, text: str, **metadata: str) -> Article:
    return library.import_source(from_pasted_text(text).with_metadata(**metadata)).value.article


def qt_position(text: str, offset: int) -> int:
    """A code-point offset as Qt counts it (UTF-16 units), computed independently of ui.offsets."""
    return len(text[:offset].encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Highlight:
    text: str
    format: QTextCharFormat


def highlights_in(document: QTextDocument) -> list[Highlight]:
    """The highlighted runs of a reader's document, in text order.

    A run is a stretch of tinted text with one format; one that crosses a paragraph break
    (stored as two fragments) counts once.
    """
    found: list[Highlight] = []
    end = -2
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            fmt = fragment.charFormat()
            if fmt.background().style() != Qt.BrushStyle.NoBrush:
                if found and fragment.position() == end + 1 and fmt == found[-1].format:
                    found[-1] = Highlight(found[-1].text + "\n" + fragment.text(), fmt)
                else:
                    found.append(Highlight(fragment.text(), fmt))
                end = fragment.position() + fragment.length()
            fragments += 1
        block = block.next()
    return found


def select_in_reader(window: MainWindow, start: int, end: int) -> None:
    """Select text[start:end] of the open article in the reader, as a mouse drag would."""
    text = window.reader.article.text if window.reader.article else ""
    cursor = window.reader.text.textCursor()
    cursor.setPosition(qt_position(text, start))
    cursor.setPosition(qt_position(text, end), QTextCursor.MoveMode.KeepAnchor)
    window.reader.text.setTextCursor(cursor)
    window.reader.text.setFocus()


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[MakeWindow]:
    """Open a desk window on a library; the window owns (and closes) the library."""
    windows: list[MainWindow] = []

    def make(library: Library) -> MainWindow:
        window = MainWindow(library)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
