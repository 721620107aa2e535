"""`sourcemark` (or `python -m sourcemark`): the desk with no command, else the command line.

`sourcemark story.zip` opens the desk and offers to import the bundle. A frozen Sourcemark
started as one of its own child processes (`app.children`) runs that child instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    from sourcemark.app.children import CHILD_FLAG, run_child

    if arguments[:1] == [CHILD_FLAG] and len(arguments) > 1:
        run_child(*arguments[1:])
        return 0
    from sourcemark.app.cli import parse_command_line, run

    invocation = parse_command_line(arguments)
    if invocation.args.command is not None:
        return run(invocation.args)
    from sourcemark.app.display import missing_display

    problem = missing_display(os.environ, sys.platform)
    if problem is not None:  # Qt would abort (exit 134) with a message about xcb plugins
        print(f"sourcemark: {problem}", file=sys.stderr)
        return 1
    from sourcemark.ui.desk import run_desk

    return run_desk(getattr(invocation.args, "library", None), invocation.bundle)


if __name__ == "__main__":
    sys.exit(main())
