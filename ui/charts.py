"""A story's charts, drawn with QPainter.

Not QtCharts: it ships in PySide6-Addons (a download several times the size of the
PySide6-Essentials the desk needs), and three horizontal bar charts are a few dozen lines
here, laid out exactly as report.html's SVG ones (app/bundles/charts.py) so both read alike.
Every chart has its numbers beside it as a table (`NumbersTable`), for screen readers and
for copying.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from sourcemark.app.overview import Chart

LABEL_WIDTH = 170
VALUE_ROOM = 40
BAR_HEIGHT = 14
SERIES_GAP = 2
ROW_GAP = 8
LEGEND_HEIGHT = 22


class ChartView(QWidget):
    """Horizontal bars: a row per category, a bar per series, the value after each bar."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.setAccessibleName(chart.title)
        self.setAccessibleDescription("A bar chart; its numbers are in the table below it.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self._height())

    def _row_height(self) -> int:
        series = len(self.chart.series)
        return series * BAR_HEIGHT + (series - 1) * SERIES_GAP + ROW_GAP

    def _legend(self) -> int:
        return LEGEND_HEIGHT if len(self.chart.series) > 1 else 0

    def _height(self) -> int:
        return self._legend() + self._row_height() * len(self.chart.rows) + ROW_GAP

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(560, self._height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().text().color()
        metrics = painter.fontMetrics()
        chart = self.chart
        bar_room = max(self.width() - LABEL_WIDTH - VALUE_ROOM, 40)
        scale = bar_room / max(chart.largest, 1)
        if len(chart.series) > 1:
            x = float(LABEL_WIDTH)
            for series in chart.series:
                painter.fillRect(QRectF(x, 4, 12, 12), QColor(series.colour))
                painter.setPen(ink)
                painter.drawText(
                    QRectF(x + 16, 0, 200, 20), Qt.AlignmentFlag.AlignVCenter, series.name
                )
                x += 24 + metrics.horizontalAdvance(series.name)
        outline = QPen(QColor("#555555"))
        outline.setWidthF(0.5)
        for row, (label, values) in enumerate(chart.rows):
            top = self._legend() + ROW_GAP + row * self._row_height()
            painter.setPen(ink)
            painter.drawText(
                QRectF(0, top, LABEL_WIDTH - 8, self._row_height() - ROW_GAP),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 12),
            )
            for index, value in enumerate(values):
                colour = chart.bar_colours[row] if chart.bar_colours else chart.series[index].colour
                y = top + index * (BAR_HEIGHT + SERIES_GAP)
                bar = QRectF(LABEL_WIDTH, y, value * scale, BAR_HEIGHT)
                painter.setPen(outline)
                painter.setBrush(QColor(colour))
                painter.drawRect(bar)
                painter.setPen(ink)
                painter.drawText(
                    QRectF(bar.right() + 4, y, VALUE_ROOM, BAR_HEIGHT),
                    Qt.AlignmentFlag.AlignVCenter,
                    str(value),
                )
        painter.end()


class NumbersTable(QTableWidget):
    """A chart's numbers: read-only, selectable, and copied whole as tab-separated text."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        header, *rows = chart.table()
        super().__init__(len(rows), len(header), parent)
        self.chart = chart
        self.setAccessibleName(f"{chart.title}: the numbers")
        self.setHorizontalHeaderLabels(header)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                item = QTableWidgetItem(cell)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
        frame = 2 * self.frameWidth() + 2
        height = self.horizontalHeader().height() + sum(self.rowHeight(r) for r in range(len(rows)))
        width = sum(self.columnWidth(c) for c in range(len(header)))
        self.setFixedSize(width + frame, height + frame)  # a compact table, not a wide one

    def as_text(self) -> str:
        return "\n".join("\t".join(row) for row in self.chart.table())

    def copy(self) -> None:
        """Put the whole table on the clipboard (tab-separated, for a spreadsheet)."""
        QGuiApplication.clipboard().setText(self.as_text())
