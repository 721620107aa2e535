"""The desk's face on web captures: Import from URL (Ctrl+L, or a paste into the sources list),
the header's "Captured from … on …", refetch in the background, the diff view and the passages
changed since capture, and the page's text beside the extracted text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from sourcemark.app.capture.importing import import_urls
from sourcemark.app.importing import ImportReport
from sourcemark.app.models import PassageStatus
from sourcemark.app.opening import open_library
from sourcemark.app.stories import add_to_story, create_story
from sourcemark.ui.capture_views import (
    DELETED_STYLE,
    INSERTED_STYLE,
    ExtractionCheckDialog,
    ImportUrlDialog,
    VersionsDialog,
)
from sourcemark.ui.highlights import EDITED_COLOUR
from sourcemark.ui.import_dialog import ImportSummaryDialog
from tests.ui.conftest import MakeWindow, highlights_in
from tests.web_server import WebServer, article_page

FIRST = [
    "The council approved the harbour budget on Tuesday after a six-hour debate.",
    "\u201cThis is the safest harbour in the country,\u201d the mayor said at the close.",
    "Opposition members said the figures had not been checked by the auditor general.",
]
SECOND = [FIRST[0], FIRST[1].replace("the safest harbour", "a safe harbour"), "A new paragraph."]


@pytest.fixture
def summaries(monkeypatch: pytest.MonkeyPatch) -> list[ImportReport]:
    shown: list[ImportReport] = []
    monkeypatch.setattr(
        ImportSummaryDialog, "ask", classmethod(lambda cls, parent, report: shown.append(report))
    )
    return shown


def test_import_from_url_opens_the_source_with_its_capture(
    qtbot: QtBot,
    make_window: MakeWindow,
    web: WebServer,
    tmp_path: Path,
    summaries: list[ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = web.serve("/story", article_page("Harbour budget", FIRST))
    monkeypatch.setattr(ImportUrlDialog, "ask", classmethod(lambda cls, parent, text="": [url]))
    window = make_window(open_library(tmp_path / "lib"))
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(summaries))
    assert summaries[0].failed == [] and len(summaries[0].imported) == 1
    qtbot.waitUntil(lambda: window.reader.article is not None)
    assert window.reader.provenance.text().startswith(f"Captured from {url} on ")
    assert window.reader.provenance.isVisible()


def test_pasting_addresses_into_the_sources_list_imports_them(
    qtbot: QtBot, make_window: MakeWindow, web: WebServer, tmp_path: Path
) -> None:
    url = web.serve("/story", article_page("Harbour budget", FIRST))
    window = make_window(open_library(tmp_path / "lib"))
    QGuiApplication.clipboard().setText(f"see {url}\n")
    with qtbot.waitSignal(window.sources.list.urlsPasted) as pasted:
        window.sources.list.setFocus()
        qtbot.keyClick(window.sources.list, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert pasted.args == [[url]]


def test_refetch_shows_the_new_version_and_marks_what_changed(
    qtbot: QtBot,
    make_window: MakeWindow,
    web: WebServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = open_library(tmp_path / "lib")
    url = web.serve("/story", article_page("Harbour budget", FIRST))
    article_id = import_urls(library, [url]).value.article_ids[0]
    quote = library.annotate_quote(article_id, "quote", "This is the safest harbour in the country")
    library.annotate_quote(article_id, "claim", "had not been checked by the auditor general")
    window = make_window(library)
    window.open_article(article_id)
    problems: list[str] = []
    monkeypatch.setattr(window, "show_problem", problems.append)
    web.serve("/story", article_page("Harbour budget", SECOND))
    window.desk_actions.refetch.trigger()
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.version == 2
    )
    qtbot.waitUntil(lambda: bool(problems))
    assert "changed: version 2" in problems[0] and "2 annotated passages changed" in problems[0]
    assert window.reader.provenance.text().endswith("version 2 of 2")
    (edited,) = [h for h in highlights_in(window.reader.text.document())]  # removed: not shown
    assert edited.text == "This is a safe harbour in the country"
    assert edited.format.foreground().color() == EDITED_COLOUR

    dialog = VersionsDialog(window.library, article_id, window)
    qtbot.addWidget(dialog)
    shown = dialog.diff.toHtml()
    assert "the safest" in shown and "a safe" in shown
    assert "line-through" in DELETED_STYLE and "underline" in INSERTED_STYLE
    assert dialog.tabs.tabText(1) == "Changed since capture (2)"
    items = [dialog.passages.topLevelItem(i) for i in range(dialog.passages.topLevelItemCount())]
    rows = [[item.text(c) for c in range(4)] for item in items if item is not None]
    assert rows[0] == [
        "edited",
        "quote",
        "This is the safest harbour in the country",
        "This is a safe harbour in the country",
    ]
    assert rows[1][0] == "removed" and rows[1][3] == "(removed)"
    assert window.library.annotation(quote.value.id).status is PassageStatus.EDITED


def test_refetching_a_story_fetches_each_of_its_sources_in_the_background(
    qtbot: QtBot,
    make_window: MakeWindow,
    web: WebServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = open_library(tmp_path / "lib")
    urls = [web.serve(f"/{n}", article_page(f"Story {n}", FIRST)) for n in range(2)]
    article_ids = import_urls(library, urls).value.article_ids
    story = create_story(library, "Harbour").value
    add_to_story(library, story.id, article_ids)
    window = make_window(library)
    problems: list[str] = []
    monkeypatch.setattr(window, "show_problem", problems.append)
    window.desk_actions.refetch_story.trigger()  # no story chosen yet
    assert problems == [] and "Choose a story first" in window.statusBar().currentMessage()
    window.choose_story(story.id)
    web.serve("/1", article_page("Story 1", SECOND))
    window.desk_actions.refetch_story.trigger()
    qtbot.waitUntil(
        lambda: "changed: version 2" in window.statusBar().currentMessage(), timeout=30_000
    )
    said = window.statusBar().currentMessage()
    assert "Story 0: unchanged (version 1)" in said and "Story 1: changed: version 2" in said
    assert problems == []  # no annotated passage changed: a status line, not a dialog
    assert [v.number for v in library.versions(article_ids[1])] == [1, 2]


def test_the_page_text_is_shown_beside_the_extracted_text(
    qtbot: QtBot, make_window: MakeWindow, web: WebServer, tmp_path: Path
) -> None:
    library = open_library(tmp_path / "lib")
    long_page = article_page(
        "Gallery", ["Photo: the harbour at dawn."], boilerplate=" ".join(["Menu item"] * 300)
    )
    report = import_urls(library, [web.serve("/gallery", long_page)]).value
    assert report.warnings and "extraction may be incomplete" in report.warnings[0][1]
    article_id = report.article_ids[0]
    window = make_window(library)
    window.open_article(article_id)
    assert "extraction may be incomplete" in window.reader.notice.text()
    dialog = ExtractionCheckDialog(window.library, article_id, window)
    qtbot.addWidget(dialog)
    assert "Menu item" in dialog.page.toPlainText()
    assert dialog.extracted.toPlainText() == window.library.article(article_id).text
    assert dialog.dismiss.isEnabled()
    window.library.dismiss_extraction_warning(article_id)
    assert window.library.article(article_id).extraction_warning == ""
