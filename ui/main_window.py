"""The desk window: sources on the left, the reader in the centre, annotations on the right."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, SignalInstance
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QToolBar,
    QWidget,
)

from sourcemark.app import backup
from sourcemark.app.bundles import BundleImportReport, ExportSummary
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.library import Library
from sourcemark.app.models import Kind
from sourcemark.app.wording import count
from sourcemark.ui import library_dialogs
from sourcemark.ui.annotation_panel import AnnotationPanel
from sourcemark.ui.bundle_dialogs import BundleTasks, ExportDialog, ask_bundle_file
from sourcemark.ui.check_statement import CheckStatementWindow
from sourcemark.ui.commands import (
    CommandContext,
    CreateAnnotation,
    DeleteAnnotation,
    EditAnnotation,
    LibraryCommand,
    SetRebuttedClaim,
    rebutted_claim,
)
from sourcemark.ui.highlights import kind_icon
from sourcemark.ui.import_dialog import ImportController
from sourcemark.ui.link_picker import LinkPicker
from sourcemark.ui.paste_dialog import PasteSourceDialog
from sourcemark.ui.reader import Reader
from sourcemark.ui.search_panel import SearchPanel
from sourcemark.ui.sources_panel import SourcesPanel
from sourcemark.ui.upkeep import Upkeep

IMPORTABLE = "Sources (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.pdf);;All files (*)"
BACKGROUND_WAIT_MS = 60_000
TAG_KEYS = {Kind.CLAIM: "C", Kind.QUOTE: "Q", Kind.REBUTTAL: "R"}


class MainWindow(QMainWindow):
    """The desk on one open library, which the window owns and closes when it closes."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.successor: MainWindow | None = None
        self._closed = False
        self.setWindowTitle(library.path.name or str(library.path))  # Qt adds " — Sourcemark"
        self.setObjectName("desk")
        self.setAcceptDrops(True)
        self.undo_stack = QUndoStack(self)
        self.context = CommandContext(library, self._changed, self.show_problem)
        self.sources = SourcesPanel(library)
        self.search = SearchPanel(library)
        self.checker: CheckStatementWindow | None = None
        self.reader = Reader()
        self.annotations = AnnotationPanel()
        self.importer = ImportController(library.path, self)
        self.bundles = BundleTasks(library.path, self)
        self.upkeep = Upkeep(library.path, self)
        self.left = QTabWidget()
        self.left.setDocumentMode(True)
        self.left.addTab(self.sources, "Sources")
        self.left.addTab(self.search, "Search")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        for widget in (self.left, self.reader, self.annotations):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 680, 420])
        self.setCentralWidget(self.splitter)
        self.counts = QLabel()
        self.activity = QLabel()
        self.activity_bar = QProgressBar()
        self.activity_bar.setMaximumWidth(160)
        self.activity_bar.setTextVisible(False)
        self.activity.hide()
        self.activity_bar.hide()
        self.statusBar().addPermanentWidget(self.activity)
        self.statusBar().addPermanentWidget(self.activity_bar)
        self.statusBar().addPermanentWidget(self.counts)
        self._make_actions()
        self._connect()
        self._show_counts()
        self._restore_settings()

    # --- set-up ---------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        on: tuple[QWidget, ...] = (),
    ) -> QAction:
        """An action; with `on`, its shortcut works only while focus is in those widgets."""
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if on:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in on:
                widget.addAction(action)
        else:
            self.addAction(action)
        return action

    def _history_action(
        self,
        verb: str,
        step: Callable[[], None],
        possible: SignalInstance,
        described: SignalInstance,
    ) -> QAction:
        """Undo or Redo, named after the step it takes; edits typed in the form are saved
        first (a toolbar click leaves the focus in the form), so they are never lost."""
        action = QAction(verb, self)
        action.setEnabled(False)
        possible.connect(action.setEnabled)
        described.connect(lambda text: action.setText(f"{verb} {text}" if text else verb))

        def take_step() -> None:
            self.annotations.form.commit()
            step()

        action.triggered.connect(take_step)
        return action

    def _tagger(self, kind: Kind) -> Callable[[], None]:
        return lambda: self.tag_selection(kind)

    def _focus(self, widget: QWidget) -> Callable[[], None]:
        def focus() -> None:
            if widget is self.sources.list:
                self.left.setCurrentWidget(self.sources)
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

        return focus

    def _make_actions(self) -> None:
        reader_text, annotation_list = self.reader.text, self.annotations.list
        self.tag_actions = {
            kind: self._action(
                f"Tag as &{kind.value}",  # menus show the key beside it
                self._tagger(kind),
                TAG_KEYS[kind],
                on=(reader_text,),
            )
            for kind in Kind
        }
        for kind, action in self.tag_actions.items():
            action.setIcon(kind_icon(kind))
            action.setIconText(f"{kind.value.capitalize()} ({TAG_KEYS[kind]})")  # the toolbar
            action.setToolTip(f"Tag the selected passage as a {kind.value} ({TAG_KEYS[kind]})")
        self.reader.text.tag_actions = list(self.tag_actions.values())
        self.delete_action = self._action(
            "Delete annotation",
            self.delete_selected_annotation,
            QKeySequence.StandardKey.Delete,
            on=(reader_text, annotation_list),
        )
        stack = self.undo_stack
        self.undo_action = self._history_action(
            "&Undo", stack.undo, stack.canUndoChanged, stack.undoTextChanged
        )
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self._history_action(
            "&Redo", stack.redo, stack.canRedoChanged, stack.redoTextChanged
        )
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.import_action = self._action("&Import files…", self.ask_import_files, "Ctrl+O")
        self.paste_action = self._action("&Paste as new source…", self.paste_source, "Ctrl+Shift+V")
        self.export_action = self._action("&Export bundle…", self.export_bundle, "Ctrl+E")
        self.import_bundle_action = self._action("Import &bundle…", self.import_bundle)
        self.find_action = self._action("&Find…", self.focus_search, QKeySequence.StandardKey.Find)
        self.check_action = self._action("Check a &statement…", self.check_statement, "Ctrl+K")
        self.open_library_action = self._action("&Open library…", self.ask_open_library)
        self.focus_actions = [
            self._action("&Sources", self._focus(self.sources.list), "Ctrl+1"),
            self._action("&Reader", self._focus(self.reader.text), "Ctrl+2"),
            self._action("&Annotations", self._focus(self.annotations.list), "Ctrl+3"),
        ]
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([self.import_action, self.paste_action])
        file_menu.addSeparator()
        file_menu.addActions([self.export_action, self.import_bundle_action])
        file_menu.addSeparator()
        file_menu.addAction(self.open_library_action)
        self.recent_menu = file_menu.addMenu("Recent &libraries")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        self.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([*self.tag_actions.values(), self.delete_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.find_action, self.check_action])
        go_menu = self.menuBar().addMenu("&Go")
        go_menu.addActions(self.focus_actions)

        toolbar = QToolBar("Tagging")
        toolbar.setObjectName("taggingToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.import_action, self.paste_action])
        toolbar.addSeparator()
        toolbar.addActions(list(self.tag_actions.values()))
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _connect(self) -> None:
        self.sources.articleActivated.connect(self.open_article)
        self.reader.annotationClicked.connect(self._annotation_clicked)
        self.annotations.annotationActivated.connect(self.focus_annotation)
        form = self.annotations.form
        form.editRequested.connect(self.edit_annotation)
        form.pickClaimRequested.connect(self.pick_rebutted_claim)
        form.unlinkRequested.connect(lambda rebuttal: self.set_rebutted_claim(rebuttal, None))
        form.openClaimRequested.connect(self.open_annotation)
        form.findSimilarRequested.connect(self.find_similar)
        form.enable_find_similar(self.library.index is not None)
        self.search.openRequested.connect(self.open_passage)
        self.importer.progressed.connect(
            lambda done, total: self.show_activity("Importing", done, total)
        )
        self.importer.importFinished.connect(self._imported)
        self.bundles.progressed.connect(self.show_activity)
        self.bundles.exported.connect(self._exported)
        self.bundles.imported.connect(self._bundle_imported)
        self.bundles.failed.connect(self.show_problem)
        self.bundles.ended.connect(self.end_activity)
        self.upkeep.backedUp.connect(
            lambda path: self.statusBar().showMessage(f"Backed up the library to {path}", 8000)
        )
        self.upkeep.failed.connect(
            lambda message: self.show_problem(f"Could not back up or tidy the library: {message}")
        )

    # --- reading --------------------------------------------------------------------------

    @property
    def article_id(self) -> str | None:
        return self.reader.article.id if self.reader.article else None

    def open_article(self, article_id: str, selected: str | None = None) -> None:
        """Show an article in the reader and its annotations on the right."""
        self.annotations.form.commit()  # e.g. an import ending while a note is being typed
        try:
            article = self.library.article(article_id)
        except SourcemarkError as error:
            self.show_problem(str(error))
            return
        annotations = self.library.annotations(article.id)
        self.reader.show_article(article, annotations)
        self.annotations.set_annotations(annotations, selected)
        self.annotations.form.set_speakers(self.library.speakers())
        self._show_annotation(selected)
        self.sources.select(article.id)
        QSettings().setValue(self._last_source_key, article.id)

    def open_passage(self, article_id: str, start: int, end: int) -> None:
        """Open an article and select a passage of it (a search hit); a passage that is an
        annotation is selected in the list too, its form ready to edit."""
        self.open_article(article_id)
        if self.article_id != article_id:
            return
        tagged = [a.id for a in self.reader.text.annotations if (a.start, a.end) == (start, end)]
        if tagged:
            self.focus_annotation(tagged[0])
        else:
            self.reader.select_span(start, end)
        self.reader.text.setFocus()

    def open_annotation(self, annotation_id: str) -> None:
        """Open the article holding an annotation, with the annotation selected and marked."""
        try:
            annotation = self.library.annotation(annotation_id)
        except SourcemarkError as error:
            self.show_problem(str(error))
            return
        self.open_article(annotation.article_id, annotation.id)
        self.focus_annotation(annotation.id)

    def focus_annotation(self, annotation_id: str) -> None:
        """Select an annotation in the list, mark its passage and scroll the reader to it."""
        self.annotations.select(annotation_id)
        self._show_annotation(annotation_id)
        row = self.annotations.model.row_of(annotation_id)
        if row is not None:
            annotation = self.annotations.model.annotation(row)
            self.reader.select_span(annotation.start, annotation.end)

    def _annotation_clicked(self, annotation_id: str) -> None:
        self.annotations.select(annotation_id)
        self._show_annotation(annotation_id)

    def _show_annotation(self, annotation_id: str | None) -> None:
        """Fill the form with an annotation (and, for a rebuttal, the claim it answers)."""
        row = self.annotations.model.row_of(annotation_id) if annotation_id else None
        if row is None:
            self.annotations.form.show_annotation(None)
            return
        annotation = self.annotations.model.annotation(row)
        claim_id = rebutted_claim(self.library, annotation.id)
        claim = self.library.annotation(claim_id) if claim_id else None
        self.annotations.form.show_annotation(annotation, claim)

    def focus_search(self) -> None:
        self.left.setCurrentWidget(self.search)
        self.search.focus_query()

    def check_statement(self) -> None:
        """Have we checked this before? The statement box, holding the reader's selection."""
        if self.checker is None:
            self.checker = CheckStatementWindow(self.library, self)
            self.checker.openRequested.connect(self.open_passage)
        self.checker.start(self.reader.text.textCursor().selectedText().replace("\u2029", " "))

    def find_similar(self, annotation_id: str) -> None:
        """List the passages of other sources that resemble an annotation."""
        self.left.setCurrentWidget(self.search)
        self.search.show_similar(annotation_id)

    # --- annotating -----------------------------------------------------------------------

    def tag_selection(self, kind: Kind) -> None:
        """Tag the reader's selection (trimmed of white space) as `kind`; saved at once."""
        span = self.reader.selected_span()
        if self.article_id is None or span is None:
            self.show_status("Select a passage in the reader first, then press C, Q or R.")
            return
        already = [
            a.id
            for a in self.reader.text.annotations
            if a.kind is kind and (a.start, a.end) == span
        ]
        if already:  # a second press of the key, most likely: no twin annotation
            self.focus_annotation(already[0])
            self.show_status(f"That passage is already tagged as a {kind.value}.")
            return
        article_id = self.article_id
        self._push(lambda: CreateAnnotation.perform(self.context, article_id, kind, *span))

    def delete_selected_annotation(self) -> None:
        annotation_id = self.annotations.selected_id()
        if annotation_id is None:
            self.show_status("Select an annotation to delete it.")
            return
        self._push(lambda: DeleteAnnotation.perform(self.context, annotation_id))

    def edit_annotation(self, annotation_id: str, changes: dict[str, object]) -> None:
        self._perform(lambda: EditAnnotation.perform(self.context, annotation_id, **changes))

    def pick_rebutted_claim(self, rebuttal_id: str) -> None:
        current = rebutted_claim(self.library, rebuttal_id)
        chosen = LinkPicker.ask(self, self.library, current)
        if chosen is not None and chosen != current:
            self.set_rebutted_claim(rebuttal_id, chosen)

    def set_rebutted_claim(self, rebuttal_id: str, claim_id: str | None) -> None:
        self._push(lambda: SetRebuttedClaim.perform(self.context, rebuttal_id, claim_id))

    def _push(self, perform: Callable[[], LibraryCommand]) -> None:
        """Perform an action after saving the edits still typed in the form (their own step)."""
        self.annotations.form.commit()
        self._perform(perform)

    def _perform(self, perform: Callable[[], LibraryCommand]) -> None:
        """Perform an action and put it on the undo stack; a refusal is shown, nothing pushed."""
        try:
            command = perform()
        except SourcemarkError as error:
            self.show_problem(str(error))
            return
        self.undo_stack.push(command)

    def _changed(self, article_id: str, selected: str | None) -> None:
        """Refresh what a change touched: the article's highlights, list row and the counts."""
        self.sources.model.refresh_article(article_id)
        self.annotations.form.set_speakers(self.library.speakers())
        self._show_counts()
        if article_id != self.article_id:
            self.open_article(article_id, selected)
            return
        annotations = self.library.annotations(article_id)
        self.reader.set_annotations(annotations)
        self.annotations.set_annotations(annotations, selected)
        self._show_annotation(selected)

    # --- importing ------------------------------------------------------------------------

    def ask_import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import sources", "", IMPORTABLE)
        self.import_files([Path(name) for name in names])

    def import_files(self, files: list[Path]) -> None:
        if files:
            self.show_activity("Importing", 0, len(files))
            self.importer.start(files)

    def _imported(self, article_ids: list[str]) -> None:
        self.end_activity()
        self.sources.reload()
        self._show_counts()
        self.show_status(f"Imported {count(len(article_ids), 'source')}.")
        if article_ids:
            self.open_article(article_ids[0])

    def paste_source(self) -> None:
        source = PasteSourceDialog.ask(self)
        if source is None:
            return
        try:
            result = self.library.import_source(source)
        except SourcemarkError as error:
            self.show_problem(str(error))
            return
        self.sources.reload()
        self._show_counts()
        self.open_article(result.article.id)
        if not result.created:
            self.show_status("That text is already in the library; opened it.")

    # --- bundles --------------------------------------------------------------------------

    def export_bundle(self) -> None:
        default = Path.home() / f"Sourcemark bundle {date.today().isoformat()}.zip"
        request = ExportDialog.ask(self, default, self.article_id)
        if request is not None:
            self.bundles.export(request)

    def _exported(self, summary: ExportSummary) -> None:
        self.show_status(
            f"Exported {count(summary.articles, 'source')}, "
            f"{count(summary.annotations, 'annotation')} and {count(summary.links, 'link')} "
            f"to {summary.path}."
        )

    def import_bundle(self) -> None:
        path = ask_bundle_file(self)
        if path is not None:
            self.bundles.import_bundle(path)

    def _bundle_imported(self, report: BundleImportReport) -> None:
        self.sources.reload()
        self._show_counts()
        if self.article_id is not None:
            self.open_article(self.article_id, self.annotations.selected_id())
        message = (
            f"Bundle imported: {count(report.articles_added, 'new source')}, {report.added:,} new "
            f"and {count(report.updated, 'updated annotation')}, "
            f"{count(report.links_added, 'link')}."
        )
        if report.conflicting or report.orphaned:
            message += (
                f" Kept in the history: {count(report.conflicting, 'conflicting edit')};"
                f" could not be placed in their text: {count(report.orphaned, 'annotation')}."
            )
            self.show_problem(message)
        else:
            self.show_status(message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    # --- libraries ------------------------------------------------------------------------

    def ask_open_library(self) -> None:
        path = library_dialogs.choose_library(self)
        if path is not None:
            self.open_library(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in library_dialogs.recent_libraries():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _=False, path=path: self.open_library(path))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def open_library(self, path: Path) -> MainWindow | None:
        """Open another library in a new window that replaces this one."""
        if path.expanduser().resolve() == self.library.path.expanduser().resolve():
            self.show_status("That library is the one open.")
            return None
        try:
            library = Library.open(path)
        except SourcemarkError as error:
            self.show_problem(str(error))
            return None
        library_dialogs.remember_library(library.path)
        self.successor = MainWindow(library)
        self.successor.show()
        self.close()
        return self.successor

    # --- status, settings, closing --------------------------------------------------------

    def _show_counts(self) -> None:
        counts = self.library.counts()
        self.counts.setText(
            " · ".join(
                count(counts[key], noun)
                for key, noun in (
                    ("articles", "source"),
                    ("annotations", "annotation"),
                    ("links", "link"),
                )
            )
        )

    def show_activity(self, label: str, done: int, total: int) -> None:
        """What runs in the background, with its progress (busy when `total` is 0)."""
        self.activity.setText(label if total == 0 else f"{label} {done}/{total}")
        self.activity_bar.setRange(0, total)
        self.activity_bar.setValue(done)
        self.activity.show()
        self.activity_bar.show()

    def end_activity(self) -> None:
        self.activity.hide()
        self.activity_bar.hide()

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    def show_problem(self, message: str) -> None:
        """An expected problem: one clear message, nothing changed."""
        self.show_status(message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Sourcemark", message, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    @property
    def _last_source_key(self) -> str:
        return f"desk/lastSource/{self.library.identity}"

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("desk/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        splitter = settings.value("desk/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        last = settings.value(self._last_source_key)
        if isinstance(last, str) and self.sources.model.row_of(last) is not None:
            self.open_article(last)
        elif self.sources.model.total:
            self.open_article(self.sources.model.article_id(0))  # a first run opens the demo

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._closed:  # Qt may deliver a second close to a window already closed
            super().closeEvent(event)
            return
        self._closed = True
        self.annotations.form.commit()
        self.importer.stop(BACKGROUND_WAIT_MS)  # the file in progress is finished, no more
        if self.bundles.task is not None:  # an export or bundle import finishes first
            self.bundles.task.wait(BACKGROUND_WAIT_MS)
        self.upkeep.stop(BACKGROUND_WAIT_MS)
        settings = QSettings()
        settings.setValue("desk/geometry", self.saveGeometry())
        settings.setValue("desk/splitter", self.splitter.saveState())
        try:
            backup.backup_if_due(self.library.path, closing=True)
        except (SourcemarkError, OSError) as error:  # closing must never lose the window's work
            QMessageBox.warning(self, "Sourcemark", f"The closing backup failed: {error}")
        self.library.close()
        super().closeEvent(event)
