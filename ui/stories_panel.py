"""The stories list above the sources: choosing a story filters the desk to it; sources
dragged onto a story are filed in it."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.library import Library
from sourcemark.app.stories import story_summaries
from sourcemark.ui.models.stories import StoriesModel


class StoriesPanel(QWidget):
    """Signals: `storyChosen(story id, "" for every source)` when the user picks a row;
    `newStoryRequested()`. Its model's `sourcesDropped` tells of sources dropped on a story."""

    storyChosen = Signal(str)
    newStoryRequested = Signal()

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.model = StoriesModel(self)
        self.list = QListView()
        self.list.setObjectName("storiesList")
        self.list.setAccessibleName("Stories")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAcceptDrops(True)
        self.list.setDropIndicatorShown(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.list.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        heading = QLabel("Stories")
        heading.setObjectName("panelHeading")
        self.new_story = QPushButton("New story…")
        self.new_story.setToolTip("Start a story (Ctrl+Shift+N); drag sources onto it")
        self.new_story.clicked.connect(self.newStoryRequested)
        self.empty_hint = QLabel(
            "A story gathers the sources of one piece. Start one with New story… "
            "(Ctrl+Shift+N), then drag sources onto it."
        )
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignTop)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.new_story)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list)
        layout.addWidget(self.empty_hint)
        self._quiet = False
        self.reload()

    def reload(self) -> None:
        """Read the stories again, keeping the one chosen (quietly) if it is still there."""
        chosen = self.chosen()
        self._quiet = True
        try:
            stories = story_summaries(self._library)
            self.model.set_stories(stories)
            self.select(chosen if self.model.row_of(chosen) is not None else "")
            self.empty_hint.setVisible(not stories)
        finally:
            self._quiet = False

    def chosen(self) -> str:
        rows = self.list.selectionModel().selectedIndexes()
        return self.model.story_id(rows[0].row()) if rows else ""

    def select(self, story_id: str) -> None:
        """Choose a story's row (or "All sources") without announcing it."""
        quiet, self._quiet = self._quiet, True
        try:
            row = self.model.row_of(story_id)
            self.list.setCurrentIndex(self.model.index(row if row is not None else 0, 0))
        finally:
            self._quiet = quiet

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._quiet:
            self.storyChosen.emit(self.chosen())
