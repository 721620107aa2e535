"""`sourcemark story.zip`: the desk opens on the library and offers to import the bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sourcemark.app.opening import open_library
from sourcemark.ui import desk
from sourcemark.ui.bundle_offer import ImportBundleOffer
from sourcemark.ui.main_window import IMPORTING_BUNDLE, MainWindow
from tests.bundle_support import annotated_library, exported

SAFETY_CLOSE_MS = 60_000  # a broken offer must fail the test, not hang it


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    with open_library(tmp_path / "colleague", with_index=False) as colleague:
        annotated_library(colleague)
        return exported(colleague, tmp_path / "story.zip")


def _run_desk_answering(
    answer: bool, library: Path, bundle: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> list[tuple[Path, Path]]:
    asked: list[tuple[Path, Path]] = []

    def ask(cls: type[ImportBundleOffer], parent: QWidget, offered: Path, into: Path) -> bool:
        assert isinstance(parent, MainWindow) and parent.isVisible()
        asked.append((offered, into))
        if answer:

            def close_once_imported(label: str) -> None:
                if label == IMPORTING_BUNDLE:
                    parent.close()

            parent.operations.ended.connect(close_once_imported)
        else:
            QTimer.singleShot(0, parent.close)
        return answer

    monkeypatch.setattr(ImportBundleOffer, "ask", classmethod(ask))
    QTimer.singleShot(SAFETY_CLOSE_MS, QApplication.closeAllWindows)
    try:
        assert desk.run_desk(library, bundle) == 0
    finally:
        qapp.setStyleSheet("")
    return asked


def test_the_desk_opened_with_a_bundle_imports_it_once_accepted(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> None:
    library = tmp_path / "mine"
    asked = _run_desk_answering(True, library, bundle, monkeypatch, qapp)
    assert asked == [(bundle, library)]
    with open_library(library, with_index=False) as opened:
        assert len(opened.articles()) == 2
        assert len(opened.annotations()) == 4


def test_declining_the_offer_imports_nothing(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> None:
    library = tmp_path / "mine"
    assert _run_desk_answering(False, library, bundle, monkeypatch, qapp) == [(bundle, library)]
    with open_library(library, with_index=False) as opened:
        assert opened.articles() == []


def test_the_offer_names_the_bundle_and_the_library(qtbot: QtBot, tmp_path: Path) -> None:
    offer = ImportBundleOffer(tmp_path / "story.zip", tmp_path / "mine")
    qtbot.addWidget(offer)
    assert offer.text() == "Import the bundle “story.zip” into this library?"
    assert str(tmp_path / "mine") in offer.informativeText()
    assert offer.defaultButton() is offer.import_button
