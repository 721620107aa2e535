"""Commands that keep a library safe: `check`, `backup` and `restore`.

`check` and `backup` only read the library (no writer lock), so they work while the desk is
open; `restore` replaces the database and so needs the library to be closed everywhere.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sourcemark.app import backup, health
from sourcemark.app.cli.output import print_json
from sourcemark.app.layout import default_library_path


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    chk = subparsers.add_parser(
        "check",
        parents=[common],
        help="report database integrity, index agreement, backup age and lock state",
    )
    chk.add_argument("--json", action="store_true", help="print the report as JSON")
    chk.set_defaults(run=run_check)

    bak = subparsers.add_parser(
        "backup", parents=[common], help="make a verified backup of the library now"
    )
    bak.set_defaults(run=run_backup)

    res = subparsers.add_parser(
        "restore",
        parents=[common],
        help="replace the library database with a verified backup (the old one is kept aside)",
    )
    res.add_argument(
        "backup",
        nargs="?",
        type=Path,
        metavar="BACKUP",
        help="backup file or its name in the backups folder (default: the latest good one)",
    )
    res.set_defaults(run=run_restore)


def _library_path(args: argparse.Namespace) -> Path:
    return (getattr(args, "library", None) or default_library_path()).expanduser()


def run_check(args: argparse.Namespace) -> int:
    report = health.check_library(_library_path(args))
    if args.json:
        print_json(report.to_json())
    else:
        print(f"library   {_library_path(args)}")
        for label, line in report.summary_lines():
            print(f"{label:<9} {line}")
        for problem in report.problems:
            print(f"problem:  {problem}")
        for advice in report.advice:
            print(f"advice:   {advice}")
    return 0 if report.ok else 1


def run_backup(args: argparse.Namespace) -> int:
    made = backup.create_backup(_library_path(args))
    print(f"backed up and verified: {made.path}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    restored = backup.restore(_library_path(args), args.backup)
    print(f"restored {restored.backup.describe()}")
    if restored.kept_aside is not None:
        print(f"the database it replaced is kept as {restored.kept_aside}")
    print("the search index will be rebuilt when the library next opens")
    return 0
