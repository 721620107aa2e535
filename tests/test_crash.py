"""Acknowledged work survives SIGKILL: the crash harness (the victim is tests/crash_child.py).

A child imports sources and adds, edits and deletes annotations on one library; the parent
kills it at random moments and at chosen points just before and after the SQLite COMMIT and
the Whoosh commit, then opens the library as the next session would and checks it. Each round
continues on the same library. SOURCEMARK_CRASH_POINTS sets the number of kills (default 50).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcemark.app import lock
from sourcemark.app.health import database_health
from sourcemark.app.layout import DATABASE_FILE
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library

CHILD = Path(__file__).resolve().parent / "crash_child.py"
KILLS = int(os.environ.get("SOURCEMARK_CRASH_POINTS", "50"))
POINTS = ("before_commit", "after_commit", "before_index_commit", "after_index_commit")


@dataclass
class Acknowledged:
    """What the children reported as saved, carried from round to round."""

    articles: set[str] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)  # annotation id -> note


@dataclass
class Round:
    acknowledged: list[dict[str, Any]]
    pending: dict[str, Any]  # the call that was running when the child died ({} if none)


def _kill_plan(rng: random.Random, kills: int) -> list[str]:
    """Chosen points (each at several passes) for 40% of the kills, random moments for the rest."""
    chosen = [f"{POINTS[i % len(POINTS)]}:{rng.randint(1, 6)}" for i in range(kills * 2 // 5)]
    plan = chosen + [""] * (kills - len(chosen))
    rng.shuffle(plan)
    return plan


def _run_and_kill(library: Path, seed: int, crash_at: str, rng: random.Random) -> Round:
    env = {**os.environ, "SOURCEMARK_CRASH_AT": crash_at}
    errors = library.parent / "child-stderr.txt"
    with errors.open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(library), str(seed)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
        )
    assert child.stdout is not None
    lines: list[dict[str, Any]] = []
    wanted_saves = rng.randint(0, 5)
    while True:
        line = child.stdout.readline()
        assert line, f"the child ended on its own: {errors.read_text()}"
        lines.append(json.loads(line))
        if "at" in lines[-1]:
            break
        if not crash_at and ("ready" in lines[-1] or "saved" in lines[-1]):
            if wanted_saves == 0:
                time.sleep(rng.uniform(0, 0.03))  # somewhere inside the next call(s)
                break
            wanted_saves -= 1
    child.send_signal(signal.SIGKILL)
    # Read what is left through the same buffered reader: it may already hold some of it.
    lines += [json.loads(line) for line in child.stdout.read().splitlines()]
    child.stdout.close()
    assert child.wait(timeout=30) == -signal.SIGKILL
    saved = [line for line in lines if "saved" in line]
    tried = [line for line in lines if "try" in line]
    pending = tried[-1] if len(tried) > len(saved) else {}
    return Round(saved, pending)


def _record(acked: Acknowledged, saved: dict[str, Any]) -> None:
    if saved["saved"] == "import":
        acked.articles.add(saved["id"])
    elif saved["saved"] in ("annotate", "edit"):
        acked.notes[saved["id"]] = saved["note"]
    else:
        del acked.notes[saved["id"]]


def _check_survivors(library: Library, acked: Acknowledged, pending: dict[str, Any]) -> bool:
    """Every acknowledged change is there; the only other change allowed is the pending call.

    Returns whether the pending call (if any) turned out to be saved.
    """
    op, target = pending.get("try"), pending.get("id")
    articles = {a.id for a in library.articles()}
    assert acked.articles <= articles
    extra_articles = articles - acked.articles
    if extra_articles:
        assert op == "import" and len(extra_articles) == 1
        text = library.article(extra_articles.pop()).text
        assert hashlib.sha256(text.encode()).hexdigest() == pending["sha"]
    notes = {a.id: a.note for a in library.annotations()}
    for annotation_id, note in acked.notes.items():
        if op == "delete" and target == annotation_id:
            continue
        assert annotation_id in notes, f"acknowledged annotation {annotation_id} lost"
        allowed = {note, pending["note"]} if op == "edit" and target == annotation_id else {note}
        assert notes[annotation_id] in allowed
    extra_annotations = set(notes) - set(acked.notes)
    if extra_annotations:
        assert op == "annotate" and len(extra_annotations) == 1
        made = library.annotation(extra_annotations.pop())
        assert (made.article_id, made.start, made.end) == (
            pending["article"],
            pending["start"],
            pending["end"],
        )
    pending_saved = (articles, notes) != (acked.articles, acked.notes)
    acked.articles, acked.notes = articles, notes  # the pending call's fate is now known
    return pending_saved


def test_acknowledged_work_survives_sigkill(tmp_path: Path) -> None:
    seed = int(os.environ.get("SOURCEMARK_CRASH_SEED", "20261129"))
    rng = random.Random(seed)
    library_path = tmp_path / "library"
    acked = Acknowledged()
    survived, mid_call, mid_call_saved = 0, 0, 0
    plan = _kill_plan(rng, KILLS)
    for number, crash_at in enumerate(plan):
        outcome = _run_and_kill(library_path, seed * 1000 + number, crash_at, rng)
        for saved in outcome.acknowledged:
            _record(acked, saved)
        assert lock.state(library_path).state == "stale"  # the unclean exit is visible
        with open_library(library_path) as library:  # checks, replays the outbox
            health = database_health(library_path / DATABASE_FILE)
            assert health.ok, (crash_at, health)
            mid_call_saved += _check_survivors(library, acked, outcome.pending)
            assert library.index is not None
            status = library.index.status(library.db)
            assert status.agrees, (crash_at, status)
        survived += 1
        mid_call += bool(outcome.pending)
    assert survived == KILLS
    assert mid_call_saved < mid_call  # both fates of an interrupted call were exercised
    at_points = {point: sum(c.startswith(point + ":") for c in plan) for point in POINTS}
    print(
        f"\ncrash harness: {survived} kills survived: {at_points}, "
        f"{plan.count('')} at random moments; {mid_call} inside a call, of which "
        f"{mid_call_saved} had committed; {len(acked.articles)} articles and "
        f"{len(acked.notes)} annotations at the end"
    )
