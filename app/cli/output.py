"""Helpers shared by commands: opening the library, printing records as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from sourcemark.app.demo import open_default_library
from sourcemark.app.layout import DATABASE_FILE, default_library_path
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library


def library_for(args: argparse.Namespace, *, read_only: bool = False) -> Library:
    """The library named by --library, else the default one (seeded with the demo on first use).

    Commands that only read pass `read_only`: they take no writer lock, so they work while the
    desk (or another command) has the library open.
    """
    path = getattr(args, "library", None)
    if read_only and ((path or default_library_path()) / DATABASE_FILE).is_file():
        return open_library(path, read_only=True)
    return open_library(path) if path is not None else open_default_library()


def warn(warnings: Iterable[str]) -> None:
    """An operation's warnings, one line each on standard error."""
    for warning in warnings:
        print(f"sourcemark: warning: {warning}", file=sys.stderr)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def short_id(full_id: str) -> str:
    return full_id[:8]
