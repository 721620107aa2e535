"""The desk's views of sources captured from the web: asking for addresses to import, a source's
versions with a word-level diff and the passages the publisher changed, and the page's full
text beside the extracted text.

Everything shown here is plain text or HTML this module writes from escaped text: no captured
HTML is ever rendered.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sourcemark.app.capture.compare import compare, word_segments
from sourcemark.app.capture.fetch import is_web_address
from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Article, PassageStatus, Version
from sourcemark.ui.combo import ComboBox

DELETED_STYLE = "background:#f6d5cf;color:#8a1c0c;text-decoration:line-through"
INSERTED_STYLE = "background:#d4eed9;color:#0b5d1e;text-decoration:underline"


def web_addresses(text: str) -> list[str]:
    """The http(s) addresses in pasted or typed text, one a line or separated by spaces."""
    return [word for word in text.split() if is_web_address(word)]


class ImportUrlDialog(QDialog):
    """Asks for one or more web addresses to fetch and import."""

    def __init__(self, parent: QWidget | None = None, text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from the web")
        explanation = QLabel(
            "Web addresses of pages or PDFs, one a line. Each is fetched now and kept as "
            "evidence (a WARC record of what the server sent)."
        )
        explanation.setWordWrap(True)
        self.addresses = QPlainTextEdit(text)
        self.addresses.setPlaceholderText("https://…")
        self.addresses.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.addresses.textChanged.connect(self._enable)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.addresses)
        layout.addWidget(self.buttons)
        self.resize(560, 220)
        self._enable()

    def urls(self) -> list[str]:
        return web_addresses(self.addresses.toPlainText())

    def _enable(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.urls()))

    @classmethod
    def ask(cls, parent: QWidget | None, text: str = "") -> list[str] | None:
        """The addresses to import, or None if cancelled (tests replace this seam)."""
        dialog = cls(parent, text)
        return dialog.urls() if dialog.exec() == QDialog.DialogCode.Accepted else None


def provenance(article: Article, versions: Sequence[Version]) -> str:
    """The header line saying where and when a source was captured, and which version shows."""
    latest = next((v.capture for v in reversed(versions) if v.capture is not None), None)
    parts = []
    if latest is not None:
        parts.append(f"Captured from {latest.final_url} on {_when(latest.fetched_at)}")
    if len(versions) > 1:
        parts.append(f"version {article.version} of {len(versions)}")
    return " · ".join(parts)


def _when(stamp: str) -> str:
    """'2024-05-02 14:03 UTC' from an ISO timestamp."""
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def diff_html(old: str, new: str) -> str:
    """An inline word-level diff: deletions struck through in red, insertions underlined in
    green (colour is never the only cue), every character of the texts escaped."""
    parts = []
    for tag, before, after in word_segments(compare(old, new)):
        if tag == "equal":
            parts.append(html.escape(before))
            continue
        if before:
            parts.append(f"<span style='{DELETED_STYLE}'>{html.escape(before)}</span>")
        if after:
            parts.append(f"<span style='{INSERTED_STYLE}'>{html.escape(after)}</span>")
    body = "".join(parts).replace("\n", "<br>")
    return f"<div style='white-space:pre-wrap;line-height:140%'>{body}</div>"


class VersionsDialog(QDialog):
    """A source's versions: a word-level diff between any two, and the annotated passages the
    publisher changed since they were captured (edited or removed)."""

    openAnnotationRequested = Signal(str)
    """An annotation of the 'changed since capture' list was activated (its id)."""

    def __init__(self, library: Library, article_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.article = library.article(article_id)
        self.versions = library.versions(article_id)
        self.setWindowTitle(f"Versions of “{self.article.title or 'Untitled source'}”")
        self.old_choice, self.new_choice = ComboBox(), ComboBox()
        for combo in (self.old_choice, self.new_choice):
            for version in self.versions:
                combo.addItem(self._label(version), version.number)
        self.old_choice.setCurrentIndex(max(len(self.versions) - 2, 0))
        self.new_choice.setCurrentIndex(len(self.versions) - 1)
        self.summary = QLabel()
        self.diff = QTextBrowser()
        self.diff.setObjectName("versionDiff")
        self.diff.setOpenLinks(False)
        self.diff.setOpenExternalLinks(False)
        self.passages = QTreeWidget()
        self.passages.setObjectName("changedPassages")
        self.passages.setHeaderLabels(["Status", "Kind", "You annotated", "It now reads"])
        self.passages.setRootIsDecorated(False)
        self.passages.setWordWrap(True)
        self.passages.itemActivated.connect(
            lambda item: self.openAnnotationRequested.emit(item.data(0, Qt.ItemDataRole.UserRole))
        )
        self.tabs = QTabWidget()
        diff_page = QWidget()
        choose = QHBoxLayout()
        choose.addWidget(QLabel("From"))
        choose.addWidget(self.old_choice, 1)
        choose.addWidget(QLabel("to"))
        choose.addWidget(self.new_choice, 1)
        diff_layout = QVBoxLayout(diff_page)
        diff_layout.addLayout(choose)
        diff_layout.addWidget(self.summary)
        diff_layout.addWidget(self.diff, 1)
        self.tabs.addTab(diff_page, "Changes")
        self.tabs.addTab(self.passages, "Changed since capture")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.old_choice.currentIndexChanged.connect(self.show_diff)
        self.new_choice.currentIndexChanged.connect(self.show_diff)
        self.show_diff()
        self._fill_passages(library.annotations(article_id))
        self.resize(900, 640)

    def _label(self, version: Version) -> str:
        where = f"captured {_when(version.capture.fetched_at)}" if version.capture else "imported"
        return f"v{version.number} — {where}"

    def show_diff(self) -> None:
        old_number = self.old_choice.currentData()
        new_number = self.new_choice.currentData()
        old = self.library.version_text(self.article.id, old_number)
        new = self.library.version_text(self.article.id, new_number)
        self.summary.setText(
            f"v{old_number} → v{new_number}: {compare(old, new).summary}. "
            "Struck through: removed; underlined: added."
        )
        self.diff.setHtml(diff_html(old, new))

    def _fill_passages(self, annotations: Sequence[Annotation]) -> None:
        changed = [a for a in annotations if a.status is not PassageStatus.SAME]
        for annotation in changed:
            now = annotation.quote if annotation.status is PassageStatus.EDITED else "(removed)"
            annotated = annotation.annotated_quote or annotation.quote
            item = QTreeWidgetItem(
                self.passages,
                [annotation.status.value, annotation.kind.value, annotated, now],
            )
            item.setData(0, Qt.ItemDataRole.UserRole, annotation.id)
            for column in (2, 3):
                item.setToolTip(column, item.text(column))
        if not changed:
            QTreeWidgetItem(self.passages, ["", "", "None of your passages changed.", ""])
        for column in (0, 1):
            self.passages.resizeColumnToContents(column)
        self.passages.setColumnWidth(2, 360)
        self.tabs.setTabText(1, f"Changed since capture ({len(changed)})")

    @classmethod
    def ask(
        cls, parent: QWidget | None, library: Library, article_id: str, *, passages: bool = False
    ) -> str | None:
        """Show the versions (the changed passages first with `passages`); returns the id of an
        annotation the user chose to open, if any (tests replace this seam)."""
        dialog = cls(library, article_id, parent)
        if passages:
            dialog.tabs.setCurrentIndex(1)
        chosen: list[str] = []

        def choose(annotation_id: str) -> None:
            chosen.append(annotation_id)
            dialog.accept()

        dialog.openAnnotationRequested.connect(choose)
        dialog.exec()
        return chosen[0] if chosen else None


class ExtractionCheckDialog(QDialog):
    """The extracted text beside the whole page's visible text, both as plain text, so the
    reporter can see what extraction dropped; a flagged source's warning can be dismissed."""

    def __init__(self, library: Library, article_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        article = library.article(article_id)
        self.setWindowTitle("Check the extracted text")
        self.warning = QLabel(
            article.extraction_warning or "No extraction warning for this source."
        )
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.extracted = QPlainTextEdit(article.text)
        self.page = QPlainTextEdit(
            library.page_text(article.id) or "No page text is kept for this source."
        )
        for view in (self.extracted, self.page):
            view.setReadOnly(True)
        panes = QHBoxLayout()
        for title, view in (("Extracted text", self.extracted), ("The page's text", self.page)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(view, 1)
            panes.addLayout(column, 1)
        self.dismiss = QPushButton("Dismiss the warning")
        self.dismiss.setEnabled(bool(article.extraction_warning))
        self.dismiss.clicked.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.dismiss, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(panes, 1)
        layout.addWidget(buttons)
        self.resize(1000, 620)

    @classmethod
    def ask(cls, parent: QWidget | None, library: Library, article_id: str) -> bool:
        """Show both texts; True if the reporter dismissed the warning (tests replace this)."""
        return cls(library, article_id, parent).exec() == QDialog.DialogCode.Accepted
