"""Start the desk: the Qt application, the library and the main window (and, when the desk
was opened with a bundle, the offer to import it)."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox

from sourcemark.app import lock
from sourcemark.app.layout import default_library_path
from sourcemark.app.library import Library
from sourcemark.ui import library_dialogs
from sourcemark.ui.bundle_offer import BundleOffers
from sourcemark.ui.library_opener import LibraryOpener
from sourcemark.ui.main_window import MainWindow
from sourcemark.ui.running_desk import BundleReceiver, hand_over
from sourcemark.ui.shutdown import CloseOnSignals

STYLE_SHEET = resources.files("sourcemark.resources").joinpath("style.qss")
ICONS = resources.files("sourcemark.resources").joinpath("icons")
DESKTOP_FILE_NAME = "sourcemark"  # the installed sourcemark.desktop: the window's menu entry


def application_icon() -> QIcon:
    """Sourcemark's icon in every size drawn from resources/icons/sourcemark.svg."""
    icon = QIcon()
    for entry in ICONS.iterdir():
        if entry.name.startswith("sourcemark-") and entry.name.endswith(".png"):
            pixmap = QPixmap()
            pixmap.loadFromData(entry.read_bytes(), "PNG")
            icon.addPixmap(pixmap)
    return icon


def make_application() -> QApplication:
    """The QApplication with Sourcemark's names (they key QSettings) and calm style."""
    QCoreApplication.setOrganizationName("Sourcemark")
    QCoreApplication.setApplicationName("Sourcemark")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("Sourcemark")
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(application_icon())
    app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    return app


def refuse(message: str, details: str = "") -> None:
    """Tell the user why the desk cannot start (a seam: tests replace it)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Sourcemark", message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDetailedText(details)
    box.exec()


def run_desk(library_path: Path | None, bundle: Path | None = None) -> int:
    """Run the desk until its window closes; 1 if the library cannot be opened.

    The library opens in the background (an index rebuild can take a while) and the window
    shows once it is ready, then offers to import `bundle` when one was given. When a desk
    already has the library open, the bundle goes to that desk instead (0, nothing opened)."""
    app = make_application()
    library_folder = library_path or default_library_path()
    if bundle is not None and hand_over(bundle, library_folder):
        return 0
    lock.describe_process_as(lock.DESK)
    offers = BundleOffers()
    receiver = BundleReceiver(library_folder)
    receiver.received.connect(offers.add)
    if bundle is not None:
        offers.add(bundle)
    CloseOnSignals(app)
    opener = LibraryOpener()
    windows: list[MainWindow] = []

    def show(library: Library) -> None:
        library_dialogs.remember_library(library.path)
        window = MainWindow(library)
        windows.append(window)
        window.show()
        offers.show_in(window)

    def fail(message: str, details: str) -> None:
        refuse(f"Cannot open the library. {_sentence(message)}", details)
        app.exit(1)

    opener.opened.connect(show)
    opener.failed.connect(fail)
    opener.open(library_path)
    try:
        return app.exec()
    finally:
        receiver.close()
        lock.describe_process_as(lock.COMMAND)  # locks this process takes later are a command's


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
