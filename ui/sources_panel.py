"""The sources panel: a filter box, a sort choice and the lazily loaded list of articles."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.library import Library
from sourcemark.app.models import ArticleSummary, Kind
from sourcemark.ui.capture_views import web_addresses
from sourcemark.ui.combo import ComboBox
from sourcemark.ui.highlights import KIND_COLOURS
from sourcemark.ui.models.sources import ORDERS, SourcesModel, SummaryRole

FILTER_DELAY_MS = 150
Index = QModelIndex | QPersistentModelIndex
ROW_PADDING = 4


class SourceDelegate(QStyledItemDelegate):
    """Draws a source as its title (and its counts per kind, at the right) over its outlet
    and date, the date always whole."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        line = option.fontMetrics.height()
        return QSize(200, 2 * line + 3 * ROW_PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        summary: ArticleSummary | None = index.data(SummaryRole)
        if summary is None:
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText() if selected else palette.text()
        rect = option.rect.adjusted(ROW_PADDING * 2, ROW_PADDING, -ROW_PADDING * 2, -ROW_PADDING)
        line = option.fontMetrics.height()
        painter.save()
        painter.setFont(option.font)
        badges_width = self._paint_counts(painter, option, summary, rect, rect.top())
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour.color())
        title = summary.title or "Untitled source"
        title_width = rect.width() - badges_width - ROW_PADDING
        painter.drawText(
            QRect(rect.left(), rect.top(), title_width, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight, title_width),
        )
        painter.setFont(option.font)
        if not selected:
            painter.setPen(palette.placeholderText().color())
        painter.drawText(
            QRect(rect.left(), rect.top() + line + ROW_PADDING, rect.width(), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            details_line(summary.outlet, summary.published, rect.width(), option.fontMetrics),
        )
        painter.restore()

    @staticmethod
    def _paint_counts(
        painter: QPainter,
        option: QStyleOptionViewItem,
        summary: ArticleSummary,
        rect: QRect,
        top: int,
    ) -> int:
        """Right-aligned badges such as "C 5" in each kind's colour; returns their width."""
        metrics = option.fontMetrics
        right = rect.right()
        for kind, count in reversed(
            (
                (Kind.CLAIM, summary.claims),
                (Kind.QUOTE, summary.quotes),
                (Kind.REBUTTAL, summary.rebuttals),
            )
        ):
            label = f"{kind.value[0].upper()} {count}"
            width = metrics.horizontalAdvance(label) + 2 * ROW_PADDING
            badge = QRect(right - width, top, width, metrics.height())
            colour = QColor(KIND_COLOURS[kind])
            colour.setAlpha(90 if count else 30)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(badge, 4, 4)
            painter.setPen(option.palette.text().color())
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
            right -= width + ROW_PADDING
        return rect.right() - right


def details_line(outlet: str, published: str, width: int, metrics: QFontMetrics) -> str:
    """'Outlet · date' fitted to `width`: the outlet is cut short, the date never is."""
    if not published:
        return metrics.elidedText(outlet, Qt.TextElideMode.ElideRight, width)
    if not outlet:
        return published
    date = f" · {published}"
    room = width - metrics.horizontalAdvance(date)
    shown = metrics.elidedText(outlet, Qt.TextElideMode.ElideRight, room) if room > 0 else ""
    return shown + date if shown else published


class SourcesList(QListView):
    """End goes to the last source, not to the last of the pages fetched so far; pasting web
    addresses (Ctrl+V) asks to import them."""

    urlsPasted = Signal(list)
    """Web addresses were pasted into the list (a list of str)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Paste):
            urls = web_addresses(QGuiApplication.clipboard().text())
            if urls:
                self.urlsPasted.emit(urls)
                return
        if event.key() != Qt.Key.Key_End:
            super().keyPressEvent(event)
            return
        model = self.model()
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        last = model.index(model.rowCount() - 1, 0)
        self.setCurrentIndex(last)
        self.scrollTo(last)


class SourcesPanel(QWidget):
    """The filter, the sort order and the list of sources."""

    articleActivated = Signal(str)
    """The user chose a source (its id); not sent when the desk selects one itself."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SourcesModel(library, self)
        self.filter = QLineEdit(placeholderText="Filter by title, outlet or author")
        self.filter.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.reload)
        self.filter.textChanged.connect(self._filter_timer.start)
        self.order = ComboBox()
        self.order.setToolTip("Sort sources by")
        for label, order in ORDERS.items():
            self.order.addItem(label, order)
        self.order.currentIndexChanged.connect(self.reload)
        self.list = SourcesList()
        self.list.setObjectName("sourcesList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(SourceDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setDragEnabled(True)  # onto a story, to file the source in it
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.list.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        controls = QHBoxLayout()
        controls.addWidget(self.filter, 1)
        controls.addWidget(self.order)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.list)
        self._quiet = False

    def reload(self) -> None:
        """Read the list again with the current filter and order, keeping the selection."""
        self._filter_timer.stop()
        selected = self.selected_id()
        self.model.contains = self.filter.text()
        self.model.order = self.order.currentData()
        self.model.reload()
        self.select(selected)

    def select(self, article_id: str | None) -> None:
        """Select an article's row without announcing it."""
        self._quiet = True
        try:
            row = self.model.row_of(article_id) if article_id else None
            if row is None:
                self.list.clearSelection()
                return
            index = self.model.index(row, 0)
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)
        finally:
            self._quiet = False

    def selected_id(self) -> str | None:
        selected = self.list.selectionModel().selectedIndexes()
        return self.model.article_id(selected[0].row()) if selected else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        article_id = self.selected_id()
        if article_id is not None and not self._quiet:
            self.articleActivated.emit(article_id)
