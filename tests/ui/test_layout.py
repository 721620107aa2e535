"""The window's layout at the sizes reporters use, and what its title bar says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.ui.annotation_panel import AnnotationPanel
from sourcemark.ui.bundle_dialogs import ExportDialog
from sourcemark.ui.desk import STYLE_SHEET
from sourcemark.ui.main_window import SIDE_FLOORS
from sourcemark.ui.reader import NARROWEST_READING_CHARS
from sourcemark.ui.reading_splitter import give_way
from tests.ui.conftest import MakeWindow, add_article


def test_a_narrow_window_keeps_the_reader_readable_and_the_form_whole(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article = add_article(bare_library, "The mayor said crime fell.", title="Crime")
    rebuttal = bare_library.annotate_quote(article.id, "rebuttal", "crime fell").value
    window = make_window(bare_library)
    window.open_annotation(rebuttal.id)  # the widest form: the link row and its buttons
    window.resize(900, 700)
    QApplication.processEvents()
    assert window.width() == 900, "the panels' minimum widths keep the window wider"
    reading_width = window.reader.text.fontMetrics().averageCharWidth() * NARROWEST_READING_CHARS
    assert window.reader.width() >= reading_width
    form = window.annotations.form
    assert form.width() >= form.minimumSizeHint().width()
    assert window.left.width() >= window.left.minimumSizeHint().width()


def test_the_title_bar_names_the_library_once_with_the_app(
    bare_library: Library, make_window: MakeWindow
) -> None:
    QApplication.setApplicationDisplayName("Sourcemark")  # Qt adds " — Sourcemark" itself
    window = make_window(bare_library)
    assert window.windowTitle() == bare_library.path.name


@pytest.fixture
def desk_style(qapp: QApplication) -> Iterator[None]:
    """The desk's style sheet, whose padding takes room too."""
    qapp.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    yield
    qapp.setStyleSheet("")


def test_the_export_dialog_shows_the_whole_bundle_path(qtbot: QtBot, desk_style: None) -> None:
    out = Path("/home/reporter/Sourcemark bundle 2026-01-31.zip")
    dialog = ExportDialog(out, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    field = dialog.out
    field.end(False)  # where the cursor is after typing: the field scrolls to show it
    QApplication.processEvents()  # the field scrolls when it paints
    first_shown = field.cursorPositionAt(QPoint(field.contentsRect().left() + 8, 5))
    assert first_shown == 0, f"the path shows from {str(out)[first_shown:]!r}"


def test_the_selected_annotation_stays_in_sight_when_the_list_gets_shorter(
    bare_library: Library, qtbot: QtBot
) -> None:
    text = " ".join(f"Sentence {n} of the transcript." for n in range(60))
    article = add_article(bare_library, text, title="Transcript")
    for n in range(60):
        bare_library.annotate_quote(article.id, "quote", f"Sentence {n} of")
    panel = AnnotationPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_annotations(bare_library.annotations(article.id), None)
    viewport = panel.list.viewport()
    last_in_sight = panel.list.indexAt(viewport.rect().bottomLeft()).row() - 1
    panel.select(panel.model.annotation(last_in_sight).id)
    panel.resize(420, 600)  # as when the form below grows to show a claim's verdict
    QApplication.processEvents()
    row_rect = panel.list.visualRect(panel.list.currentIndex())
    assert viewport.rect().contains(row_rect)


def test_a_narrow_annotation_list_still_shows_the_passages(
    bare_library: Library, qtbot: QtBot
) -> None:
    article = add_article(bare_library, "The mayor said crime fell by half.", title="Crime")
    bare_library.annotate_quote(article.id, "claim", "crime fell by half", speaker="Mayor Adams")
    panel = AnnotationPanel()
    qtbot.addWidget(panel)
    panel.set_annotations(bare_library.annotations(article.id), None)
    panel.show()
    qtbot.waitExposed(panel)
    for width in (300, 420, 700):
        panel.resize(width, 600)
        QApplication.processEvents()
        header = panel.list.header()
        assert panel.list.horizontalScrollBar().maximum() == 0, f"columns overflow at {width}"
        assert header.sectionSize(1) >= max(header.sectionSize(2), header.sectionSize(3))


def test_the_sides_lend_the_reader_what_it_lacks_down_to_their_minimums() -> None:
    assert give_way([300, 400, 300], [200, 100, 250], 1, 500) == [234, 500, 266]  # in proportion
    assert give_way([300, 400, 300], [200, 100, 250], 1, 900) == [200, 550, 250]  # all they spare
    assert give_way([300, 700, 300], [200, 100, 250], 1, 600) == [300, 700, 300]  # room enough
    assert sum(give_way([333, 111, 299], [100, 50, 100], 1, 400)) == 743
    # a hidden panel (the page beside the text) lends nothing
    assert give_way([300, 400, 0, 300], [200, 100, 150, 250], 1, 500) == [234, 500, 0, 266]
    # a reader wider than it wants makes a squeezed panel whole first
    assert give_way([300, 1000, 0, 100], [200, 100, 150, 250], 1, 600) == [300, 850, 0, 250]


@pytest.mark.parametrize("width, height", [(1400, 900), (1024, 700)])
def test_the_side_panels_give_way_to_the_reader(
    bare_library: Library, make_window: MakeWindow, width: int, height: int
) -> None:
    add_article(bare_library, "The mayor said crime fell. " * 40, title="Crime")
    window = make_window(bare_library)
    window.resize(width, height)
    QApplication.processEvents()
    left, reader, _pages, right = window.splitter.sizes()
    wanted = window.reader.comfortable_width()
    assert reader >= wanted or (left, right) == SIDE_FLOORS
    assert left >= SIDE_FLOORS[0] and right >= SIDE_FLOORS[1]  # never squeezed past use
    chars = (
        window.reader.text.viewport().width() // window.reader.text.fontMetrics().averageCharWidth()
    )
    assert chars >= 50, f"{chars} characters a line at {width}×{height}"
