"""`sourcemark` (or `python -m sourcemark`): the desk with no command, else the command line."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    from sourcemark.app.cli import build_parser, run

    args = build_parser().parse_args(argv)
    if args.command is not None:
        return run(args)
    from sourcemark.app.display import missing_display

    problem = missing_display(os.environ, sys.platform)
    if problem is not None:  # Qt would abort (exit 134) with a message about xcb plugins
        print(f"sourcemark: {problem}", file=sys.stderr)
        return 1
    from sourcemark.ui.desk import run_desk

    return run_desk(getattr(args, "library", None))


if __name__ == "__main__":
    sys.exit(main())
