"""A note or speaker still being typed (focus still in the form) is never lost.

A toolbar click leaves the focus where it was, and a background import can open another
source at any moment: both used to refill the form and drop what had been typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from sourcemark.app.importing import ImportedFile, ImportReport
from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Article, Kind
from sourcemark.ui.main_window import MainWindow
from tests.ui.conftest import MakeWindow, add_article, select_in_reader

TEXT = "The mayor said crime fell by half last year. Police records show a small drop."


def open_claim_with_typed_note(
    library: Library, make_window: MakeWindow, qtbot: QtBot
) -> tuple[MainWindow, Article, Annotation]:
    """Tag a claim with C, then type a note for it without leaving the note field."""
    article = add_article(library, TEXT, title="Crime figures")
    window = make_window(library)
    window.open_article(article.id)
    start = TEXT.index("crime fell")
    select_in_reader(window, start, start + len("crime fell by half last year"))
    qtbot.keyClick(window.reader.text, Qt.Key.Key_C)
    (claim,) = library.annotations(article.id)
    form = window.annotations.form
    assert form.annotation is not None and form.annotation.id == claim.id
    form.note.setFocus()
    qtbot.keyClicks(form.note, "Ask the precinct")
    assert form.note.hasFocus() and library.annotation(claim.id).note == ""
    return window, article, claim


def test_toolbar_undo_saves_the_typed_note_then_undoes_it(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, _article, claim = open_claim_with_typed_note(bare_library, make_window, qtbot)
    window.desk_actions.undo.trigger()  # a toolbar click: the focus stays in the note
    assert bare_library.annotation(claim.id).note == ""  # the note was undone, not the tag
    assert [a.id for a in bare_library.annotations(claim.article_id)] == [claim.id]
    assert window.desk_actions.redo.text() == "&Redo Edit claim note"
    window.desk_actions.redo.trigger()
    assert bare_library.annotation(claim.id).note == "Ask the precinct"


def test_tagging_from_the_toolbar_keeps_the_note_being_typed(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article, claim = open_claim_with_typed_note(bare_library, make_window, qtbot)
    start = TEXT.index("Police records")
    cursor = window.reader.text.textCursor()  # a selection made before typing the note
    cursor.setPosition(start)
    cursor.setPosition(start + len("Police records"), QTextCursor.MoveMode.KeepAnchor)
    window.reader.text.setTextCursor(cursor)
    assert window.annotations.form.note.hasFocus()
    window.desk_actions.tag[Kind.QUOTE].trigger()  # the toolbar's Quote button
    assert bare_library.annotation(claim.id).note == "Ask the precinct"
    assert len(bare_library.annotations(article.id)) == 2


def test_an_import_ending_while_a_note_is_typed_keeps_the_note(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, _article, claim = open_claim_with_typed_note(bare_library, make_window, qtbot)
    other = add_article(bare_library, "A second source, imported meanwhile.", title="Other")
    report = ImportReport(imported=[ImportedFile("other.txt", other.id, "Other")])
    window.importer.imported.emit(report)  # the background import has ended
    assert window.article_id == other.id
    assert bare_library.annotation(claim.id).note == "Ask the precinct"
    assert window.undo_stack.undoText() == "Edit claim note"
    qtbot.keyClick(window.reader.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert bare_library.annotation(claim.id).note == ""
