"""The command line: `python main.py COMMAND ...`. Every command works without a screen.

Exit codes: 0 success, 1 a user error (one line naming the problem), 2 usage.
Each command module exposes `register(subparsers, common)`; its commands set `run`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from sourcemark import __version__
from sourcemark.app.cli.parser import CommandParser
from sourcemark.app.errors import SourcemarkError

COMMAND_MODULES = (
    "sourcemark.app.cli.sources",
    "sourcemark.app.cli.stories",
    "sourcemark.app.cli.trash",
    "sourcemark.app.cli.capture",
    "sourcemark.app.cli.annotating",
    "sourcemark.app.cli.searching",
    "sourcemark.app.cli.bundles",
    "sourcemark.app.cli.maintenance",
    "sourcemark.app.cli.settings",
    "sourcemark.app.cli.server",
    "sourcemark.app.cli.team",
)


def build_parser() -> argparse.ArgumentParser:
    common = CommandParser(add_help=False)
    common.add_argument(
        "--library",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="library folder (default: $SOURCEMARK_LIBRARY or the user data folder)",
    )
    parser = CommandParser(
        prog="sourcemark",
        description="Sourcemark, the annotation desk for journalists. "
        "With no command, opens the desk window.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"Sourcemark {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(subparsers, common)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed command; expected problems become one line on stderr and exit code 1."""
    try:
        return int(args.run(args) or 0)
    except SourcemarkError as error:
        details = f" ({error.details})" if error.details else ""
        print(f"sourcemark: {error}{details}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sourcemark: interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
