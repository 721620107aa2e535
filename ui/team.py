"""The desk's newsroom: a Team menu, a sync indicator in the status bar, and background sync a
few seconds after a change and every 30 seconds.

Every round runs on a worker thread through `Operations.start` (its own library, its own
connection): the desk never waits on the network, and offline it simply says so.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from sourcemark.app.changes import Changes, Outcome
from sourcemark.app.library import Library
from sourcemark.app.newsroom import news, sync, team
from sourcemark.app.newsroom.connection import NewsroomUnreachable
from sourcemark.app.newsroom.sync import SyncReport, sync_once
from sourcemark.app.stories import story_summaries
from sourcemark.app.wording import count
from sourcemark.ui.operations import Operations
from sourcemark.ui.search_panel import SearchPanel
from sourcemark.ui.status import DeskStatusBar
from sourcemark.ui.tasks import Cancelled, Progress

SYNCING = "Syncing"
SEARCHING = "Searching the newsroom"
AFTER_CHANGE_MS = 3000
EVERY_MS = 30_000


class SyncState(StrEnum):
    SYNCED = "Synced"
    SYNCING = "Syncing…"
    OFFLINE = "Offline"
    CONFLICTS = "Conflicts"


@dataclass(frozen=True, slots=True)
class Round:
    """What a background round found: its report, or why the server could not be reached."""

    report: SyncReport | None
    offline: str | None
    unseen_conflicts: int


def sync_round(library: Library, progress: Progress, cancelled: Cancelled) -> Outcome[Round]:
    """One round for a worker thread; offline is an answer, not a failure."""
    try:
        outcome = sync_once(library)
    except NewsroomUnreachable as error:
        return Outcome(Round(None, str(error), sync.unseen_conflicts(library)))
    return outcome.with_value(Round(outcome.value, None, sync.unseen_conflicts(library)))


class JoinDialog(QDialog):
    """The server's address, the reporter's name and password."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Join the newsroom")
        self.dsn = QLineEdit()
        self.dsn.setPlaceholderText("postgresql://server/newsroom?sslmode=verify-full")
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow("&Server:", self.dsn)
        form.addRow("&Reporter:", self.name)
        form.addRow("&Password:", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[str, str, str | None] | None:
        """(DSN, reporter, password or None) or None when cancelled."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        password = dialog.password.text() or None
        return dialog.dsn.text().strip(), dialog.name.text().strip(), password


def ask_share(parent: QWidget | None, stories: list[str]) -> tuple[str, str] | None:
    """(story, desk) to share, or None."""
    story, ok = QInputDialog.getItem(parent, "Share a story", "Story:", stories, 0, False)
    if not ok or not story:
        return None
    desk, ok = QInputDialog.getText(parent, "Share a story", f"Share {story!r} with desk:")
    return (story, desk.strip()) if ok and desk.strip() else None


class NewsWatcher(QObject):
    """Listens for the server's word of a colleague's push on a thread of its own
    (app/newsroom/news.py); `arrived` is emitted there and delivered queued to the desk.

    The thread holds only a weak reference, so the watcher is deleted with its parent on the
    GUI thread, never by the listening thread dropping the last reference."""

    arrived = Signal()

    def __init__(self, current: team.Team, parent: QObject) -> None:
        super().__init__(parent)
        stop = self._stop = threading.Event()
        watcher = weakref.ref(self)

        def tell() -> None:
            alive = watcher()
            if alive is None or stop.is_set():
                return
            try:
                alive.arrived.emit()
            except RuntimeError:  # deleted by Qt between the check and the emit
                stop.set()

        threading.Thread(
            target=news.watch,
            args=(current, stop.is_set, tell),
            name="newsroom news",
            daemon=True,  # a wait for the server never holds the desk open
        ).start()

    def stop(self) -> None:
        self._stop.set()


class TeamSync(QObject):
    """The Team menu, the indicator and the background rounds of one desk window."""

    def __init__(
        self,
        window: QMainWindow,
        operations: Operations,
        status: DeskStatusBar,
        search: SearchPanel,
        open_passage: Callable[[str, int, int], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.operations = operations
        self.search = search
        self.open_passage = open_passage
        self.after_pull: Callable[[], None] | None = None
        """What to do with a newsroom hit once the sync brought its source (open or file it)."""
        self.indicator = QLabel()
        self.indicator.setObjectName("syncIndicator")
        status.addPermanentWidget(self.indicator)
        self.state: SyncState | None = None
        self.stopped = False
        self.watcher: NewsWatcher | None = None
        self.news_during_round = False
        self.menu = QMenu("&Team", window)
        """The Team menu; the window places it among its own."""
        self.join_action = QAction("&Join newsroom…", window)
        self.share_action = QAction("&Share story…", window)
        self.sync_action = QAction("Sync &now", window)
        self.sync_action.setShortcut("Ctrl+Shift+Y")
        self.status_action = QAction("Sync s&tatus…", window)
        self.leave_action = QAction("&Leave newsroom", window)
        self.menu.addActions([self.join_action, self.share_action, self.sync_action])
        self.menu.addActions([self.status_action, self.leave_action])
        self.join_action.triggered.connect(self.ask_join)
        self.share_action.triggered.connect(self.ask_share)
        self.sync_action.triggered.connect(self.sync_now)
        self.status_action.triggered.connect(self.show_status)
        self.leave_action.triggered.connect(self.leave)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(AFTER_CHANGE_MS)
        self.soon.timeout.connect(self.sync_now)
        self.every = QTimer(self)
        self.every.setInterval(EVERY_MS)
        self.every.timeout.connect(self.sync_now)
        operations.changed.connect(self._changed)
        search.teamSearchRequested.connect(self.search_team)
        search.pullRequested.connect(self.pull_and_open)
        self._refresh_menu()
        if team.joined(operations.library):
            self._start_rounds()
            QTimer.singleShot(0, self.sync_now)  # a first round as soon as the desk is up

    def stop(self) -> None:
        """The window closes: no more rounds (one running is waited for with the others)."""
        if self.stopped:
            return
        self.stopped = True
        self._stop_rounds()
        self.operations.changed.disconnect(self._changed)

    def _start_rounds(self) -> None:
        """Rounds every 30 s, and whenever the server says a colleague pushed."""
        self.every.start()
        self.watcher = NewsWatcher(team.team_of(self.library), self)
        self.watcher.arrived.connect(self._news)

    def _stop_rounds(self) -> None:
        self.soon.stop()
        self.every.stop()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher.deleteLater()
            self.watcher = None

    @property
    def library(self) -> Library:
        return self.operations.library

    def _refresh_menu(self) -> None:
        joined = team.joined(self.library)
        self.join_action.setEnabled(not joined)
        for action in (self.share_action, self.sync_action, self.status_action):
            action.setEnabled(joined)
        self.leave_action.setEnabled(joined)
        self.indicator.setVisible(joined)
        self.search.set_team_available(joined)

    def _show(self, state: SyncState, detail: str = "") -> None:
        self.state = state
        self.indicator.setText(f"{state.value}{f': {detail}' if detail else ''}")
        self.indicator.setToolTip(detail or state.value)

    @Slot(Changes)
    def _changed(self, changes: Changes) -> None:
        """A change in the library: sync it a few seconds later (not the sync's own)."""
        if team.joined(self.library) and not self.operations.is_running(SYNCING):
            self.soon.start()

    @Slot()
    def _news(self) -> None:
        """A colleague's push committed: pull it now, or after the round that is running."""
        if self.operations.is_running(SYNCING):
            self.news_during_round = True
        else:
            self.sync_now()

    @Slot()
    def sync_now(self) -> None:
        if self.stopped or not team.joined(self.library) or self.operations.is_running(SYNCING):
            return
        self._show(SyncState.SYNCING)
        self.operations.start(SYNCING, sync_round, self._round_done, quiet=True)

    def _round_done(self, result: Round) -> None:
        then, self.after_pull = self.after_pull, None
        if then is not None and result.offline is None:
            then()
        if result.offline is not None:
            self._show(SyncState.OFFLINE, result.offline)
        elif result.unseen_conflicts:
            self._show(SyncState.CONFLICTS, f"{result.unseen_conflicts}")
        else:
            self._show(SyncState.SYNCED)
        news, self.news_during_round = self.news_during_round, False
        if result.offline is None and (news or sync.waiting(self.library)):
            self.soon.start()  # changed here or pushed there while this round ran

    @Slot(str, object, object)
    def search_team(self, query: str, kind: str | None, verdict: str | None) -> None:
        """Search the newsroom off the GUI thread; the hits go to the search list."""

        def work(library: Library, progress: Progress, cancelled: Cancelled) -> Outcome[Any]:
            return team.answer_for_desk(library, query, kind, verdict)

        if not self.operations.is_running(SEARCHING):
            self.operations.start(SEARCHING, work, self._answered, quiet=True)

    def _answered(self, answer: team.TeamAnswer) -> None:
        if answer.problem is not None:
            self.search.show_team_problem(answer.problem)
            return
        summary = f"{count(len(answer.hits), 'hit')} on the newsroom's server"
        if answer.not_here:
            summary += f" ({count(len(answer.not_here), 'source')} not here yet: Enter pulls)"
        self.search.show_team_hits(answer.hits, answer.not_here, summary)

    @Slot(str, int, int)
    def pull_and_open(self, article_id: str, start: int, end: int) -> None:
        """A newsroom hit whose source is not on this laptop: sync, then open it."""
        self.pull_then(lambda: self.open_passage(article_id, start, end))

    def pull_then(self, then: Callable[[], None]) -> None:
        """Sync now (the source of a newsroom hit is not here yet), then do `then`."""
        self.after_pull = then
        self._show(SyncState.SYNCING, "pulling the story")
        if not self.operations.is_running(SYNCING):
            self.operations.start(SYNCING, sync_round, self._round_done, quiet=True)

    @Slot()
    def ask_join(self) -> None:
        answer = JoinDialog.ask(self.window)
        if answer is None:
            return
        dsn, reporter, password = answer
        done = self.operations.run(lambda library: team.join(library, dsn, reporter, password))
        if done is not None:
            self._refresh_menu()
            self._start_rounds()
            self.sync_now()

    @Slot()
    def ask_share(self) -> None:
        names = [summary.story.name for summary in story_summaries(self.library)]
        answer = ask_share(self.window, names)
        if answer is None:
            return
        story, desk = answer
        if self.operations.run(lambda library: team.share(library, story, desk)) is not None:
            self.sync_now()

    @Slot()
    def show_status(self) -> None:
        lines = sync.status(self.library).lines()
        text = "\n".join(f"{heading.capitalize()}: {said}" for heading, said in lines)
        QMessageBox.information(self.window, "Sync status", text)
        self.operations.run(sync.mark_conflicts_seen)
        if self.state is SyncState.CONFLICTS:
            self._show(SyncState.SYNCED)

    @Slot()
    def leave(self) -> None:
        if self.operations.run(team.leave) is not None:
            self._stop_rounds()
            self._refresh_menu()
