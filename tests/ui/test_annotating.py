"""Tagging with C, Q and R, deleting, editing, linking and undo/redo, checked in the database."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QWidget
from pytestqt.qtbot import QtBot

from sourcemark.app.layout import DATABASE_FILE
from sourcemark.app.library import Library
from sourcemark.app.models import Article, Kind, Verdict
from sourcemark.ui import main_window
from sourcemark.ui.link_picker import LinkPicker
from sourcemark.ui.main_window import MainWindow
from tests.ui.conftest import MakeWindow, add_article, highlights_in, select_in_reader

COUNT_ANNOTATIONS = (
    "import sqlite3, sys; "
    "print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM annotations').fetchone()[0])"
)
TEXT = (
    "The mayor said crime fell by half last year.\n\n"
    "  Police records show a drop of twelve percent.  \n\n"
    "Critics called the figure invented."
)


def test_pressing_c_q_r_tags_the_selection_and_saves_it(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article = add_article(bare_library, TEXT, title="Crime figures")
    window = make_window(bare_library)
    window.open_article(article.id)
    for kind, key, quote in (
        (Kind.CLAIM, Qt.Key.Key_C, "crime fell by half last year"),
        (Kind.QUOTE, Qt.Key.Key_Q, "The mayor said"),
        (Kind.REBUTTAL, Qt.Key.Key_R, "Police records show a drop of twelve percent."),
    ):
        start = TEXT.index(quote)
        select_in_reader(window, start, start + len(quote))
        qtbot.keyClick(window.reader.text, key)
        saved = [a for a in bare_library.annotations(article.id) if a.kind is kind]
        assert [(a.start, a.end, a.quote) for a in saved] == [(start, start + len(quote), quote)]
    assert window.annotations.model.rowCount() == 3
    # Saved at once: another process reading the library sees all three.
    counted = subprocess.run(
        [sys.executable, "-c", COUNT_ANNOTATIONS, str(bare_library.path / DATABASE_FILE)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert counted.stdout.strip() == "3"
    assert len(highlights_in(window.reader.text.document())) == 3


def open_desk(
    library: Library, make_window: MakeWindow, text: str = TEXT, **metadata: str
) -> tuple[MainWindow, Article]:
    article = add_article(library, text, **{"title": "Crime figures", **metadata})
    window = make_window(library)
    window.open_article(article.id)
    return window, article


def tag(
    window: MainWindow, qtbot: QtBot, quote: str, key: Qt.Key = Qt.Key.Key_C, occurrence: int = 0
) -> None:
    assert window.reader.article is not None
    text = window.reader.article.text
    start = [i for i in range(len(text)) if text.startswith(quote, i)][occurrence]
    select_in_reader(window, start, start + len(quote))
    qtbot.keyClick(window.reader.text, key)


def test_pressing_c_twice_on_one_passage_makes_one_claim(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article = open_desk(bare_library, make_window)
    tag(window, qtbot, "crime fell by half")
    tag(window, qtbot, "crime fell by half")
    (claim,) = bare_library.annotations(article.id)
    assert window.annotations.selected_id() == claim.id
    assert window.statusBar().currentMessage() == "That passage is already tagged as a claim."
    assert window.undo_stack.count() == 1
    tag(window, qtbot, "crime fell by half", Qt.Key.Key_Q)  # another kind is another reading
    assert sorted(a.kind.value for a in bare_library.annotations(article.id)) == ["claim", "quote"]


def test_white_space_around_the_selection_is_trimmed(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article = open_desk(bare_library, make_window)
    tag(window, qtbot, "  Police records show a drop of twelve percent.  \n\n", Qt.Key.Key_R)
    (saved,) = bare_library.annotations(article.id)
    assert saved.quote == "Police records show a drop of twelve percent."
    assert TEXT[saved.start : saved.end] == saved.quote


def test_nothing_selected_says_what_to_do_and_saves_nothing(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article = open_desk(bare_library, make_window)
    select_in_reader(window, 3, 3)
    qtbot.keyClick(window.reader.text, Qt.Key.Key_C)
    assert bare_library.annotations(article.id) == []
    assert "Select a passage" in window.statusBar().currentMessage()


def test_toolbar_and_context_menu_actions_tag_too(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article = open_desk(bare_library, make_window)
    start = TEXT.index("Critics")
    select_in_reader(window, start, start + len("Critics"))
    window.desk_actions.tag[Kind.QUOTE].trigger()
    start = TEXT.index("invented")
    select_in_reader(window, start, start + len("invented"))
    assert set(window.desk_actions.tag.values()) <= set(window.desk_actions.toolbar.actions())
    menu = window.reader.text.context_menu(window.reader.text.cursorRect().center())
    first = menu.actions()[0]  # the selection's context menu starts with the kinds
    assert (first.text(), first.shortcut().toString()) == ("Tag as &claim", "C")
    toolbar_button = window.desk_actions.toolbar.widgetForAction(first)
    assert isinstance(toolbar_button, QToolButton) and toolbar_button.text() == "Claim (C)"
    first.trigger()
    menu.deleteLater()
    assert [(a.kind, a.quote) for a in bare_library.annotations(article.id)] == [
        (Kind.QUOTE, "Critics"),
        (Kind.CLAIM, "invented"),
    ]


UNICODE_CASES = {
    "after an emoji": ("Smile 😀😀 then the claim here.", "the claim"),
    "after a family emoji": ("👨‍👩‍👧 family, then the claim here.", "the claim"),
    "with combining marks": (
        "Se\u0301ance: the q\u0301uiz x\u0323\u0302 here.",
        "q\u0301uiz x\u0323\u0302",
    ),
    "in right-to-left text": ("He said שלום עולם and then מרחב חדש today.", "מרחב חדש"),
    "in astral CJK": ("𠀀𠀁𠀂 then 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 here", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"),
}


def test_unicode_passages_are_stored_and_highlighted_exactly_as_selected(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = make_window(bare_library)
    for name, (text, quote) in UNICODE_CASES.items():
        article = add_article(bare_library, text, title=name)
        window.open_article(article.id)
        tag(window, qtbot, quote)
        (saved,) = bare_library.annotations(article.id)
        assert (saved.quote, article.text[saved.start : saved.end]) == (quote, quote), name
        (highlight,) = highlights_in(window.reader.text.document())
        assert highlight.text == quote, name


def test_text_imported_with_crlf_highlights_what_was_selected(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    from sourcemark.app.importers import extract

    source = extract("Line one 🔥\r\nThe mayor 😀 said this.\r\n".encode(), "crlf.txt")
    article = bare_library.import_source(source).value.article
    window = make_window(bare_library)
    window.open_article(article.id)
    tag(window, qtbot, "said this")
    (saved,) = bare_library.annotations(article.id)
    assert saved.quote == "said this" and article.text[saved.start : saved.end] == "said this"
    assert [h.text for h in highlights_in(window.reader.text.document())] == ["said this"]


def test_keyboard_selection_across_emoji_and_combining_marks(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    text = "Go 😀 xq\u0301 now"
    window, article = open_desk(bare_library, make_window, text)
    select_in_reader(window, 3, 3)  # the caret before the emoji
    for _ in range(4):  # Shift+Right moves over whole characters: 😀, space, x, q́
        qtbot.keyClick(window.reader.text, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.reader.text, Qt.Key.Key_Q)
    (saved,) = bare_library.annotations(article.id)
    assert saved.quote == "😀 xq\u0301"
    assert text[saved.start : saved.end] == saved.quote


def test_undo_of_a_new_annotation_deletes_it_and_redo_brings_back_the_same_id(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article = open_desk(bare_library, make_window)
    tag(window, qtbot, "crime fell by half")
    (created,) = bare_library.annotations(article.id)
    qtbot.keyClick(window.reader.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert bare_library.annotations(article.id) == []
    assert highlights_in(window.reader.text.document()) == []
    qtbot.keyClick(
        window.reader.text,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert bare_library.annotations(article.id) == [created]
    assert window.annotations.selected_id() == created.id


def test_delete_key_removes_the_selected_annotation_and_undo_restores_it_with_its_link(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article = open_desk(bare_library, make_window)
    claim = bare_library.annotate_quote(article.id, "claim", "crime fell by half last year").value
    rebuttal = bare_library.annotate_quote(article.id, "rebuttal", "Police records show").value
    bare_library.link(rebuttal.id, claim.id)
    window.open_annotation(claim.id)
    window.annotations.list.setFocus()
    qtbot.keyClick(window.annotations.list, Qt.Key.Key_Delete)
    assert [a.id for a in bare_library.annotations(article.id)] == [rebuttal.id]
    assert bare_library.links() == []
    window.desk_actions.undo.trigger()
    assert {a.id for a in bare_library.annotations(article.id)} == {claim.id, rebuttal.id}
    assert [(link.from_id, link.to_id) for link in bare_library.links()] == [
        (rebuttal.id, claim.id)
    ]
    window.desk_actions.redo.trigger()
    assert [a.id for a in bare_library.annotations(article.id)] == [rebuttal.id]


# Typing a speaker opens the completion popup, which the headless platform cannot raise.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
def test_editing_note_speaker_and_verdict_saves_and_undoes(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    bare_library_speaker = "Mayor Adams"
    window, article = open_desk(bare_library, make_window)
    bare_library.annotate_quote(article.id, "quote", "The mayor said", speaker=bare_library_speaker)
    claim = bare_library.annotate_quote(article.id, "claim", "crime fell by half last year").value
    window.open_annotation(claim.id)
    form = window.annotations.form
    assert form.speakers.stringList() == [bare_library_speaker]
    assert form.verdict.isVisibleTo(form)

    form.note.setFocus()
    qtbot.keyClicks(form.note, "Check the NYPD CompStat numbers.")
    form.speaker.setFocus()  # leaving the note saves it
    assert bare_library.annotation(claim.id).note == "Check the NYPD CompStat numbers."
    qtbot.keyClicks(form.speaker, "Mayor Adams")
    qtbot.keyClick(form.speaker, Qt.Key.Key_Return)
    assert bare_library.annotation(claim.id).speaker == "Mayor Adams"
    form.verdict.setCurrentIndex(form.verdict.findData(Verdict.FALSE.value))
    form.verdict.activated.emit(form.verdict.currentIndex())
    assert bare_library.annotation(claim.id).verdict is Verdict.FALSE
    assert window.annotations.model.annotation(1).verdict is Verdict.FALSE

    window.desk_actions.undo.trigger()
    assert bare_library.annotation(claim.id).verdict is Verdict.UNVERIFIED
    window.desk_actions.undo.trigger()
    window.desk_actions.undo.trigger()
    assert bare_library.annotation(claim.id).note == ""
    assert bare_library.annotation(claim.id).speaker == ""
    window.desk_actions.redo.trigger()
    assert bare_library.annotation(claim.id).note == "Check the NYPD CompStat numbers."
    assert form.note.toPlainText() == "Check the NYPD CompStat numbers."


def test_linking_a_rebuttal_to_a_claim_in_another_article_and_undoing(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, article = open_desk(bare_library, make_window)
    other = add_article(bare_library, "Elsewhere the chief said crime is down.", title="Other")
    claim = bare_library.annotate_quote(other.id, "claim", "crime is down").value
    rebuttal = bare_library.annotate_quote(article.id, "rebuttal", "Police records show").value
    window.open_annotation(rebuttal.id)
    form = window.annotations.form
    assert form.link_row.isVisibleTo(form) and not form.verdict.isVisibleTo(form)
    asked: list[str | None] = []

    def pick(cls: type[LinkPicker], parent: QWidget, lib: Library, current: str | None) -> str:
        asked.append(current)
        return claim.id

    monkeypatch.setattr(LinkPicker, "ask", classmethod(pick))
    qtbot.mouseClick(form.pick_claim, Qt.MouseButton.LeftButton)
    assert asked == [None]
    assert [(link.from_id, link.to_id) for link in bare_library.links()] == [
        (rebuttal.id, claim.id)
    ]
    assert "crime is down" in form.claim.text()

    qtbot.mouseClick(form.open_claim, Qt.MouseButton.LeftButton)
    assert window.article_id == other.id and window.annotations.selected_id() == claim.id
    assert form.rebutted_by.isVisibleTo(form)  # the claim names the rebuttal answering it
    assert f'href="{rebuttal.id}"' in form.rebutted_by.text()
    assert "Police records show" in form.rebutted_by.text()
    form.rebutted_by.linkActivated.emit(rebuttal.id)  # a click on the link
    assert window.article_id == article.id and window.annotations.selected_id() == rebuttal.id
    assert not form.rebutted_by.isVisibleTo(form)
    qtbot.mouseClick(form.open_claim, Qt.MouseButton.LeftButton)

    window.desk_actions.undo.trigger()
    assert bare_library.links() == []
    assert window.article_id == article.id and window.annotations.selected_id() == rebuttal.id
    window.desk_actions.redo.trigger()
    qtbot.mouseClick(form.unlink, Qt.MouseButton.LeftButton)
    assert bare_library.links() == []
    window.desk_actions.undo.trigger()
    assert [(link.from_id, link.to_id) for link in bare_library.links()] == [
        (rebuttal.id, claim.id)
    ]


def test_a_refused_link_is_explained_and_changes_nothing(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article = open_desk(bare_library, make_window)
    quote = bare_library.annotate_quote(article.id, "quote", "The mayor said").value
    rebuttal = bare_library.annotate_quote(article.id, "rebuttal", "Police records show").value
    window.open_annotation(rebuttal.id)
    window.set_rebutted_claim(rebuttal.id, quote.id)  # a quote is not a claim
    assert bare_library.links() == []
    assert window.undo_stack.count() == 0
    assert "rebuttal to a claim" in window.statusBar().currentMessage()


def test_an_undo_the_library_refuses_is_explained_and_leaves_the_stack(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window, article = open_desk(bare_library, make_window)
    tag(window, qtbot, "Critics called")
    (created,) = bare_library.annotations(article.id)
    bare_library.delete_annotation(created.id)  # as another copy of the app might
    window.desk_actions.undo.trigger()
    assert "Cannot tag claim" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0
    assert bare_library.annotations(article.id) == []


def test_changing_a_claims_kind_asks_before_removing_its_rebuttal_link_and_undo_restores_both(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, article = open_desk(bare_library, make_window)
    claim = bare_library.annotate_quote(
        article.id, "claim", "crime fell by half last year", verdict="false"
    ).value
    rebuttal = bare_library.annotate_quote(article.id, "rebuttal", "a drop of twelve percent")
    bare_library.link(rebuttal.value.id, claim.id)
    answers: list[bool] = [False, True]
    asked: list[tuple[Kind, int]] = []

    def confirm(parent: QWidget, kind: Kind, links: int) -> bool:
        asked.append((kind, links))
        return answers.pop(0)

    monkeypatch.setattr(main_window, "confirm_removing_links", confirm)
    problems: list[str] = []
    monkeypatch.setattr(window, "show_problem", problems.append)
    window.open_annotation(claim.id)
    form = window.annotations.form

    def choose_quote() -> None:
        form.kind.setCurrentIndex(form.kind.findData(Kind.QUOTE.value))
        form.kind.activated.emit(form.kind.currentIndex())

    choose_quote()  # declined: nothing changes, the form shows the claim again
    assert bare_library.annotation(claim.id) == claim
    assert form.kind.currentData() == Kind.CLAIM.value
    choose_quote()  # confirmed
    assert asked == [(Kind.QUOTE, 1), (Kind.QUOTE, 1)]
    assert bare_library.annotation(claim.id).kind is Kind.QUOTE
    assert bare_library.links() == []
    assert problems == [
        "the verdict 'False' was dropped: only claims carry a verdict, and this is now a quote"
    ]
    assert window.undo_stack.undoText() == "Edit claim verdict and kind"

    window.desk_actions.undo.trigger()
    assert bare_library.annotation(claim.id).kind is Kind.CLAIM
    assert bare_library.annotation(claim.id).verdict is Verdict.FALSE
    assert [(k.from_id, k.to_id) for k in bare_library.links()] == [(rebuttal.value.id, claim.id)]
    window.desk_actions.redo.trigger()
    assert bare_library.annotation(claim.id).kind is Kind.QUOTE and bare_library.links() == []
