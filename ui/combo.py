"""A combo box whose open list draws its current item like any other list.

With a style sheet on QComboBox, Qt's default popup delegate draws the current item as a
small empty combo box (the style sheet's white box, its text in the selection's white):
seen as a blank entry where "Unverified" should be. The styled item delegate draws items
as list views do, with the style sheet's selection colours.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QWidget


class ComboBox(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(QStyledItemDelegate(self))
