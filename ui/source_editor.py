"""The source header's editing form: title, outlet, author, URL, date, tags and stories.

Shown in place of the header's labels (Edit details, F2); Save sends the whole set as one
change, which the window runs as one undoable operation.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from sourcemark.app.sources import SourceDetails

STORY_SEPARATOR = ";"


class SourceEditor(QWidget):
    """Signals: `saved(SourceDetails)` with what the form holds; `cancelled()`."""

    saved = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourceEditor")
        self.title = QLineEdit()
        self.outlet = QLineEdit()
        self.author = QLineEdit()
        self.url = QLineEdit()
        self.published = QLineEdit(placeholderText="YYYY-MM-DD")
        self.tags = QLineEdit(placeholderText="one-word tags, separated by spaces")
        self.stories = QLineEdit(
            placeholderText=f"story names, separated by '{STORY_SEPARATOR}' (a new name starts one)"
        )
        self.story_names = QStringListModel(self)
        completer = QCompleter(self.story_names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.stories.setCompleter(completer)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.cancelled)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in (
            ("&Title", self.title),
            ("&Outlet", self.outlet),
            ("&Author", self.author),
            ("&URL", self.url),
            ("&Date", self.published),
            ("Ta&gs", self.tags),
            ("&Stories", self.stories),
        ):
            form.addRow(label, field)
            field.returnPressed.connect(self._save)
        form.addRow(buttons)

    def edit(self, details: SourceDetails, story_names: list[str]) -> None:
        """Fill the form with a source's details; the focus goes to the title."""
        self.story_names.setStringList(story_names)
        for field, value in (
            (self.title, details.title),
            (self.outlet, details.outlet),
            (self.author, details.author),
            (self.url, details.url),
            (self.published, details.published),
            (self.tags, " ".join(details.tags)),
            (self.stories, f"{STORY_SEPARATOR} ".join(details.stories)),
        ):
            field.setText(value)
        self.title.setFocus(Qt.FocusReason.OtherFocusReason)
        self.title.selectAll()

    def details(self) -> SourceDetails:
        return SourceDetails(
            self.title.text(),
            self.outlet.text(),
            self.author.text(),
            self.url.text(),
            self.published.text(),
            tuple(self.tags.text().replace(",", " ").split()),
            tuple(n.strip() for n in self.stories.text().split(STORY_SEPARATOR) if n.strip()),
        )

    def _save(self) -> None:
        self.saved.emit(self.details())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)
