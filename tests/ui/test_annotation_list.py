"""The annotations table: the note's first line, sorting by kind, speaker, verdict and
position, and the passage column taking the spare width."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.ui.annotation_panel import AnnotationPanel
from sourcemark.ui.models.annotations import KIND, PASSAGE, SPEAKER, VERDICT, NoteRole
from tests.ui.conftest import add_article

TEXT = "Alpha said one. Bravo said two. Carol said three. Dan said four."


def panel_with_annotations(library: Library, qtbot: QtBot) -> AnnotationPanel:
    article = add_article(library, TEXT, title="T")
    library.annotate_quote(article.id, "quote", "Alpha said one", speaker="Zed")
    library.annotate_quote(
        article.id,
        "claim",
        "Bravo said two",
        speaker="Amy",
        verdict="false",
        note="Check the minutes.\nThen call the clerk.",
    )
    library.annotate_quote(article.id, "rebuttal", "Carol said three")
    library.annotate_quote(article.id, "claim", "Dan said four", speaker="Bob", verdict="true")
    panel = AnnotationPanel()
    qtbot.addWidget(panel)
    panel.set_annotations(library.annotations(article.id), None)
    return panel


def column(panel: AnnotationPanel, number: int) -> list[str]:
    model = panel.model
    return [model.index(row, number).data() for row in range(model.rowCount())]


def test_the_note_shows_its_first_line(bare_library: Library, qtbot: QtBot) -> None:
    panel = panel_with_annotations(bare_library, qtbot)
    model = panel.model
    notes = [model.index(row, PASSAGE).data(NoteRole) for row in range(model.rowCount())]
    assert notes == ["", "Check the minutes. …", "", ""]
    panel.resize(600, 300)
    panel.show()
    qtbot.waitExposed(panel)
    image = panel.list.viewport().grab(panel.list.visualRect(model.index(1, PASSAGE))).toImage()
    lower = image.copy(0, image.height() // 2, image.width(), image.height() // 2)
    assert _inked(lower), "the note's line under the passage is empty"
    first = panel.list.viewport().grab(panel.list.visualRect(model.index(0, PASSAGE))).toImage()
    assert not _inked(first.copy(0, first.height() - 6, first.width(), 6))  # no second line


def test_clicking_a_header_sorts_and_keeps_the_selection(
    bare_library: Library, qtbot: QtBot
) -> None:
    panel = panel_with_annotations(bare_library, qtbot)
    header = panel.list.header()
    panel.select(panel.model.annotation(3).id)  # "Dan said four"
    header.setSortIndicator(SPEAKER, Qt.SortOrder.AscendingOrder)
    assert column(panel, SPEAKER) == ["Amy", "Bob", "Zed", ""]  # no speaker last
    assert panel.model.annotation(panel.list.currentIndex().row()).quote == "Dan said four"
    assert panel.selected_id() == panel.model.annotation(1).id
    header.setSortIndicator(KIND, Qt.SortOrder.AscendingOrder)
    assert column(panel, KIND) == ["Claim", "Claim", "Quote", "Rebuttal"]
    header.setSortIndicator(VERDICT, Qt.SortOrder.AscendingOrder)
    assert column(panel, VERDICT)[:2] == ["True", "False"]  # the scale's order, not a-z
    header.setSortIndicator(PASSAGE, Qt.SortOrder.DescendingOrder)
    assert column(panel, PASSAGE)[0] == "Dan said four"
    panel.set_annotations(bare_library.annotations(), None)  # a redraw keeps the order
    assert column(panel, PASSAGE)[0] == "Dan said four"


def test_the_passage_takes_the_spare_width(bare_library: Library, qtbot: QtBot) -> None:
    panel = panel_with_annotations(bare_library, qtbot)
    panel.show()
    qtbot.waitExposed(panel)
    header = panel.list.header()
    widths = []
    for width in (360, 1000, 1300):
        panel.resize(width, 500)
        QApplication.processEvents()
        assert panel.list.horizontalScrollBar().maximum() == 0
        others = [header.sectionSize(c) for c in (SPEAKER, VERDICT)]
        assert header.sectionSize(PASSAGE) >= max(others)
        widths.append(header.sectionSize(PASSAGE))
    assert widths[2] - widths[1] == 300  # everything a wider list gains goes to the passage


def _inked(image: QImage) -> bool:
    """Whether an image holds dark pixels (text) rather than only a row's background."""
    return any(
        image.pixelColor(x, y).lightness() < 140
        for x in range(0, image.width(), 2)
        for y in range(image.height())
    )
