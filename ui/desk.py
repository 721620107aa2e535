"""Start the desk: the Qt application, the library and the main window."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from sourcemark.app import lock
from sourcemark.app.library import Library
from sourcemark.ui import library_dialogs
from sourcemark.ui.library_opener import LibraryOpener
from sourcemark.ui.main_window import MainWindow
from sourcemark.ui.shutdown import CloseOnSignals

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


def refuse(message: str, details: str = "") -> None:
    """Tell the user why the desk cannot start (a seam: tests replace it)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Sourcemark", message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDetailedText(details)
    box.exec()


def run_desk(library_path: Path | None) -> int:
    """Run the desk until its window closes; 1 if the library cannot be opened.

    The library opens in the background (an index rebuild can take a while) and the window
    shows once it is ready."""
    lock.describe_process_as(lock.DESK)
    app = make_application()
    CloseOnSignals(app)
    opener = LibraryOpener()
    windows: list[MainWindow] = []

    def show(library: Library) -> None:
        library_dialogs.remember_library(library.path)
        windows.append(MainWindow(library))
        windows[-1].show()

    def fail(message: str, details: str) -> None:
        refuse(f"Cannot open the library. {_sentence(message)}", details)
        app.exit(1)

    opener.opened.connect(show)
    opener.failed.connect(fail)
    opener.open(library_path)
    return app.exec()


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
