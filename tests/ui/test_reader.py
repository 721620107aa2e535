"""The reader: highlights (overlaps, speed), hovering, clicking, and the Qt crash regression."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Kind
from sourcemark.ui.highlights import KIND_UNDERLINES, segments
from sourcemark.ui.reader import Reader, tooltip_html
from tests.ui.conftest import MakeWindow, add_article, highlights_in, qt_position


def annotation(id: str, kind: Kind, start: int, end: int) -> Annotation:
    return Annotation(id, "a", kind, start, end, "", "", "", "", "", None, "", "")


def test_overlapping_annotations_are_cut_into_segments_that_keep_each_visible() -> None:
    outer = annotation("outer", Kind.QUOTE, 0, 20)
    inner = annotation("inner", Kind.CLAIM, 5, 10)
    crossing = annotation("crossing", Kind.REBUTTAL, 8, 25)
    found = [
        (s.start, s.end, sorted(a.id for a in s.covering))
        for s in segments([crossing, outer, inner])
    ]
    assert found == [
        (0, 5, ["outer"]),
        (5, 8, ["inner", "outer"]),
        (8, 10, ["crossing", "inner", "outer"]),
        (10, 20, ["crossing", "outer"]),
        (20, 25, ["crossing"]),
    ]


def test_each_kind_differs_by_underline_style_not_only_colour(qtbot: QtBot) -> None:
    reader = Reader()
    qtbot.addWidget(reader)
    assert len(set(KIND_UNDERLINES.values())) == len(Kind)
    from sourcemark.app.models import Article

    text = "claim and quote and rebuttal"
    reader.show_article(Article("a", "T", "", "", "", "", "", "text", "", "", text), [])
    reader.set_annotations(
        [
            annotation("1", Kind.CLAIM, 0, 5),
            annotation("2", Kind.QUOTE, 10, 15),
            annotation("3", Kind.REBUTTAL, 20, 28),
        ]
    )
    styles = [h.format.underlineStyle() for h in highlights_in(reader.text.document())]
    assert styles == [
        KIND_UNDERLINES[Kind.CLAIM],
        KIND_UNDERLINES[Kind.QUOTE],
        KIND_UNDERLINES[Kind.REBUTTAL],
    ]


def test_a_claim_inside_a_quote_shows_both(qtbot: QtBot) -> None:
    from sourcemark.app.models import Article

    text = "He said the crime rate fell sharply this year."
    reader = Reader()
    qtbot.addWidget(reader)
    reader.show_article(Article("a", "T", "", "", "", "", "", "text", "", "", text), [])
    quote = annotation("q", Kind.QUOTE, 8, 46)
    claim = annotation("c", Kind.CLAIM, 12, 34)
    reader.set_annotations([quote, claim])
    runs = highlights_in(reader.text.document())
    assert [r.text for r in runs] == [text[8:12], text[12:34], text[34:46]]
    assert [r.format.underlineStyle() for r in runs] == [
        KIND_UNDERLINES[Kind.QUOTE],
        KIND_UNDERLINES[Kind.CLAIM],
        KIND_UNDERLINES[Kind.QUOTE],
    ]
    alphas = [r.format.background().color().alpha() for r in runs]
    assert alphas[1] > alphas[0] == alphas[2]  # the overlap is tinted deeper


def test_a_thousand_highlights_on_a_megabyte_apply_in_one_go(qtbot: QtBot) -> None:
    from sourcemark.app.models import Article

    text = ("A sentence of ordinary news copy with 😀 in it. " * 20 + "\n") * 1100
    reader = Reader()
    qtbot.addWidget(reader)
    reader.resize(900, 700)
    reader.show()
    qtbot.waitExposed(reader)
    reader.show_article(Article("a", "Big", "", "", "", "", "", "text", "", "", text), [])
    many = [annotation(str(n), list(Kind)[n % 3], n * 1000, n * 1000 + 300) for n in range(1000)]
    changes: list[int] = []
    reader.text.document().contentsChange.connect(lambda position, _r, _a: changes.append(position))
    reader.set_annotations(many)
    assert len(highlights_in(reader.text.document())) == reader.highlight_count == 1000
    assert len(changes) == 1  # one edit block: the text is laid out once, not 1,000 times


def test_a_change_redraws_only_the_passage_it_touches(qtbot: QtBot) -> None:
    """Tagging in a long transcript must not lay the whole text out again (~300 ms a key)."""
    from sourcemark.app.models import Article

    text = ("A line of a long council transcript with 😀 in it.\n") * 2000
    reader = Reader()
    qtbot.addWidget(reader)
    reader.show_article(Article("a", "Big", "", "", "", "", "", "text", "", "", text), [])
    early = annotation("early", Kind.QUOTE, 10, 40)
    crossing = annotation("crossing", Kind.CLAIM, 50_000, 50_200)
    reader.set_annotations([early, crossing])
    touched: list[tuple[int, int]] = []
    reader.text.document().contentsChange.connect(
        lambda position, _removed, added: touched.append((position, position + added))
    )
    tagged = annotation("tagged", Kind.REBUTTAL, 50_100, 50_300)  # overlaps `crossing`
    reader.set_annotations([early, crossing, tagged])
    low, high = qt_position(text, 50_100), qt_position(text, 50_300)
    assert touched and all(low <= start and end <= high for start, end in touched)
    runs = highlights_in(reader.text.document())
    assert len(runs) == reader.highlight_count == 4  # the overlap is a run of its own
    assert runs[1].format.underlineStyle() == KIND_UNDERLINES[Kind.CLAIM]
    assert runs[3].format.underlineStyle() == KIND_UNDERLINES[Kind.REBUTTAL]
    reader.set_annotations([early, tagged])  # undoing `crossing` redraws its passage only
    styles = [r.format.underlineStyle() for r in highlights_in(reader.text.document())]
    assert styles == [KIND_UNDERLINES[Kind.QUOTE], KIND_UNDERLINES[Kind.REBUTTAL]]


def test_a_blank_line_between_paragraphs_does_not_double_the_gap(qtbot: QtBot) -> None:
    """Most text files put a blank line between paragraphs; the reader already spaces them."""
    from sourcemark.app.models import Article

    text = "First paragraph.\n\nSecond paragraph.\nThird paragraph."
    reader = Reader()
    qtbot.addWidget(reader)
    reader.resize(700, 500)
    reader.show()
    reader.show_article(Article("a", "T", "", "", "", "", "", "text", "", "", text), [])
    layout = reader.text.document().documentLayout()
    tops = []
    block = reader.text.document().begin()
    while block.isValid():
        tops.append(layout.blockBoundingRect(block).top())
        block = block.next()
    first, _blank_line, second, third = tops
    paragraph_step = third - second
    assert second - first < 1.5 * paragraph_step  # was twice the step: a blank line's height
    assert reader.text.toPlainText() == text  # the offsets still count the blank line


def test_twenty_thousand_void_calls_do_not_crash_pyside() -> None:
    """PySide6 6.12.0 on Python 3.11 dies after a few thousand such calls (see DESIGN.md)."""
    document = QTextDocument()
    document.setPlainText("x" * 1000)
    cursor = QTextCursor(document)
    bold = QTextCharFormat()
    bold.setFontWeight(700)
    for n in range(10_000):  # 20,000 calls in all
        cursor.setPosition(n % 1000)
        cursor.mergeCharFormat(bold)
    assert cursor.position() == 999


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the tooltip, headless
def test_hovering_shows_kind_speaker_verdict_and_note_escaped(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article = add_article(bare_library, "Officials said <b>the plan</b> works well.", title="Plan")
    claim = bare_library.annotate_quote(
        article.id, "claim", "the plan</b> works", speaker="Ann <i>Lee</i>", note="See <img src=x>"
    ).value
    window = make_window(bare_library)
    window.open_article(article.id)
    text = window.reader.text
    cursor = QTextCursor(text.document())
    cursor.setPosition(claim.start + 3)
    point = text.cursorRect(cursor).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, text.viewport().mapToGlobal(point))
    QApplication.sendEvent(text.viewport(), event)
    shown = QToolTip.text()
    assert shown == tooltip_html([bare_library.annotation(claim.id)])
    assert "Claim" in shown and "Unverified" in shown
    assert "Ann &lt;i&gt;Lee&lt;/i&gt;" in shown and "See &lt;img src=x&gt;" in shown
    QToolTip.hideText()


def test_clicking_a_highlight_selects_it_and_selecting_in_the_list_marks_the_passage(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article = add_article(
        bare_library, "First sentence here.\n\nSecond sentence there.", title="Two"
    )
    first = bare_library.annotate_quote(article.id, "quote", "First sentence").value
    second = bare_library.annotate_quote(article.id, "claim", "Second sentence").value
    window = make_window(bare_library)
    window.open_article(article.id)
    text = window.reader.text
    cursor = QTextCursor(text.document())
    cursor.setPosition(second.start + 2)
    qtbot.mouseClick(
        text.viewport(), Qt.MouseButton.LeftButton, pos=text.cursorRect(cursor).center()
    )
    assert window.annotations.selected_id() == second.id
    assert window.annotations.form.annotation == bare_library.annotation(second.id)

    window.annotations.list.setCurrentIndex(window.annotations.model.index(0, 0))
    assert text.textCursor().selectedText() == first.quote
    assert window.annotations.form.annotation == first
    qtbot.mouseClick(
        text.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, text.viewport().height() - 2)
    )
    assert window.annotations.selected_id() == first.id  # a click on plain text changes nothing


def test_the_desk_draws_each_kind_in_the_palette_the_report_uses() -> None:
    from sourcemark.app.palette import KIND_COLOURS as SHARED
    from sourcemark.ui.highlights import KIND_COLOURS

    assert {kind: colour.name() for kind, colour in KIND_COLOURS.items()} == SHARED
