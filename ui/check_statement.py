"""Check a statement (Ctrl+K): "have we checked this before?"

Paste a statement; the library's claims that state the same thing are listed with their
verdicts, speakers, sources and similarity, claims first (app/search/claims.py ranks them).
A check takes milliseconds, so it runs on the GUI thread. Enter in the box checks the statement;
Enter on a match opens its passage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.errors import SourcemarkError
from sourcemark.app.wording import count
from sourcemark.ui.models.search_results import SearchResultsModel, match_label
from sourcemark.ui.search_panel import HitDelegate

if TYPE_CHECKING:
    from sourcemark.app.library import Library
    from sourcemark.app.search.results import Hit

MATCH_LIMIT = 20


class CheckStatementWindow(QDialog):
    """A tool window beside the desk; `openRequested(article_id, start, end)` asks to show a
    matching passage."""

    openRequested = Signal(str, int, int)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.setWindowTitle("Check a statement")
        self.statement = QPlainTextEdit()
        self.statement.setAccessibleName("Statement to check")
        self.statement.setPlaceholderText(
            "Paste a statement, e.g. “Crime in Denver fell 12% last year”, then Enter"
        )
        self.statement.setTabChangesFocus(True)
        self.statement.setFixedHeight(90)
        self.check = QPushButton("Check")
        self.check.setDefault(True)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.model = SearchResultsModel(self)
        self.matches = QListView()
        self.matches.setAccessibleName("Matching claims")
        self.matches.setModel(self.model)
        self.matches.setItemDelegate(HitDelegate(self.matches, label=match_label))
        self.matches.setResizeMode(QListView.ResizeMode.Adjust)
        self.matches.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.matches.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.matches.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matches.setAlternatingRowColors(True)

        row = QHBoxLayout()
        row.addWidget(self.answer, stretch=1)
        row.addWidget(self.check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.statement)
        layout.addLayout(row)
        layout.addWidget(self.matches, stretch=1)
        self.resize(520, 560)

        self.check.clicked.connect(self.run_check)
        self.statement.installEventFilter(self)
        self.matches.activated.connect(self._open)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Enter in the statement box checks it; Shift+Enter starts a new line."""
        if (
            watched is self.statement
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.run_check()
            return True
        return super().eventFilter(watched, event)

    def start(self, statement: str = "") -> None:
        """Show the window with the statement box ready (holding `statement`, if given)."""
        if statement.strip():
            self.statement.setPlainText(statement.strip())
        self.show()
        self.activateWindow()
        self.statement.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.statement.selectAll()
        if statement.strip():
            self.run_check()

    @Slot()
    def run_check(self) -> None:
        text = self.statement.toPlainText().strip()
        if not text:
            self._answer("Paste or type a statement to check.", [])
            return
        try:
            results = self._library.similar_to_text(text, limit=MATCH_LIMIT)
        except SourcemarkError as error:
            self._answer(str(error)[:1].upper() + str(error)[1:], [])
            return
        if not results.hits:
            self._answer(f"Nothing similar in the library ({results.elapsed_ms:.0f} ms).", [])
            return
        claims = sum(1 for hit in results.hits if hit.kind == "claim")
        found = count(claims, "similar claim") if claims else "No claim"
        others = len(results.hits) - claims
        if others:
            found += f", {count(others, 'other passage')}"
        self._answer(f"{found} ({results.elapsed_ms:.0f} ms)", results.hits)
        self.matches.setCurrentIndex(self.model.index(0))

    def _answer(self, text: str, hits: list[Hit]) -> None:
        self.answer.setText(text)
        self.model.set_hits(hits)

    @Slot(QModelIndex)
    def _open(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row())
        self.openRequested.emit(hit.article_id, hit.start, hit.end)
