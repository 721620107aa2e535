"""The command line: `python main.py COMMAND ...`. Every command works without a screen.

Exit codes: 0 success, 1 a user error (one line naming the problem), 2 usage.
Each command module exposes `register(subparsers, common)`; its commands set `run`.
With no command the desk opens; with a bundle instead (`sourcemark story.zip`, as a file
manager's "Open with" runs it) the desk opens and offers to import it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
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
BUNDLE_SUFFIX = ".zip"


@dataclass(frozen=True, slots=True)
class Invocation:
    """What the command line asks for: a command (`args.command`), else the desk, which offers
    to import `bundle` when one was given."""

    args: argparse.Namespace
    bundle: Path | None = None


def _common_options() -> argparse.ArgumentParser:
    common = CommandParser(add_help=False)
    common.add_argument(
        "--library",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="library folder (default: $SOURCEMARK_LIBRARY or the user data folder)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = CommandParser(
        prog="sourcemark",
        description="Sourcemark, the annotation desk for journalists. "
        "With no command, opens the desk window; with a bundle (sourcemark story.zip), opens "
        "the desk and offers to import it.",
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


def parse_command_line(argv: Sequence[str]) -> Invocation:
    """Read the arguments; a usage error exits with code 2, as argparse does."""
    parser = build_parser()
    opener = argparse.ArgumentParser(
        add_help=False, parents=[_common_options()], exit_on_error=False
    )
    opener.add_argument("bundle", nargs="?")
    try:
        opened, extra = opener.parse_known_args(argv)
    except argparse.ArgumentError:
        return Invocation(parser.parse_args(argv))  # the full parser explains the mistake
    # No command ends in .zip: a lone word that does is a bundle to open in the desk.
    if extra or opened.bundle is None or not opened.bundle.lower().endswith(BUNDLE_SUFFIX):
        return Invocation(parser.parse_args(argv))
    bundle = Path(opened.bundle).expanduser()
    if not bundle.is_file():
        parser.error(f"no bundle file at {bundle}")
    args = argparse.Namespace(command=None)
    if hasattr(opened, "library"):
        args.library = opened.library
    return Invocation(args, bundle.resolve())


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
