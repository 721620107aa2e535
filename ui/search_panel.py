"""The search panel: a query box, kind and verdict filters, and the hits with their snippets.

Queries use the core's query language (app/search/query.py). A search takes a few
milliseconds, so it runs on the GUI thread: debounced while the user types, at once on Enter.
Only the hits that fill the list are read and laid out at once; the rest as it scrolls.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QAction,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.errors import SourcemarkError
from sourcemark.app.models import Kind, Verdict
from sourcemark.app.wording import count
from sourcemark.ui.combo import ComboBox
from sourcemark.ui.highlights import KIND_COLOURS
from sourcemark.ui.models.search_results import (
    HIT_ROLE,
    SearchResultsModel,
    hit_label,
    hit_source_line,
)

if TYPE_CHECKING:
    from sourcemark.app.library import Library
    from sourcemark.app.search.index import SearchIndex
    from sourcemark.app.search.results import Hit, SearchResults

DEBOUNCE_MS = 250
RESULT_LIMIT = 50
_SHORTEST_HIT_PX = 48  # a hit is at least two lines: the first screen holds no more than this
_MARGIN = 6
_MARKER_WIDTH = 4
# Matched words: a background that reads the same on selected and unselected rows.
_HIT_STYLE = "b { background-color: #ffe27a; color: #1a1a1a; }"


class SearchPanel(QWidget):
    """Search the library. Enter in the query box searches, or, when the hits already answer
    that query, opens the first; a click on a hit (or moving to it with the arrow keys)
    previews its passage, and Enter or a double click opens it."""

    openRequested = Signal(str, int, int)
    """(article id, start, end): show this passage and go to it."""
    previewRequested = Signal(str, int, int)
    """(article id, start, end): show this passage, the focus staying on the hits."""
    teamSearchRequested = Signal(str, object, object)
    """(query, kind or None, verdict or None): search the newsroom (the Team scope)."""
    pullRequested = Signal(str, int, int)
    """(article id, start, end): a newsroom hit not on this laptop yet: pull it, then open."""
    fileRequested = Signal(str, bool)
    """(article id, not here yet): file the hit's source in a story (pulled first if not here)."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._similar: SearchResults | None = None
        self._answered: tuple[str, object, object] | None = None
        """The query and filters the hits shown answer."""

        self.query = QLineEdit()
        self.query.setPlaceholderText('Search, e.g. "city budget" speaker:mayor')
        self.query.setClearButtonEnabled(True)
        self.query.setAccessibleName("Search query")
        self.query.installEventFilter(self)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        self.kind = ComboBox()
        self.kind.setAccessibleName("Kind filter")
        self.kind.addItem("Any kind", None)
        for kind in Kind:
            self.kind.addItem(kind.value.capitalize(), kind)
        self.verdict = ComboBox()
        self.verdict.setAccessibleName("Verdict filter")
        self.verdict.addItem("Any verdict", None)
        for verdict in Verdict:
            self.verdict.addItem(verdict.label, verdict)
        self.scope = ComboBox()
        self.scope.setAccessibleName("Search scope")
        self.scope.addItem("This library", False)
        self.scope.addItem("Team", True)
        self.scope.setToolTip("Team: every story shared with your desks, on the newsroom's server")
        self.scope.hide()
        self._not_here: set[str] = set()
        """Articles of the newsroom hits shown that this library does not hold yet."""
        self.story_id = ""
        self.in_story = QCheckBox()
        self.in_story.setChecked(True)
        self.in_story.hide()
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.hide()
        self.model = SearchResultsModel(self)
        self.results = QListView()
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        # Hits are laid out to the list's width: a scroll bar appearing later would make them
        # wider than the list and cut every snippet at the right.
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.file_hit = QAction("File its source in a story…", self.results)
        self.file_hit.triggered.connect(self._file_current)
        self.results.addAction(self.file_hit)
        self.results.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setAlternatingRowColors(True)
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        filters = QHBoxLayout()
        filters.addWidget(self.scope)
        filters.addWidget(self.kind)
        filters.addWidget(self.verdict)
        filters.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(_MARGIN, _MARGIN, _MARGIN, _MARGIN)
        layout.addWidget(self.query)
        layout.addWidget(self.problem)
        layout.addLayout(filters)
        layout.addWidget(self.in_story)
        layout.addWidget(self.heading)
        layout.addWidget(self.results, stretch=1)
        layout.addWidget(self.summary)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search)
        self.query.textEdited.connect(self._debounce.start)
        self.query.returnPressed.connect(self._enter)
        self.kind.currentIndexChanged.connect(self._filters_changed)
        self.verdict.currentIndexChanged.connect(self._filters_changed)
        self.scope.currentIndexChanged.connect(self._filters_changed)
        self.in_story.toggled.connect(self._filters_changed)
        self.results.activated.connect(self._open)
        self.results.clicked.connect(self._preview)
        self.results.selectionModel().currentChanged.connect(self._moved)

    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def set_story(self, story_id: str, name: str) -> None:
        """Search within a story's sources (while the box is ticked), or ("") everywhere."""
        self.story_id = story_id
        self.in_story.setText(f"Only in the story “{name}”")
        self.in_story.setVisible(bool(story_id))
        if self.query.text().strip():
            self._filters_changed()

    def set_team_available(self, available: bool) -> None:
        """Offer the Team scope (the library has joined a newsroom) or not."""
        self.scope.setVisible(available)
        if not available:
            self.scope.setCurrentIndex(0)

    @property
    def team_scope(self) -> bool:
        return bool(self.scope.currentData())

    def show_team_hits(self, hits: list[Hit], not_here: set[str], summary: str) -> None:
        """The newsroom's answer to the query asked (`not_here`: articles not on this laptop)."""
        self._not_here = not_here
        self._show_problem("")
        self._show_hits(hits, summary)
        self._answered = self._asked()

    def show_team_problem(self, message: str) -> None:
        self._show_problem(message)
        self._show_hits([], "")

    def search(self) -> None:
        """Run the query in the box now, with the chosen filters."""
        self._debounce.stop()
        self._similar = None
        self._answered = None
        self._not_here = set()
        self.heading.hide()
        text = self.query.text().strip()
        if not text:
            self._show_problem("")
            self._show_hits([], "")
            return
        if self.team_scope:
            kind, verdict = self.kind.currentData(), self.verdict.currentData()
            self.summary.setText("Searching the newsroom…")
            self.teamSearchRequested.emit(
                text, kind.value if kind else None, verdict.value if verdict else None
            )
            return
        within_story = self.story_id if self.in_story.isChecked() else ""
        try:
            index = self._search_index()
            results = self._library.search(
                text,
                kind=self.kind.currentData(),
                verdict=self.verdict.currentData(),
                limit=RESULT_LIMIT,
                read=self._first_screen(),
                story_id=within_story or None,
            )
        except SourcemarkError as error:
            self._show_problem(str(error))
            self._show_hits([], "")
            return
        self._show_problem("")
        self.model.set_results(results, index.more)
        self._show_summary(_summary(results))
        self._answered = self._asked()

    def _asked(self) -> tuple[str, object, object]:
        return self.query.text().strip(), self.kind.currentData(), self.verdict.currentData()

    def _enter(self) -> None:
        """Enter in the query box: search, or open the first hit if they answer this query."""
        if self._answered == self._asked() and self.model.rowCount() > 0:
            first = self.model.index(0)
            self.results.setCurrentIndex(first)
            self.results.setFocus(Qt.FocusReason.OtherFocusReason)
            self._open(first)
        else:
            self.search()

    def show_similar(self, annotation_id: str) -> None:
        """List the passages of other sources that resemble an annotation ("Find similar")."""
        self._debounce.stop()
        try:
            annotation = self._library.annotation(annotation_id)
            results = self._search_index().similar(annotation.id, limit=RESULT_LIMIT)
        except SourcemarkError as error:
            self._show_problem(str(error))
            return
        self.query.clear()
        self._show_problem("")
        quote = _shorten(annotation.quote)
        self.heading.setText(f"Similar to the {annotation.kind.value} “{quote}”")
        self.heading.show()
        self._similar = results
        self._show_similar_hits(results.elapsed_ms)

    def _filters_changed(self) -> None:
        if self._similar is None:
            self.search()
        else:
            self._show_similar_hits(None)

    def _show_similar_hits(self, elapsed_ms: float | None) -> None:
        assert self._similar is not None
        kind, verdict = self.kind.currentData(), self.verdict.currentData()
        hits = self._similar.of(Kind(kind) if kind else None, Verdict(verdict) if verdict else None)
        found = count(len(hits), "similar passage")
        self._show_hits(hits, found if elapsed_ms is None else f"{found} in {elapsed_ms:.0f} ms")

    def _search_index(self) -> SearchIndex:
        if self._library.index is None:
            raise SourcemarkError("this library has no search index open")
        return self._library.index

    def _first_screen(self) -> int:
        """How many hits can show at once in the list as it is now."""
        return max(1, self.results.viewport().height() // _SHORTEST_HIT_PX + 1)

    def _show_hits(self, hits: list[Hit], summary: str) -> None:
        self.model.set_hits(hits)
        self._show_summary(summary)

    def _show_summary(self, summary: str) -> None:
        self.summary.setText(summary)
        if self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(0))

    def _show_problem(self, message: str) -> None:
        self.problem.setText(message[:1].upper() + message[1:])
        self.problem.setVisible(bool(message))

    def _open(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row())
        if hit.article_id in self._not_here:
            self.pullRequested.emit(hit.article_id, hit.start, hit.end)
        else:
            self.openRequested.emit(hit.article_id, hit.start, hit.end)

    @Slot()
    def _file_current(self) -> None:
        index = self.results.currentIndex()
        if index.isValid():
            article_id = self.model.hit(index.row()).article_id
            self.fileRequested.emit(article_id, article_id in self._not_here)

    def _preview(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row())
        if hit.article_id not in self._not_here:
            self.previewRequested.emit(hit.article_id, hit.start, hit.end)

    def _moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Moving through the hits with the keyboard previews each (a new search does not)."""
        if current.isValid() and self.results.hasFocus():
            self._preview(current)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the query box moves to the results and previews the hit there, so the keyboard
        alone reaches a hit."""
        if (
            watched is self.query
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount() > 0
        ):
            self.results.setFocus(Qt.FocusReason.TabFocusReason)
            current = self.results.currentIndex()
            if current.isValid():
                self._preview(current)
            else:
                self.results.setCurrentIndex(self.model.index(0))  # previewed as it moves
            return True
        return super().eventFilter(watched, event)


def _summary(results: SearchResults) -> str:
    line = f"{count(results.total, 'hit')} in {results.elapsed_ms:.0f} ms"
    ranked = len(results.hits) + len(results.pending)
    if results.total > ranked:
        line += f", showing the best {ranked}"
    return line


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class HitDelegate(QStyledItemDelegate):
    """Draws a hit: a kind marker and label, the source's title, then the highlighted snippet."""

    def __init__(self, view: QListView, label: Callable[[Hit], str] = hit_label) -> None:
        super().__init__(view)
        self._view = view
        self._label = label

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        hit: Hit = index.data(HIT_ROLE)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if hit.kind is not None:
            marker = QRect(
                opt.rect.left() + 1,
                opt.rect.top() + _MARGIN,
                _MARKER_WIDTH,
                opt.rect.height() - 2 * _MARGIN,
            )
            painter.fillRect(marker, KIND_COLOURS[Kind(hit.kind)])
        document = self._document(hit, opt.rect.width(), opt.palette, selected)
        painter.translate(opt.rect.left() + _MARGIN + _MARKER_WIDTH, opt.rect.top() + _MARGIN)
        context = QAbstractTextDocumentLayout.PaintContext()
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(text_role))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        width = self._view.viewport().width()
        document = self._document(index.data(HIT_ROLE), width, option.palette, selected=False)
        return QSize(width, int(document.size().height()) + 2 * _MARGIN)

    def _document(self, hit: Hit, width: int, palette: QPalette, selected: bool) -> QTextDocument:
        roles = QPalette.ColorRole
        muted = palette.color(roles.HighlightedText if selected else roles.PlaceholderText).name()
        label, source = html.escape(self._label(hit)), html.escape(hit_source_line(hit))
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultStyleSheet(_HIT_STYLE)
        document.setHtml(
            f'<p style="margin:0"><span style="font-weight:600">{label}</span>'
            f'&nbsp;&nbsp;<span style="color:{muted}">{source}</span></p>'
            f'<p style="margin-top:3px">{hit.snippet_html}</p>'
        )
        document.setTextWidth(max(width - 2 * _MARGIN - _MARKER_WIDTH, 120))
        return document
