"""The reader: an article's title, metadata and text, with its annotations highlighted.

Untrusted text is only ever shown as plain text: the read-only QTextEdit is filled with
`setPlainText` only and its `loadResource` returns nothing, the header labels are plain text,
and tooltips escape everything.
"""

from __future__ import annotations

import html
from bisect import bisect_left
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextBlockFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app import anchoring
from sourcemark.app.models import Annotation, Article, PassageStatus
from sourcemark.app.sources import SourceDetails
from sourcemark.app.words import snap_to_words
from sourcemark.ui import highlights
from sourcemark.ui.find_bar import FindBar
from sourcemark.ui.offsets import OffsetMap
from sourcemark.ui.source_editor import SourceEditor

READING_WIDTH_CHARS = 72
COMFORTABLE_READING_CHARS = 64
"""The measure the side panels give way for in a small window (60-75 reads best)."""
NARROWEST_READING_CHARS = 36
"""The reader never gets narrower than this: in a small window the side panels give way."""
LINE_HEIGHT_PERCENT = 135
PARAGRAPH_SPACING_PX = 10
BLANK_LINE_HEIGHT_PX = 2


class ReaderText(QTextEdit):
    """The article text: read-only, selectable by mouse and keyboard, centred at reading width."""

    annotationClicked = Signal(str)
    """An annotation's passage was clicked (its id)."""
    columnMoved = Signal(int)
    """The width of the empty margin left of the text column changed (pixels)."""
    selectionDragged = Signal()
    """The mouse button was let go over a selection (a drag, a double or triple click)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerText")
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setAcceptDrops(False)  # files dropped here go to the window, which imports them
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        font = QFont()
        font.setFamilies(["Noto Serif", "DejaVu Serif", "Georgia", "serif"])
        font.setPointSizeF(12.5)
        self.setFont(font)
        self.offsets = OffsetMap("")
        self.annotations: list[Annotation] = []
        self.boundaries: list[highlights.Boundary] = []
        """Where passages meet or overlap: marked, since the tint alone does not show it."""
        self.tag_actions: list[QAction] = []

    def set_annotations(self, annotations: Sequence[Annotation]) -> None:
        self.annotations = list(annotations)
        self.boundaries = highlights.hidden_boundaries(annotations)
        self.viewport().update()

    def loadResource(self, kind: int, name: QUrl | str) -> object:  # noqa: N802 - Qt override
        """Never load anything (images, style sheets): the text is untrusted."""
        return None

    def show_text(self, text: str) -> None:
        """Show `text` as plain text, set for reading (line height, paragraph spacing)."""
        self.setPlainText(text)
        spacing = QTextBlockFormat()
        spacing.setLineHeight(
            LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        spacing.setBottomMargin(PARAGRAPH_SPACING_PX)
        blank_line = QTextBlockFormat()  # a blank line between paragraphs: no extra gap
        blank_line.setLineHeight(
            BLANK_LINE_HEIGHT_PX, QTextBlockFormat.LineHeightTypes.FixedHeight.value
        )
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()  # one relayout for all paragraphs, not one each
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(spacing)
        block = self.document().begin()
        while block.isValid():
            if block.length() == 1 and block.next().isValid():  # empty, and not the last
                cursor.setPosition(block.position())
                cursor.mergeBlockFormat(blank_line)
            block = block.next()
        cursor.endEditBlock()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self.boundaries:
            return
        top_left = self.offsets.from_qt(self.cursorForPosition(QPoint(0, 0)).position())
        corner = QPoint(self.viewport().width(), self.viewport().height())
        bottom_right = self.offsets.from_qt(self.cursorForPosition(corner).position())
        low = bisect_left([b.offset for b in self.boundaries], top_left)
        painter = QPainter(self.viewport())
        cursor = QTextCursor(self.document())
        for boundary in self.boundaries[low:]:
            if boundary.offset > bottom_right:
                break
            cursor.setPosition(self.offsets.to_qt(boundary.offset))
            highlights.draw_boundary(painter, self.cursorRect(cursor), boundary)
        painter.end()

    def centre_on_cursor(self) -> None:
        """Scroll so that the cursor sits in the middle of the view."""
        scroll = self.verticalScrollBar()
        scroll.setValue(
            scroll.value() + self.cursorRect().center().y() - self.viewport().height() // 2
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._centre_column()  # before the base class lays the text out for the new viewport
        super().resizeEvent(event)

    def _centre_column(self) -> None:
        column = self.fontMetrics().averageCharWidth() * READING_WIDTH_CHARS
        side = max(12, (self.width() - column) // 2)
        self.setViewportMargins(side, 8, side, 16)
        self.columnMoved.emit(side + int(self.document().documentMargin()))

    def annotations_at(self, point: QPoint) -> list[Annotation]:
        """Annotations under a viewport point, innermost first."""
        offset = self.offsets.from_qt(self.cursorForPosition(point).position())
        found = [a for a in self.annotations if a.start <= offset < a.end]
        return sorted(found, key=lambda a: a.end - a.start)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            under = self.annotations_at(event.pos())
            if under:
                QToolTip.showText(event.globalPos(), tooltip_html(under), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.textCursor().hasSelection():
            self.selectionDragged.emit()
            return
        under = self.annotations_at(event.position().toPoint())
        if under:
            self.annotationClicked.emit(under[0].id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def context_menu(self, point: QPoint) -> QMenu:
        """The standard menu, led by the tagging actions while text is selected."""
        menu = self.createStandardContextMenu(point)
        if self.textCursor().hasSelection() and self.tag_actions:
            first = menu.actions()[0]  # the standard menu always holds Copy and Select All
            menu.insertActions(first, self.tag_actions)
            menu.insertSeparator(first)
        return menu


def tooltip_html(annotations: Sequence[Annotation]) -> str:
    """Kind, speaker, verdict and note of each annotation, every value escaped."""
    parts = []
    for a in annotations:
        lines = [f"<b>{html.escape(a.kind.value.capitalize())}</b>"]
        if a.speaker:
            lines.append(f"Speaker: {html.escape(a.speaker)}")
        if a.verdict:
            lines.append(f"Verdict: {html.escape(a.verdict.label)}")
        if a.note:
            lines.append(f"Note: {html.escape(a.note)}")
        if a.status is PassageStatus.EDITED and a.annotated_quote is not None:
            lines.append(
                f"<i>Edited by the publisher since you annotated it; it read: "
                f"“{html.escape(a.annotated_quote)}”</i>"
            )
        parts.append("<br>".join(lines))
    return "<qt>" + "<hr>".join(parts) + "</qt>"


class Reader(QWidget):
    """Header (title, metadata, a notice such as "OCR text", stories and tags; editable)
    above the article text.

    `articleShown(article)` follows every change of the article shown (None when cleared)."""

    annotationClicked = Signal(str)
    """An annotation's passage was clicked (its id)."""
    articleShown = Signal(object)
    editRequested = Signal()
    """The user asked to edit the open source's details."""
    detailsSaved = Signal(str, object)
    """(article id, SourceDetails) the user saved in the header's form."""
    openSourceRequested = Signal(str)
    """Another source (its id: one with the same URL) is to be opened."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.article: Article | None = None
        self.highlight_count = 0
        """How many highlighted segments the text shows (overlaps are cut into several)."""
        self.title = _plain_label("readerTitle")
        self.metadata = _plain_label("readerMetadata")
        self.details = _plain_label("readerDetails")
        self.same_url = _plain_label("sameUrl")
        self.open_same_url = QPushButton("Open it")
        self.open_same_url.clicked.connect(self._open_same_url)
        self.edit_button = QPushButton("Edit details…")
        self.edit_button.setToolTip(
            "Correct the title, outlet, author, URL or date; tags; stories (F2)"
        )
        self.edit_button.clicked.connect(self.editRequested)
        self.editor = SourceEditor(self)
        self.editor.hide()
        self.editor.saved.connect(self._details_saved)
        self.editor.cancelled.connect(self.close_editor)
        self._same_url_id: str | None = None
        self.provenance = _plain_label("readerProvenance")
        self.provenance.hide()
        self.notice = _plain_label("readerNotice")
        self.notice.hide()
        self.text = ReaderText(self)
        self.text.annotationClicked.connect(self.annotationClicked)
        self.text.columnMoved.connect(self._align_header)
        self.text.selectionDragged.connect(self.snap_selection)
        self.header_row = QWidget()
        header = QVBoxLayout(self.header_row)
        header.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.details, 1)
        row.addWidget(self.edit_button)
        warning = QHBoxLayout()
        warning.addWidget(self.same_url, 1)
        warning.addWidget(self.open_same_url)
        header.addLayout(row)
        header.addLayout(warning)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.metadata)
        layout.addWidget(self.provenance)
        layout.addWidget(self.notice)
        layout.addWidget(self.header_row)
        layout.addWidget(self.editor)
        layout.addWidget(self.text, 1)
        self.find_bar = FindBar(self.text, self)
        layout.addWidget(self.find_bar)
        self.setMinimumWidth(self.text.fontMetrics().averageCharWidth() * NARROWEST_READING_CHARS)
        self.clear()

    def comfortable_width(self) -> int:
        """How wide the reader would like to be: a comfortable measure and its margins."""
        margins = 2 * 12 + 2 * int(self.text.document().documentMargin())
        scroll_bar = self.text.verticalScrollBar().sizeHint().width()
        return self.text.fontMetrics().averageCharWidth() * COMFORTABLE_READING_CHARS + (
            margins + scroll_bar + 2 * self.text.frameWidth()
        )

    def _align_header(self, left: int) -> None:
        self.title.setContentsMargins(left, 18, left, 2)
        self.metadata.setContentsMargins(left, 0, left, 2)
        self.provenance.setContentsMargins(left, 0, left, 2)
        self.notice.setContentsMargins(left, 0, left, 2)
        self.header_row.setContentsMargins(left, 0, left, 8)
        self.editor.setContentsMargins(left, 0, left, 8)

    def show_details(self, details: SourceDetails, same_url: list[tuple[str, str]]) -> None:
        """The open source's stories and tags, and whether another source has its URL."""
        parts = []
        if details.stories:
            parts.append("Stories: " + "; ".join(details.stories))
        if details.tags:
            parts.append("Tags: " + " ".join(f"#{tag}" for tag in details.tags))
        self.details.setText("   ".join(parts) or "No stories or tags yet")
        self._same_url_id = same_url[0][0] if same_url else None
        if same_url:
            others = ", ".join(f"“{title or 'Untitled source'}”" for _, title in same_url)
            self.same_url.setText(f"⚠ Same URL, different text: {others}")
        self.same_url.setVisible(bool(same_url))
        self.open_same_url.setVisible(bool(same_url))

    def open_editor(self, details: SourceDetails, story_names: list[str]) -> None:
        """Turn the header into its form."""
        self.editor.edit(details, story_names)
        self.editor.show()
        self.header_row.hide()
        self.editor.title.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def close_editor(self) -> None:
        self.editor.hide()
        self.header_row.setVisible(self.article is not None)

    def _details_saved(self, details: SourceDetails) -> None:
        if self.article is not None:
            self.detailsSaved.emit(self.article.id, details)

    def _open_same_url(self) -> None:
        if self._same_url_id is not None:
            self.openSourceRequested.emit(self._same_url_id)

    def set_notice(self, text: str) -> None:
        """A line under the metadata that the reader should not miss; empty hides it."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def set_provenance(self, text: str) -> None:
        """Where and when the source was captured ("Captured from … on …"); empty hides it."""
        self.provenance.setText(text)
        self.provenance.setVisible(bool(text))

    def clear(self) -> None:
        self.article = None
        self.editor.hide()
        self.header_row.hide()
        self.set_provenance("")
        self.title.setText("No source open")
        self.metadata.setText("Choose a source on the left, or import one with Ctrl+O.")
        self.text.offsets = OffsetMap("")
        self.text.set_annotations([])
        self.highlight_count = 0
        self.text.show_text("")
        self.find_bar.set_source("", self.text.offsets)
        self.set_notice("")
        self.articleShown.emit(None)

    def show_article(self, article: Article, annotations: Sequence[Annotation]) -> None:
        if self.article is None or self.article.id != article.id:
            self.editor.hide()
        self.header_row.setVisible(self.editor.isHidden())
        self.show_header(article)
        self.text.offsets = OffsetMap(article.text)
        self.text.show_text(article.text)
        self.text.set_annotations(annotations)
        self.highlight_count = highlights.apply(
            self.text.document(), self.text.offsets, annotations
        )
        self.find_bar.set_source(article.text, self.text.offsets)
        self.set_notice("")
        self.articleShown.emit(article)

    def start_find(self) -> None:
        """Open the find bar, holding the selected words if a short phrase is selected."""
        selected = self.text.textCursor().selectedText()
        phrase = selected if selected and len(selected) <= 80 and "\u2029" not in selected else ""
        self.find_bar.open_bar(phrase)

    def show_header(self, article: Article) -> None:
        """The open source's title and details (again, after they were corrected)."""
        self.article = article
        self.title.setText(article.title or "Untitled source")
        self.metadata.setText(
            " · ".join(
                x for x in (article.outlet, article.author, article.published, article.url) if x
            )
        )

    def set_annotations(self, annotations: Sequence[Annotation]) -> None:
        """Show the open article's annotations after a change, redrawing only what changed."""
        changed = highlights.changed_span(self.text.annotations, annotations)
        self.text.set_annotations(annotations)
        if changed is not None:
            self.highlight_count = highlights.apply(
                self.text.document(), self.text.offsets, annotations, within=changed
            )

    def selected_span(self) -> tuple[int, int] | None:
        """The selection as trimmed code-point offsets; None if nothing but space is selected."""
        cursor = self.text.textCursor()
        if self.article is None or not cursor.hasSelection():
            return None
        start = self.text.offsets.from_qt(cursor.selectionStart())
        end = self.text.offsets.from_qt(cursor.selectionEnd())
        start, end = anchoring.trim(self.article.text, start, end)
        return (start, end) if end > start else None

    def snapped_span(self) -> tuple[int, int] | None:
        """The selection widened to whole words and the quotation marks it opens or closes."""
        span = self.selected_span()
        if self.article is None or span is None:
            return None
        return snap_to_words(self.article.text, *span)

    def snap_selection(self) -> None:
        """Show a dragged selection as the whole words it will be tagged as."""
        span, snapped = self.selected_span(), self.snapped_span()
        if snapped is not None and snapped != span:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(self.text.offsets.to_qt(snapped[0]))
            cursor.setPosition(self.text.offsets.to_qt(snapped[1]), QTextCursor.MoveMode.KeepAnchor)
            self.text.setTextCursor(cursor)

    def select_span(self, start: int, end: int) -> None:
        """Select text[start:end] (code points) and scroll it into view."""
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(self.text.offsets.to_qt(end))
        cursor.setPosition(self.text.offsets.to_qt(start), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)
        self.text.centre_on_cursor()


def _plain_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
