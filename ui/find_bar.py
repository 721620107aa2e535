"""Find in source: a bar under the reader that finds a word or phrase in the open source,
with the number of matches, next and previous (distinct from the library search, Ctrl+F)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextEdit,
    QToolButton,
    QWidget,
)

from sourcemark.app.finding import MAX_MATCHES, find_all, nearest
from sourcemark.ui.offsets import OffsetMap

MATCH_TINT = QColor("#ffe27a")
"""Every match: the matched-word colour of the search panel's snippets."""
MATCHES_HIGHLIGHTED = 2_000
"""More matches than this are counted and visited, but only this many are tinted at once."""


class FindBar(QWidget):
    """Finds in the reader's text. Enter or F3: next match; Shift+Enter or Shift+F3: previous;
    Escape: close. Each match visited is selected in the reader."""

    closed = Signal()
    """The bar was closed (Escape or its close button)."""

    def __init__(self, text: QTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self._text = text
        self._source = ""
        self._offsets = OffsetMap("")
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self.field = QLineEdit(placeholderText="Find in this source")
        self.field.setAccessibleName("Find in source")
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)
        self.count = QLabel()
        self.count.setObjectName("findCount")
        self.previous = self._button("↑", "Previous match (Shift+Enter, Shift+F3)")
        self.next = self._button("↓", "Next match (Enter, F3)")
        close = self._button("✕", "Close (Escape)")
        self.previous.clicked.connect(self.find_previous)
        self.next.clicked.connect(self.find_next)
        close.clicked.connect(self.close_bar)
        self.field.textChanged.connect(self._search)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        for button in (self.previous, self.next, close):
            layout.addWidget(button)
        self.hide()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        return button

    def set_source(self, text: str, offsets: OffsetMap) -> None:
        """A new source is open: find in it what the bar holds."""
        self._source, self._offsets = text, offsets
        if self.isVisible():
            self._search()

    def open_bar(self, needle: str = "") -> None:
        """Show the bar with its text selected (or `needle`, e.g. the reader's selection)."""
        self.show()
        if needle:
            self.field.setText(needle)
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    @Slot()
    def close_bar(self) -> None:
        self.hide()
        self._text.setExtraSelections([])
        self._text.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    @Slot()
    def find_next(self) -> None:
        self._step(1)

    @Slot()
    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        if not self.isVisible():
            self.open_bar()
            return
        if self.matches:
            self._go_to((self.current + direction) % len(self.matches))

    def _search(self) -> None:
        self.matches = find_all(self._source, self.field.text())
        here = self._offsets.from_qt(self._text.textCursor().selectionStart())
        self.current = -1
        if self.matches:
            self._go_to(nearest(self.matches, here))
        else:
            self._text.setExtraSelections([])
            self._show_count()

    def _go_to(self, index: int) -> None:
        self.current = index
        start, end = self.matches[index]
        cursor = QTextCursor(self._text.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self._text.setTextCursor(cursor)
        self._text.ensureCursorVisible()
        self._tint_around(index)
        self._show_count()

    def _tint_around(self, index: int) -> None:
        """Tint the matches near the current one (all of them, up to a limit)."""
        low = max(0, index - MATCHES_HIGHLIGHTED // 2)
        tint = QTextCharFormat()
        tint.setBackground(MATCH_TINT)
        selections = []
        for start, end in self.matches[low : low + MATCHES_HIGHLIGHTED]:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(self._text.document())
            selection.cursor.setPosition(self._offsets.to_qt(start))
            selection.cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            selection.format = tint
            selections.append(selection)
        self._text.setExtraSelections(selections)

    def _show_count(self) -> None:
        if not self.field.text().strip():
            self.count.setText("")
        elif not self.matches:
            self.count.setText("No matches")
        else:
            total = f"{len(self.matches):,}" + ("+" if len(self.matches) >= MAX_MATCHES else "")
            self.count.setText(f"{self.current + 1:,} of {total}")
        for button in (self.previous, self.next):
            button.setEnabled(len(self.matches) > 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                self.find_previous() if shift else self.find_next()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)
