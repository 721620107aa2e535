"""The desk's newsroom: Team menu, indicator and background sync between two desk windows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sourcemark.app.changes import Outcome
from sourcemark.app.library import Library
from sourcemark.app.newsroom import sync, team
from sourcemark.app.opening import open_library
from sourcemark.app.stories import add_to_story, create_story
from sourcemark.ui import main_window
from sourcemark.ui import team as team_ui
from sourcemark.ui.main_window import MainWindow
from sourcemark.ui.tasks import Cancelled, Progress
from sourcemark.ui.team import SyncState
from tests.newsroom.conftest import Newsroom, Reporter
from tests.newsroom.laptops import article, settle, sync_once
from tests.ui.conftest import _private_settings  # noqa: F401 (every test's own QSettings)


def window_on(qtbot: QtBot, library: Library) -> MainWindow:
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    window.team.soon.setInterval(50)
    return window


def synced(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_running(team_ui.SYNCING), timeout=20000)


def shared_by_alice(
    tmp_path: Path, desk: tuple[Reporter, Reporter]
) -> tuple[Library, str, Library]:
    """alice's library sharing "Crime figures" (one source, not synced yet) with Metro, and
    bob's library, joined to the same desk."""
    alice = open_library(tmp_path / "alice")
    team.join(alice, desk[0].dsn, desk[0].name, desk[0].password)
    source = article(alice, "Mayor")
    add_to_story(alice, create_story(alice, "Crime figures").value.name, [source])
    team.share(alice, "Crime figures", "Metro")
    bob = open_library(tmp_path / "bob")
    team.join(bob, desk[1].dsn, desk[1].name, desk[1].password)
    return alice, source, bob


def test_two_desks_share_a_story_and_see_each_others_annotations(
    qtbot: QtBot,
    tmp_path: Path,
    newsroom: Newsroom,
    desk: tuple[Reporter, Reporter],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice_lib = open_library(tmp_path / "alice")
    source = article(alice_lib, "Mayor")
    story = create_story(alice_lib, "Crime figures").value
    add_to_story(alice_lib, story.name, [source])
    alice = window_on(qtbot, alice_lib)
    bob = window_on(qtbot, open_library(tmp_path / "bob"))
    assert not alice.team.indicator.isVisibleTo(alice)
    for window, reporter in ((alice, desk[0]), (bob, desk[1])):
        answer = (reporter.dsn, reporter.name, reporter.password)
        monkeypatch.setattr(
            team_ui.JoinDialog, "ask", classmethod(lambda cls, parent, given=answer: given)
        )
        window.team.join_action.trigger()
        synced(qtbot, window)
        assert window.team.state is SyncState.SYNCED
    monkeypatch.setattr(team_ui, "ask_share", lambda parent, stories: ("Crime figures", "Metro"))
    alice.team.share_action.trigger()
    synced(qtbot, alice)
    settle(alice.library)
    bob.team.sync_action.trigger()
    synced(qtbot, bob)
    assert source in bob.library.article_ids()
    # An annotation made on one desk syncs by itself a moment later, and reaches the other.
    claim = alice.operations.run(
        lambda library: library.annotate_quote(source, "claim", "the safest big city in America")
    )
    assert claim is not None
    assert sync.status(alice.library).waiting > 0  # queued with the change, not pushed yet
    # Nobody asks: the round that starts a moment after the change pushes it.
    qtbot.waitUntil(
        lambda: (
            sync.status(alice.library).waiting == 0
            and not alice.operations.is_running(team_ui.SYNCING)
        ),
        timeout=20000,
    )
    assert alice.team.state is SyncState.SYNCED
    settle(alice.library)
    bob.team.sync_now()
    synced(qtbot, bob)
    assert bob.library.annotation(claim.value.id).quote == "the safest big city in America"
    bob.open_article(source)  # the desk shows who made it
    model = bob.annotations.model
    row = model.row_of(claim.value.id)
    assert row is not None
    tip = model.data(model.index(row, 1), Qt.ItemDataRole.ToolTipRole)
    assert "By alice" in tip
    alice.close()
    bob.close()


def test_offline_the_desk_says_so_and_keeps_working(
    qtbot: QtBot, tmp_path: Path, newsroom: Newsroom, desk: tuple[Reporter, Reporter]
) -> None:
    library = open_library(tmp_path / "alice")
    team.join(library, desk[0].dsn, desk[0].name, desk[0].password)
    library.db.execute(
        "UPDATE meta SET value = ? WHERE key = 'team_dsn'",
        ("host=127.0.0.1 port=1 dbname=x user=alice connect_timeout=2",),
    )
    window = window_on(qtbot, library)
    qtbot.waitUntil(lambda: window.team.state is SyncState.OFFLINE, timeout=20000)
    assert "cannot connect" in window.team.indicator.toolTip()
    source = article(window.library, "Written on the train")
    assert source in window.library.article_ids()
    window.close()


def test_the_team_scope_finds_a_story_not_here_and_enter_pulls_it(
    qtbot: QtBot, tmp_path: Path, newsroom: Newsroom, desk: tuple[Reporter, Reporter]
) -> None:
    alice, source, bob_library = shared_by_alice(tmp_path, desk)
    claim = alice.annotate_quote(source, "claim", "the safest big city in America").value
    sync_once(alice)
    alice.close()
    bob = window_on(qtbot, bob_library)
    bob.team.every.stop()  # no background round: the story stays on the server until asked
    bob.team.stopped = True
    panel = bob.search
    assert not panel.scope.isHidden()
    panel.scope.setCurrentIndex(1)
    panel.query.setText("safest cities")
    panel.search()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=20000)
    assert "not here yet" in panel.summary.text()
    hits = [panel.model.hit(row) for row in range(panel.model.rowCount())]
    assert [h.annotation_id for h in hits if h.doc_type == "annotation"] == [claim.id]
    row = next(n for n, h in enumerate(hits) if h.annotation_id == claim.id)
    bob.team.stopped = False
    panel.results.activated.emit(panel.model.index(row))  # Enter on the hit: pull, then open
    qtbot.waitUntil(lambda: bob.article_id == source, timeout=20000)
    assert bob.library.annotation(claim.id).quote == "the safest big city in America"
    bob.close()


def test_a_newsroom_hit_not_here_is_pulled_then_filed_in_a_local_story(
    qtbot: QtBot,
    tmp_path: Path,
    newsroom: Newsroom,
    desk: tuple[Reporter, Reporter],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, source, bob_library = shared_by_alice(tmp_path, desk)
    alice.annotate_quote(source, "claim", "the safest big city in America")
    sync_once(alice)
    alice.close()
    mine = create_story(bob_library, "My safety notes").value  # private: never shared
    bob = window_on(qtbot, bob_library)
    bob.team.every.stop()
    bob.team.stopped = True
    monkeypatch.setattr(
        main_window, "ask_story_to_file_in", lambda parent, title, stories: "My safety notes"
    )
    panel = bob.search
    panel.scope.setCurrentIndex(1)
    panel.query.setText("safest cities")
    panel.search()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=20000)
    assert source not in bob.library.article_ids()
    bob.team.stopped = False
    panel.results.setCurrentIndex(panel.model.index(0))
    panel.file_hit.trigger()  # the context menu's "File its source in a story…"
    qtbot.waitUntil(lambda: source in bob.library.article_ids(story_id=mine.id), timeout=20000)
    assert sync.status(bob.library).shares == [{"story": "Crime figures", "desk": "Metro"}]
    bob.close()


def test_a_colleagues_annotation_arrives_without_waiting_for_the_timed_round(
    qtbot: QtBot, tmp_path: Path, newsroom: Newsroom, desk: tuple[Reporter, Reporter]
) -> None:
    alice_lib, source, bob_lib = shared_by_alice(tmp_path, desk)
    alice = window_on(qtbot, alice_lib)
    bob = window_on(qtbot, bob_lib)
    bob.team.every.setInterval(3_600_000)  # only the server's word can start bob's round
    qtbot.waitUntil(lambda: source in bob.library.article_ids(), timeout=20000)
    claim = alice.operations.run(
        lambda library: library.annotate_quote(source, "claim", "the safest big city in America")
    )
    assert claim is not None
    qtbot.waitUntil(
        lambda: claim.value.id in {a.id for a in bob.library.annotations(source)}, timeout=20000
    )
    alice.close()
    bob.close()


def test_a_change_made_while_a_round_runs_is_pushed_by_the_next_round(
    qtbot: QtBot,
    tmp_path: Path,
    newsroom: Newsroom,
    desk: tuple[Reporter, Reporter],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = open_library(tmp_path / "alice")
    team.join(library, desk[0].dsn, desk[0].name, desk[0].password)
    source = article(library, "Mayor")
    create_story(library, "Crime figures")
    add_to_story(library, "Crime figures", [source])
    team.share(library, "Crime figures", "Metro")
    rounds: list[int] = []
    one_round = team_ui.sync_round

    def round_then_a_change(
        worker_library: Library, progress: Progress, cancelled: Cancelled
    ) -> Outcome[team_ui.Round]:
        outcome = one_round(worker_library, progress, cancelled)
        if not rounds:  # the reporter tags a passage just after this round's push
            worker_library.annotate_quote(source, "claim", "the safest big city in America")
        rounds.append(outcome.value.report.pushed if outcome.value.report else -1)
        return outcome

    monkeypatch.setattr(team_ui, "sync_round", round_then_a_change)
    window = window_on(qtbot, library)
    window.team.every.setInterval(3_600_000)  # only the round after a change can push it
    qtbot.waitUntil(lambda: len(rounds) >= 2 and sync.status(library).waiting == 0, timeout=20000)
    assert rounds[1] > 0
    window.close()
