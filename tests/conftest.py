"""Shared fixtures. Tests run headless and never touch the network or the user's library."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from tests.web_server import WebServer, web_server

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "resources" / "ice-subpoenas-nyc.txt"


@pytest.fixture(autouse=True)
def _private_library_location(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test ever opens the user's real default library or settings."""
    monkeypatch.setenv("SOURCEMARK_LIBRARY", str(tmp_path_factory.mktemp("default-library")))
    monkeypatch.setenv("SOURCEMARK_SETTINGS", str(tmp_path_factory.mktemp("settings") / "s.json"))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """A fresh, empty library with its search index."""
    lib = open_library(tmp_path / "library")
    yield lib
    lib.close()


@pytest.fixture
def bare_library(tmp_path: Path) -> Iterator[Library]:
    """A fresh library without a search index, for storage-only tests."""
    lib = open_library(tmp_path / "library", with_index=False)
    yield lib
    lib.close()


@pytest.fixture
def web() -> Iterator[WebServer]:
    """A web server on 127.0.0.1 that the test fills with pages (tests/web_server.py)."""
    with web_server() as server:
        yield server
