"""`python -m tests.bench.newsroom [--reporters 50] [--changes 100]`: the newsroom under load.

A private PostgreSQL on 127.0.0.1; N reporters, each a separate process with its own login and
its own replica (the records it has merged, by the same rule the laptops use), each making
`changes` annotations and edits (a third of them on a few annotations everybody edits, to
make conflicts) and syncing after every change: push, then pull. Reports changes applied per
second, p50/p95 of the time from a change being made to its arrival at another reporter,
conflicts (changes the server kept as older versions), and whether every replica converged
to the server's records. Then PostgreSQL full-text search over 100,000 shared sources.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from sourcemark.app.importers import ExtractedSource
from sourcemark.app.library import Library
from sourcemark.app.newsroom import protocol, replica, server, team
from sourcemark.app.newsroom.connection import connected
from sourcemark.app.newsroom.protocol import Change, Cursor
from sourcemark.app.newsroom.records import content, incoming_wins
from sourcemark.app.newsroom.search import search
from sourcemark.app.newsroom.sync import sync_once
from sourcemark.app.opening import open_library
from sourcemark.app.stories import add_to_story, create_story
from sourcemark.db import queries
from tests.postgres import running_server

SHARED_RECORDS = 20
WORDS = [
    "mayor",
    "council",
    "budget",
    "police",
    "crime",
    "housing",
    "transit",
    "school",
    "water",
    "tax",
    "fraud",
]


def reporter_run(
    login: str, number: int, changes: int, expected: int, start_at: float
) -> dict[str, Any]:
    rng = random.Random(number)
    replica: dict[str, dict[str, Any]] = {}
    latencies: list[float] = []
    superseded = 0
    cursor = Cursor()
    with psycopg.connect(login, autocommit=True) as conn:
        desk = protocol.my_desks(conn)["Metro"]
        while time.time() < start_at:
            time.sleep(0.01)
        for n in range(changes):
            shared = rng.random() < 1 / 3
            record_id = f"shared-{rng.randrange(SHARED_RECORDS)}" if shared else f"r{number}-{n}"
            stamp = time.time()
            body = {
                "id": record_id,
                "updated_at": _iso(stamp),
                "article_id": "a1",
                "kind": "claim",
                "quote": " ".join(rng.choice(WORDS) for _ in range(8)),
                "note": f"by reporter {number}, change {n}",
                "made_at": stamp,
                "made_by": number,
                "creator": f"r{number}",
            }
            report = protocol.push(
                conn, [Change(str(uuid.uuid4()), desk, "annotation", record_id, body)]
            )
            superseded += report.superseded
            cursor = _pull(conn, cursor, replica, latencies, number)
        deadline = time.time() + 120
        while time.time() < deadline:  # until every reporter's changes are in and pulled
            cursor = _pull(conn, cursor, replica, latencies, number)
            if _logged(conn) >= expected and protocol.horizon(conn) > _newest(conn):
                break
            time.sleep(0.05)
        cursor = _pull(conn, cursor, replica, latencies, number)
    return {
        "latencies": latencies,
        "superseded": superseded,
        "replica": {k: content(v) for k, v in replica.items()},
    }


def _logged(conn: psycopg.Connection[tuple[Any, ...]]) -> int:
    row = conn.execute("SELECT count(*) FROM sourcemark.changes").fetchone()
    assert row is not None
    return int(row[0])


def _newest(conn: psycopg.Connection[tuple[Any, ...]]) -> int:
    row = conn.execute("SELECT coalesce(max(txid)::text, '0') FROM sourcemark.changes").fetchone()
    assert row is not None
    return int(row[0])


def _pull(
    conn: psycopg.Connection[tuple[Any, ...]],
    cursor: Cursor,
    replica: dict[str, dict[str, Any]],
    latencies: list[float],
    number: int,
) -> Cursor:
    while batch := protocol.pull(conn, cursor):
        arrived = time.time()
        for change in batch:
            body = change.body
            if body["made_by"] != number:
                latencies.append(arrived - float(body["made_at"]))
            current = replica.get(change.record_id)
            if current is None or incoming_wins(current, body):
                replica[change.record_id] = body
        cursor = cursor.after(batch[-1])
    return cursor


def _iso(stamp: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="microseconds")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def laptop_run(
    url: str,
    name: str,
    password: str,
    folder: str,
    article_id: str,
    changes: int,
    expected: int,
    start_at: float,
) -> dict[str, Any]:
    """One reporter on a laptop of their own: a library (without its search index, to measure
    the sync), annotating and editing the shared story, a sync round after each change."""
    rng = random.Random(name)
    latencies: list[float] = []
    conflicts = 0
    with open_library(Path(folder), with_index=False) as library:
        library.user = name
        # The password in the DSN: used for the join, never stored (no keyring, no ~/.pgpass).
        team.join(library, make_conninfo(url, password=password), name, None)
        while time.time() < start_at:
            time.sleep(0.01)
        sync_once(library, password=password)
        text = library.article(article_id).text
        sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]{20,}[.!?]", text)]
        for n in range(changes):
            mine = [a for a in library.annotations(article_id) if a.note.startswith(name + ":")]
            others = library.annotations(article_id)
            if others and rng.random() < 1 / 3:
                target = rng.choice(others if rng.random() < 0.5 else mine or others)
                library.edit_annotation(target.id, note=f"{name}: edit {n}")
            else:
                start, end = rng.choice(sentences)
                library.annotate(article_id, "quote", start, end, note=f"{name}: {n}")
            conflicts += _round(library, password, name, latencies)
        deadline = time.time() + 300
        while time.time() < deadline:  # until every change is on the server and pulled here
            conflicts += _round(library, password, name, latencies)
            with connected(make_conninfo(url, user=name), password=password) as conn:
                done = _logged(conn) >= expected and protocol.horizon(conn) > _newest(conn)
            if done:
                conflicts += _round(library, password, name, latencies)
                break
            time.sleep(0.2)
        return {"latencies": latencies, "conflicts": conflicts, "dump": replica.dump(library.db)}


def _round(library: Library, password: str, name: str, latencies: list[float]) -> int:
    outcome = sync_once(library, password=password)
    arrived = time.time()
    for annotation_id in outcome.changes.annotations:
        row = queries.annotation(library.db, annotation_id)
        if row is not None and row["creator"] != name:
            made = datetime.fromisoformat(row["updated_at"]).timestamp()
            latencies.append(arrived - made)
    return len(outcome.value.conflicts)


def laptops(reporters: int, changes: int) -> dict[str, Any]:
    """The load test with real libraries: each reporter a process with its own library."""
    work = Path(tempfile.mkdtemp(prefix="sourcemark-newsroom-bench-"))
    try:
        with running_server() as cluster:
            dbname = cluster.create_database()
            dsn = cluster.dsn(dbname)
            server.init(dsn)
            server.add_desk(dsn, "Metro")
            logins = [server.add_reporter(dsn, f"reporter{n}", "Metro") for n in range(reporters)]
            url = cluster.url(dbname)
            first = logins[0]
            assert first.password is not None
            with open_library(work / "origin", with_index=False) as origin:
                origin.user = first.name
                team.join(origin, make_conninfo(url, password=first.password), first.name, None)
                text = resources.files("sourcemark.resources") / "ice-subpoenas-nyc.txt"
                extracted = ExtractedSource(
                    title="ICE subpoenas",
                    text=text.read_text(encoding="utf-8"),
                    source_format="text",
                    original=b"",
                    filename="ice.txt",
                )
                article_id = origin.import_source(extracted).value.article.id
                story = create_story(origin, "Load").value
                add_to_story(origin, story.name, [article_id])
                team.share(origin, story.name, "Metro")
                sync_once(origin, password=first.password)
            with psycopg.connect(dsn) as conn:
                row = conn.execute("SELECT count(*) FROM sourcemark.changes").fetchone()
            already = int(row[0]) if row else 0
            start_at = time.time() + 5
            jobs = [
                (
                    url,
                    login.name,
                    login.password,
                    str(work / login.name),
                    article_id,
                    changes,
                    already + reporters * changes,
                    start_at,
                )
                for login in logins
            ]
            with multiprocessing.get_context("spawn").Pool(reporters) as pool:
                results = pool.starmap(laptop_run, jobs)
            elapsed = time.time() - start_at
            with psycopg.connect(dsn) as conn:
                rows = conn.execute("SELECT kind, id, body FROM sourcemark.records").fetchall()
                logged = conn.execute("SELECT count(*) FROM sourcemark.changes").fetchone()
            truth = {
                f"{kind}:{rid}": content(body)
                for kind, rid, body in rows
                if not body.get("removed")
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    latencies = [v for r in results for v in r["latencies"]]
    total = (logged[0] if logged else 0) - already
    return {
        "mode": "laptops (own libraries, search index off)",
        "reporters": reporters,
        "changes_per_reporter": changes,
        "changes_logged": total,
        "seconds": round(elapsed, 1),
        "changes_per_second": round(total / elapsed, 1),
        "arrivals": len(latencies),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "conflicts_reported": sum(r["conflicts"] for r in results),
        "converged": all(r["dump"] == truth for r in results),
    }


def search_only(sources: int) -> dict[str, Any]:
    with running_server() as cluster:
        dbname = cluster.create_database()
        dsn = cluster.dsn(dbname)
        server.init(dsn)
        server.add_desk(dsn, "Metro")
        added = server.add_reporter(dsn, "reporter0", "Metro")
        login = cluster.dsn(dbname, user=added.name, password=added.password)
        return search_figures(cluster, dbname, login, sources)


def load(reporters: int, changes: int) -> dict[str, Any]:
    with running_server() as cluster:
        dbname = cluster.create_database()
        dsn = cluster.dsn(dbname)
        server.init(dsn)
        server.add_desk(dsn, "Metro")
        logins = []
        for number in range(reporters):
            added = server.add_reporter(dsn, f"reporter{number}", "Metro")
            logins.append(cluster.dsn(dbname, user=added.name, password=added.password))
        start_at = time.time() + 2
        with multiprocessing.get_context("spawn").Pool(reporters) as pool:
            results = pool.starmap(
                reporter_run,
                [
                    (login, n, changes, reporters * changes, start_at)
                    for n, login in enumerate(logins)
                ],
            )
        elapsed = time.time() - start_at
        with psycopg.connect(dsn) as conn:
            rows = conn.execute("SELECT id, body FROM sourcemark.records").fetchall()
            logged = conn.execute("SELECT count(*) FROM sourcemark.changes").fetchone()
        truth = {record_id: content(body) for record_id, body in rows}
        latencies = [v for r in results for v in r["latencies"]]
        figures = {
            "reporters": reporters,
            "changes_per_reporter": changes,
            "changes_logged": logged[0] if logged else 0,
            "seconds": round(elapsed, 2),
            "changes_per_second": round((logged[0] if logged else 0) / elapsed, 1),
            "arrivals": len(latencies),
            "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
            "latency_p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
            "conflicts_superseded": sum(r["superseded"] for r in results),
            "converged": all(r["replica"] == truth for r in results),
        }
        figures["search"] = search_figures(cluster, dbname, logins[0])
    return figures


def search_figures(cluster: Any, dbname: str, login: str, sources: int = 100_000) -> dict[str, Any]:
    """Full-text search over `sources` shared sources of about 400 words each."""
    rng = random.Random(7)
    # A long tail of rare words, and the query words in about one source in twenty.
    vocabulary = [f"w{i}" for i in range(30_000)] + WORDS
    started = time.time()
    with psycopg.connect(cluster.dsn(dbname)) as conn:
        with conn.cursor().copy(
            "COPY sourcemark.records (desk_id, kind, id, body, updated_at, author, changed_at) "
            "FROM STDIN"
        ) as copy:
            for n in range(sources):
                text = " ".join(rng.choice(vocabulary) for _ in range(400))
                body = {
                    "id": f"bulk{n}",
                    "title": f"Source {n}",
                    "text": text,
                    "updated_at": "2024-01-01T00:00:00Z",
                }
                copy.write_row(
                    (
                        1,
                        "article",
                        f"bulk{n}",
                        json.dumps(body),
                        "2024-01-01T00:00:00Z",
                        "reporter0",
                        "2024-01-01",
                    )
                )
        conn.execute("ANALYZE sourcemark.records")
        size = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('sourcemark.records')), "
            "pg_size_pretty(pg_relation_size('sourcemark.records_search'))"
        ).fetchone()
    loaded = time.time() - started
    timings: list[float] = []
    with psycopg.connect(login, autocommit=True) as conn:
        for query in ["mayor budget", "crime police", '"water tax"', "fraud -school", "transit5"]:
            for _ in range(5):
                began = time.perf_counter()
                search(conn, query, limit=20)
                timings.append(time.perf_counter() - began)
    return {
        "sources": sources,
        "load_seconds": round(loaded, 1),
        "table_size": size[0] if size else "",
        "gin_index_size": size[1] if size else "",
        "query_p50_ms": round(statistics.median(timings) * 1000, 1),
        "query_p95_ms": round(_percentile(timings, 0.95) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.newsroom", description=__doc__)
    parser.add_argument("--reporters", type=int, default=50)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument(
        "--search-only", type=int, metavar="SOURCES", help="only measure search over SOURCES"
    )
    parser.add_argument(
        "--laptops",
        action="store_true",
        help="reporters with libraries of their own (the real sync), not the protocol alone",
    )
    args = parser.parse_args()
    if args.laptops:
        print(json.dumps(laptops(args.reporters, args.changes), indent=2))
    elif args.search_only:
        print(json.dumps(search_only(args.search_only), indent=2))
    else:
        print(json.dumps(load(args.reporters, args.changes), indent=2))


if __name__ == "__main__":
    main()
