"""Start the desk: the Qt application, the library and the main window."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from sourcemark.app.demo import open_default_library
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.library import Library
from sourcemark.ui import library_dialogs
from sourcemark.ui.main_window import MainWindow

STYLE_SHEET = resources.files("sourcemark.resources").joinpath("style.qss")


def make_application() -> QApplication:
    """The QApplication with Sourcemark's names (they key QSettings) and calm style."""
    QCoreApplication.setOrganizationName("Sourcemark")
    QCoreApplication.setApplicationName("Sourcemark")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("Sourcemark")
    app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    return app


def open_library(library_path: Path | None) -> Library:
    """The library at `library_path`, or the default one (seeded with the demo on first run)."""
    return Library.open(library_path) if library_path is not None else open_default_library()


def refuse(message: str) -> None:
    """Tell the user why the desk cannot start (a seam: tests replace it)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Sourcemark", message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def run_desk(library_path: Path | None) -> int:
    """Run the desk window until it closes; 1 if the library cannot be opened."""
    app = make_application()
    try:
        library = open_library(library_path)
    except SourcemarkError as error:
        refuse(f"Cannot open the library: {error}")
        return 1
    library_dialogs.remember_library(library.path)
    window = MainWindow(library)
    window.show()
    return app.exec()
