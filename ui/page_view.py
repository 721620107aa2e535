"""The page beside the text: the open PDF source's original page, drawn as an image.

Toggled with Ctrl+P. It follows the reader: it shows the page of the passage under the cursor,
and marks the page (a frame and a line) when the selected annotation lies on it. Pages are drawn
by `app.page_images` in the worker pool on a background thread, never in this process; a page
that cannot be drawn shows why instead. It also puts the OCR notice in the reader's header.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtGui import QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.errors import ImportFailed, SourcemarkError
from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Article, PageRange, PageSpan, pages_of
from sourcemark.app.page_images import PageImages
from sourcemark.app.wording import ocr_notice
from sourcemark.ui.reader import Reader
from sourcemark.ui.tasks import BackgroundTask, Cancelled, Progress

FOLLOW_DELAY_MS = 120
"""The page follows the cursor once it has rested this long (not on every key press)."""
_MAX_IMAGE_BYTES = 64 * 1024 * 1024


class PagePanel(QWidget):
    """One page of the open source at a time, with its number and Previous / Next."""

    def __init__(self, library: Library, reader: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pagePanel")
        self.library = library
        self.reader = reader
        self.images = PageImages(library.path)
        self.article_id: str | None = None
        self.spans: list[PageSpan] = []
        self.page = 0
        self.marked: PageRange | None = None
        self.failures: dict[int, str] = {}
        self._task: BackgroundTask | None = None
        self._rendering_for: str | None = None
        self._retired: list[BackgroundTask] = []
        """Tasks of sources left behind: cancelled, let finish their page, never waited for."""
        self.previous = _button("‹", "Previous page")
        self.next = _button("›", "Next page")
        self.number = QSpinBox(prefix="Page ", minimum=1, maximum=1)
        self.count = QLabel()
        self.status = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image.setObjectName("pageImage")
        self.image.setTextFormat(Qt.TextFormat.PlainText)
        self.image.setWordWrap(True)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.viewer = QScrollArea(widgetResizable=True)
        self.viewer.setWidget(self.image)
        bar = QHBoxLayout()
        for widget in (self.previous, self.number, self.count, self.next):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.viewer, 1)
        self._follow = QTimer(self, singleShot=True, interval=FOLLOW_DELAY_MS)
        self._follow.timeout.connect(self.follow_cursor)
        self.previous.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next.clicked.connect(lambda: self.show_page(self.page + 1))
        self.number.valueChanged.connect(self.show_page)
        reader.articleShown.connect(self.show_article)
        reader.text.cursorPositionChanged.connect(self._follow.start)
        self.setMinimumWidth(260)
        self.hide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, 700)

    # --- what is shown ----------------------------------------------------------------------

    @Slot(object)
    def show_article(self, article: Article | None) -> None:
        """Follow the reader to another source (or to none)."""
        self.article_id = article.id if article is not None else None
        self.failures.clear()
        self.marked = None
        try:
            self.spans = self.library.page_map(article.id) if article is not None else []
        except SourcemarkError:
            self.spans = []
        ocr = [span.page for span in self.spans if span.ocr]
        self.reader.set_notice(ocr_notice(ocr) if ocr else "")
        self.number.blockSignals(True)
        self.number.setMaximum(max(1, len(self.spans)))
        self.number.blockSignals(False)
        self.count.setText(f"of {len(self.spans)}" if self.spans else "")
        for widget in (self.previous, self.next, self.number):
            widget.setEnabled(len(self.spans) > 1)
        self.page = 0
        self.show_page(1)
        self._render_if_shown()

    @Slot(int)
    def show_page(self, page: int) -> None:
        if not self.spans:
            self.page = 0
            self._show_text(
                "No pages to show: this source was not imported from a PDF."
                if self.article_id
                else "No source open."
            )
            self.status.setText("")
            return
        page = min(max(1, page), len(self.spans))
        self.page = page
        self.number.blockSignals(True)
        self.number.setValue(page)
        self.number.blockSignals(False)
        self._paint()

    def mark(self, annotation: Annotation | None) -> None:
        """Mark the pages of the selected annotation, and turn to its first one."""
        if annotation is None or annotation.article_id != self.article_id:
            self.marked = None
        else:
            self.marked = pages_of(self.spans, annotation.start, annotation.end)
        if self.marked is not None and not self.marked.first <= self.page <= self.marked.last:
            self.show_page(self.marked.first)
        else:
            self._paint()

    @Slot()
    def follow_cursor(self) -> None:
        """Turn to the page of the passage under the reader's cursor."""
        if not self.spans:
            return
        cursor = self.reader.text.textCursor()
        offset = self.reader.text.offsets.from_qt(cursor.selectionStart())
        found = pages_of(self.spans, offset, offset)
        if found is not None and found.first != self.page:
            self.show_page(found.first)

    def toggle(self) -> None:
        """Show or hide the panel (Ctrl+P)."""
        self.setVisible(not self.isVisible())
        if self.isVisible():
            self.follow_cursor()
            self._render_if_shown()

    def _paint(self) -> None:
        if not self.spans:
            return
        page = self.page
        marked = self.marked is not None and self.marked.first <= page <= self.marked.last
        self.image.setProperty("marked", marked)
        self.image.style().unpolish(self.image)
        self.image.style().polish(self.image)
        span = self.spans[page - 1]
        notes = []
        if marked:
            assert self.marked is not None
            notes.append(f"The selected annotation is on this page ({self.marked.label}).")
        if span.ocr:
            notes.append("The text of this page was read by OCR.")
        self.status.setText(" ".join(notes))
        self.status.setVisible(bool(notes))
        if page in self.failures:
            self._show_text(f"Page {page} cannot be shown: {self.failures[page]}.")
            return
        path = self.images.cached(self.article_id, page) if self.article_id else None
        pixmap = _load(path) if path is not None else None
        if pixmap is None:
            self._show_text(f"Drawing page {page}…")
            return
        width = max(100, self.viewer.viewport().width() - 8)
        self.image.setPixmap(
            pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        )

    def _show_text(self, text: str) -> None:
        self.image.clear()
        self.image.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._paint()

    # --- drawing pages in the background ----------------------------------------------------

    def _render_if_shown(self) -> None:
        article_id = self.article_id
        if not self.isVisible() or not self.spans or article_id is None:
            return
        if self._rendering_for == article_id:
            return
        pages = [
            span.page for span in self.spans if self.images.cached(article_id, span.page) is None
        ]
        if not pages:
            return
        try:
            _, original = self.library.original(article_id)
        except SourcemarkError as error:
            self.failures = dict.fromkeys(pages, str(error))
            self._paint()
            return
        first = self.page or 1
        pages.sort(key=lambda page: (page < first, abs(page - first)))
        images = self.images

        def draw(progress: Progress, cancelled: Cancelled) -> dict[int, str]:
            failed: dict[int, str] = {}
            for done, (page, drawn) in enumerate(images.render(article_id, original, pages), 1):
                if isinstance(drawn, ImportFailed):
                    failed[page] = str(drawn)
                progress(done, len(pages))
                if cancelled():
                    break
            return failed

        self._retire()
        task = BackgroundTask(draw, self)
        task.progressed.connect(self._drawn)
        task.succeeded.connect(self._finished)
        task.failed.connect(lambda message: self._finished({page: message for page in pages}))
        self._task, self._rendering_for = task, article_id
        task.start()

    @Slot(int, int)
    def _drawn(self, done: int, total: int) -> None:
        if self.image.pixmap().isNull():
            self._paint()

    @Slot(object)
    def _finished(self, failed: dict[int, str]) -> None:
        self._rendering_for = None
        if self._task is not None:
            self._task.deleteLater()
            self._task = None
        self.failures.update(failed)
        self._paint()

    def _retire(self) -> None:
        """Cancel the drawing under way without waiting for it (it ends within its limits)."""
        if self._task is not None:
            self._task.blockSignals(True)
            self._task.cancel()
            self._retired.append(self._task)
            self._task, self._rendering_for = None, None
        for task in [task for task in self._retired if not task.is_running]:
            self._retired.remove(task)
            task.deleteLater()

    def stop(self, timeout_ms: int = 60_000) -> None:
        """Stop drawing pages and wait for the page being drawn (when the window closes)."""
        self._retire()
        for task in self._retired:
            task.wait(timeout_ms)


def _button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    return button


def _load(path: Path) -> QPixmap | None:
    """A cached page image, read with Qt's size limit (the cache is ours, but still a file)."""
    if path.stat().st_size > _MAX_IMAGE_BYTES:
        return None
    reader = QImageReader(str(path))
    reader.setAllocationLimit(256)
    image = reader.read()
    return None if image.isNull() else QPixmap.fromImage(image)
