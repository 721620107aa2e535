"""The crash harness's victim: imports sources and edits annotations until it is killed.

Usage: python tests/crash_child.py LIBRARY SEED

It prints one JSON line before each call ({"try": ...}) and one after the call returns
({"saved": ...}: the change is committed). With SOURCEMARK_CRASH_AT=POINT:N it stops at the
N-th pass through POINT, says so ({"at": POINT}) and waits there for the parent's SIGKILL.
POINTs: before_commit / after_commit (the SQLite COMMIT of a write transaction) and
before_index_commit / after_index_commit (the Whoosh commit). The hooks wrap the product's own
functions from outside; the product has no test-only code path.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlite_utils  # noqa: E402
from whoosh.writing import SegmentWriter  # noqa: E402

from sourcemark.app.importers import from_pasted_text  # noqa: E402
from sourcemark.app.library import Library  # noqa: E402
from sourcemark.app.opening import open_library
from sourcemark.db import connection  # noqa: E402

OPERATIONS = 300  # far more than any kill needs; a point never reached ends the run
WORDS = [
    "council",
    "budget",
    "minister",
    "said",
    "rose",
    "fell",
    "percent",
    "report",
    "police",
    "court",
    "vote",
    "housing",
    "rent",
    "school",
    "hospital",
    "water",
    "energy",
    "tax",
    "spending",
    "deficit",
    "claim",
    "evidence",
    "witness",
    "statement",
]


def say(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


class CrashPoint:
    """Stops the process at the N-th pass through one named point, if asked to."""

    def __init__(self, spec: str) -> None:
        name, _, count = spec.partition(":")
        self.name, self.remaining = (name, int(count)) if spec else ("", 0)

    def reached(self, name: str) -> None:
        if name != self.name:
            return
        self.remaining -= 1
        if self.remaining == 0:
            say({"at": name})
            time.sleep(600)  # the parent kills us here


def install_hooks(crash: CrashPoint) -> None:
    real_transaction = connection.write_transaction

    @contextmanager
    def hooked_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
        with real_transaction(db):
            yield db
            crash.reached("before_commit")  # still inside: the real COMMIT runs next
        crash.reached("after_commit")

    real_commit = SegmentWriter.commit

    def hooked_commit(self: SegmentWriter, *args: Any, **kwargs: Any) -> None:
        crash.reached("before_index_commit")
        real_commit(self, *args, **kwargs)
        crash.reached("after_index_commit")

    connection.write_transaction = hooked_transaction
    SegmentWriter.commit = hooked_commit


def article_text(rng: random.Random, tag: str) -> str:
    """A unique source; some are long, so that commits take a while."""
    sentences = rng.choice((3, 20, 400))
    body = " ".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16))).capitalize() + "."
        for _ in range(sentences)
    )
    return f"Dispatch {tag}\n\n{body}"


def one_operation(library: Library, rng: random.Random, tag: str) -> None:
    articles = library.articles()
    annotations = library.annotations()
    roll = rng.random()
    if not articles or roll < 0.3:
        text = article_text(rng, tag)
        sha = hashlib.sha256(text.encode()).hexdigest()
        say({"try": "import", "sha": sha})
        article = library.import_source(from_pasted_text(text)).value.article
        say({"saved": "import", "id": article.id, "sha": sha})
    elif not annotations or roll < 0.7:
        article = library.article(rng.choice(articles).id)
        start = rng.randrange(0, len(article.text) - 40)
        end = start + rng.randint(5, 40)
        kind = rng.choice(("claim", "quote", "rebuttal"))
        say({"try": "annotate", "article": article.id, "start": start, "end": end})
        made = library.annotate(article.id, kind, start, end, note=f"note {tag}").value
        say({"saved": "annotate", "id": made.id, "note": made.note})
    elif roll < 0.88:
        target = rng.choice(annotations)
        note = f"edited {tag}"
        say({"try": "edit", "id": target.id, "note": note})
        library.edit_annotation(target.id, note=note)
        say({"saved": "edit", "id": target.id, "note": note})
    else:
        target = rng.choice(annotations)
        say({"try": "delete", "id": target.id})
        library.delete_annotation(target.id)
        say({"saved": "delete", "id": target.id})


def main(argv: list[str]) -> int:
    library_path, seed = Path(argv[1]), int(argv[2])
    install_hooks(CrashPoint(os.environ.get("SOURCEMARK_CRASH_AT", "")))
    rng = random.Random(seed)
    with open_library(library_path) as library:
        say({"ready": True})
        for step in range(OPERATIONS):
            one_operation(library, rng, f"{seed}-{step}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
