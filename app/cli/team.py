"""The reporter's newsroom commands: `team join|leave`, `sync [--status]` and `story share`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from psycopg.conninfo import conninfo_to_dict

from sourcemark.app.cli.output import library_for, print_json
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.newsroom import sync, team
from sourcemark.app.newsroom.connection import checked_dsn


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    command = subparsers.add_parser(
        "team", parents=[common], help="join or leave the newsroom (stories shared by desk)"
    )
    actions = command.add_subparsers(dest="action", metavar="ACTION", required=True)
    join = actions.add_parser(
        "join", parents=[common], help="join the newsroom's server as a reporter"
    )
    join.add_argument("dsn", metavar="DSN", help="the server, e.g. postgresql://host/newsroom")
    join.add_argument("--as", dest="reporter", required=True, metavar="NAME")
    join.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (else asked, unless the DSN or "
        "PGPASSWORD gives it)",
    )
    join.set_defaults(run=run_join)
    leave = actions.add_parser(
        "leave", parents=[common], help="stop syncing (shared stories stay, as private ones)"
    )
    leave.set_defaults(run=run_leave)

    round_ = subparsers.add_parser(
        "sync", parents=[common], help="sync the shared stories with the newsroom now"
    )
    round_.add_argument("--status", action="store_true", help="show the sync state, offline")
    round_.add_argument("--json", action="store_true")
    round_.set_defaults(run=run_sync)


def add_share_verb(
    verbs: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """`story share NAME --desk DESK` (registered with the story verbs)."""
    share = verbs.add_parser("share", parents=[common], help="share a story with a desk")
    share.add_argument("name", metavar="NAME")
    share.add_argument("--desk", required=True, metavar="DESK")
    share.set_defaults(run=run_share)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise SourcemarkError("no password on standard input")
        return line
    if "password" in conninfo_to_dict(checked_dsn(args.dsn)) or os.environ.get("PGPASSWORD"):
        return None
    if not sys.stdin.isatty():
        raise SourcemarkError("give the password with --password-stdin (or in PGPASSWORD)")
    return getpass.getpass(f"Password for {args.reporter}: ")


def run_join(args: argparse.Namespace) -> int:
    password = _password(args)
    with library_for(args) as library:
        joined = team.join(library, args.dsn, args.reporter, password).value
    print(f"joined the newsroom as {joined.team.reporter}; desks: {', '.join(joined.desks)}")
    if joined.password_kept_in is not None:
        print(f"the password is kept in {joined.password_kept_in}")
    return 0


def run_leave(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        left = team.leave(library).value
    print(f"left the newsroom ({left.reporter}); shared stories stay here, unshared")
    return 0


def run_share(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        name = team.share(library, args.name, args.desk).value
    print(f"shared {name!r} with desk {args.desk!r}: it goes out with the next sync")
    return 0


def run_sync(args: argparse.Namespace) -> int:
    with library_for(args, read_only=args.status) as library:
        if args.status:
            state = sync.status(library)
            if args.json:
                print_json(state.to_dict())
            else:
                _print_status(state)
            return 0
        report = sync.sync_once(library).value
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.headline())
        for conflict in report.conflicts:
            print(f"conflict: {conflict.describe()}; the other version is in its history")
    return 0


def _print_status(state: sync.SyncStatus) -> None:
    for heading, text in state.lines():
        print(f"{heading:9} {text}")


def run_team_search(args: argparse.Namespace) -> int:
    """`search --team QUERY`: the newsroom's shared records, ranked by PostgreSQL."""
    with library_for(args, read_only=True) as library:
        hits = team.search_team(
            library,
            args.query,
            kind=args.kind,
            speaker=args.speaker,
            verdict=args.verdict,
            story=args.story,
            limit=args.limit,
        )
    if args.json:
        print_json([hit.to_dict() for hit in hits])
        return 0
    for hit in hits:
        what = hit.annotation_kind or hit.kind
        by = f" by {hit.creator}" if hit.creator else ""
        stories = f" [{', '.join(hit.stories)}]" if hit.stories else ""
        print(f"{what:<10} {hit.id[:8]} {hit.desk}{stories}{by}: {hit.snippet}")
    if not hits:
        print("no matches on the newsroom's server")
    return 0


def run_team_similar(args: argparse.Namespace) -> int:
    """`similar --text STATEMENT --team`: the newsroom's claims stating the same thing."""
    if args.text is None:
        raise SourcemarkError("--team checks a statement: give it with --text")
    with library_for(args, read_only=True) as library:
        found = team.checked_before(library, args.text, limit=args.limit, min_score=args.min_score)
    if args.json:
        print_json([{"score": round(score, 4), **hit.to_dict()} for score, hit in found])
        return 0
    for score, hit in found:
        verdict = (hit.verdict or hit.annotation_kind or "").replace("_", " ")
        by = f" by {hit.creator}" if hit.creator else ""
        print(f"{score:.2f}  {verdict:12}  {hit.id[:8]}  {hit.title[:70]}")
        print(f"      {hit.speaker or 'no speaker'} · {hit.source_title} · {hit.desk}{by}")
    if not found:
        print("nothing similar in the newsroom")
    return 0
