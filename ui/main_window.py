"""The desk window: stories and sources on the left, the reader (or the chosen story's
overview) in the centre, annotations on the right.

Every change runs as an `app/` operation through `Operations`; the window redraws only what
the operation's `Changes` name (`apply_changes`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from sourcemark.app import backup
from sourcemark.app.bundles import BundleImportReport, ExportSummary, export_bundle, import_bundle
from sourcemark.app.capture.importing import import_urls
from sourcemark.app.capture.refetch import RefetchReport, RefetchStatus, refetch, web_sources
from sourcemark.app.changes import Changes, Outcome
from sourcemark.app.citations import CitationStyle, cite_annotation, cite_span
from sourcemark.app.errors import NotFound, SourcemarkError
from sourcemark.app.history import versions
from sourcemark.app.importing import ImportReport, import_extractions
from sourcemark.app.library import AnnotationEdit, Library
from sourcemark.app.models import Annotation, Article, Kind, Verdict
from sourcemark.app.overview import story_overview
from sourcemark.app.sources import SourceDetails, same_url, source_details
from sourcemark.app.stories import find_story, story_summaries
from sourcemark.app.trash import empty_trash, trash
from sourcemark.app.wording import count
from sourcemark.ui import help_windows, library_dialogs
from sourcemark.ui.actions import DeskActions
from sourcemark.ui.annotation_panel import AnnotationPanel
from sourcemark.ui.bundle_dialogs import ExportDialog, ReplaceBundleQuestion, ask_bundle_file
from sourcemark.ui.capture_views import (
    ExtractionCheckDialog,
    ImportUrlDialog,
    VersionsDialog,
    provenance,
)
from sourcemark.ui.check_statement import CheckStatementWindow
from sourcemark.ui.commands import (
    CommandContext,
    CreateAnnotation,
    CreateStory,
    DeleteAnnotation,
    DeleteSource,
    EditAnnotation,
    EditSourceDetails,
    FileInStory,
    Focus,
    LibraryCommand,
    RestoreFromTrash,
    SetRebuttedClaim,
)
from sourcemark.ui.import_dialog import ImportController, ImportSummaryDialog
from sourcemark.ui.library_opener import LibraryOpener
from sourcemark.ui.link_picker import LinkPicker
from sourcemark.ui.operations import Operations
from sourcemark.ui.page_view import PagePanel
from sourcemark.ui.paste_dialog import PASTED_NAME, PasteSourceDialog
from sourcemark.ui.reader import Reader
from sourcemark.ui.reading_splitter import ReadingSplitter
from sourcemark.ui.search_panel import SearchPanel
from sourcemark.ui.snap_dialog import SnapChoice, SnapQuestion
from sourcemark.ui.sources_panel import SourcesPanel
from sourcemark.ui.status import DeskStatusBar
from sourcemark.ui.stories_panel import StoriesPanel
from sourcemark.ui.story_dialogs import (
    HistoryDialog,
    NewStoryDialog,
    ask_story_to_file_in,
    confirm_deleting_source,
)
from sourcemark.ui.story_overview import StoryOverviewPanel
from sourcemark.ui.tasks import Cancelled, Progress
from sourcemark.ui.team import TeamSync
from sourcemark.ui.trash_dialog import TrashDialog, confirm_emptying_trash
from sourcemark.ui.upkeep import Upkeep

IMPORTABLE = "Sources (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.pdf);;All files (*)"
BACKGROUND_WAIT_MS = 60_000
SIDE_FLOORS = (210, 260)
"""What the sources and annotations panels keep when they give way to the reader: a
source's title and date, the annotations table and form still usable."""
EXPORTING, IMPORTING_BUNDLE = "Exporting bundle", "Importing bundle"
CITATION_STYLE_KEY = "desk/citationStyle"


def confirm_removing_links(parent: QWidget, kind: Kind, links: int) -> bool:
    """Ask before a kind change removes 'rebuts' links (a seam: tests replace it)."""
    answer = QMessageBox.question(
        parent,
        "Change kind",
        f"A {kind.value} cannot keep this annotation's {count(links, 'rebuttal link')}. "
        "Remove the link and change the kind? (The link is kept in the annotation's history.)",
    )
    return answer == QMessageBox.StandardButton.Yes


class MainWindow(QMainWindow):
    """The desk on one open library, which the window owns and closes when it closes."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.successor: MainWindow | None = None
        self._closed = False
        self.story_id = ""
        """The story the desk is filtered to ("" for every source)."""
        self.setObjectName("desk")
        self.setAcceptDrops(True)
        self.undo_stack = QUndoStack(self)
        self.operations = Operations(library, self)
        self.context = CommandContext(self.operations, self._focus_after)
        self.stories = StoriesPanel(library)
        self.sources = SourcesPanel(library)
        self.search = SearchPanel(library)
        self.checker: CheckStatementWindow | None = None
        self.reader = Reader()
        self.overview = StoryOverviewPanel()
        self.centre = QStackedWidget()
        self.centre.addWidget(self.reader)
        self.centre.addWidget(self.overview)
        self.annotations = AnnotationPanel()
        self.pages = PagePanel(library, self.reader)
        self.importer = ImportController(self.operations, self)
        self.upkeep = Upkeep(self.operations, self)
        self.opener = LibraryOpener(self)
        self.left = QTabWidget()
        self.left.setDocumentMode(True)
        self.browser = QSplitter(Qt.Orientation.Vertical)
        self.browser.setChildrenCollapsible(False)
        self.browser.addWidget(self.stories)
        self.browser.addWidget(self.sources)
        self.browser.setSizes([200, 560])
        self.left.addTab(self.browser, "Sources")
        self.left.addTab(self.search, "Search")
        floors = dict(zip((self.left, self.annotations), SIDE_FLOORS, strict=True))
        self.splitter = ReadingSplitter(self.centre, self.reader.comfortable_width, floors)
        self.splitter.setChildrenCollapsible(False)
        for widget in (self.left, self.centre, self.pages, self.annotations):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 680, 0, 420])  # the page panel opens with Ctrl+P
        self.setCentralWidget(self.splitter)
        self.status = DeskStatusBar()
        self.setStatusBar(self.status)
        self.desk_actions = DeskActions(
            self, self.undo_stack, self.reader.text, self.annotations.list, self.sources.list
        )
        self.reader.text.tag_actions = list(self.desk_actions.tag.values())
        self._connect_actions()
        self._connect()
        self.team = TeamSync(self, self.operations, self.status, self.search, self.open_passage)
        self.menuBar().insertMenu(self.desk_actions.help_menu.menuAction(), self.team.menu)
        self.annotations.creators_of = library.creators
        self.status.show_counts(library.counts())
        self._update_title()
        self._restore_settings()

    # --- set-up ---------------------------------------------------------------------------

    def _connect_actions(self) -> None:
        actions, wire = self.desk_actions, self.desk_actions.wire
        for kind, action in actions.tag.items():
            wire(action, self._tagger(kind))
        wire(actions.delete, self.delete_selected_annotation)
        wire(actions.undo, self._history_step(self.undo_stack.undo))
        wire(actions.redo, self._history_step(self.undo_stack.redo))
        wire(actions.import_files, self.ask_import_files)
        wire(actions.paste, self.paste_source)
        wire(actions.export, self.export_bundle)
        wire(actions.import_bundle, self.import_bundle)
        wire(actions.find, self.focus_search)
        wire(actions.find_in_source, self.reader.start_find)
        wire(actions.find_in_source_key, self.reader.start_find)
        wire(actions.find_next, self.reader.find_bar.find_next)
        wire(actions.find_previous, self.reader.find_bar.find_previous)
        wire(actions.check_statement, self.check_statement)
        wire(actions.open_library, self.ask_open_library)
        wire(actions.focus_sources, self._focus(self.sources.list))
        wire(actions.focus_reader, self._focus(self.reader.text))
        wire(actions.focus_annotations, self._focus(self.annotations.list))
        wire(actions.pages, self.pages.toggle)
        wire(actions.import_url, self.ask_import_urls)
        wire(actions.refetch, self.refetch_source)
        wire(actions.refetch_story, self.refetch_story)
        wire(actions.versions, self.show_versions)
        wire(actions.changed_passages, lambda: self.show_versions(passages=True))
        wire(actions.check_extraction, self.check_extraction)
        wire(actions.quit, self.close)
        wire(actions.shortcuts, self.show_shortcuts)
        wire(
            actions.query_language,
            lambda: help_windows.show_window(help_windows.QueryLanguageWindow(self)),
        )
        wire(
            actions.about,
            lambda: help_windows.show_window(help_windows.AboutWindow(self.library.path, self)),
        )
        wire(actions.open_library_folder, self.open_library_folder)
        wire(actions.new_story, self.new_story)
        wire(actions.delete_source, self.delete_selected_source)
        wire(actions.show_trash, self.show_trash)
        wire(actions.edit_source, self.edit_source_details)
        wire(actions.copy_citation, self.copy_with_citation)
        chosen = QSettings().value(CITATION_STYLE_KEY, CitationStyle.AP.value)
        for style, action in actions.citation_style.items():
            action.setChecked(style.value == chosen)
            action.toggled.connect(lambda on, style=style: self._remember_style(style, on))
        actions.recent_menu.aboutToShow.connect(self._fill_recent_menu)

    def _connect(self) -> None:
        self.operations.changed.connect(self.apply_changes)
        self.operations.failed.connect(self.show_problem)
        self.operations.warned.connect(self.show_problem)
        self.operations.progressed.connect(self.status.show_activity)
        self.operations.ended.connect(self._operation_ended)
        self.sources.articleActivated.connect(self.open_article)
        self.stories.storyChosen.connect(self.choose_story)
        self.stories.newStoryRequested.connect(self.new_story)
        self.stories.model.sourcesDropped.connect(self.file_in_story)
        self.overview.sourceActivated.connect(self.open_article)
        self.sources.list.urlsPasted.connect(self.import_urls)
        self.reader.annotationClicked.connect(self._annotation_clicked)
        self.reader.editRequested.connect(self.edit_source_details)
        self.reader.detailsSaved.connect(self.save_source_details)
        self.reader.openSourceRequested.connect(self.open_article)
        self.annotations.annotationActivated.connect(self._annotation_chosen)
        form = self.annotations.form
        form.editRequested.connect(self.edit_annotation)
        form.pickClaimRequested.connect(self.pick_rebutted_claim)
        form.unlinkRequested.connect(lambda rebuttal: self.set_rebutted_claim(rebuttal, None))
        form.openClaimRequested.connect(self.open_annotation)
        form.openAnnotationRequested.connect(self.open_annotation)
        form.findSimilarRequested.connect(self.find_similar)
        form.historyRequested.connect(self.show_history)
        form.enable_find_similar(self.library.index is not None)
        self.search.openRequested.connect(self.open_passage)
        self.search.previewRequested.connect(self.preview_passage)
        self.search.fileRequested.connect(self.file_hit_in_story)
        self.importer.imported.connect(self._imported)
        self.upkeep.backedUp.connect(
            lambda path: self.status.showMessage(f"Backed up the library to {path}", 8000)
        )
        self.opener.opened.connect(self._replace_with)
        self.opener.failed.connect(self.show_problem_with_details)

    def _history_step(self, step: Callable[[], None]) -> Callable[[], None]:
        """Undo or redo; edits typed in the form are saved first (a toolbar click leaves the
        focus in the form), so they are never lost."""

        def take_step() -> None:
            self.annotations.form.commit()
            step()

        return take_step

    def _tagger(self, kind: Kind) -> Callable[[], None]:
        return lambda: self.tag_selection(kind)

    def _focus(self, widget: QWidget) -> Callable[[], None]:
        def focus() -> None:
            if widget is self.sources.list:
                self.left.setCurrentWidget(self.browser)
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

        return focus

    # --- redrawing what changed -----------------------------------------------------------

    @Slot(Changes)
    def apply_changes(self, changes: Changes) -> None:
        """Redraw what an operation changed: list rows (or the whole list when sources came
        or went), the open article's highlights and annotations, completions and counts."""
        if changes.stories or changes.listing or changes.annotations:
            self.stories.reload()  # their counts
            if self.stories.chosen() != self.story_id:  # the chosen story was deleted
                self.choose_story(self.stories.chosen())
        if changes.listing or changes.stories:
            self.sources.reload()
        else:
            for article_id in changes.articles:
                self.sources.model.refresh_article(article_id)
        if changes.annotations:
            self.annotations.form.set_speakers(self.library.speakers())
        self.status.show_counts(self.library.counts())
        if self.showing_story:
            self._show_story()
        elif self.article_id is not None and self.article_id in changes.articles:
            if not self.library.is_live(self.article_id):  # gone to the trash
                self.reader.clear()
                self.annotations.set_annotations([], None)
                self._show_annotation(None)
                return
            shown = self.reader.article
            if shown is not None and self.library.article(shown.id).version != shown.version:
                self.open_article(shown.id, self.annotations.selected_id())  # a new version
                return
            self.reader.show_header(self.library.article(self.article_id))  # edited details
            self._show_details(self.article_id)
            selected = self.annotations.selected_id()
            annotations = self.library.annotations(self.article_id)
            self.reader.set_annotations(_on_version(annotations, shown))
            self.annotations.set_annotations(annotations, selected)
            self._show_annotation(self.annotations.selected_id())

    def _focus_after(self, focus: Focus) -> None:
        """Show what an undoable step touched: its article, with the annotation selected, or
        its story."""
        if focus.story_id is not None:
            self.stories.select(focus.story_id)
            self.choose_story(self.stories.chosen())
            return
        if not focus.article_id:
            return
        if focus.article_id != self.article_id or self.showing_story:
            self.open_article(focus.article_id, focus.annotation_id)
            return
        self.annotations.select(focus.annotation_id)
        self._show_annotation(focus.annotation_id)

    # --- reading --------------------------------------------------------------------------

    @property
    def article_id(self) -> str | None:
        return self.reader.article.id if self.reader.article else None

    @Slot(str)
    def open_article(self, article_id: str, selected: str | None = None) -> None:
        """Show an article in the reader and its annotations on the right."""
        self.annotations.form.commit()  # e.g. an import ending while a note is being typed
        try:
            article = self.library.article(article_id)
        except SourcemarkError as error:
            self.show_problem(str(error))
            return
        annotations = self.library.annotations(article.id)
        self.centre.setCurrentWidget(self.reader)
        self.reader.show_article(article, _on_version(annotations, article))
        self.reader.set_provenance(provenance(article, self.library.versions(article.id)))
        if article.extraction_warning:
            self.reader.set_notice(f"⚠ {article.extraction_warning} (Source › Check extraction…)")
        self._show_details(article.id)
        self.annotations.set_annotations(annotations, selected)
        self.annotations.form.set_speakers(self.library.speakers())
        self._show_annotation(selected)
        self.sources.select(article.id)
        QSettings().setValue(self._last_source_key, article.id)

    @Slot(str, int, int)
    def open_passage(self, article_id: str, start: int, end: int) -> None:
        """Open an article at a passage (a search hit) and go to the reader; a passage that
        is an annotation is selected in the list too, its form ready to edit."""
        if self.preview_passage(article_id, start, end):
            self.reader.text.setFocus()

    @Slot(str, int, int)
    def preview_passage(self, article_id: str, start: int, end: int) -> bool:
        """Show a passage (a search hit) in the reader, leaving the focus where it is;
        False if its article could not be opened."""
        if self.article_id != article_id:
            self.open_article(article_id)
        if self.article_id != article_id:
            return False
        tagged = [a.id for a in self.reader.text.annotations if (a.start, a.end) == (start, end)]
        if tagged:
            self.focus_annotation(tagged[0])
        else:
            self.reader.select_span(start, end)
        return True

    @Slot(str)
    def open_annotation(self, annotation_id: str) -> None:
        """Open the article holding an annotation, with the annotation selected and marked."""
        try:
            annotation = self.library.annotation(annotation_id)
        except SourcemarkError as error:
            self.show_problem(str(error))
            return
        self.open_article(annotation.article_id, annotation.id)
        self.focus_annotation(annotation.id)

    @Slot(str)
    def focus_annotation(self, annotation_id: str) -> None:
        """Select an annotation in the list, mark its passage and scroll the reader to it."""
        self.annotations.select(annotation_id)
        self._show_annotation(annotation_id)
        row = self.annotations.model.row_of(annotation_id)
        if row is None:
            return
        annotation = self.annotations.model.annotation(row)
        if self.reader.article is not None and annotation.version != self.reader.article.version:
            self.show_status(
                f"The publisher removed this passage: it stays on version {annotation.version} "
                "(Source › Versions and changes)."
            )
            return
        self.reader.select_span(annotation.start, annotation.end)

    @Slot(str)
    def _annotation_clicked(self, annotation_id: str) -> None:
        self.annotations.select(annotation_id)
        self._show_annotation(annotation_id)

    def _show_annotation(self, annotation_id: str | None) -> None:
        """Fill the form with an annotation (and, for a rebuttal, the claim it answers)."""
        row = self.annotations.model.row_of(annotation_id) if annotation_id else None
        self.pages.mark(self.annotations.model.annotation(row) if row is not None else None)
        if row is None:
            self.annotations.form.show_annotation(None)
            return
        annotation = self.annotations.model.annotation(row)
        claim_id = self.library.rebutted_claim(annotation.id)
        claim = self.library.annotation(claim_id) if claim_id else None
        rebuttals = self.library.rebuttals(annotation.id) if annotation.kind is Kind.CLAIM else []
        self.annotations.form.show_annotation(annotation, claim, rebuttals)

    def show_shortcuts(self) -> None:
        help_windows.show_window(
            help_windows.ShortcutsWindow(self.desk_actions.with_shortcuts(), self)
        )

    def open_library_folder(self) -> None:
        if not help_windows.open_folder(self.library.path):
            self.show_problem(f"Could not open the folder {self.library.path}.")

    def _show_details(self, article_id: str) -> None:
        self.reader.show_details(
            source_details(self.library, article_id), same_url(self.library, article_id)
        )

    @Slot(str)
    def _annotation_chosen(self, annotation_id: str) -> None:
        """An annotation picked in the list: in a story's overview, open it in its source."""
        if self.showing_story:
            self.open_annotation(annotation_id)
        else:
            self.focus_annotation(annotation_id)

    # --- stories --------------------------------------------------------------------------

    @property
    def showing_story(self) -> bool:
        return self.centre.currentWidget() is self.overview

    @Slot(str)
    def choose_story(self, story_id: str) -> None:
        """Filter the desk to a story (its sources, annotations and searches) and show its
        overview; "" goes back to every source."""
        self.annotations.form.commit()
        self.story_id = story_id
        self.sources.model.story_id = story_id
        self.sources.reload()
        name = find_story(self.library, story_id).name if story_id else ""
        self.search.set_story(story_id, name)
        self._update_title()
        if story_id:
            self._show_story()
        else:
            self.centre.setCurrentWidget(self.reader)
            article = self.article_id
            annotations = self.library.annotations(article) if article else []
            self.annotations.set_annotations(annotations, None)
            self._show_annotation(None)

    def _show_story(self) -> None:
        self.overview.show_overview(story_overview(self.library, self.story_id))
        self.centre.setCurrentWidget(self.overview)
        selected = self.annotations.selected_id()
        self.annotations.set_annotations(self.library.annotations(story_id=self.story_id), selected)
        self._show_annotation(self.annotations.selected_id())

    def _update_title(self) -> None:
        name = self.library.path.name or str(self.library.path)
        if self.story_id:
            name = f"{find_story(self.library, self.story_id).name} — {name}"
        self.setWindowTitle(name)  # Qt adds " — Sourcemark"

    def new_story(self) -> None:
        answer = NewStoryDialog.ask(self)
        if answer is not None:
            self._push(lambda: CreateStory.perform(self.context, *answer))

    @Slot(str, list)
    def file_in_story(self, story_id: str, article_ids: list[str]) -> None:
        """Sources dropped onto a story."""
        self._push(lambda: FileInStory.perform(self.context, story_id, article_ids))

    @Slot(str, bool)
    def file_hit_in_story(self, article_id: str, not_here: bool) -> None:
        """A search hit's source filed in a story; a newsroom hit's is pulled first."""
        if not_here:
            self.team.pull_then(lambda: self.ask_file_in_story(article_id))
        else:
            self.ask_file_in_story(article_id)

    def ask_file_in_story(self, article_id: str) -> None:
        stories = {
            summary.story.name: summary.story.id for summary in story_summaries(self.library)
        }
        if not stories:
            self.show_status("Start a story first (Ctrl+Shift+N), then file sources in it.")
            return
        try:
            title = self.library.article(article_id).title or "Untitled source"
        except NotFound:
            self.show_status("That source is not in this library (was it deleted?).")
            return
        name = ask_story_to_file_in(self, title, list(stories))
        if name is not None:
            self._push(lambda: FileInStory.perform(self.context, stories[name], [article_id]))

    def show_trash(self) -> None:
        """What the trash holds: restore the chosen entries (one undo step), or empty it."""
        items = trash(self.library)
        answer = TrashDialog.ask(self, items)
        if answer is None:
            return
        if answer.empty:
            if confirm_emptying_trash(self, len(items)):
                done = self.operations.run(lambda library: empty_trash(library))
                if done is not None:
                    self.show_status(done.value.headline)
            return
        several = len(answer.restore) > 1
        if several:
            self.undo_stack.beginMacro(f"Restore {count(len(answer.restore), 'item')}")
        for item in answer.restore:
            self._push(partial(RestoreFromTrash.perform, self.context, item))
        if several:
            self.undo_stack.endMacro()

    def delete_selected_source(self) -> None:
        """Move the selected source to the trash, after asking once; Undo brings it back."""
        article_id = self.sources.selected_id()
        if article_id is None:
            self.show_status("Select a source to delete it.")
            return
        article = self.library.article(article_id)
        annotations = len(self.library.annotations(article_id))
        if confirm_deleting_source(self, article.title or "Untitled source", annotations):
            self._push(lambda: DeleteSource.perform(self.context, article_id))

    def edit_source_details(self) -> None:
        if self.article_id is None or self.showing_story:
            self.show_status("Open a source to edit its details.")
            return
        names = [summary.story.name for summary in story_summaries(self.library)]
        self.reader.open_editor(source_details(self.library, self.article_id), names)

    @Slot(str, object)
    def save_source_details(self, article_id: str, details: SourceDetails) -> None:
        self.reader.close_editor()
        self._push(lambda: EditSourceDetails.perform(self.context, article_id, details))

    @Slot(str)
    def show_history(self, annotation_id: str) -> None:
        """An annotation's versions; the one chosen is made current again (undoable)."""
        try:
            found = versions(self.library, annotation_id)
        except SourcemarkError as error:
            self.show_problem(str(error))
            return
        chosen = HistoryDialog.ask(self, found)
        if chosen is None:
            return
        old = found[chosen - 1].record
        edit = AnnotationEdit(
            kind=Kind(old["kind"]),
            note=old["note"],
            speaker=old["speaker"],
            verdict=Verdict(old["verdict"]) if old["verdict"] else None,
        )
        self._perform(lambda: EditAnnotation.perform(self.context, annotation_id, edit))

    @property
    def citation_style(self) -> CitationStyle:
        for style, action in self.desk_actions.citation_style.items():
            if action.isChecked():
                return style
        return CitationStyle.AP

    def _remember_style(self, style: CitationStyle, chosen: bool) -> None:
        if chosen:
            QSettings().setValue(CITATION_STYLE_KEY, style.value)

    def copy_with_citation(self) -> None:
        """Copy the passage selected in the reader, or the selected annotation, with its
        citation in the chosen style."""
        span = self.reader.selected_span()
        annotation_id = self.annotations.selected_id()
        if annotation_id is not None and span is not None:
            annotation = self.library.annotation(annotation_id)
            if (annotation.start, annotation.end) == span:  # the annotation's own passage
                span = None
        try:
            if span is not None and self.article_id is not None:
                text = cite_span(self.library, self.article_id, *span, self.citation_style)
            elif annotation_id is not None:
                text = cite_annotation(self.library, annotation_id, self.citation_style)
            else:
                self.show_status("Select a passage or an annotation to copy it with its citation.")
                return
        except SourcemarkError as error:
            self.show_problem(str(error))
            return
        QGuiApplication.clipboard().setText(text)
        self.show_status(f"Copied with a {self.citation_style.value.upper()} citation.")

    def focus_search(self) -> None:
        self.left.setCurrentWidget(self.search)
        self.search.focus_query()

    def check_statement(self) -> None:
        """Have we checked this before? The statement box, holding the reader's selection."""
        if self.checker is None:
            self.checker = CheckStatementWindow(self.library, self)
            self.checker.openRequested.connect(self.open_passage)
        self.checker.start(self.reader.text.textCursor().selectedText().replace("\u2029", " "))

    @Slot(str)
    def find_similar(self, annotation_id: str) -> None:
        """List the passages of other sources that resemble an annotation."""
        self.left.setCurrentWidget(self.search)
        self.search.show_similar(annotation_id)

    # --- annotating -----------------------------------------------------------------------

    def tag_selection(self, kind: Kind) -> None:
        """Tag the reader's selection as `kind`, saved at once: trimmed of white space, and
        as whole words (a selection that starts or ends inside a word shows the whole words
        and asks first)."""
        span, snapped = self.reader.selected_span(), self.reader.snapped_span()
        if self.article_id is None or span is None or snapped is None:
            self.show_status("Select a passage in the reader first, then press C, Q or R.")
            return
        if snapped != span:
            text = self.reader.article.text if self.reader.article else ""
            self.reader.select_span(*snapped)
            choice = SnapQuestion.ask(self, kind, text[slice(*snapped)], text[slice(*span)])
            if choice is None:
                self.reader.select_span(*span)
                return
            if choice is SnapChoice.WHOLE_WORDS:
                span = snapped
            else:
                self.reader.select_span(*span)
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

    @Slot(str, AnnotationEdit)
    def edit_annotation(self, annotation_id: str, edit: AnnotationEdit) -> None:
        """Save the form's edits; a kind change that breaks a rebuttal's link asks first."""
        blocking = self.library.links_forbidding(annotation_id, edit.kind) if edit.kind else ()
        if blocking and edit.kind and not confirm_removing_links(self, edit.kind, len(blocking)):
            self._show_annotation(annotation_id)  # back to what is stored
            return
        self._perform(
            lambda: EditAnnotation.perform(
                self.context, annotation_id, edit, drop_links=bool(blocking)
            )
        )

    @Slot(str)
    def pick_rebutted_claim(self, rebuttal_id: str) -> None:
        current = self.library.rebutted_claim(rebuttal_id)
        chosen = LinkPicker.ask(self, self.library, current)
        if chosen is not None and chosen != current:
            self.set_rebutted_claim(rebuttal_id, chosen)

    def set_rebutted_claim(self, rebuttal_id: str, claim_id: str | None) -> None:
        self._push(lambda: SetRebuttedClaim.perform(self.context, rebuttal_id, claim_id))

    def _push(self, perform: Callable[[], LibraryCommand | None]) -> None:
        """Perform an action after saving the edits still typed in the form (their own step)."""
        self.annotations.form.commit()
        self._perform(perform)

    def _perform(self, perform: Callable[[], LibraryCommand | None]) -> None:
        """Perform an action and put it on the undo stack; a refusal was shown, nothing pushed."""
        command = perform()
        if command is not None:
            self.undo_stack.push(command)

    # --- importing ------------------------------------------------------------------------

    def ask_import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Import sources", "", IMPORTABLE)
        self.import_files([Path(name) for name in names])

    def import_files(self, files: list[Path]) -> None:
        self.importer.start(files)

    @Slot(ImportReport)
    def _imported(self, report: ImportReport) -> None:
        self.show_status(report.headline)
        if report.article_ids:
            self.open_article(report.article_ids[0])

    def ask_import_urls(self) -> None:
        urls = ImportUrlDialog.ask(self)
        if urls:
            self.import_urls(urls)

    @Slot(list)
    def import_urls(self, urls: list[str]) -> None:
        """Fetch and import web pages in the background, then show the import's summary."""

        def work(
            library: Library, progress: Progress, cancelled: Cancelled
        ) -> Outcome[ImportReport]:
            return import_urls(library, urls, progress=progress, cancelled=cancelled)

        self.show_status(f"Fetching {count(len(urls), 'web page')}…")
        self.operations.start(IMPORTING_FROM_WEB, work, self._urls_imported)

    def _urls_imported(self, report: ImportReport) -> None:
        self._imported(report)
        ImportSummaryDialog.ask(self, report)

    def refetch_source(self) -> None:
        """Fetch the open source again, in the background; a new version opens when it came."""
        if self.article_id is None:
            self.show_status("Open a source first, then refetch it.")
            return
        article_id = self.article_id

        def work(
            library: Library, progress: Progress, cancelled: Cancelled
        ) -> Outcome[RefetchReport]:
            return refetch(library, [article_id], progress=progress, cancelled=cancelled)

        self.operations.start(REFETCHING, work, self._refetched)

    def refetch_story(self) -> None:
        """Fetch every source of the chosen story that has a web address again, in the
        background, with progress."""
        if not self.story_id:
            self.show_status("Choose a story first, then refetch its sources.")
            return
        story_id = self.story_id

        def work(
            library: Library, progress: Progress, cancelled: Cancelled
        ) -> Outcome[RefetchReport]:
            ids = web_sources(library, library.article_ids(story_id=story_id))
            return refetch(library, ids, progress=progress, cancelled=cancelled)

        self.operations.start(REFETCHING, work, self._refetched)

    def _refetched(self, report: RefetchReport) -> None:
        lines = [result.line() for result in report.results]
        changed = [p for result in report.results for p in result.passages]
        if changed:
            lines.append(
                f"{count(len(changed), 'annotated passage')} changed: see Source › Changed since "
                "capture."
            )
        if report.of(RefetchStatus.FAILED) or report.of(RefetchStatus.GONE) or changed:
            self.show_problem("\n".join(lines))
        else:
            self.show_status(" ".join(lines))

    def show_versions(self, *, passages: bool = False) -> None:
        """The open source's versions, a word-level diff, and the passages that changed."""
        if self.article_id is None:
            self.show_status("Open a source first.")
            return
        chosen = VersionsDialog.ask(self, self.library, self.article_id, passages=passages)
        if chosen is not None:
            self.focus_annotation(chosen)

    def check_extraction(self) -> None:
        """The extracted text beside the page's full text; the warning may be dismissed."""
        if self.article_id is None:
            self.show_status("Open a source first.")
            return
        if ExtractionCheckDialog.ask(self, self.library, self.article_id):
            article_id = self.article_id
            self.operations.run(lambda library: library.dismiss_extraction_warning(article_id))
            self.open_article(article_id, self.annotations.selected_id())

    def paste_source(self) -> None:
        pasted = PasteSourceDialog.ask(self)
        if pasted is None:
            return
        done = self.operations.run(
            lambda library: import_extractions(
                library, [PASTED_NAME], iter([pasted.source]), metadata=pasted.given
            )
        )
        if done is None:
            return
        report = done.value
        self.open_article(report.article_ids[0])
        if report.advice:
            self.show_problem("\n\n".join(report.advice))
        elif report.already_present:
            self.show_status("That text is already in the library; opened it.")

    # --- bundles --------------------------------------------------------------------------

    def export_bundle(self) -> None:
        default = Path.home() / f"Sourcemark bundle {date.today().isoformat()}.zip"
        story = (
            (self.story_id, find_story(self.library, self.story_id).name) if self.story_id else None
        )
        request = ExportDialog.ask(self, default, self.article_id, story)
        if request is None:
            return
        replace = request.out.exists()
        if replace and not ReplaceBundleQuestion.ask(self, request.out):
            return

        def work(library: Library, progress: Progress, _: Cancelled) -> Outcome[ExportSummary]:
            return Outcome(
                export_bundle(
                    library,
                    request.out,
                    request.article_ids,
                    request.kind,
                    progress,
                    story=request.story_id,
                    replace=replace,
                )
            )

        self.operations.start(EXPORTING, work, self._exported)

    def _exported(self, summary: ExportSummary) -> None:
        self.show_status(summary.headline)

    def import_bundle(self) -> None:
        path = ask_bundle_file(self)
        if path is not None:
            self.import_bundle_file(path)

    def import_bundle_file(self, path: Path) -> None:
        """Check and merge the bundle at `path` in the background."""

        def work(library: Library, progress: Progress, _: Cancelled) -> Outcome[BundleImportReport]:
            return import_bundle(library, path, progress)

        self.operations.start(IMPORTING_BUNDLE, work, self._bundle_imported)

    def _bundle_imported(self, report: BundleImportReport) -> None:
        if report.needs_attention:
            self.show_problem("\n".join([report.headline, *report.details()]))
        else:
            self.show_status(report.headline)

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
        menu = self.desk_actions.recent_menu
        menu.clear()
        for path in library_dialogs.recent_libraries():
            action = menu.addAction(str(path))
            action.triggered.connect(lambda _=False, path=path: self.open_library(path))
        menu.setEnabled(not menu.isEmpty())

    def open_library(self, path: Path) -> None:
        """Open another library (in the background: it may need its index rebuilt), then show
        it in a new window that replaces this one."""
        if path.expanduser().resolve() == self.library.path.expanduser().resolve():
            self.show_status("That library is the one open.")
            return
        self.opener.open(path)

    @Slot(Library)
    def _replace_with(self, library: Library) -> None:
        library_dialogs.remember_library(library.path)
        self.successor = MainWindow(library)
        self.successor.show()
        self.close()

    # --- status, settings, closing --------------------------------------------------------

    @Slot(str)
    def _operation_ended(self, _label: str) -> None:
        self.status.end_activity()

    def show_status(self, message: str) -> None:
        self.status.say(message)

    @Slot(str)
    def show_problem(self, message: str) -> None:
        """An expected problem: one clear message, nothing changed."""
        self.show_problem_with_details(message, "")

    @Slot(str, str)
    def show_problem_with_details(self, message: str, details: str) -> None:
        """An expected problem, with what support would ask for behind "Show Details"."""
        self.show_status(message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Sourcemark", message, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDetailedText(details)
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
            self.splitter.make_room_for_the_reader()  # the window may be smaller now
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
        self.upkeep.stop()
        self.team.stop()
        # An import finishes the file in progress; an export or bundle import finishes.
        self.operations.stop_all(BACKGROUND_WAIT_MS)
        self.pages.stop(BACKGROUND_WAIT_MS)
        settings = QSettings()
        settings.setValue("desk/geometry", self.saveGeometry())
        settings.setValue("desk/splitter", self.splitter.saveState())
        try:
            backup.backup_if_due(self.library.path, closing=True)
        except (SourcemarkError, OSError) as error:  # closing must never lose the window's work
            QMessageBox.warning(self, "Sourcemark", f"The closing backup failed: {error}")
        self.library.close()
        super().closeEvent(event)


IMPORTING_FROM_WEB = "Importing from the web"
Imported = Outcome[ImportReport]
Refetched = Outcome[RefetchReport]
REFETCHING = "Refetching"


def _on_version(annotations: list[Annotation], article: Article | None) -> list[Annotation]:
    """The annotations whose offsets point into the version the reader shows."""
    if article is None:
        return []
    return [a for a in annotations if a.version == article.version]
