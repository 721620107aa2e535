"""Makes CALLS calls of Qt void methods in one process, as the reader does when it highlights,
then prints CALLS. Run by tests/ui/test_pyside_pin.py in a child process.

Usage: python tests/ui/void_calls_child.py CALLS

PySide6 6.12.0 on Python 3.11 drops a reference to None on each such call, and the process
dies ("Fatal Python error: none_dealloc") after a few thousand of them; Python 3.12+ is immune
(None is immortal) and PySide6 6.11 is fine.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QGuiApplication, QTextCharFormat, QTextCursor, QTextDocument


def make_void_calls(calls: int) -> None:
    document = QTextDocument()
    document.setPlainText("The mayor said crime fell by half last year. " * 20)
    cursor = QTextCursor(document)
    tint = QTextCharFormat()
    tint.setBackground(QColor("#E69F00"))
    length = document.characterCount() - 1
    for n in range(calls // 2):
        cursor.setPosition(n % length)
        cursor.mergeCharFormat(tint)


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    calls = int(sys.argv[1])
    make_void_calls(calls)
    print(calls)
