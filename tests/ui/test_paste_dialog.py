"""“Paste as new source”: the dialog's fields become an article with that metadata."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.ui.paste_dialog import PasteSourceDialog

TEXT = (
    "Mayor promises 10,000 new homes\n\n"
    "The mayor said on Monday that the city would build 10,000 homes."
)


def fill(dialog: PasteSourceDialog, qtbot: QtBot, **fields: str) -> None:
    dialog.text.setPlainText(fields.pop("text", TEXT))
    for name, value in fields.items():
        widget = getattr(dialog, name)
        widget.clear()
        qtbot.keyClicks(widget, value)


def test_fields_become_an_article_with_that_metadata(qtbot: QtBot, bare_library: Library) -> None:
    dialog = PasteSourceDialog()
    qtbot.addWidget(dialog)
    fill(
        dialog,
        qtbot,
        title="Homes pledge",
        outlet="City Desk",
        author="A. Reporter",
        url="https://example.org/homes",
        published="2024-03-05",
    )
    dialog.accept()

    assert dialog.result() == PasteSourceDialog.DialogCode.Accepted
    assert dialog.source is not None
    article = bare_library.import_source(dialog.source).value.article
    stored = bare_library.article(article.id)
    assert (stored.title, stored.outlet, stored.author, stored.url, stored.published) == (
        "Homes pledge",
        "City Desk",
        "A. Reporter",
        "https://example.org/homes",
        "2024-03-05",
    )
    assert stored.text.startswith("Mayor promises 10,000 new homes")
    assert stored.source_format == "text"


def test_empty_title_is_taken_from_the_first_line(qtbot: QtBot) -> None:
    dialog = PasteSourceDialog()
    qtbot.addWidget(dialog)
    fill(dialog, qtbot, published="2024")
    dialog.accept()
    assert dialog.source is not None
    assert dialog.source.title == "Mayor promises 10,000 new homes"
    assert dialog.source.published == "2024"


def test_impossible_date_is_explained_and_the_dialog_stays_open(qtbot: QtBot) -> None:
    dialog = PasteSourceDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog, qtbot, published="2024-02-30")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.source is None
    assert dialog.error.isVisible()
    assert "2024-02-30" in dialog.error.text() and "does not exist" in dialog.error.text()


def test_empty_text_is_refused(qtbot: QtBot) -> None:
    dialog = PasteSourceDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog, qtbot, text="  \n ")
    dialog.accept()
    assert dialog.isVisible() and dialog.source is None
    assert "text of the source" in dialog.error.text()


def test_text_box_starts_with_the_clipboard(qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText("Copied from a press release.")
    dialog = PasteSourceDialog()
    qtbot.addWidget(dialog)
    assert dialog.text.toPlainText() == "Copied from a press release."


def test_ask_returns_the_source_or_none_when_cancelled(qtbot: QtBot) -> None:
    def answer(accept: bool) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PasteSourceDialog)
        dialog.text.setPlainText(TEXT)
        dialog.outlet.setText("Wire")
        dialog.accept() if accept else dialog.reject()

    QTimer.singleShot(0, lambda: answer(True))
    pasted = PasteSourceDialog.ask(None)
    assert pasted is not None and pasted.source.outlet == "Wire"
    assert pasted.given == {"outlet": "Wire"}  # the title came from the text, not the user

    QTimer.singleShot(0, lambda: answer(False))
    assert PasteSourceDialog.ask(None) is None


def test_tab_leaves_the_text_box_for_the_fields(qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText("")
    dialog = PasteSourceDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.text.hasFocus)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Tab)
    assert dialog.title.hasFocus()
    assert dialog.text.toPlainText() == ""
