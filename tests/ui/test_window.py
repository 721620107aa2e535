"""The window's workflows: searching and jumping to a hit, pasting, importing, dropping files,
remembered settings, switching libraries, starting the desk and closing it."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from sourcemark.app import backup_catalog
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Kind
from sourcemark.app.opening import open_library
from sourcemark.ui import desk, library_dialogs
from sourcemark.ui.import_dialog import ImportSummaryDialog
from sourcemark.ui.main_window import MainWindow
from sourcemark.ui.paste_dialog import PastedSource, PasteSourceDialog
from tests.conftest import REPO
from tests.ui.conftest import MakeWindow, add_article

BUDGET = (
    "Council passes the housing budget\n\n"
    "The mayor said the housing budget would build 10,000 homes by 2030. "
    "Critics said the budget covers fewer than 4,000 homes."
)


@pytest.fixture
def no_import_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImportSummaryDialog, "ask", classmethod(lambda cls, parent, report: None))


def test_ctrl_f_searches_and_enter_on_a_hit_opens_and_selects_the_passage(
    library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article = add_article(library, BUDGET)
    add_article(library, "Another story about parks.", title="Parks")
    claim = library.annotate_quote(
        article.id, "claim", "the housing budget would build 10,000 homes"
    ).value
    window = make_window(library)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.left.currentWidget() is window.search
    assert window.search.query.hasFocus()
    qtbot.keyClicks(window.search.query, '"10,000 homes"')
    qtbot.keyClick(window.search.query, Qt.Key.Key_Return)
    assert window.search.model.rowCount() > 0
    qtbot.keyClick(window.search.query, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.search.openRequested) as opened:
        qtbot.keyClick(window.search.results, Qt.Key.Key_Return)
    article_id, start, end = opened.args
    assert window.article_id == article.id == article_id
    assert window.reader.text.textCursor().selectedText() == article.text[start:end]
    assert "10,000 homes" in article.text[start:end]

    window.open_annotation(claim.id)
    form = window.annotations.form
    assert form.find_similar.isVisibleTo(form)
    qtbot.mouseClick(form.find_similar, Qt.MouseButton.LeftButton)
    assert window.left.currentWidget() is window.search
    assert window.search.heading.isVisibleTo(window.search)


def test_enter_on_a_claim_hit_selects_the_claim_ready_to_edit(
    library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article = add_article(library, BUDGET)
    claim = library.annotate_quote(article.id, "claim", "would build 10,000 homes by 2030").value
    window = make_window(library)
    window.focus_search()
    window.search.kind.setCurrentIndex(window.search.kind.findData(Kind.CLAIM))
    qtbot.keyClicks(window.search.query, "homes")
    qtbot.keyClick(window.search.query, Qt.Key.Key_Return)
    assert window.search.model.rowCount() == 1
    qtbot.keyClick(window.search.query, Qt.Key.Key_Down)
    qtbot.keyClick(window.search.results, Qt.Key.Key_Return)
    assert window.annotations.selected_id() == claim.id
    form = window.annotations.form
    assert form.annotation is not None and form.annotation.id == claim.id
    assert form.verdict.isVisibleTo(form)
    assert window.reader.text.textCursor().selectedText() == claim.quote


def test_clicking_a_source_opens_it_with_its_annotations(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article = add_article(bare_library, BUDGET, outlet="City Desk", published="2024-03-04")
    bare_library.annotate_quote(article.id, "claim", "the housing budget would build 10,000 homes")
    newer = add_article(bare_library, "A newer story.", title="Newer", published="2024-05-01")
    window = make_window(bare_library)
    assert window.article_id == newer.id  # with no source remembered, the newest one opens
    view = window.sources.list
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.visualRect(view.model().index(1, 0)).center(),
    )
    assert window.article_id == article.id
    assert window.reader.title.text() == "Council passes the housing budget"
    assert window.reader.metadata.text() == "City Desk · 2024-03-04"
    assert window.annotations.model.rowCount() == 1


def test_paste_as_new_source_imports_and_opens_it(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = {"title": "Press statement", "outlet": "City Hall"}
    pasted = PastedSource(from_pasted_text("Statement\n\nWe never said that."), given)
    monkeypatch.setattr(PasteSourceDialog, "ask", classmethod(lambda cls, parent: pasted))
    window = make_window(bare_library)
    qtbot.keyClick(
        window,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    (summary,) = bare_library.articles()
    assert (summary.title, summary.outlet) == ("Press statement", "City Hall")
    assert window.article_id == summary.id
    assert window.reader.title.text() == "Press statement"
    assert window.sources.selected_id() == summary.id
    assert window.status.counts.text() == "1 source · 0 annotations · 0 links"


def test_pasting_a_text_already_here_says_the_typed_title_was_not_applied(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Statement\n\nWe never said that."
    article = bare_library.import_source(from_pasted_text(text)).value.article
    pasted = PastedSource(from_pasted_text(text), {"title": "Press statement"})
    monkeypatch.setattr(PasteSourceDialog, "ask", classmethod(lambda cls, parent: pasted))
    window = make_window(bare_library)
    problems: list[str] = []
    monkeypatch.setattr(window, "show_problem", problems.append)
    window.desk_actions.paste.trigger()
    assert window.article_id == article.id
    assert problems == [
        f"The pasted text is already in the library as {article.id[:8]}, so the title given "
        f"was not applied; to change it: sourcemark edit-source {article.id[:8]} "
        "--title 'Press statement'"
    ]
    assert bare_library.article(article.id).title == "Statement"


def test_ctrl_o_imports_in_the_background_and_opens_the_first_import(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    no_import_summary: None,
) -> None:
    files = []
    for n in range(3):
        files.append(tmp_path / f"story-{n}.txt")
        files[-1].write_text(f"Story {n}\n\nThe council voted {n} times.")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *args: ([str(f) for f in files], "")
    )
    window = make_window(bare_library)
    with qtbot.waitSignal(window.importer.imported, timeout=20_000):
        qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
        assert window.status.activity.isVisibleTo(window)
    qtbot.waitUntil(lambda: not window.importer.is_running, timeout=5000)
    assert sorted(s.title for s in bare_library.articles()) == ["Story 0", "Story 1", "Story 2"]
    assert window.sources.model.total == 3
    assert window.reader.title.text() == "Story 0"
    assert not window.status.activity.isVisibleTo(window)
    assert window.statusBar().currentMessage() == "3 imported."


def test_dropped_files_are_imported(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    tmp_path: Path,
    no_import_summary: None,
) -> None:
    dropped = tmp_path / "dropped.txt"
    dropped.write_text("Dropped story\n\nBody text.")
    window = make_window(bare_library)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.importer.imported, timeout=20_000):
        window.dropEvent(event)
    qtbot.waitUntil(lambda: not window.importer.is_running, timeout=5000)
    assert [s.title for s in bare_library.articles()] == ["Dropped story"]


def test_geometry_splitters_and_last_source_are_remembered(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    path = bare_library.path
    article = add_article(bare_library, "Remember me\n\nText.")
    add_article(bare_library, "Another one\n\nText.")
    window = make_window(bare_library)
    window.resize(700, 500)
    window.splitter.setSizes([200, 600, 300])
    window.open_article(article.id)
    sizes = window.splitter.sizes()
    window.close()

    again = make_window(open_library(path, with_index=False))
    assert (again.width(), again.height()) == (700, 500)
    assert again.splitter.sizes() == sizes
    assert again.article_id == article.id


def test_open_library_replaces_the_window_and_is_remembered(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    other = tmp_path / "other-library"
    with open_library(other, with_index=False) as library:
        add_article(library, "In the other library\n\nText.")
    monkeypatch.setattr(library_dialogs, "choose_library", lambda parent: other)
    window = make_window(bare_library)
    window.desk_actions.open_library.trigger()
    qtbot.waitUntil(lambda: window.successor is not None, timeout=10_000)
    successor = window.successor
    assert successor is not None
    qtbot.addWidget(successor)
    assert not window.isVisible() and successor.isVisible()
    assert [s.title for s in successor.library.articles()] == ["In the other library"]
    assert library_dialogs.recent_libraries()[0] == other.resolve()
    recent = successor.desk_actions.recent_menu
    recent.aboutToShow.emit()
    assert [a.text() for a in recent.actions()] == [str(other.resolve())]
    successor.close()


def test_closing_the_window_backs_up_the_library(
    bare_library: Library, make_window: MakeWindow
) -> None:
    add_article(bare_library, "Worth keeping\n\nText.")
    window = make_window(bare_library)
    window.close()
    assert len(backup_catalog.backups(bare_library.path)) == 1


def test_a_second_copy_on_the_same_library_gets_a_clear_message_and_exit_code_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "library"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; "
            "from sourcemark.app.opening import open_library; "
            "library = open_library(Path(sys.argv[1]), with_index=False); "
            "print('open', flush=True); sys.stdin.read()",
            str(path),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        told: list[tuple[str, str]] = []
        monkeypatch.setattr(
            desk, "refuse", lambda message, details: told.append((message, details))
        )
        assert desk.run_desk(path) == 1
    finally:
        holder.communicate("", timeout=30)
    ((message, details),) = told
    # The holder took the lock as a command would (it did not say it is a desk window).
    assert message.startswith(
        "Cannot open the library. This library is being changed by a Sourcemark command "
        "still running on this computer (since "
    )
    assert message.endswith("). Wait for it to finish, or open another library.")
    assert str(holder.pid) not in message  # the process id is for the details
    assert details.startswith(f"Held by PID {holder.pid} on host {socket.gethostname()} since ")


def test_run_desk_shows_the_window_on_the_library_and_exits_0(
    tmp_path: Path, qapp: QApplication
) -> None:
    path = tmp_path / "library"
    with open_library(path, with_index=False) as library:
        add_article(library, "Opened by run_desk\n\nText.")
    shown: list[tuple[Path, int]] = []

    def close_the_desk() -> None:
        windows = [
            window
            for window in QApplication.topLevelWidgets()
            if isinstance(window, MainWindow) and window.isVisible()
        ]
        if not windows:  # not shown yet: look again once the event loop has run a little
            QTimer.singleShot(10, close_the_desk)
        for window in windows:
            shown.append((window.library.path, window.sources.model.total))
            window.close()

    QTimer.singleShot(0, close_the_desk)
    try:
        assert desk.run_desk(path) == 0
    finally:
        qapp.setStyleSheet("")
    assert shown == [(path, 1)]


def test_closing_during_an_import_stops_it_first(
    bare_library: Library,
    make_window: MakeWindow,
    qtbot: QtBot,
    tmp_path: Path,
    no_import_summary: None,
) -> None:
    files = []
    for n in range(40):
        files.append(tmp_path / f"story-{n}.txt")
        files[-1].write_text(f"Story {n}\n\nThe council voted {n} times.")
    window = make_window(bare_library)
    window.import_files(files)
    assert window.importer.is_running
    window.close()
    assert not window.importer.is_running and not window.isVisible()
    with open_library(bare_library.path, with_index=False) as library:
        assert len(library.articles()) < 40  # cancelled between two files


def test_ctrl_digits_move_the_focus_between_panels(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = make_window(bare_library)
    for key, widget in (
        (Qt.Key.Key_2, window.reader.text),
        (Qt.Key.Key_3, window.annotations.list),
        (Qt.Key.Key_1, window.sources.list),
    ):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert widget.hasFocus()


def test_a_previewed_hit_is_shown_and_the_focus_stays_on_the_hits(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    text = "Budget story\n\nThe mayor said the budget builds homes. Critics disagree."
    first = add_article(bare_library, "Another story\n\nNothing here.", title="Other")
    article = add_article(bare_library, text, title="Budget")
    window = make_window(bare_library)
    window.open_article(first.id)
    window.focus_search()
    start = text.index("Critics")
    window.search.previewRequested.emit(article.id, start, start + len("Critics disagree"))
    assert window.article_id == article.id
    assert window.reader.text.textCursor().selectedText() == "Critics disagree"
    assert window.search.query.hasFocus()
    window.search.openRequested.emit(article.id, start, start + len("Critics"))
    assert window.reader.text.hasFocus()
    assert window.reader.text.textCursor().selectedText() == "Critics"
