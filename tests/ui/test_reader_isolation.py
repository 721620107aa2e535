"""Issue 5, promise 6: opening a hostile source makes no network request and reads no file.

A canary HTTP server on 127.0.0.1 counts requests (it stops by itself), and a canary FIFO
reports any process that opens it for reading; the source's text, metadata, annotations and
tooltips all point at both, in every way HTML, CSS and SVG can ask for a resource.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from sourcemark.app.importers import extract
from sourcemark.app.library import Library
from tests.ui.conftest import MakeWindow

SERVER_LIFETIME_S = 30


@dataclass
class Canary:
    port: int
    fifo: Path
    requests: list[str] = field(default_factory=list)
    reads: int = 0


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[Canary]:
    fifo = tmp_path / "canary-secret"
    os.mkfifo(fifo)
    found = Canary(port=0, fifo=fifo)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            found.requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 0.1
    found.port = server.server_address[1]
    stop = threading.Event()
    deadline = time.monotonic() + SERVER_LIFETIME_S

    def serve() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            server.handle_request()
        server.server_close()

    def watch_fifo() -> None:
        # Opening a FIFO for writing without blocking succeeds only while someone reads it.
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                found.reads += 1
            except OSError as error:
                assert error.errno == errno.ENXIO
            time.sleep(0.005)

    threads = [threading.Thread(target=serve), threading.Thread(target=watch_fifo)]
    for thread in threads:
        thread.start()
    yield found
    stop.set()
    for thread in threads:
        thread.join(timeout=5)


def hostile_html(canary: Canary) -> str:
    url = f"http://127.0.0.1:{canary.port}"
    secret = canary.fifo
    return f"""<html><head><title>Hostile <img src={url}/title></title>
<link rel="stylesheet" href="{url}/style.css">
<style>@import url("{url}/import.css"); body {{ background: url(file://{secret}) }}</style>
<script src="{url}/script.js"></script><script>fetch("{url}/fetch")</script>
</head><body>
<p>Officials said the tracking pixel <img src={url}/pixel width=1 height=1> is harmless.</p>
<p>See <a href="file://{secret}">the file</a>,
<a href="//127.0.0.1:{canary.port}/scheme-relative">this</a>
and <img src="file://{secret}"> and <img src="{secret}">.</p>
<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}/svg.png"/>
<use href="file://{secret}#x"/></svg>
<iframe src="{url}/frame"></iframe><object data="{url}/object"></object>
<video poster="{url}/poster"></video><p style="background:url({url}/inline)">styled</p>
</body></html>"""


# The headless platform cannot raise the tooltip window; that is not what is tested here.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_hostile_source_makes_no_request_and_reads_no_file(
    bare_library: Library, make_window: MakeWindow, qtbot: QtBot, canary: Canary
) -> None:
    page = hostile_html(canary)
    as_text = bare_library.import_source(
        extract(page.encode(), "hostile.txt").with_metadata(
            title=page[:300],
            outlet=f"<img src=http://127.0.0.1:{canary.port}/outlet>",
            url=page[:200],
        )
    ).value.article
    note = f'<img src="http://127.0.0.1:{canary.port}/note"><img src="file://{canary.fifo}">'
    marked = bare_library.annotate_quote(
        as_text.id, "claim", "tracking pixel", note=note, speaker=note
    ).value
    as_html = bare_library.import_source(extract(page.encode(), "hostile.html")).value.article
    assert "<img" in as_html.title  # the page's own title, markup and all: shown as plain text
    window = make_window(bare_library)
    for article_id in (as_html.id, as_text.id):
        window.open_article(article_id)
        window.grab()
    window.open_annotation(marked.id)
    text = window.reader.text
    cursor = QTextCursor(text.document())
    cursor.setPosition(window.reader.text.offsets.to_qt(marked.start + 2))
    point = text.cursorRect(cursor).center()
    QApplication.sendEvent(
        text.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, text.viewport().mapToGlobal(point))
    )
    assert "&lt;img" in QToolTip.text()
    window.grab()
    qtbot.mouseClick(text.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.wait(300)  # let any deferred loading happen
    QToolTip.hideText()
    assert "tracking pixel" in window.reader.text.toPlainText()
    assert canary.requests == []
    assert canary.reads == 0


def test_the_canaries_do_detect_a_request_and_a_read(canary: Canary) -> None:
    """The detectors themselves work, so the test above cannot pass by being blind."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{canary.port}/probe", timeout=5):
        pass
    reader = os.open(canary.fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        deadline = time.monotonic() + 5
        while canary.reads == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        os.close(reader)
    assert canary.requests == ["/probe"]
    assert canary.reads > 0
