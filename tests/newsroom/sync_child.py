"""A sync round in a child process that kills itself with SIGKILL at a chosen moment:
`push` right after the server committed a push (before the outbox is cleared), `pull` in the
middle of applying a pulled batch."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from sourcemark.app.newsroom import replica
from sourcemark.app.newsroom.sync import sync_once
from sourcemark.app.opening import open_library
from sourcemark.db import sync


def die(*_: Any, **__: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(library_path: str, moment: str) -> None:
    if moment == "push":
        sync.drop_outbox = die
    else:
        real_apply = replica.Applier.apply
        applied: list[int] = []

        def apply_then_die(self: replica.Applier, kind: str, body: Any, desk: str) -> None:
            real_apply(self, kind, body, desk)
            applied.append(1)
            if len(applied) == 3:
                die()

        replica.Applier.apply = apply_then_die  # type: ignore[method-assign]
    with open_library(Path(library_path)) as library:
        sync_once(library)
    sys.exit("the round ended without being killed")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
