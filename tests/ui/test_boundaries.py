"""Where passages overlap or meet, each passage's start and end are marked: the tint alone
would merge two claims into one block."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCursor
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Kind
from sourcemark.ui.highlights import KIND_COLOURS, Boundary, hidden_boundaries
from tests.ui.conftest import MakeWindow, add_article, qt_position

TEXT = "Police overtime cost the city $12 million last year, the controller said on Tuesday."


def passage(start: int, end: int, kind: Kind = Kind.CLAIM) -> Annotation:
    return Annotation(f"{start}-{end}", "a", kind, start, end, "", "", "", "", "", None, "", "")


def test_only_the_edges_the_tint_hides_are_marked() -> None:
    claim = Kind.CLAIM
    assert hidden_boundaries([passage(0, 51), passage(16, 83)]) == [
        Boundary(16, claim, opening=True),
        Boundary(51, claim, opening=False),
    ]
    assert hidden_boundaries([passage(0, 10), passage(10, 20)]) == [  # touching passages
        Boundary(10, claim, opening=False),
        Boundary(10, claim, opening=True),
    ]
    assert hidden_boundaries([passage(0, 30), passage(10, 20, Kind.QUOTE)]) == [  # nested
        Boundary(10, Kind.QUOTE, opening=True),
        Boundary(20, Kind.QUOTE, opening=False),
    ]
    assert hidden_boundaries([passage(0, 10), passage(20, 30)]) == []  # apart: tint shows it
    assert hidden_boundaries([passage(0, 30), passage(0, 20)]) == [Boundary(20, claim, False)]


def test_the_reader_draws_a_mark_where_two_claims_overlap(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article = add_article(bare_library, TEXT, title="Overtime")
    bare_library.annotate_quote(article.id, "claim", "Police overtime cost the city $12 million")
    second = bare_library.annotate_quote(
        article.id, "claim", "the city $12 million last year"
    ).value
    window = make_window(bare_library)
    window.resize(1400, 900)
    window.open_article(article.id)
    text = window.reader.text
    assert [b.offset for b in text.boundaries] == [second.start, TEXT.index(" last year")]
    cursor = QTextCursor(text.document())
    cursor.setPosition(qt_position(TEXT, second.start))
    where = text.cursorRect(cursor)
    image = text.viewport().grab().toImage()
    mark = KIND_COLOURS[Kind.CLAIM].darker(170)
    column = [image.pixelColor(where.left(), y) for y in range(where.top() + 2, where.bottom() - 1)]
    assert all(_near(pixel, mark) for pixel in column), "no mark at the second claim's start"
    beside = [
        image.pixelColor(where.left() + 6, y) for y in range(where.top() + 4, where.top() + 8)
    ]
    assert not any(_near(pixel, mark) for pixel in beside)  # a thin mark, not a block


def _near(pixel: QColor, colour: QColor) -> bool:
    pairs = (
        (pixel.red(), colour.red()),
        (pixel.green(), colour.green()),
        (pixel.blue(), colour.blue()),
    )
    return all(abs(a - b) <= 40 for a, b in pairs)
