"""Choosing a library folder and remembering recent libraries, on a private QSettings file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

from sourcemark.app.opening import open_library
from sourcemark.ui import library_dialogs
from sourcemark.ui.library_dialogs import (
    MAX_RECENT,
    choose_library,
    recent_libraries,
    remember_library,
)


@pytest.fixture(autouse=True)
def private_settings(qapp: QApplication, tmp_path: Path) -> Iterator[Path]:
    """Point QSettings at an INI file under tmp_path, never the user's real settings."""
    saved = (
        QCoreApplication.organizationName(),
        QCoreApplication.applicationName(),
        QSettings.defaultFormat(),
    )
    settings_dir = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    QCoreApplication.setOrganizationName("SourcemarkTests")
    QCoreApplication.setApplicationName("library-dialogs")
    yield settings_dir
    QCoreApplication.setOrganizationName(saved[0])
    QCoreApplication.setApplicationName(saved[1])
    QSettings.setDefaultFormat(saved[2])


def folders(tmp_path: Path, count: int) -> list[Path]:
    made = [tmp_path / f"lib{n}" for n in range(count)]
    for folder in made:
        folder.mkdir()
    return made


def test_settings_are_private(private_settings: Path) -> None:
    assert QSettings().fileName().startswith(str(private_settings))


def test_recent_libraries_most_recent_first_without_duplicates(tmp_path: Path) -> None:
    first, second = folders(tmp_path, 2)
    assert recent_libraries() == []
    remember_library(first)
    remember_library(second)
    remember_library(first)
    assert recent_libraries() == [first.resolve(), second.resolve()]


def test_a_single_recent_library_survives_the_ini_round_trip(tmp_path: Path) -> None:
    (only,) = folders(tmp_path, 1)
    remember_library(only)
    QSettings().sync()
    assert recent_libraries() == [only.resolve()]


def test_at_most_eight_are_kept(tmp_path: Path) -> None:
    made = folders(tmp_path, MAX_RECENT + 2)
    for folder in made:
        remember_library(folder)
    assert recent_libraries() == [f.resolve() for f in reversed(made)][:MAX_RECENT]


def test_missing_folders_are_dropped(tmp_path: Path) -> None:
    kept, gone = folders(tmp_path, 2)
    remember_library(kept)
    remember_library(gone)
    gone.rmdir()
    assert recent_libraries() == [kept.resolve()]


def test_choose_an_existing_library_or_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_library(tmp_path / "existing", with_index=False).close()
    (empty,) = folders(tmp_path, 1)
    for choice in (tmp_path / "existing", empty):
        monkeypatch.setattr(library_dialogs, "ask_folder", lambda parent, start, c=choice: c)
        assert choose_library(None) == choice


def test_cancel_returns_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_dialogs, "ask_folder", lambda parent, start: None)
    assert choose_library(None) is None


def test_a_folder_that_is_neither_is_explained_and_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents, empty = folders(tmp_path, 2)
    (documents / "letter.txt").write_text("not a library")
    answers = iter([documents, empty])
    asked_from: list[Path] = []
    explained: list[str] = []

    def ask_folder(parent: object, start: Path) -> Path:
        asked_from.append(start)
        return next(answers)

    monkeypatch.setattr(library_dialogs, "ask_folder", ask_folder)
    monkeypatch.setattr(
        library_dialogs, "explain", lambda parent, message: explained.append(message)
    )
    assert choose_library(None) == empty
    assert len(explained) == 1 and "is not a Sourcemark library" in explained[0]
    assert asked_from[1] == documents


def test_the_dialog_starts_next_to_the_most_recent_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (recent,) = folders(tmp_path, 1)
    remember_library(recent)
    asked_from: list[Path] = []
    monkeypatch.setattr(
        library_dialogs, "ask_folder", lambda parent, start: asked_from.append(start)
    )
    choose_library(None)
    assert asked_from == [recent.resolve().parent]
