"""The desk's status bar: the library's counts, what runs in the background, and messages."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from sourcemark.app.wording import count

MESSAGE_MS = 6000
_COUNTED = (("articles", "source"), ("annotations", "annotation"), ("links", "link"))


class DeskStatusBar(QStatusBar):
    """Counts on the right; beside them, the background work in progress with its bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = QLabel()
        self.activity = QLabel()
        self.activity_bar = QProgressBar()
        self.activity_bar.setMaximumWidth(160)
        self.activity_bar.setTextVisible(False)
        for widget in (self.activity, self.activity_bar, self.counts):
            self.addPermanentWidget(widget)
        self.end_activity()

    def show_counts(self, counts: dict[str, int]) -> None:
        self.counts.setText(" · ".join(count(counts[key], noun) for key, noun in _COUNTED))

    @Slot(str, int, int)
    def show_activity(self, label: str, done: int, total: int) -> None:
        """What runs in the background, with its progress (busy when `total` is 0)."""
        self.activity.setText(label if total == 0 else f"{label} {done:,}/{total:,}")
        self.activity_bar.setRange(0, total)
        self.activity_bar.setValue(done)
        self.activity.show()
        self.activity_bar.show()

    @Slot()
    def end_activity(self) -> None:
        self.activity.hide()
        self.activity_bar.hide()

    @Slot(str)
    def say(self, message: str) -> None:
        self.showMessage(message, MESSAGE_MS)
