"""The search panel on a real library and index: typing, filters, errors, opening, similar."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Kind, Verdict
from sourcemark.app.search.results import Hit
from sourcemark.ui.models.search_results import HIT_ROLE, SearchResultsModel
from sourcemark.ui.search_panel import SearchPanel

BUDGET = (
    "Council passes the housing budget\n\n"
    "The mayor said the housing budget would build 10,000 homes by 2030. "
    "Critics said the budget covers fewer than 4,000 homes. "
    "The council voted 7 to 2 for the budget on Monday."
)
TRANSIT = (
    "Transit fares frozen\n\n"
    "The transit authority said fares would stay frozen for two years. "
    "A union leader said the freeze means 10,000 homes will lose bus service."
)


@pytest.fixture
def annotated(library: Library) -> dict[str, Annotation]:
    budget = library.import_source(
        from_pasted_text(BUDGET).with_metadata(outlet="City Desk", published="2024-03-04")
    ).value.article
    transit = library.import_source(
        from_pasted_text(TRANSIT).with_metadata(outlet="Wire")
    ).value.article
    return {
        "claim": library.annotate_quote(
            budget.id,
            Kind.CLAIM,
            "the housing budget would build 10,000 homes by 2030",
            speaker="Mayor",
            verdict=Verdict.MISLEADING,
        ).value,
        "rebuttal": library.annotate_quote(
            budget.id, Kind.REBUTTAL, "the budget covers fewer than 4,000 homes", speaker="Critics"
        ).value,
        "quote": library.annotate_quote(
            transit.id,
            Kind.QUOTE,
            "the freeze means 10,000 homes will lose bus service",
            speaker="Union leader",
        ).value,
        "true claim": library.annotate_quote(
            transit.id, Kind.CLAIM, "fares would stay frozen for two years", verdict=Verdict.TRUE
        ).value,
    }


@pytest.fixture
def panel(qtbot: QtBot, library: Library, annotated: dict[str, Annotation]) -> SearchPanel:
    widget = SearchPanel(library)
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.show()
    return widget


def hits(panel: SearchPanel) -> list[Hit]:
    return [panel.model.hit(row) for row in range(panel.model.rowCount())]


def search_now(qtbot: QtBot, panel: SearchPanel, text: str) -> None:
    panel.query.setText(text)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)


def test_typing_shows_hits_with_snippets_count_and_time(qtbot: QtBot, panel: SearchPanel) -> None:
    qtbot.keyClicks(panel.query, "homes")
    assert panel.model.rowCount() == 0  # debounced: nothing runs on each keystroke
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=3000)

    found = hits(panel)
    assert {hit.doc_type for hit in found} == {"article", "annotation"}
    assert all("<b>homes</b>" in hit.snippet_html for hit in found)
    assert re.fullmatch(rf"{len(found)} hits in \d+ ms", panel.summary.text())
    assert not panel.problem.isVisible()


def test_enter_searches_at_once(qtbot: QtBot, panel: SearchPanel) -> None:
    search_now(qtbot, panel, "freeze")
    assert panel.model.rowCount() > 0
    assert all(hit.article_id == hits(panel)[0].article_id for hit in hits(panel))


def test_malformed_query_is_explained_under_the_box(qtbot: QtBot, panel: SearchPanel) -> None:
    search_now(qtbot, panel, "homes")
    search_now(qtbot, panel, '"housing budget')
    assert panel.problem.isVisible()
    assert "closing quote" in panel.problem.text()
    assert panel.model.rowCount() == 0 and panel.summary.text() == ""

    search_now(qtbot, panel, "homes")
    assert not panel.problem.isVisible()
    assert panel.model.rowCount() > 0


def test_kind_and_verdict_filters_narrow_the_hits(qtbot: QtBot, panel: SearchPanel) -> None:
    search_now(qtbot, panel, "homes OR fares")
    everything = hits(panel)

    panel.kind.setCurrentIndex(panel.kind.findData(Kind.CLAIM))
    claims = hits(panel)
    assert 0 < len(claims) < len(everything)
    assert {hit.kind for hit in claims} == {"claim"}

    panel.verdict.setCurrentIndex(panel.verdict.findData(Verdict.TRUE))
    assert [hit.verdict for hit in hits(panel)] == ["true"]


def test_enter_on_a_hit_opens_its_passage(
    qtbot: QtBot, panel: SearchPanel, annotated: dict[str, Annotation]
) -> None:
    search_now(qtbot, panel, "speaker:critics")
    (hit,) = hits(panel)
    qtbot.keyClick(panel.query, Qt.Key.Key_Down)
    assert panel.results.hasFocus()
    rebuttal = annotated["rebuttal"]
    with qtbot.waitSignal(panel.openRequested) as opened:
        qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    assert opened.args == [rebuttal.article_id, rebuttal.start, rebuttal.end]


def test_double_click_on_a_hit_opens_its_passage(
    qtbot: QtBot, panel: SearchPanel, annotated: dict[str, Annotation]
) -> None:
    search_now(qtbot, panel, "union")
    row = next(n for n, hit in enumerate(hits(panel)) if hit.kind == "quote")
    where = panel.results.visualRect(panel.model.index(row)).center()
    quote = annotated["quote"]
    with qtbot.waitSignal(panel.openRequested) as opened:
        # A real double click is press, release, then the double-click event.
        qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened.args == [quote.article_id, quote.start, quote.end]


def test_find_similar_lists_passages_of_other_sources(
    qtbot: QtBot, panel: SearchPanel, annotated: dict[str, Annotation]
) -> None:
    panel.show_similar(annotated["claim"].id)
    assert panel.heading.isVisible()
    assert "10,000 homes" in panel.heading.text()
    found = hits(panel)
    assert found and annotated["claim"].id not in {hit.annotation_id for hit in found}
    assert re.fullmatch(r"\d+ similar passages? in \d+ ms", panel.summary.text())
    panel.kind.setCurrentIndex(panel.kind.findData(Kind.QUOTE))  # filters what was found
    assert [hit.kind for hit in hits(panel)] == [h.kind for h in found if h.kind is Kind.QUOTE]
    assert panel.heading.isVisible()

    search_now(qtbot, panel, "fares")
    assert not panel.heading.isVisible()


def test_focus_query_selects_the_query(qtbot: QtBot, panel: SearchPanel) -> None:
    panel.query.setText("homes")
    panel.results.setFocus()
    panel.focus_query()
    assert panel.query.hasFocus() and panel.query.selectedText() == "homes"


def test_results_model_passes_the_model_tester(
    qtmodeltester: ModelTester, library: Library, annotated: dict[str, Annotation]
) -> None:
    model = SearchResultsModel()
    assert library.index is not None
    model.set_hits(library.index.search("homes").hits)
    assert model.rowCount() > 1
    first = model.index(0)
    assert model.data(first, HIT_ROLE) == model.hit(0)
    assert "«homes»" in model.data(first)
    qtmodeltester.check(model, force_py=True)


def test_a_library_without_an_index_is_explained(qtbot: QtBot, bare_library: Library) -> None:
    panel = SearchPanel(bare_library)
    qtbot.addWidget(panel)
    panel.show()
    search_now(qtbot, panel, "homes")
    assert panel.problem.isVisible() and "no search index" in panel.problem.text()
    assert panel.model.rowCount() == 0


def test_hits_fit_the_list_width_when_there_are_enough_to_scroll(
    qtbot: QtBot, library: Library
) -> None:
    stories = (
        from_pasted_text(f"Budget story {n}\n\n" + "The council debated the budget again. " * 12)
        for n in range(20)
    )
    library.import_many(stories, total=20)
    panel = SearchPanel(library)
    qtbot.addWidget(panel)
    panel.resize(320, 500)
    panel.show()
    qtbot.waitExposed(panel)
    search_now(qtbot, panel, "budget")
    results = panel.results
    qtbot.waitUntil(results.verticalScrollBar().isVisible)  # the list has laid its rows out
    assert results.horizontalScrollBar().maximum() == 0  # no snippet runs past the right edge


def test_hits_beyond_the_first_screen_are_read_as_the_list_scrolls(
    qtbot: QtBot, library: Library
) -> None:
    library.import_many(
        (from_pasted_text(f"Story {n}\n\nThe council debated the budget.") for n in range(40)),
        total=40,
    )
    panel = SearchPanel(library)
    qtbot.addWidget(panel)
    panel.resize(320, 300)
    panel.show()
    qtbot.waitExposed(panel)
    search_now(qtbot, panel, "budget")
    assert panel.summary.text().startswith("40 hits")
    first = panel.model.rowCount()
    assert 0 < first < 40  # only what fills the list was read
    for _ in range(10):
        panel.results.scrollToBottom()
        qtbot.wait(20)
    assert panel.model.rowCount() == 40
    assert len({hit.article_id for hit in hits(panel)}) == 40  # each hit once, in rank order


def test_a_model_reading_more_passes_the_model_tester(
    qtmodeltester: ModelTester, library: Library, annotated: dict[str, Annotation]
) -> None:
    assert library.index is not None
    model = SearchResultsModel()
    model.set_results(library.index.search("homes OR fares", read=1), library.index.more)
    assert model.rowCount() == 1 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() > 1 and not model.canFetchMore()
    qtmodeltester.check(model, force_py=True)


def test_enter_again_opens_the_first_hit_of_the_same_query(
    qtbot: QtBot, panel: SearchPanel
) -> None:
    opened: list[tuple[str, int, int]] = []
    panel.openRequested.connect(lambda *args: opened.append(args))
    search_now(qtbot, panel, "homes")
    assert panel.model.rowCount() > 1 and opened == []  # the first Enter searched
    first = hits(panel)[0]
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert opened == [(first.article_id, first.start, first.end)]
    assert panel.results.hasFocus() and panel.results.currentIndex().row() == 0
    panel.query.setText("union")  # another query: Enter searches it first
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert len(opened) == 1 and hits(panel)[0] != first
    panel.kind.setCurrentIndex(panel.kind.findData(Kind.QUOTE))  # a filter searches again
    (quote,) = hits(panel)
    panel.query.setFocus()
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert opened[-1] == (quote.article_id, quote.start, quote.end)


def test_a_single_click_previews_a_hit_and_arrows_preview_the_next(
    qtbot: QtBot, panel: SearchPanel
) -> None:
    previewed: list[tuple[str, int, int]] = []
    opened: list[tuple[str, int, int]] = []
    panel.previewRequested.connect(lambda *args: previewed.append(args))
    panel.openRequested.connect(lambda *args: opened.append(args))
    search_now(qtbot, panel, "homes OR fares")
    assert previewed == []  # showing the hits of a search previews nothing
    second = hits(panel)[1]
    where = panel.results.visualRect(panel.model.index(1)).center()
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert previewed[-1] == (second.article_id, second.start, second.end) and opened == []
    qtbot.keyClick(panel.results, Qt.Key.Key_Down)
    third = hits(panel)[2]
    assert previewed[-1] == (third.article_id, third.start, third.end) and opened == []


def test_down_from_the_query_box_previews_the_first_hit(qtbot: QtBot, panel: SearchPanel) -> None:
    previewed: list[tuple[str, int, int]] = []
    panel.previewRequested.connect(lambda *args: previewed.append(args))
    search_now(qtbot, panel, "homes OR fares")
    panel.query.setFocus()
    qtbot.waitUntil(panel.query.hasFocus)
    qtbot.keyClick(panel.query, Qt.Key.Key_Down)
    first = hits(panel)[0]
    assert panel.results.hasFocus()
    assert previewed == [(first.article_id, first.start, first.end)]
