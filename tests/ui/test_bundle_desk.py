"""Ctrl+E exports a bundle and File > Import bundle merges one, in the background."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from sourcemark.ui import main_window
from sourcemark.ui.bundle_dialogs import ExportDialog, ExportRequest, ReplaceBundleQuestion
from tests.ui.conftest import MakeWindow, add_article

TEXT = "Budget story\n\nThe mayor said the budget builds 10,000 homes. Critics disagree."


def test_export_dialog_offers_the_open_source_and_a_kind(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(tmp_path / "out.zip", "article-1")
    qtbot.addWidget(dialog)
    assert dialog.open_source.isChecked()
    dialog.kind.setCurrentIndex(dialog.kind.findData("claim"))
    assert dialog.request() == ExportRequest(tmp_path / "out.zip", ["article-1"], "claim")
    dialog.all_sources.setChecked(True)
    assert dialog.request().article_ids is None
    without_article = ExportDialog(tmp_path / "out.zip", None)
    qtbot.addWidget(without_article)
    assert not without_article.open_source.isEnabled() and without_article.all_sources.isChecked()


def test_export_then_import_the_bundle_into_another_library(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    article = add_article(bare_library, TEXT)
    claim = bare_library.annotate_quote(
        article.id, "claim", "the budget builds 10,000 homes", speaker="Mayor"
    ).value
    rebuttal = bare_library.annotate_quote(article.id, "rebuttal", "Critics disagree").value
    bare_library.link(rebuttal.id, claim.id)
    out = tmp_path / "story.zip"
    monkeypatch.setattr(
        ExportDialog,
        "ask",
        classmethod(
            lambda cls, parent, default, open_article, story: ExportRequest(out, None, None)
        ),
    )
    window = make_window(bare_library)
    with qtbot.waitSignal(window.operations.ended, timeout=30_000):
        window.desk_actions.export.trigger()
        assert window.status.activity.isVisibleTo(window)
    assert out.is_file()
    assert "Exported 1 source, 2 annotations and 1 link to" in window.statusBar().currentMessage()
    window.close()

    other = open_library(tmp_path / "other", with_index=False)
    monkeypatch.setattr(main_window, "ask_bundle_file", lambda parent: out)
    receiver = make_window(other)
    with qtbot.waitSignal(receiver.operations.ended, timeout=30_000):
        receiver.desk_actions.import_bundle.trigger()
    assert [a.quote for a in other.annotations()] == [claim.quote, rebuttal.quote]
    assert [(k.from_id, k.to_id) for k in other.links()] == [(rebuttal.id, claim.id)]
    assert receiver.sources.model.total == 1
    assert receiver.statusBar().currentMessage() == (
        "Bundle imported: 1 new source (0 already here), 2 new annotations, 0 updated, "
        "0 unchanged, 1 new link."
    )


def test_a_bad_bundle_is_explained_and_changes_nothing(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    bad = tmp_path / "not-a-bundle.zip"
    bad.write_bytes(b"this is not a zip file")
    monkeypatch.setattr(main_window, "ask_bundle_file", lambda parent: bad)
    window = make_window(bare_library)
    with qtbot.waitSignal(window.operations.failed, timeout=30_000) as failed:
        window.desk_actions.import_bundle.trigger()
    qtbot.waitUntil(lambda: not window.operations.is_running("Importing bundle"))
    assert "not-a-bundle.zip" in failed.args[0] or "zip" in failed.args[0]
    assert bare_library.articles() == []
    assert not window.status.activity.isVisibleTo(window)


def test_export_over_an_existing_file_asks_first(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    add_article(bare_library, TEXT)
    out = tmp_path / "story.zip"
    out.write_bytes(b"the editor's copy")
    monkeypatch.setattr(
        ExportDialog,
        "ask",
        classmethod(
            lambda cls, parent, default, open_article, story: ExportRequest(out, None, None)
        ),
    )
    answers = [False, True]
    asked: list[Path] = []

    def answer(cls: type[ReplaceBundleQuestion], parent: object, path: Path) -> bool:
        asked.append(path)
        return answers.pop(0)

    monkeypatch.setattr(ReplaceBundleQuestion, "ask", classmethod(answer))
    window = make_window(bare_library)
    window.desk_actions.export.trigger()  # "Cancel": nothing runs, the file stays
    assert asked == [out] and not window.operations.is_running("Exporting bundle")
    assert out.read_bytes() == b"the editor's copy"
    with qtbot.waitSignal(window.operations.ended, timeout=30_000):
        window.desk_actions.export.trigger()  # "Replace"
    assert asked == [out, out]
    assert out.read_bytes().startswith(b"PK")
