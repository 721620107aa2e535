"""The Help menu's windows: the keyboard shortcuts (with the legend of the kinds), the query
language, About Sourcemark, and opening the library's folder."""

from __future__ import annotations

import html
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from sourcemark.app.about import bundled_libraries, version
from sourcemark.app.models import Kind
from sourcemark.app.palette import KIND_COLOUR_NAMES
from sourcemark.ui.highlights import KIND_UNDERLINE_NAMES, kind_icon

QUERY_LANGUAGE = resources.files("sourcemark.resources").joinpath("query-language.md")

KEYS_WITHOUT_ACTIONS = (
    ("Enter (search box)", "Search; once the hits are shown, open the first"),
    ("Click (a hit)", "Show the hit's passage in the reader"),
    ("Enter, double click (a hit)", "Open the hit's passage"),
    ("Enter / Shift+Enter (find bar)", "Next / previous match in the source"),
    ("Escape (find bar)", "Close the find bar"),
    ("Down (search box)", "Move to the hits"),
)


class HelpWindow(QDialog):
    """A window of help text, kept open beside the desk (not modal)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)  # nothing in help text leaves the window
        self.text.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(640, 560)


def shortcuts_html(actions: Iterable[QAction]) -> str:
    """A table of every action with its keys, then the keys no menu shows, then the legend."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            name = action.text().replace("&", "").rstrip("…").strip()
            rows.append((" or ".join(keys), name))
    rows += KEYS_WITHOUT_ACTIONS
    table = "".join(
        f"<tr><td style='padding:2px 16px 2px 0'><b>{html.escape(keys)}</b></td>"
        f"<td>{html.escape(what)}</td></tr>"
        for keys, what in rows
    )
    legend = "".join(
        f"<tr><td style='padding:2px 16px 2px 0'><img src='data:image/png;base64,{_icon(kind)}'>"
        f" {kind.value.capitalize()}</td><td>{KIND_COLOUR_NAMES[kind]} tint, "
        f"{KIND_UNDERLINE_NAMES[kind]}</td></tr>"
        for kind in Kind
    )
    return (
        "<h3>Keyboard shortcuts</h3>"
        "<p>Select a passage in the reader, then press <b>C</b>, <b>Q</b> or <b>R</b>.</p>"
        f"<table>{table}</table><h3>Kinds of passage</h3><table>{legend}</table>"
        "<p>The same colours mark the kinds in the bundle's report.</p>"
    )


def _icon(kind: Kind) -> str:
    """The kind's icon as base64 PNG, for the legend (an inline image loads nothing)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    kind_icon(kind).pixmap(16, 16).save(buffer, "PNG")
    return bytes(data.toBase64().data()).decode("ascii")


class ShortcutsWindow(HelpWindow):
    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__("Keyboard shortcuts", parent)
        self.text.setHtml(shortcuts_html(actions))


class QueryLanguageWindow(HelpWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("The query language", parent)
        self.text.setMarkdown(QUERY_LANGUAGE.read_text(encoding="utf-8"))


def about_html(library_path: Path) -> str:
    libraries = "".join(
        f"<tr><td style='padding:1px 12px 1px 0'>{html.escape(library.name)}</td>"
        f"<td style='padding-right:12px'>{html.escape(library.version)}</td>"
        f"<td>{html.escape(library.licence)}</td></tr>"
        for library in bundled_libraries()
    )
    return (
        f"<h2>Sourcemark {html.escape(version())}</h2>"
        "<p>An annotation desk for journalists: tag claims, quotes and rebuttals in your "
        "sources, search them all, and share annotated bundles.</p>"
        f"<p><b>Library:</b> {html.escape(str(library_path))}</p>"
        "<h3>Built with</h3>"
        f"<p>Qt {html.escape(qVersion())} through PySide6 {html.escape(pyside_version)} "
        "(LGPL-3.0), and:</p>"
        f"<table>{libraries}</table>"
    )


class AboutWindow(HelpWindow):
    def __init__(self, library_path: Path, parent: QWidget | None = None) -> None:
        super().__init__("About Sourcemark", parent)
        self.text.setHtml(about_html(library_path))


def open_folder(path: Path) -> bool:
    """Open a folder in the file manager (a seam: tests replace it); False if it could not."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_window(window: HelpWindow) -> None:
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
