"""Stories at the desk: the story list filters sources, annotations and search; sources are
dropped onto a story; the overview's charts carry their numbers as tables; the source header
is editable; Delete moves a source to the trash and Undo restores it whole; a new story with
Ctrl+Shift+N; Copy with citation; an annotation's history and revert."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from sourcemark.app.citations import CitationStyle
from sourcemark.app.history import Version
from sourcemark.app.library import Library
from sourcemark.app.models import StorySummary
from sourcemark.app.sources import SourceDetails
from sourcemark.app.stories import (
    add_to_story,
    create_story,
    delete_story,
    find_story,
    story_summaries,
    tags_of,
)
from sourcemark.app.trash import delete_source, trash
from sourcemark.ui import main_window
from sourcemark.ui.bundle_dialogs import ExportDialog
from sourcemark.ui.charts import ChartView
from sourcemark.ui.main_window import MainWindow
from sourcemark.ui.models.stories import StoriesModel
from sourcemark.ui.source_editor import SourceEditor
from sourcemark.ui.story_dialogs import HistoryDialog, NewStoryDialog
from sourcemark.ui.trash_dialog import TrashAnswer, TrashDialog
from tests.ui.conftest import MakeWindow, add_article

BUDGET = (
    "Council passes the housing budget\n\n"
    "The mayor said the housing budget would build 10,000 homes by 2030. "
    "Critics said the budget covers fewer than 4,000 homes."
)
UNION = "Union disputes housing figures\n\nThe tenants union said the figures are simply wrong."
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
POLICE = "Police report crime drop\n\nThe police chief said crime fell 40 percent last year."


def _two_stories(library: Library) -> dict[str, str]:
    budget = add_article(library, BUDGET, outlet="City Desk", published="2024-03-04")
    union = add_article(library, UNION, outlet="Metro", published="2024-03-06")
    police = add_article(library, POLICE, outlet="Ledger", published="2024-02-10")
    housing = create_story(library, "Housing budget", "Does it build 10,000 homes?").value
    crime = create_story(library, "Crime figures").value
    add_to_story(library, housing.id, [budget.id, union.id])
    add_to_story(library, crime.id, [police.id])
    claim = library.annotate_quote(
        budget.id,
        "claim",
        "would build 10,000 homes by 2030",
        speaker="Mayor",
        verdict="misleading",
    ).value
    rebuttal = library.annotate_quote(budget.id, "rebuttal", "covers fewer than 4,000 homes").value
    library.link(rebuttal.id, claim.id)
    library.annotate_quote(union.id, "quote", "the figures are simply wrong", speaker="Union")
    library.annotate_quote(police.id, "claim", "crime fell 40 percent", speaker="Chief")
    return {
        "budget": budget.id,
        "union": union.id,
        "police": police.id,
        "housing": housing.id,
        "crime": crime.id,
        "claim": claim.id,
        "rebuttal": rebuttal.id,
    }


def _choose(window: MainWindow, story_id: str) -> None:
    row = window.stories.model.row_of(story_id)
    assert row is not None
    window.stories.list.setCurrentIndex(window.stories.model.index(row, 0))


def test_choosing_a_story_filters_the_desk_and_shows_its_overview(
    library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    ids = _two_stories(library)
    window = make_window(library)
    assert window.stories.model.rowCount() == 3  # every source, then the two stories
    _choose(window, ids["housing"])
    assert window.story_id == ids["housing"]
    assert window.windowTitle().startswith("Housing budget — ")
    listed = {window.sources.model.article_id(r) for r in range(window.sources.model.total)}
    assert listed == {ids["budget"], ids["union"]}
    assert window.centre.currentWidget() is window.overview
    assert window.overview.name.text() == "Housing budget"
    assert window.overview.sources.rowCount() == 2
    assert window.annotations.model.rowCount() == 3  # the story's annotations, all sources

    verdicts, speakers, timeline = window.overview.tables
    assert verdicts.as_text().splitlines()[6] == "Misleading\t1"
    assert speakers.as_text().splitlines()[1:] == ["Mayor\t1\t0", "Union\t0\t1"]
    assert timeline.as_text().splitlines()[1:] == ["2024-03-04\t2", "2024-03-06\t1"]
    for view in window.overview.charts:
        assert isinstance(view, ChartView) and not view.grab().isNull()
    verdicts.copy()
    assert QGuiApplication.clipboard().text().startswith("Verdict\tClaims\nUnverified\t0")

    window.focus_search()
    qtbot.keyClicks(window.search.query, "homes OR crime")
    qtbot.keyClick(window.search.query, Qt.Key.Key_Return)
    found = {window.search.model.hit(r).article_id for r in range(window.search.model.rowCount())}
    assert found == {ids["budget"]}
    window.search.in_story.setChecked(False)
    found = {window.search.model.hit(r).article_id for r in range(window.search.model.rowCount())}
    assert found == {ids["budget"], ids["police"]}

    window.annotations.list.setCurrentIndex(window.annotations.model.index(0, 0))
    assert window.centre.currentWidget() is window.reader  # the annotation opens in its source
    _choose(window, "")
    assert window.sources.model.total == 3 and window.story_id == ""
    assert not window.windowTitle().startswith("Housing")


def test_sources_dropped_onto_a_story_are_filed_and_undo_takes_them_out(
    library: Library, make_window: MakeWindow
) -> None:
    ids = _two_stories(library)
    window = make_window(library)
    sources = window.sources.model
    row = sources.row_of(ids["police"])
    assert row is not None
    mime = sources.mimeData([sources.index(row, 0)])
    stories = window.stories.model
    target = stories.index(stories.row_of(ids["housing"]) or 0, 0)
    assert stories.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    assert not stories.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, stories.index(0, 0))
    assert stories.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    assert ids["police"] in library.article_ids(story_id=ids["housing"])
    summary = stories.summary(ids["housing"])
    assert summary is not None and summary.sources == 3
    window.desk_actions.undo.trigger()
    assert ids["police"] not in library.article_ids(story_id=ids["housing"])


def test_a_search_hit_is_filed_in_a_story_from_its_context_menu_and_undo_takes_it_out(
    library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _two_stories(library)
    window = make_window(library)
    offered: list[list[str]] = []

    def pick(parent: QWidget, title: str, stories: list[str]) -> str:
        offered.append(stories)
        return "Housing budget"

    monkeypatch.setattr(main_window, "ask_story_to_file_in", pick)
    panel = window.search
    panel.query.setText("crime fell")
    panel.search()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
    panel.results.setCurrentIndex(panel.model.index(0))
    assert panel.file_hit in panel.results.actions()
    panel.file_hit.trigger()
    assert offered == [["Crime figures", "Housing budget"]]
    assert ids["police"] in library.article_ids(story_id=ids["housing"])
    window.desk_actions.undo.trigger()
    assert ids["police"] not in library.article_ids(story_id=ids["housing"])


def test_delete_on_a_source_asks_once_and_undo_restores_every_annotation_and_link(
    library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _two_stories(library)
    asked: list[str] = []

    def confirm(parent: QWidget, title: str, annotations: int) -> bool:
        asked.append(f"{title}:{annotations}")
        return True

    monkeypatch.setattr(main_window, "confirm_deleting_source", confirm)
    window = make_window(library)
    window.open_article(ids["budget"])
    window.sources.list.setFocus()
    qtbot.keyClick(window.sources.list, Qt.Key.Key_Delete)
    assert asked == ["Council passes the housing budget:2"]
    assert ids["budget"] not in library.article_ids()
    assert window.sources.model.row_of(ids["budget"]) is None
    assert window.reader.article is None
    assert [i.target_id for i in trash(library)] == [ids["budget"]]
    assert window.status.counts.text().startswith("2 sources")

    window.desk_actions.undo.trigger()
    assert ids["budget"] in library.article_ids()
    assert {a.id for a in library.annotations(ids["budget"])} == {ids["claim"], ids["rebuttal"]}
    assert [(k.from_id, k.to_id) for k in library.links()] == [(ids["rebuttal"], ids["claim"])]
    assert window.article_id == ids["budget"]
    assert window.sources.model.row_of(ids["budget"]) is not None

    monkeypatch.setattr(main_window, "confirm_deleting_source", lambda *args: False)
    window.delete_selected_source()
    assert ids["budget"] in library.article_ids()  # declined: nothing changed


def test_the_trash_window_restores_what_was_chosen_in_one_undo_step(
    library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _two_stories(library)
    delete_source(library, ids["budget"])
    police_claim = library.annotations(ids["police"])[0]
    library.delete_annotation(police_claim.id)
    delete_story(library, ids["crime"])
    window = make_window(library)
    dialog = TrashDialog(trash(library))
    qtbot.addWidget(dialog)
    kinds = [dialog.tree.topLevelItem(n) for n in range(3)]
    assert [item.text(0) if item else "" for item in kinds] == ["Story", "Annotation", "Source"]
    assert not dialog.restore.isEnabled()
    for row in (0, 2):
        item = dialog.tree.topLevelItem(row)
        assert item is not None
        item.setSelected(True)
    assert dialog.restore.isEnabled()
    chosen = dialog.chosen()
    assert [i.target_id for i in chosen] == [ids["crime"], ids["budget"]]
    monkeypatch.setattr(
        TrashDialog, "ask", classmethod(lambda cls, parent, items: TrashAnswer(restore=chosen))
    )
    window.desk_actions.show_trash.trigger()
    assert ids["budget"] in library.article_ids()
    assert {a.id for a in library.annotations(ids["budget"])} == {ids["claim"], ids["rebuttal"]}
    assert "Crime figures" in [s.story.name for s in story_summaries(library)]
    assert [i.target_id for i in trash(library)] == [police_claim.id]
    assert window.sources.model.row_of(ids["budget"]) is not None
    window.desk_actions.undo.trigger()  # both back in the trash at once
    assert ids["budget"] not in library.article_ids()
    assert {i.target_id for i in trash(library)} == {ids["crime"], ids["budget"], police_claim.id}


def test_emptying_the_trash_from_the_desk_asks_first(
    library: Library, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _two_stories(library)
    delete_source(library, ids["police"])
    window = make_window(library)
    monkeypatch.setattr(
        TrashDialog, "ask", classmethod(lambda cls, parent, items: TrashAnswer(empty=True))
    )
    monkeypatch.setattr(main_window, "confirm_emptying_trash", lambda parent, deletions: False)
    window.desk_actions.show_trash.trigger()
    assert [i.target_id for i in trash(library)] == [ids["police"]]  # declined: nothing destroyed
    monkeypatch.setattr(main_window, "confirm_emptying_trash", lambda parent, deletions: True)
    window.desk_actions.show_trash.trigger()
    assert trash(library) == []
    assert "Removed for good: 1 source" in window.status.currentMessage()


def test_without_stories_the_list_says_how_to_start_one(
    library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(library)
    hint = window.stories.empty_hint
    assert hint.isVisibleTo(window) and "Ctrl+Shift+N" in hint.text()
    monkeypatch.setattr(NewStoryDialog, "ask", classmethod(lambda cls, parent: ("Schools", "")))
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL_SHIFT)
    assert not hint.isVisibleTo(window)
    window.desk_actions.undo.trigger()
    assert hint.isVisibleTo(window)


def test_ctrl_shift_n_starts_a_story_and_undo_removes_it(
    library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _two_stories(library)
    monkeypatch.setattr(
        NewStoryDialog, "ask", classmethod(lambda cls, parent: ("Schools", "Budget cuts"))
    )
    window = make_window(library)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL_SHIFT)
    schools = find_story(library, "schools")
    assert window.story_id == schools.id and window.overview.name.text() == "Schools"
    assert window.windowTitle().startswith("Schools — ")
    window.desk_actions.undo.trigger()
    assert [s.story.name for s in story_summaries(library)] == ["Crime figures", "Housing budget"]
    assert window.story_id == ""
    window.desk_actions.redo.trigger()
    assert find_story(library, "schools").id == schools.id
    assert ids  # the other stories stay


def test_the_source_header_edits_details_tags_and_stories_in_one_undoable_step(
    library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    ids = _two_stories(library)
    window = make_window(library)
    window.open_article(ids["police"])
    qtbot.keyClick(window, Qt.Key.Key_F2)
    editor = window.reader.editor
    assert editor.isVisibleTo(window) and editor.title.text() == "Police report crime drop"
    editor.title.setText("Police: crime down 4%")
    editor.tags.setText("police stats")
    editor.stories.setText("Crime figures; City hall")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisibleTo(window)
    assert library.article(ids["police"]).title == "Police: crime down 4%"
    assert window.reader.title.text() == "Police: crime down 4%"
    assert tags_of(library, ids["police"]) == ["police", "stats"]
    assert ids["police"] in library.article_ids(story_id=find_story(library, "city hall").id)
    assert "#police" in window.reader.details.text()
    assert window.stories.model.rowCount() == 4

    window.desk_actions.undo.trigger()
    assert library.article(ids["police"]).title == "Police report crime drop"
    assert tags_of(library, ids["police"]) == []
    assert library.article_ids(story_id=find_story(library, "city hall").id) == []


def test_a_source_sharing_its_url_is_flagged_in_the_header(
    library: Library, make_window: MakeWindow
) -> None:
    first = add_article(library, "First capture.", url="https://example.com/a")
    second = add_article(library, "Second capture, edited.", url="https://example.com/a/")
    window = make_window(library)
    window.open_article(first.id)
    assert window.reader.same_url.isVisibleTo(window)
    assert "Second capture" in window.reader.same_url.text()
    window.reader.open_same_url.click()
    assert window.article_id == second.id


def test_copy_with_citation_and_revert_from_the_history(
    library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _two_stories(library)
    library.edit_annotation(ids["claim"], note="check the budget book")
    window = make_window(library)
    window.open_annotation(ids["claim"])
    window.annotations.list.setFocus()
    qtbot.keyClick(window.annotations.list, Qt.Key.Key_C, CTRL_SHIFT)
    assert (
        QGuiApplication.clipboard()
        .text()
        .startswith("\u201cwould build 10,000 homes by 2030,\u201d Mayor said, according to")
    )
    window.desk_actions.citation_style[CitationStyle.APA].trigger()
    window.copy_with_citation()
    assert "(Mayor, as cited in" in QGuiApplication.clipboard().text()

    shown: list[list[Version]] = []

    def choose_first(cls: type[HistoryDialog], parent: QWidget, found: list[Version]) -> int:
        shown.append(found)
        return 1

    monkeypatch.setattr(HistoryDialog, "ask", classmethod(choose_first))
    window.annotations.form.history.click()
    assert [v.number for v in shown[0]] == [1, 2]  # as made, then with its note
    assert library.annotation(ids["claim"]).note == ""
    assert len(library.history(ids["claim"])) == 2  # the revert is an edit of its own
    window.desk_actions.undo.trigger()
    assert library.annotation(ids["claim"]).note == "check the budget book"


def test_the_export_dialog_offers_the_chosen_story(
    library: Library, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _two_stories(library)
    window = make_window(library)
    _choose(window, ids["crime"])
    offered: list[tuple[str, str] | None] = []

    def ask(
        cls: type[ExportDialog],
        parent: QWidget,
        default: object,
        open_article: object,
        story: tuple[str, str] | None,
    ) -> None:
        offered.append(story)

    monkeypatch.setattr(ExportDialog, "ask", classmethod(ask))
    window.desk_actions.export.trigger()
    assert offered == [(ids["crime"], "Crime figures")]
    dialog = ExportDialog(library.path / "x.zip", None, (ids["crime"], "Crime figures"))
    assert dialog.story.isChecked() and dialog.request().story_id == ids["crime"]
    dialog.deleteLater()


def test_the_stories_model_passes_the_model_tester(
    library: Library, qtmodeltester: ModelTester
) -> None:
    _two_stories(library)
    model = StoriesModel()
    summaries: list[StorySummary] = story_summaries(library)
    model.set_stories(summaries)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0)) == "All sources"
    assert model.story_id(0) == "" and model.index(2, 0).data(Qt.ItemDataRole.DisplayRole)
    assert not model.canDropMimeData(
        model.mimeData([]), Qt.DropAction.CopyAction, 0, 0, QModelIndex()
    )


def test_source_details_are_a_value_the_form_round_trips(qtbot: QtBot) -> None:
    editor = SourceEditor()
    qtbot.addWidget(editor)
    details = SourceDetails("T", "O", "A", "https://u", "2024", ("a", "b"), ("One", "Two"))
    editor.edit(details, ["One", "Two", "Three"])
    assert editor.details() == details
