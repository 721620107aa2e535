"""The Help menu: the shortcuts cheat sheet, the query language, About Sourcemark and the
library folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sourcemark import __version__
from sourcemark.app.library import Library
from sourcemark.ui import help_windows
from sourcemark.ui.help_windows import AboutWindow, QueryLanguageWindow, ShortcutsWindow
from tests.ui.conftest import MakeWindow


def shown(kind: type) -> list[object]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_the_help_menu_holds_the_four_entries(
    bare_library: Library, make_window: MakeWindow
) -> None:
    window = make_window(bare_library)
    menus = {
        m.title().replace("&", ""): m
        for m in window.menuBar().findChildren(type(window.desk_actions.recent_menu))
    }
    entries = [a.text().replace("&", "") for a in menus["Help"].actions() if not a.isSeparator()]
    assert entries == [
        "Keyboard shortcuts",
        "The query language",
        "Open the library folder",
        "About Sourcemark",
    ]


def test_help_is_the_last_menu_of_the_bar(bare_library: Library, make_window: MakeWindow) -> None:
    window = make_window(bare_library)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "Go", "Source", "Team", "Help"]


def test_the_cheat_sheet_lists_every_shortcut_and_the_kinds(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = make_window(bare_library)
    window.desk_actions.shortcuts.trigger()
    (sheet,) = shown(ShortcutsWindow)
    assert isinstance(sheet, ShortcutsWindow)
    text = sheet.text.toPlainText()
    for keys, what in (
        ("Ctrl+F", "Search the library"),
        ("Ctrl+G", "Find in source"),
        ("Ctrl+Z", "Undo"),
        ("C", "Tag as claim"),
        ("R", "Tag as rebuttal"),
        ("F1", "Keyboard shortcuts"),
        ("/", "Find in source"),
    ):
        assert f"\n{keys}\n{what}\n" in text, (keys, what)
    assert "orange tint, solid underline" in text and "green tint, wavy underline" in text
    sheet.close()


def test_the_query_language_and_about_windows(
    bare_library: Library, make_window: MakeWindow
) -> None:
    window = make_window(bare_library)
    window.desk_actions.query_language.trigger()
    (language,) = shown(QueryLanguageWindow)
    assert isinstance(language, QueryLanguageWindow)
    assert "published:[2020-01-01 TO 2020-01-10]" in language.text.toPlainText()
    window.desk_actions.about.trigger()
    (about,) = shown(AboutWindow)
    assert isinstance(about, AboutWindow)
    text = about.text.toPlainText()
    assert f"Sourcemark {__version__}" in text and str(bare_library.path) in text
    assert "PySide6-Essentials" in text and "LGPL" in text and "sqlite-utils" in text
    language.close()
    about.close()


def test_open_the_library_folder(
    bare_library: Library, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []

    def open_folder(path: Path) -> bool:
        opened.append(path)
        return True

    monkeypatch.setattr(help_windows, "open_folder", open_folder)
    window = make_window(bare_library)
    window.desk_actions.open_library_folder.trigger()
    assert opened == [bare_library.path]
