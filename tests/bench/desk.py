"""The desk's figures: the real window, offscreen, started the way `ui.desk.run_desk` starts it.

Every function here runs inside a benchmark child process. "Shown" means painted: a figure
stops its clock when the widget that shows the result has received its first paint event.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from sourcemark.app.opening import open_library
from sourcemark.ui.desk import make_application  # noqa: E402
from sourcemark.ui.main_window import MainWindow  # noqa: E402
from sourcemark.ui.search_panel import SearchPanel  # noqa: E402
from tests.bench.workload import QUERY_MIX  # noqa: E402

PAINT_TIMEOUT_S = 30.0


class PaintWatch(QObject):
    """Notes when a widget was last painted."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted_at: float | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.painted_at = time.monotonic()
        return False

    def wait(self, app: QApplication, ready: Callable[[], bool] = lambda: True) -> float:
        """Process events until a paint after `ready()` holds; the time of that paint."""
        self.painted_at = None
        deadline = time.monotonic() + PAINT_TIMEOUT_S
        while self.painted_at is None or not ready():
            if time.monotonic() > deadline:
                raise TimeoutError("the widget was never painted")
            if self.painted_at is not None:
                self.painted_at = None
            app.processEvents()
        return self.painted_at


def _open_window(library_dir: str) -> tuple[QApplication, MainWindow]:
    app = make_application()
    window = MainWindow(open_library(Path(library_dir)))
    window.show()
    return app, window


def _search_panel(window: MainWindow) -> SearchPanel:
    """Edit > Find (Ctrl+F): the search panel, shown, with the focus in its query box."""
    window.desk_actions.find.trigger()
    assert window.search.isVisible(), "Find did not show the search panel"
    return window.search


def _search(app: QApplication, panel: SearchPanel, watch: PaintWatch, text: str) -> float:
    """Type a query and press Enter; the time its results were painted."""
    panel.query.clear()
    QTest.keyClicks(panel.query, text)
    QTest.keyClick(panel.query, Qt.Key.Key_Return)
    return watch.wait(app, lambda: panel.model.rowCount() > 0)


def cold_start(library_dir: str) -> dict[str, Any]:
    """Process start to the sources list painted with the library, then to a search painted."""
    app, window = _open_window(library_dir)
    sources = PaintWatch(window.sources.list.viewport())
    window_at = sources.wait(app, lambda: window.sources.model.rowCount() > 0)
    panel = _search_panel(window)
    first_result_at = _search(app, panel, PaintWatch(panel.results.viewport()), QUERY_MIX[0][1])
    window.close()
    return {"window_at": window_at, "first_result_at": first_result_at}


def searches(library_dir: str, count: int) -> dict[str, Any]:
    """`count` searches of the query mix typed into the window (for its memory afterwards)."""
    app, window = _open_window(library_dir)
    panel = _search_panel(window)
    watch = PaintWatch(panel.results.viewport())
    samples = []
    for number in range(count):
        started = time.monotonic()
        painted = _search(app, panel, watch, QUERY_MIX[number % len(QUERY_MIX)][1])
        samples.append((painted - started) * 1000)  # typing the query included
    window.close()
    return {"samples_ms": samples}


def open_large_source(library_dir: str, repeats: int) -> dict[str, Any]:
    """Open the library's largest source in the reader: text set, highlights applied, painted.

    Between repeats a small source is opened, so each repeat really replaces the text.
    """
    app, window = _open_window(library_dir)
    rows = window.library.db.execute(
        "SELECT id FROM articles ORDER BY length(text) DESC"
    ).fetchall()
    large, small = rows[0][0], rows[-1][0]
    watch = PaintWatch(window.reader.text.viewport())
    to_paint, to_set = [], []
    for _ in range(repeats):
        window.open_article(small)
        watch.wait(app)
        started = time.monotonic()
        window.open_article(large)
        to_set.append((time.monotonic() - started) * 1000)
        to_paint.append((watch.wait(app) - started) * 1000)
    highlighted = window.reader.highlight_count
    window.close()
    return {"samples_ms": to_paint, "set_ms": to_set, "extra_selections": highlighted}
