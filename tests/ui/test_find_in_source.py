"""Find in source (Ctrl+G or / in the reader): the matches counted, visited in turn, each
selected in the reader; distinct from the library search (Ctrl+F)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.ui.main_window import MainWindow
from tests.ui.conftest import MakeWindow, add_article

TEXT = (
    "Budget 👍🏽 story\n\nThe budget grew. Critics said the Budget hid costs.\n\n"
    "No budget, no city."
)


def open_desk(library: Library, make_window: MakeWindow) -> MainWindow:
    article = add_article(library, TEXT, title="Budget")
    window = make_window(library)
    window.open_article(article.id)
    return window


def selected(window: MainWindow) -> tuple[int, int]:
    cursor = window.reader.text.textCursor()
    offsets = window.reader.text.offsets
    return offsets.from_qt(cursor.selectionStart()), offsets.from_qt(cursor.selectionEnd())


def test_ctrl_g_finds_counts_and_steps_through_the_matches(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = open_desk(bare_library, make_window)
    bar = window.reader.find_bar
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "budget")
    starts = [i for i in range(len(TEXT)) if TEXT[i : i + 6].lower() == "budget"]
    assert bar.count.text() == "1 of 4"
    assert selected(window) == (starts[0], starts[0] + 6)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.count.text() == "2 of 4" and selected(window) == (starts[1], starts[1] + 6)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == "4 of 4"  # back past the first wraps to the last
    window.desk_actions.find_next.trigger()  # F3
    assert bar.count.text() == "1 of 4"
    assert len(window.reader.text.extraSelections()) == 4  # every match tinted
    bar.field.setText("nowhere")
    assert bar.count.text() == "No matches" and window.reader.text.extraSelections() == []
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible() and window.reader.text.hasFocus()


def test_slash_in_the_reader_opens_it_with_the_selected_words(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = open_desk(bare_library, make_window)
    start = TEXT.index("Critics")
    cursor = window.reader.text.textCursor()
    cursor.setPosition(window.reader.text.offsets.to_qt(start))
    cursor.setPosition(window.reader.text.offsets.to_qt(start + 7), cursor.MoveMode.KeepAnchor)
    window.reader.text.setTextCursor(cursor)
    window.reader.text.setFocus()
    qtbot.keyClick(window.reader.text, Qt.Key.Key_Slash)
    bar = window.reader.find_bar
    assert bar.isVisible() and bar.field.text() == "Critics" and bar.count.text() == "1 of 1"


def test_slash_typed_in_a_note_stays_in_the_note(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = open_desk(bare_library, make_window)
    article_id = window.article_id
    assert article_id is not None
    claim = bare_library.annotate_quote(article_id, "claim", "The budget grew").value
    window.open_annotation(claim.id)
    note = window.annotations.form.note
    note.setFocus()
    qtbot.keyClicks(note, "a/b")
    assert note.toPlainText() == "a/b" and not window.reader.find_bar.isVisible()
