"""The desk's actions, its menus and its toolbar: every command the window offers, in one place.

`DeskActions` makes the actions and lays them out; the window connects each to what it does.
An action given `on=` widgets works only while the focus is inside them (the tagging keys C, Q
and R would otherwise swallow letters typed into a note).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, SignalInstance
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from sourcemark.app.citations import CitationStyle
from sourcemark.app.models import Kind
from sourcemark.ui.highlights import kind_icon

TAG_KEYS = {Kind.CLAIM: "C", Kind.QUOTE: "Q", Kind.REBUTTAL: "R"}
Shortcut = QKeySequence | QKeySequence.StandardKey | str


class DeskActions(QObject):
    """The window's actions. Each attribute is a QAction; `triggered` is wired by the
    window (`wire`), so this module knows what the desk offers but not how it does it."""

    def __init__(
        self,
        window: QMainWindow,
        undo_stack: QUndoStack,
        reader: QWidget,
        annotation_list: QWidget,
        sources_list: QWidget,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.tag = {
            kind: self._make(f"Tag as &{kind.value}", TAG_KEYS[kind], on=(reader,)) for kind in Kind
        }
        for kind, action in self.tag.items():
            action.setIcon(kind_icon(kind))
            action.setIconText(f"{kind.value.capitalize()} ({TAG_KEYS[kind]})")  # the toolbar
            action.setToolTip(f"Tag the selected passage as a {kind.value} ({TAG_KEYS[kind]})")
        self.delete = self._make(
            "Delete annotation", QKeySequence.StandardKey.Delete, on=(reader, annotation_list)
        )
        self.undo = self._history("&Undo", undo_stack.canUndoChanged, undo_stack.undoTextChanged)
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo = self._history("&Redo", undo_stack.canRedoChanged, undo_stack.redoTextChanged)
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.delete_source = self._make(
            "Delete source", QKeySequence.StandardKey.Delete, on=(sources_list,)
        )
        self.new_story = self._make("&New story…", "Ctrl+Shift+N")
        self.edit_source = self._make("Edit source &details…", "F2")
        self.show_trash = self._make("&Trash…")
        self.copy_citation = self._make(
            "Copy with &citation", "Ctrl+Shift+C", on=(reader, annotation_list)
        )
        self.citation_styles = QActionGroup(self)
        self.citation_style: dict[CitationStyle, QAction] = {}
        for style, label in (
            (CitationStyle.AP, "&AP"),
            (CitationStyle.CHICAGO, "&Chicago"),
            (CitationStyle.APA, "AP&A"),
        ):
            action = QAction(label, self._window, checkable=True)
            self.citation_styles.addAction(action)
            self.citation_style[style] = action
        self.import_files = self._make("&Import files…", "Ctrl+O")
        self.paste = self._make("&Paste as new source…", "Ctrl+Shift+V")
        self.export = self._make("&Export bundle…", "Ctrl+E")
        self.import_bundle = self._make("Import &bundle…")
        self.find = self._make("&Search the library…", QKeySequence.StandardKey.Find)
        self.find.setToolTip("Search every source and annotation (Ctrl+F)")
        self.find_in_source = self._make("Find in &source…", "Ctrl+G")
        self.find_in_source_key = self._make("Find in source", "/", on=(reader,))
        self.find_next = self._make("Find &next", "F3")
        self.find_previous = self._make("Find pre&vious", "Shift+F3")
        self.check_statement = self._make("Check a &statement…", "Ctrl+K")
        self.open_library = self._make("&Open library…")
        self.focus_sources = self._make("&Sources", "Ctrl+1")
        self.focus_reader = self._make("&Reader", "Ctrl+2")
        self.focus_annotations = self._make("&Annotations", "Ctrl+3")
        self.pages = self._make("&Page beside the text", "Ctrl+P")
        self.import_url = self._make("Import from &URL…", "Ctrl+L")
        self.refetch = self._make("&Refetch source", "Ctrl+Shift+R")
        self.refetch_story = self._make("Refetch the story's sources")
        self.versions = self._make("&Versions and changes…")
        self.changed_passages = self._make("&Changed since capture…")
        self.check_extraction = self._make("Check &extraction…")
        self.quit = self._make("&Quit", QKeySequence.StandardKey.Quit)
        self.shortcuts = self._make("&Keyboard shortcuts", "F1")
        self.query_language = self._make("The &query language")
        self.open_library_folder = self._make("Open the library &folder")
        self.about = self._make("&About Sourcemark")
        self.recent_menu = QMenu("Recent &libraries", window)
        self.toolbar = self._lay_out()

    def with_shortcuts(self) -> list[QAction]:
        """Every action that has keys, in the order the menus show them."""
        actions: list[QAction] = []
        for menu in self._window.menuBar().findChildren(QMenu):
            actions += [a for a in menu.actions() if a.shortcuts() and a not in actions]
        return actions + [a for a in (self.find_in_source_key,) if a not in actions]

    def wire(self, action: QAction, slot: Callable[[], object]) -> None:
        action.triggered.connect(lambda _checked=False: slot())

    def _make(
        self, text: str, shortcut: Shortcut | None = None, *, on: tuple[QWidget, ...] = ()
    ) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if on:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in on:
                widget.addAction(action)
        else:
            self._window.addAction(action)
        return action

    def _history(self, verb: str, possible: SignalInstance, described: SignalInstance) -> QAction:
        """Undo or Redo, enabled when there is a step to take and named after it."""
        action = self._make(verb)
        action.setEnabled(False)
        possible.connect(action.setEnabled)
        described.connect(lambda text: action.setText(f"{verb} {text}" if text else verb))
        return action

    def _lay_out(self) -> QToolBar:
        """The menus and the toolbar."""
        bar = self._window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.import_files, self.import_url, self.paste])
        file_menu.addSeparator()
        file_menu.addActions(
            [self.new_story, self.edit_source, self.delete_source, self.show_trash]
        )
        file_menu.addSeparator()
        file_menu.addActions([self.export, self.import_bundle])
        file_menu.addSeparator()
        file_menu.addAction(self.open_library)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo, self.redo])
        edit_menu.addSeparator()
        edit_menu.addActions([*self.tag.values(), self.delete])
        edit_menu.addSeparator()
        edit_menu.addAction(self.copy_citation)
        styles = edit_menu.addMenu("Citation &style")
        styles.addActions(list(self.citation_style.values()))
        edit_menu.addSeparator()
        edit_menu.addActions([self.find, self.find_in_source, self.find_next, self.find_previous])
        edit_menu.addAction(self.check_statement)
        go_menu = bar.addMenu("&Go")
        go_menu.addActions([self.focus_sources, self.focus_reader, self.focus_annotations])
        go_menu.addAction(self.pages)
        source_menu = bar.addMenu("&Source")
        source_menu.addActions(
            [self.refetch, self.refetch_story, self.versions, self.changed_passages]
        )
        source_menu.addSeparator()
        source_menu.addAction(self.check_extraction)
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addActions([self.shortcuts, self.query_language])
        self.help_menu.addSeparator()
        self.help_menu.addActions([self.open_library_folder, self.about])

        toolbar = QToolBar("Tagging")
        toolbar.setObjectName("taggingToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.import_files, self.import_url, self.paste])
        toolbar.addSeparator()
        toolbar.addActions(list(self.tag.values()))
        toolbar.addSeparator()
        toolbar.addActions([self.undo, self.redo])
        self._window.addToolBar(toolbar)
        return toolbar
