"""`sourcemark` (or `python -m sourcemark`): the desk with no command, else the command line."""

from __future__ import annotations

import sys


def main() -> int:
    from sourcemark.app.cli import build_parser, run

    args = build_parser().parse_args()
    if args.command is not None:
        return run(args)
    from sourcemark.ui.desk import run_desk

    return run_desk(getattr(args, "library", None))


if __name__ == "__main__":
    sys.exit(main())
