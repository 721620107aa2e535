"""Who is at the desk: the name deletions (and, with the newsroom, every change) are signed with."""

from __future__ import annotations

import getpass
import os

USER_VARIABLE = "SOURCEMARK_USER"
MAX_NAME = 200


def local_user() -> str:
    """$SOURCEMARK_USER, else the operating system's login name, else 'unknown'."""
    name = os.environ.get(USER_VARIABLE, "").strip()
    if not name:
        try:
            name = getpass.getuser().strip()
        except (KeyError, OSError):  # no login name for this uid (a container, say)
            name = ""
    return (name or "unknown")[:MAX_NAME]
