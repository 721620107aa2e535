"""A bundle opened while the desk already runs goes to that desk.

The file manager starts `sourcemark story.zip` as a new process, but the running desk holds
the library's writer lock, so that process could not open it. Instead it hands the bundle's
path to the desk over a local socket (QLocalServer: a socket file on Linux and macOS, a
named pipe on Windows) and exits; the running desk offers to import it. The socket's name
comes from the library's path, so a bundle reaches the desk that has its library open.
macOS starts no second process: Finder sends the running app a file-open event instead.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal, Slot
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from sourcemark.app.cli import BUNDLE_SUFFIX

HAND_OVER_TIMEOUT_MS = 3000
_ACCEPTED = b"ok\n"
_MAX_MESSAGE_BYTES = 16 * 1024


def server_name(library: Path) -> str:
    """The socket a desk with `library` open listens on (per user, per library)."""
    key = f"{os.getuid() if hasattr(os, 'getuid') else ''}:{library.expanduser().resolve()}"
    return "sourcemark-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def hand_over(bundle: Path, library: Path) -> bool:
    """Give `bundle` to the desk that has `library` open; False if no desk answers."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(library))
    if not socket.waitForConnected(HAND_OVER_TIMEOUT_MS):
        return False
    try:
        socket.write(str(bundle).encode("utf-8") + b"\n")
        if not socket.waitForBytesWritten(HAND_OVER_TIMEOUT_MS):
            return False
        while socket.bytesAvailable() < len(_ACCEPTED):
            if not socket.waitForReadyRead(HAND_OVER_TIMEOUT_MS):
                return False
        return bytes(socket.readAll().data()) == _ACCEPTED
    finally:
        socket.abort()


class BundleReceiver(QObject):
    """Listens for bundles handed over by later `sourcemark story.zip` starts, and for the
    file-open events macOS sends.

    Signal: `received(Path)`, an existing .zip file to offer to import.
    """

    received = Signal(Path)

    def __init__(self, library: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(library)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # left behind by a desk that crashed
            self.server.listen(name)
        self.server.newConnection.connect(self._accept)
        application = QCoreApplication.instance()
        if application is not None:
            application.installEventFilter(self)

    def close(self) -> None:
        """Stop listening (the desk is closing)."""
        self.server.close()
        application = QCoreApplication.instance()
        if application is not None:
            application.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if isinstance(event, QFileOpenEvent) and event.file():
            bundle = Path(event.file())
            if _is_bundle(bundle):
                self.received.emit(bundle)
                return True
        return super().eventFilter(watched, event)

    @Slot()
    def _accept(self) -> None:
        while (connection := self.server.nextPendingConnection()) is not None:
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection: QLocalSocket) -> None:
        if connection.bytesAvailable() > _MAX_MESSAGE_BYTES:
            connection.abort()
            return
        if not connection.canReadLine():
            return
        bundle = Path(bytes(connection.readLine().data()).decode("utf-8", "replace").strip())
        if not _is_bundle(bundle):
            connection.abort()
            return
        connection.write(_ACCEPTED)
        connection.flush()
        connection.disconnectFromServer()
        self.received.emit(bundle)


def _is_bundle(path: Path) -> bool:
    return path.suffix.lower() == BUNDLE_SUFFIX and path.is_file()
