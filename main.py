"""Sourcemark: `python main.py` opens the desk; `python main.py COMMAND` runs a command."""

from __future__ import annotations

import sys


def main() -> int:
    from app.cli import build_parser, run

    args = build_parser().parse_args()
    if args.command is not None:
        return run(args)
    from ui.desk import run_desk

    return run_desk(getattr(args, "library", None))


if __name__ == "__main__":
    sys.exit(main())
