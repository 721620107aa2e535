"""The page beside the text: Ctrl+P, following the cursor, the selected annotation's page,
the OCR notice, and a placeholder for a page that cannot be drawn."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sourcemark.app.importers import extract
from sourcemark.app.importers.source import ExtractedSource
from sourcemark.app.library import Library
from sourcemark.app.models import PageSpan
from tests import documents, pdf_bytes
from tests.documents import Page
from tests.ui.conftest import MakeWindow, select_in_reader

LINES = [
    "The contract for the bridge was signed in March by the director of",
    "public works, who had not asked the council for its approval.",
]


def _report(library: Library) -> str:
    pages = [Page(lines=[f"Part {word} of the report.", "", *LINES]) for word in "ABCD"]
    return library.import_source(extract(documents.pdf(pages), "report.pdf")).value.article.id


def test_ctrl_p_shows_the_page_of_the_passage_under_the_cursor(
    qtbot: QtBot, library: Library, make_window: MakeWindow
) -> None:
    article_id = _report(library)
    window = make_window(library)
    window.open_article(article_id)
    panel = window.pages
    assert not panel.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert panel.isVisible() and panel.count.text() == "of 4"
    qtbot.waitUntil(lambda: not panel.image.pixmap().isNull(), timeout=20_000)
    assert panel.page == 1
    at = library.article(article_id).text.index("Part C")
    select_in_reader(window, at, at + 6)
    qtbot.waitUntil(lambda: panel.page == 3, timeout=5_000)
    qtbot.waitUntil(lambda: not panel.image.pixmap().isNull(), timeout=20_000)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert not panel.isVisible()


def test_the_selected_annotations_page_is_marked(
    qtbot: QtBot, library: Library, make_window: MakeWindow
) -> None:
    article_id = _report(library)
    text = library.article(article_id).text
    start = text.index("Part B")
    annotation = library.annotate(article_id, "quote", start, start + 19).value
    window = make_window(library)
    window.open_article(article_id)
    window.desk_actions.pages.trigger()
    window.focus_annotation(annotation.id)
    panel = window.pages
    assert panel.page == 2
    assert panel.image.property("marked") is True
    assert "The selected annotation is on this page (p. 2)." in panel.status.text()
    panel.show_page(1)
    assert panel.image.property("marked") is False


def test_a_scan_says_its_text_was_read_by_ocr(
    qtbot: QtBot, library: Library, make_window: MakeWindow
) -> None:
    source = extract(documents.scan([["The committee met on Tuesday."]]), "scan.pdf")
    article_id = library.import_source(source).value.article.id
    window = make_window(library)
    window.open_article(article_id)
    assert window.reader.notice.isVisible()
    assert window.reader.notice.text().startswith("OCR text (1 scanned page)")


def test_a_page_that_cannot_be_drawn_shows_why_and_the_desk_goes_on(
    qtbot: QtBot, library: Library, make_window: MakeWindow
) -> None:
    text = "First page text.\n\nSecond page text."
    source = ExtractedSource(
        text=text,
        source_format="pdf",
        original=pdf_bytes.looping_page_tree(),
        filename="hostile.pdf",
        pages=(PageSpan(1, 0, 18), PageSpan(2, 18, len(text))),
    )
    article_id = library.import_source(source).value.article.id
    window = make_window(library)
    window.open_article(article_id)
    window.desk_actions.pages.trigger()
    panel = window.pages
    qtbot.waitUntil(lambda: "cannot be shown" in panel.image.text(), timeout=20_000)
    assert panel.image.text().startswith("Page 1 cannot be shown: ")
    panel.show_page(2)
    assert panel.image.text().startswith("Page 2 cannot be shown: ")
    window.open_article(article_id)  # the desk still answers
    assert window.reader.article is not None


def test_a_source_without_pages_says_so(
    qtbot: QtBot, library: Library, make_window: MakeWindow
) -> None:
    from tests.ui.conftest import add_article

    article = add_article(library, "A plain text source.")
    window = make_window(library)
    window.open_article(article.id)
    window.desk_actions.pages.trigger()
    assert "not imported from a PDF" in window.pages.image.text()
    assert not window.reader.notice.isVisible()
