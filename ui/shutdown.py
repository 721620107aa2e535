"""Closing the desk when the system asks: SIGTERM (logout, shutdown) or SIGINT (Ctrl+C in a
terminal) close every window as if the user had closed it, so a note being typed is saved,
the lock is released and the library is marked as cleanly closed.

Python runs signal handlers only between bytecodes, and Qt's event loop keeps it in C++; the
signal's number is written to a socket Qt watches (`signal.set_wakeup_fd`), which wakes the
loop at once.
"""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, Slot
from PySide6.QtWidgets import QApplication

CLOSING_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class CloseOnSignals(QObject):
    """While alive, SIGTERM and SIGINT close every top-level window, then quit the app."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._receiver, self._sender = socket.socketpair()
        for end in (self._receiver, self._sender):
            end.setblocking(False)
        self._notifier = QSocketNotifier(self._receiver.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._signalled)
        self._previous_fd = signal.set_wakeup_fd(self._sender.fileno())
        # A Python handler must be installed for the wake-up byte to be written (and for
        # SIGTERM not to kill the process outright).
        self._previous = {sig: signal.signal(sig, lambda *_: None) for sig in CLOSING_SIGNALS}
        app.aboutToQuit.connect(self.restore)

    @Slot()
    def _signalled(self) -> None:
        try:
            self._receiver.recv(64)
        except BlockingIOError:
            return
        for window in self._app.topLevelWidgets():
            if window.isWindow() and window.isVisible():
                window.close()
        self._app.quit()

    @Slot()
    def restore(self) -> None:
        """Give the signals back to their previous handlers."""
        if self._notifier.isEnabled():
            self._notifier.setEnabled(False)
            signal.set_wakeup_fd(self._previous_fd)
            for sig, handler in self._previous.items():
                signal.signal(sig, handler)
            self._receiver.close()
            self._sender.close()
