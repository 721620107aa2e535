"""The item models: qtmodeltester, lazy loading of a 10,000-source library, filter and sort."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.ui.link_picker import ClaimsModel, LinkPicker
from sourcemark.ui.models.annotations import AnnotationsModel
from sourcemark.ui.models.sources import PAGE_SIZE, SourcesModel
from sourcemark.ui.sources_panel import SourcesPanel
from tests.ui.conftest import add_article


def many_sources(library: Library, count: int) -> None:
    sources = (
        from_pasted_text(f"Story {n}\n\nBody {n} of the wire copy.").with_metadata(
            title=f"Story {n:05d}",
            outlet=("Reuters", "AP", "The City")[n % 3],
            published=f"2020-{1 + n % 12:02d}-{1 + n % 28:02d}",
        )
        for n in range(count)
    )
    library.import_many(sources, total=count)


def test_models_pass_the_model_tester(
    bare_library: Library, qtmodeltester: ModelTester, qapp: QApplication
) -> None:
    """`qapp`: the kind icons are pixmaps, which need the application even when run alone."""
    article = add_article(
        bare_library, "There is one claim, one quote and one rebuttal here.", title="T"
    )
    claim = bare_library.annotate_quote(article.id, "claim", "one claim").value
    bare_library.annotate_quote(article.id, "quote", "one quote", speaker="Ann")
    bare_library.annotate_quote(article.id, "rebuttal", "one rebuttal")
    qtmodeltester.check(SourcesModel(bare_library))
    annotations = AnnotationsModel()
    annotations.set_annotations(bare_library.annotations(article.id))
    qtmodeltester.check(annotations)
    claims = ClaimsModel(bare_library)
    qtmodeltester.check(claims)
    assert claims.rowCount() == 1 and claims.index(0, 0).data().startswith("“one claim”")
    assert annotations.index(0, 0).data() == "Claim"
    assert annotations.row_of(claim.id) == 0


def test_ten_thousand_sources_load_lazily(bare_library: Library, qtbot: QtBot) -> None:
    many_sources(bare_library, 10_000)
    panel = SourcesPanel(bare_library)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    model = panel.model
    assert model.total == 10_000
    qtbot.waitUntil(lambda: model.rowCount() > 0)  # the view asks for rows once laid out
    shown = model.rowCount()
    assert shown <= 2 * PAGE_SIZE  # only what the view asked for
    panel.list.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > shown)  # reaching the end fetches the next page
    assert model.rowCount() <= shown + PAGE_SIZE and model.canFetchMore(QModelIndex())

    panel.filter.setText("Story 0999")
    qtbot.waitUntil(lambda: model.rowCount() == 10)
    assert {model.index(row, 0).data() for row in range(10)} == {
        f"Story 0999{n}" for n in range(10)
    }
    panel.filter.clear()
    panel.order.setCurrentIndex(panel.order.findData("title"))
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    assert model.index(0, 0).data() == "Story 00000"
    panel.order.setCurrentIndex(panel.order.findData("outlet"))
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    assert model.index(0, 1).data() == "AP"


def test_selecting_a_source_far_down_fetches_its_page(bare_library: Library, qtbot: QtBot) -> None:
    many_sources(bare_library, 1_000)
    panel = SourcesPanel(bare_library)
    qtbot.addWidget(panel)
    model = panel.model
    assert model.rowCount() == 0  # nothing fetched before a view asks
    target = bare_library.article_ids(order="title")[-1]
    assert model.row_of(target) is not None
    panel.select(target)
    assert panel.selected_id() == target
    with qtbot.waitSignal(panel.articleActivated) as activated:
        panel.list.setCurrentIndex(model.index(0, 0))
    assert activated.args == [model.article_id(0)]


def test_link_picker_filters_claims_and_returns_the_chosen_one(
    bare_library: Library, qtbot: QtBot
) -> None:
    first = add_article(bare_library, "The mayor said crime fell by half.", title="Mayor")
    second = add_article(bare_library, "The chief said arrests doubled.", title="Chief")
    crime = bare_library.annotate_quote(
        first.id, "claim", "crime fell by half", speaker="Mayor"
    ).value
    arrests = bare_library.annotate_quote(second.id, "claim", "arrests doubled").value
    picker = LinkPicker(bare_library, current=crime.id)
    qtbot.addWidget(picker)
    assert picker.chosen_claim() == crime.id
    picker.filter.setText("chief")
    assert picker.filtered.rowCount() == 1
    picker.list.setCurrentIndex(picker.filtered.index(0, 0))
    assert picker.chosen_claim() == arrests.id and picker.ok_button.isEnabled()


def test_link_picker_works_from_the_keyboard_alone(bare_library: Library, qtbot: QtBot) -> None:
    article = add_article(bare_library, "The mayor said crime fell and arrests doubled.", title="T")
    bare_library.annotate_quote(article.id, "claim", "crime fell", speaker="Mayor")
    arrests = bare_library.annotate_quote(article.id, "claim", "arrests doubled").value
    doubled = bare_library.annotate_quote(article.id, "claim", "doubled").value
    picker = LinkPicker(bare_library)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitExposed(picker)
    qtbot.keyClicks(picker.filter, "doubled")  # the best match is chosen while typing
    assert picker.filtered.rowCount() == 2
    first = picker.chosen_claim()
    assert first in {arrests.id, doubled.id} and picker.ok_button.isEnabled()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)  # arrows move through the claims
    second = picker.chosen_claim()
    assert {first, second} == {arrests.id, doubled.id}
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert picker.result() == QDialog.DialogCode.Accepted


def test_end_in_the_sources_list_reaches_the_last_source(
    bare_library: Library, qtbot: QtBot
) -> None:
    many_sources(bare_library, 2 * PAGE_SIZE + 50)
    panel = SourcesPanel(bare_library)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.list.setFocus()
    with qtbot.waitSignal(panel.articleActivated) as activated:
        qtbot.keyClick(panel.list, Qt.Key.Key_End)
    assert panel.list.currentIndex().row() == panel.model.total - 1
    assert activated.args == [panel.model.article_id(panel.model.total - 1)]
