"""Sourcemark from a checkout: `python main.py` opens the desk; with a COMMAND, runs it."""

import sys

from sourcemark.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
