"""Rows cut short by narrow columns show their full text on hover, never read as HTML."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from sourcemark.app.library import Library
from sourcemark.ui.models.annotations import AnnotationsModel
from sourcemark.ui.models.search_results import SearchResultsModel
from sourcemark.ui.models.sources import SourcesModel
from tests.ui.conftest import add_article

HOSTILE = '<img src="file:///etc/hostname"> &lt;b&gt;'
LONG_QUOTE = "the housing budget would build ten thousand homes in every borough by 2030"


def test_an_annotation_row_shows_its_whole_passage_and_note(
    library: Library, qapp: QApplication
) -> None:
    article = add_article(library, f"The mayor said {LONG_QUOTE}.", title="Budget")
    claim = library.annotate_quote(article.id, "claim", LONG_QUOTE, note=f"Check {HOSTILE}").value
    model = AnnotationsModel()
    model.set_annotations([claim])
    shown = model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert LONG_QUOTE in shown  # the Passage column shows only its start
    assert "<img" not in shown and "&lt;img" in shown and "&amp;lt;b&amp;gt;" in shown


def test_a_search_hit_tooltip_is_plain_text_even_for_a_hostile_title(
    library: Library, qapp: QApplication
) -> None:
    add_article(library, "A story about the council budget.", title=f"Budget {HOSTILE}")
    assert library.index is not None
    results = library.index.search("council")
    model = SearchResultsModel()
    model.set_hits(results.hits)
    shown = model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in shown and "&lt;img" in shown


def test_a_source_row_shows_its_whole_title(library: Library, qapp: QApplication) -> None:
    title = f"Council passes the housing budget after a night of argument {HOSTILE}"
    add_article(library, "The council voted.", title=title, outlet="City Desk", author="Ann Lee")
    model = SourcesModel(library)
    model.fetchMore(QModelIndex())
    shown = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert shown.startswith("<qt>Council passes the housing budget after a night of argument")
    assert "City Desk · Ann Lee" in shown and "<img" not in shown
