"""A story at a glance, shown in place of the reader when the story itself is chosen: its
name, status and description, its sources with their dates, and its charts (each with its
numbers as a table)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.overview import StoryOverview
from sourcemark.app.wording import count
from sourcemark.ui.charts import ChartView, NumbersTable

SOURCE_COLUMNS = ("Date", "Title", "Outlet", "Claims", "Quotes", "Rebuttals")
ArticleIdRole = Qt.ItemDataRole.UserRole + 1


class StoryOverviewPanel(QScrollArea):
    """Signals: `sourceActivated(article id)` when a source of the list is opened."""

    sourceActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyOverview")
        self.setWidgetResizable(True)
        self.overview: StoryOverview | None = None
        self.tables: list[NumbersTable] = []
        self.charts: list[ChartView] = []
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(24, 18, 24, 24)
        self.setWidget(self._body)
        self.name = _label("storyName")
        self.meta = _label("storyMeta")
        self.description = _label("storyDescription")
        self.sources = QTableWidget(0, len(SOURCE_COLUMNS))
        self.sources.setAccessibleName("The story's sources")
        self.sources.setHorizontalHeaderLabels(SOURCE_COLUMNS)
        self.sources.verticalHeader().hide()
        self.sources.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sources.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sources.activated.connect(self._open_source)
        self.sources.doubleClicked.connect(self._open_source)

    def show_overview(self, overview: StoryOverview) -> None:
        """Show a story (again, after a change)."""
        self.overview = overview
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget not in (
                self.name,
                self.meta,
                self.description,
                self.sources,
            ):
                widget.deleteLater()
        story = overview.summary.story
        self.name.setText(story.name)
        s = overview.summary
        self.meta.setText(
            f"{story.status.value.capitalize()} · {count(s.sources, 'source')} · "
            f"{count(s.claims, 'claim')}, {count(s.quotes, 'quote')}, "
            f"{count(s.rebuttals, 'rebuttal')}"
        )
        self.description.setText(story.description)
        self.description.setVisible(bool(story.description))
        for widget in (self.name, self.meta, self.description):
            self._layout.addWidget(widget)
        self._fill_sources(overview)
        self._layout.addWidget(_heading("Sources"))
        self._layout.addWidget(self.sources)
        self.tables, self.charts = [], []
        for chart in overview.charts:
            view, table = ChartView(chart), NumbersTable(chart)
            copy = QPushButton("Copy numbers")
            copy.setToolTip("Copy the chart's numbers as a table (for a spreadsheet)")
            copy.clicked.connect(table.copy)
            title = QHBoxLayout()
            title.addWidget(_heading(chart.title), 1)
            title.addWidget(copy)
            holder = QWidget()
            holder.setLayout(title)
            for widget in (holder, view, table):
                self._layout.addWidget(widget)
            self.charts.append(view)
            self.tables.append(table)
        self._layout.addStretch(1)

    def _fill_sources(self, overview: StoryOverview) -> None:
        self.sources.setRowCount(len(overview.sources))
        for row, s in enumerate(overview.sources):
            cells = (s.published or "undated", s.title or "Untitled source", s.outlet)
            for column, value in enumerate((*cells, s.claims, s.quotes, s.rebuttals)):
                item = QTableWidgetItem(str(value))
                item.setData(ArticleIdRole, s.id)
                self.sources.setItem(row, column, item)
        self.sources.resizeColumnsToContents()
        self.sources.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        height = self.sources.horizontalHeader().height()
        height += sum(self.sources.rowHeight(r) for r in range(len(overview.sources)))
        self.sources.setFixedHeight(min(height + 4, 320))

    def _open_source(self, index: QModelIndex) -> None:
        article_id = index.data(ArticleIdRole)
        if isinstance(article_id, str):
            self.sourceActivated.emit(article_id)


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _heading(text: str) -> QLabel:
    label = _label("overviewHeading")
    label.setText(text)
    return label
