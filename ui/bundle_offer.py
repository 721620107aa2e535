"""A bundle opened from the file manager (`sourcemark story.zip`): offer to import it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from sourcemark.ui.main_window import MainWindow


class ImportBundleOffer(QMessageBox):
    """Asks whether to import the bundle the desk was opened with into the open library."""

    def __init__(self, bundle: Path, library: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import bundle")
        self.setIcon(QMessageBox.Icon.Question)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(f"Import the bundle “{bundle.name}” into this library?")
        self.setInformativeText(
            f"Its sources and annotations are checked, then merged into the library in "
            f"{library}. Nothing already there is lost: conflicting edits are kept in the "
            f"history.\n\nBundle: {bundle}"
        )
        self.import_button = self.addButton("Import", QMessageBox.ButtonRole.AcceptRole)
        self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.import_button)

    @classmethod
    def ask(cls, parent: QWidget, bundle: Path, library: Path) -> bool:
        """True if the user chose to import the bundle."""
        dialog = cls(bundle, library, parent)
        try:
            dialog.exec()
            return dialog.clickedButton() is dialog.import_button
        finally:
            dialog.deleteLater()


def offer_bundle(window: MainWindow, bundle: Path) -> None:
    """Ask, then import `bundle` into the window's library as File › Import bundle does."""
    window.raise_()
    window.activateWindow()
    if ImportBundleOffer.ask(window, bundle, window.library.path):
        window.import_bundle_file(bundle)


class BundleOffers(QObject):
    """The bundles to offer, one after another, once the desk's window shows: the one the
    desk was opened with and any handed over while it runs (`ui.running_desk`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window: MainWindow | None = None
        self._pending: list[Path] = []

    @Slot(object)
    def add(self, bundle: Path) -> None:
        self._pending.append(bundle)
        self._offer_soon()

    def show_in(self, window: MainWindow) -> None:
        self._window = window
        self._offer_soon()

    def _offer_soon(self) -> None:
        if self._window is not None and self._pending:
            QTimer.singleShot(0, self, self._offer_next)

    def _offer_next(self) -> None:
        if self._window is not None and self._pending:
            offer_bundle(self._window, self._pending.pop(0))
