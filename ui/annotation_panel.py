"""The annotations panel: the open article's annotations in text order, and a form to edit one.

Edits are saved as soon as a field is left (the speaker and note on losing focus, the verdict
on choosing it); the window turns each into an undoable command.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStringListModel,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.library import AnnotationEdit
from sourcemark.app.models import Annotation, Kind, Verdict
from sourcemark.ui.combo import ComboBox
from sourcemark.ui.highlights import KIND_UNDERLINE_NAMES, kind_icon
from sourcemark.ui.models.annotations import (
    KIND,
    PASSAGE,
    SPEAKER,
    VERDICT,
    AnnotationsModel,
    NoteRole,
    preview,
)


class NoteEdit(QPlainTextEdit):
    """A plain-text note field that reports when the user leaves it."""

    left = Signal()
    """The focus left the field."""

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.left.emit()


class AnnotationForm(QWidget):
    """Edits one annotation's note, speaker, verdict (claims) and rebutted claim (rebuttals)."""

    editRequested = Signal(str, AnnotationEdit)
    """(annotation id, the details the user changed)."""
    pickClaimRequested = Signal(str)
    """A rebuttal's (id) claim is to be chosen."""
    unlinkRequested = Signal(str)
    """A rebuttal's (id) link to its claim is to be removed."""
    openClaimRequested = Signal(str)
    """The claim (id) a rebuttal answers is to be shown."""
    openAnnotationRequested = Signal(str)
    """An annotation (id) linked to this one, such as a rebuttal of a claim, is to be shown."""
    findSimilarRequested = Signal(str)
    """Passages resembling an annotation (id) are to be listed."""
    historyRequested = Signal(str)
    """An annotation's (id) versions are to be shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.annotation: Annotation | None = None
        self._claim_id: str | None = None
        self.summary = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.summary.setObjectName("annotationSummary")
        self.note = NoteEdit(placeholderText="Note for yourself or the desk")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(84)
        self.note.left.connect(self.commit)
        self.speaker = QLineEdit(placeholderText="Who said it")
        self.speakers = QStringListModel(self)
        completer = QCompleter(self.speakers, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.speaker.setCompleter(completer)
        self.speaker.editingFinished.connect(self.commit)
        self.kind = ComboBox()
        self.kind.setAccessibleName("Kind")
        for kind in Kind:
            self.kind.addItem(kind_icon(kind), kind.value.capitalize(), kind.value)
        self.kind.activated.connect(self.commit)
        self.verdict = ComboBox()
        for verdict in Verdict:
            self.verdict.addItem(verdict.label, verdict.value)
        self.verdict.activated.connect(self.commit)
        self.claim = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.pick_claim = QPushButton("Choose claim…")
        self.pick_claim.clicked.connect(lambda: self._emit_for_current(self.pickClaimRequested))
        self.open_claim = QPushButton("Go to claim")
        self.open_claim.clicked.connect(self._open_claim)
        self.unlink = QPushButton("Remove link")
        self.unlink.clicked.connect(lambda: self._emit_for_current(self.unlinkRequested))
        self.rebutted_by = QLabel(textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.rebutted_by.setObjectName("rebuttedBy")
        self.rebutted_by.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.rebutted_by.setOpenExternalLinks(False)
        self.rebutted_by.linkActivated.connect(self.openAnnotationRequested)
        self.find_similar = QPushButton("Find similar")
        self.find_similar.setVisible(False)
        self.find_similar.clicked.connect(lambda: self._emit_for_current(self.findSimilarRequested))
        self.history = QPushButton("History…")
        self.history.setToolTip("Every version of this annotation; revert to one")
        self.history.clicked.connect(lambda: self._emit_for_current(self.historyRequested))

        link_buttons = QHBoxLayout()
        for button in (self.pick_claim, self.open_claim, self.unlink):
            link_buttons.addWidget(button)
        link_buttons.addStretch(1)
        self.link_row = QWidget()
        link_layout = QVBoxLayout(self.link_row)
        link_layout.setContentsMargins(0, 0, 0, 0)
        link_layout.addWidget(self.claim)
        link_layout.addLayout(link_buttons)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # In a narrow window a label goes above its field rather than squeezing the reader.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.summary)
        form.addRow("&Kind", self.kind)
        form.addRow("&Note", self.note)
        form.addRow("S&peaker", self.speaker)
        form.addRow("&Verdict", self.verdict)
        form.addRow("Answers", self.link_row)
        form.addRow("Rebutted by", self.rebutted_by)
        tools = QHBoxLayout()
        tools.addWidget(self.find_similar)
        tools.addWidget(self.history)
        tools.addStretch(1)
        form.addRow(tools)
        self._form = form
        self.show_annotation(None)

    def set_speakers(self, speakers: list[str]) -> None:
        self.speakers.setStringList(speakers)

    def show_annotation(
        self,
        annotation: Annotation | None,
        claim: Annotation | None = None,
        rebuttals: Sequence[Annotation] = (),
    ) -> None:
        """Show an annotation (and, for a rebuttal, the claim it answers; for a claim, the
        rebuttals that answer it); None empties the form."""
        self.annotation = annotation
        self._claim_id = claim.id if claim else None
        self.setEnabled(annotation is not None)
        if annotation is None:
            self.summary.setText("Select an annotation to edit its details.")
            self.note.setPlainText("")
            self.speaker.setText("")
            for row in (self.kind, self.verdict, self.link_row, self.rebutted_by):
                self._form.setRowVisible(row, False)
            return
        self.summary.setText(
            f"{annotation.kind.value.capitalize()} ({KIND_UNDERLINE_NAMES[annotation.kind]})\n"
            f"“{preview(annotation.quote, 160)}”"
        )
        self._form.setRowVisible(self.kind, True)
        self.kind.setCurrentIndex(self.kind.findData(annotation.kind.value))
        self.note.setPlainText(annotation.note)
        self.speaker.setText(annotation.speaker)
        self._form.setRowVisible(self.verdict, annotation.kind is Kind.CLAIM)
        if annotation.verdict is not None:
            self.verdict.setCurrentIndex(self.verdict.findData(annotation.verdict.value))
        self._form.setRowVisible(self.link_row, annotation.kind is Kind.REBUTTAL)
        self.claim.setText(f"“{preview(claim.quote, 120)}”" if claim else "No claim linked yet.")
        self.pick_claim.setText("Change claim…" if claim else "Choose claim…")
        self.open_claim.setEnabled(claim is not None)
        self.unlink.setEnabled(claim is not None)
        self._form.setRowVisible(self.rebutted_by, bool(rebuttals))
        self.rebutted_by.setText("<br>".join(_link_to(rebuttal) for rebuttal in rebuttals))

    def enable_find_similar(self, enabled: bool) -> None:
        self.find_similar.setVisible(enabled)

    def commit(self) -> None:
        """Ask for the fields that differ from the stored annotation to be saved."""
        current = self.annotation
        if current is None:
            return
        kind = Kind(self.kind.currentData())
        note, speaker = self.note.toPlainText(), self.speaker.text()
        verdict = Verdict(self.verdict.currentData()) if kind is Kind.CLAIM else None
        edit = AnnotationEdit(
            kind=kind if kind is not current.kind else None,
            note=note if note.strip() != current.note else None,
            speaker=speaker if speaker.strip() != current.speaker else None,
            verdict=verdict
            if current.kind is Kind.CLAIM and verdict is not current.verdict
            else None,
        )
        if edit != AnnotationEdit():
            self.editRequested.emit(current.id, edit)

    def _emit_for_current(self, signal: SignalInstance) -> None:
        if self.annotation is not None:
            signal.emit(self.annotation.id)

    def _open_claim(self) -> None:
        if self._claim_id is not None:
            self.openClaimRequested.emit(self._claim_id)


def _link_to(annotation: Annotation) -> str:
    """A link (its href the annotation's id) showing the start of its passage, escaped."""
    passage = html.escape(preview(annotation.quote, 90))
    who = f" — {html.escape(annotation.speaker)}" if annotation.speaker else ""
    return f'<a href="{annotation.id}">“{passage}”</a>{who}'


Index = QModelIndex | QPersistentModelIndex
KIND_COLUMN_WIDTH = 86
SIDE_COLUMNS = {SPEAKER: (120, 0.24), VERDICT: (100, 0.2)}
"""Speaker and verdict: up to this width, or in a narrow list this share of the width the
kind leaves. The passage (and its note) takes the rest, and every pixel the list gains."""


class PassageDelegate(QStyledItemDelegate):
    """The passage on one line and, under it in muted italics, the first line of its note."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        note = index.data(NoteRole)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        passage, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        roles = QPalette.ColorRole
        text = opt.rect.adjusted(4, 1, -4, -1)
        line = opt.fontMetrics.height()
        painter.save()
        painter.setPen(opt.palette.color(roles.HighlightedText if selected else roles.Text))
        first = QRect(text.left(), text.top(), text.width(), line) if note else text
        elide = Qt.TextElideMode.ElideRight
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(first, align, opt.fontMetrics.elidedText(passage, elide, text.width()))
        if note:
            italic = QFont(opt.font)
            italic.setItalic(True)
            painter.setFont(italic)
            muted = roles.HighlightedText if selected else roles.PlaceholderText
            painter.setPen(opt.palette.color(muted))
            metrics = QFontMetrics(italic)
            second = first.translated(0, line)
            painter.drawText(second, align, metrics.elidedText(note, elide, text.width()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), 2 * option.fontMetrics.height() + 4)


class AnnotationList(QTreeView):
    """Columns shared out to the list's width, the passage taking what is spare; and the
    selected row kept in sight when the list gets shorter (the form below grows to show a
    claim's verdict or a rebuttal's link)."""

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        left = self.viewport().width() - self.header().sectionSize(KIND)
        for column, (full_width, share) in SIDE_COLUMNS.items():
            self.header().resizeSection(column, min(full_width, int(left * share)))
        if self.currentIndex().isValid():
            self.scrollTo(self.currentIndex())


class AnnotationPanel(QWidget):
    """The list of the open article's annotations above the form for the selected one."""

    annotationActivated = Signal(str)
    """The user selected an annotation (its id); not sent when the desk selects one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.creators_of: Callable[[list[str]], dict[str, str]] = lambda ids: {}
        """Who made each annotation (by id): the window gives the library's."""
        self.model = AnnotationsModel(self)
        self.list = AnnotationList()
        self.list.setObjectName("annotationList")
        self.list.setModel(self.model)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PASSAGE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(KIND, KIND_COLUMN_WIDTH)
        header.setSortIndicator(PASSAGE, Qt.SortOrder.AscendingOrder)
        self.list.setSortingEnabled(True)  # a click on a header sorts; Passage: text order
        self.list.setItemDelegateForColumn(PASSAGE, PassageDelegate(self.list))
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.form = AnnotationForm()
        self.heading = QLabel("Annotations")
        self.heading.setObjectName("panelHeading")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.form)
        self._quiet = False

    def set_annotations(self, annotations: list[Annotation], selected: str | None) -> None:
        """Show a new list, keeping `selected` selected (quietly) if it is in it."""
        self._quiet = True
        try:
            self.model.set_annotations(annotations, self.creators_of([a.id for a in annotations]))
            self.heading.setText(f"Annotations ({len(annotations)})")
            self.select(selected)
        finally:
            self._quiet = False

    def select(self, annotation_id: str | None) -> None:
        """Select a row without announcing it (the caller already acts on it)."""
        quiet, self._quiet = self._quiet, True
        try:
            row = self.model.row_of(annotation_id) if annotation_id else None
            if row is None:
                self.list.clearSelection()
                self.list.setCurrentIndex(self.model.index(-1, -1))
            else:
                self.list.setCurrentIndex(self.model.index(row, 0))
                self.list.scrollTo(self.model.index(row, 0))
        finally:
            self._quiet = quiet

    def selected_id(self) -> str | None:
        rows = self.list.selectionModel().selectedRows()
        return self.model.annotation(rows[0].row()).id if rows else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        selected = self.selected_id()
        if selected is not None and not self._quiet:
            self.annotationActivated.emit(selected)
