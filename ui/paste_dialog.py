"""“Paste as new source”: text typed or pasted by the user, with its metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.dates import parse_published
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.importers import ExtractedSource, from_pasted_text

PASTED_FILENAME = "pasted.txt"
PASTED_NAME = "The pasted text"
"""How an import report names the pasted text."""


@dataclass(frozen=True, slots=True)
class PastedSource:
    source: ExtractedSource
    """The text as a source, with the metadata typed."""
    given: dict[str, str] = field(default_factory=dict)
    """The metadata the user typed (not what was taken from the text)."""


class PasteSourceDialog(QDialog):
    """A text box (filled from the clipboard) and the source's title, outlet, author, URL, date.

    OK builds the source; a problem (no text, a date that does not exist) is shown in the
    dialog, which stays open.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paste as new source")
        self.source: ExtractedSource | None = None
        self.given: dict[str, str] = {}

        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Paste or type the text of the source here.")
        self.text.setPlainText(QGuiApplication.clipboard().text())
        self.text.setTabChangesFocus(True)
        self.title = QLineEdit()
        self.title.setPlaceholderText("Taken from the first line if left empty")
        self.outlet = QLineEdit()
        self.author = QLineEdit()
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://…")
        self.published = QLineEdit()
        self.published.setPlaceholderText("YYYY-MM-DD, YYYY-MM or YYYY")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()

        fields = QFormLayout()
        fields.addRow("&Title:", self.title)
        fields.addRow("&Outlet:", self.outlet)
        fields.addRow("&Author:", self.author)
        fields.addRow("&URL:", self.url)
        fields.addRow("&Date:", self.published)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add to library")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        text_label = QLabel("Te&xt:")
        text_label.setBuddy(self.text)
        layout.addWidget(text_label)
        layout.addWidget(self.text, stretch=1)
        layout.addLayout(fields)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 560)
        # With text from the clipboard, what is left to type is its title.
        (self.title if self.text.toPlainText().strip() else self.text).setFocus()

    def accept(self) -> None:
        try:
            self.source = self.build_source()
        except SourcemarkError as error:
            self.error.setText(_sentence(str(error)))
            self.error.show()
            return
        super().accept()

    def build_source(self) -> ExtractedSource:
        """The source the fields describe; raises `SourcemarkError` if they cannot make one."""
        text = self.text.toPlainText()
        if not text.strip():
            raise SourcemarkError("paste or type the text of the source first")
        typed = {
            "title": self.title.text().strip(),
            "outlet": self.outlet.text().strip(),
            "author": self.author.text().strip(),
            "url": self.url.text().strip(),
            "published": parse_published(self.published.text()),
        }
        self.given = {key: value for key, value in typed.items() if value}
        return from_pasted_text(text, PASTED_FILENAME).with_metadata(**self.given)

    @classmethod
    def ask(cls, parent: QWidget | None) -> PastedSource | None:
        """Show the dialog; the source to import, or None if the user cancelled."""
        dialog = cls(parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return PastedSource(dialog.source, dialog.given) if accepted and dialog.source else None


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
