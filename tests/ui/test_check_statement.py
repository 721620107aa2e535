"""Check a statement (Ctrl+K): matching claims with their verdicts, "nothing similar" as an
answer, and a match opening its passage in the reader."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sourcemark.app.library import Library
from sourcemark.app.models import Kind, Verdict
from sourcemark.ui.check_statement import CheckStatementWindow
from tests.ui.conftest import MakeWindow, add_article

CRIME = (
    "Crime report\n\n"
    "The chief said violent crime in Denver fell 12 percent last year. "
    "Council members questioned the figures."
)


def _claim(library: Library) -> tuple[str, str]:
    article = add_article(library, CRIME)
    claim = library.annotate_quote(
        article.id,
        Kind.CLAIM,
        "violent crime in Denver fell 12 percent last year",
        speaker="Chief Ray",
        verdict=Verdict.MOSTLY_TRUE,
    ).value
    add_article(library, "The weather in Denver was mild this weekend.", title="Weather")
    return article.id, claim.id


def test_a_statement_finds_the_claim_with_its_verdict(qtbot: QtBot, library: Library) -> None:
    article_id, claim_id = _claim(library)
    window = CheckStatementWindow(library)
    qtbot.addWidget(window)
    window.start()
    qtbot.keyClicks(window.statement, "Denver saw a twelve percent drop in violent crime")
    qtbot.keyClick(window.statement, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == 1
    hit = window.model.hit(0)
    assert (hit.annotation_id, hit.verdict, hit.speaker) == (
        claim_id,
        Verdict.MOSTLY_TRUE,
        "Chief Ray",
    )
    assert window.answer.text().startswith("1 similar claim (")
    with qtbot.waitSignal(window.openRequested) as opened:
        qtbot.keyClick(window.matches, Qt.Key.Key_Return)
    assert opened.args[0] == article_id


def test_nothing_similar_is_an_answer(qtbot: QtBot, library: Library) -> None:
    _claim(library)
    window = CheckStatementWindow(library)
    qtbot.addWidget(window)
    window.start("The new stadium was built without public money")
    assert window.model.rowCount() == 0
    assert window.answer.text().startswith("Nothing similar in the library")
    window.start("   ")
    window.statement.clear()
    qtbot.mouseClick(window.check, Qt.MouseButton.LeftButton)
    assert window.answer.text() == "Paste or type a statement to check."


def test_ctrl_k_checks_the_reader_selection(
    library: Library, make_window: MakeWindow, qtbot: QtBot
) -> None:
    article_id, claim_id = _claim(library)
    other = add_article(library, "Officials repeated that violent crime in Denver fell 12 percent.")
    window = make_window(library)
    window.open_article(other.id)
    window.reader.select_span(0, len(other.text))
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    checker = window.checker
    assert checker is not None and checker.isVisible()
    assert checker.model.rowCount() >= 1 and checker.model.hit(0).annotation_id == claim_id
    with qtbot.waitSignal(checker.openRequested):
        qtbot.keyClick(checker.matches, Qt.Key.Key_Return)
    assert window.article_id == article_id
