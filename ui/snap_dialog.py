"""Asking which passage to tag when the selection starts or ends inside a word."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from sourcemark.app.models import Kind
from sourcemark.ui.models.annotations import preview


class SnapChoice(Enum):
    WHOLE_WORDS = "whole words"
    AS_SELECTED = "as selected"


class SnapQuestion:
    """Shows the whole-word passage (already selected in the reader) before it is saved."""

    @classmethod
    def ask(cls, parent: QWidget, kind: Kind, whole: str, selected: str) -> SnapChoice | None:
        """Tag the whole words, the selection as it is, or nothing (None); a seam for tests."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Tag as {kind.value}",
            f"Your selection starts or ends inside a word. Tag the whole words?\n\n"
            f"“{preview(whole, 400)}”",
            QMessageBox.StandardButton.Cancel,
            parent,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(f"As selected: “{preview(selected, 400)}”")
        whole_words = box.addButton("Tag whole words", QMessageBox.ButtonRole.AcceptRole)
        as_selected = box.addButton("Tag as selected", QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(whole_words)
        box.exec()
        clicked = box.clickedButton()
        if clicked is whole_words:
            return SnapChoice.WHOLE_WORDS
        return SnapChoice.AS_SELECTED if clicked is as_selected else None
