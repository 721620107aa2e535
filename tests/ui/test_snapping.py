"""A selection that starts or ends inside a word is tagged as whole words: a mouse drag shows
the whole words at once, and C/Q/R on a keyboard selection shows them and asks first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.app.models import Kind
from sourcemark.ui.main_window import MainWindow
from sourcemark.ui.snap_dialog import SnapChoice, SnapQuestion
from tests.ui.conftest import MakeWindow, add_article, qt_position, select_in_reader

TEXT = 'After the budget meeting, Mayor John Smith 👍🏽 said: "We cannot keep paying," and left.'


def open_desk(library: Library, make_window: MakeWindow) -> MainWindow:
    article = add_article(library, TEXT, title="Budget")
    window = make_window(library)
    window.open_article(article.id)
    return window


def selected_text(window: MainWindow) -> str:
    return window.reader.text.textCursor().selectedText()


@pytest.mark.parametrize(
    "answer, saved",
    [
        (SnapChoice.WHOLE_WORDS, "meeting, Mayor John"),
        (SnapChoice.AS_SELECTED, "eting, Mayor Jo"),
        (None, None),
    ],
)
def test_a_partial_selection_shows_the_whole_words_and_asks(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    answer: SnapChoice | None,
    saved: str | None,
) -> None:
    window = open_desk(bare_library, make_window)
    asked: list[tuple[Kind, str, str, str]] = []

    def ask(
        cls: type[SnapQuestion], parent: QWidget, kind: Kind, whole: str, selected: str
    ) -> SnapChoice | None:
        asked.append((kind, whole, selected, selected_text(window)))
        return answer

    monkeypatch.setattr(SnapQuestion, "ask", classmethod(ask))
    start = TEXT.index("eting")
    select_in_reader(window, start, start + len("eting, Mayor Jo"))
    qtbot.keyClick(window.reader.text, Qt.Key.Key_Q)
    # Asked while the reader shows the whole words.
    assert asked == [(Kind.QUOTE, "meeting, Mayor John", "eting, Mayor Jo", "meeting, Mayor John")]
    quotes = [a.quote for a in bare_library.annotations()]
    assert quotes == ([saved] if saved else [])
    if answer is None:  # back to what the user selected
        assert selected_text(window) == "eting, Mayor Jo"


def test_whole_words_are_tagged_without_asking(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_desk(bare_library, make_window)
    monkeypatch.setattr(SnapQuestion, "ask", classmethod(lambda *args: pytest.fail("asked")))
    quote = '"We cannot keep paying,"'
    start = TEXT.index(quote)
    select_in_reader(window, start, start + len(quote))
    qtbot.keyClick(window.reader.text, Qt.Key.Key_Q)
    assert [a.quote for a in bare_library.annotations()] == [quote]


def _point(window: MainWindow, offset: int) -> QPoint:
    cursor = QTextCursor(window.reader.text.document())
    cursor.setPosition(qt_position(TEXT, offset))
    return window.reader.text.cursorRect(cursor).center()


def test_a_mouse_drag_snaps_to_whole_words_when_the_button_is_let_go(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = open_desk(bare_library, make_window)
    viewport = window.reader.text.viewport()
    start = TEXT.index("eting")
    end = TEXT.index("👍🏽") + 1  # between the thumb and its skin tone
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=_point(window, start))
    qtbot.mouseMove(viewport, _point(window, end))
    assert window.reader.text.textCursor().hasSelection()  # the drag selected
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=_point(window, end))
    assert selected_text(window) == "meeting, Mayor John Smith 👍🏽"
    assert window.reader.snapped_span() == window.reader.selected_span()
