"""The `server` commands, for the newsroom's administrator: init, add-desk, add-reporter, status.

DSN is a libpq connection string or URL for the administrator's role (its password from the
DSN, PGPASSWORD or ~/.pgpass, as libpq reads them); see docs/newsroom.md.
"""

from __future__ import annotations

import argparse

from sourcemark.app.cli.output import print_json
from sourcemark.app.newsroom import server
from sourcemark.app.wording import count


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    command = subparsers.add_parser(
        "server", help="set up the newsroom's PostgreSQL (for its administrator)"
    )
    actions = command.add_subparsers(dest="action", metavar="ACTION", required=True)

    init = actions.add_parser("init", help="create the newsroom schema, or migrate it")
    init.add_argument("dsn", metavar="DSN", help="the administrator's connection string")
    init.set_defaults(run=run_init)

    desk = actions.add_parser("add-desk", help="add a desk (a team stories are shared with)")
    desk.add_argument("dsn", metavar="DSN")
    desk.add_argument("name", metavar="NAME")
    desk.set_defaults(run=run_add_desk)

    reporter = actions.add_parser(
        "add-reporter",
        help="add a reporter to a desk: a login role whose generated password is shown once",
    )
    reporter.add_argument("dsn", metavar="DSN")
    reporter.add_argument("name", metavar="NAME")
    reporter.add_argument("--desk", required=True, metavar="NAME")
    reporter.add_argument("--json", action="store_true", help='print {"name": …, "password": …}')
    reporter.set_defaults(run=run_add_reporter)

    state = actions.add_parser("status", help="schema version, desks, reporters and changes")
    state.add_argument("dsn", metavar="DSN")
    state.add_argument("--json", action="store_true")
    state.set_defaults(run=run_status)


def run_init(args: argparse.Namespace) -> int:
    report = server.init(args.dsn)
    if report.version_before == report.version:
        print(f"the newsroom schema is up to date (version {report.version})")
    elif report.version_before == 0:
        print(f"created the newsroom schema (version {report.version}), server {report.server_id}")
    else:
        print(
            f"migrated the newsroom schema from version {report.version_before} to {report.version}"
        )
    return 0


def run_add_desk(args: argparse.Namespace) -> int:
    print(f"added desk {server.add_desk(args.dsn, args.name)!r}")
    return 0


def run_add_reporter(args: argparse.Namespace) -> int:
    added = server.add_reporter(args.dsn, args.name, args.desk)
    if args.json:
        print_json({"name": added.name, "password": added.password})
    elif added.password is None:
        print(f"{added.name} (an existing reporter) now belongs to desk {added.desk!r}")
    else:
        print(f"added reporter {added.name} to desk {added.desk!r}")
        print(f"password (shown once, give it to {added.name}): {added.password}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    report = server.status(args.dsn)
    if args.json:
        print_json(report)
        return 0
    print(f"schema    version {report['schema_version']}, server {report['server_id']}")
    print(f"admin     {report['administrator']}")
    print(
        f"size      {report['database_size']}, {count(report['changes'], 'change')} "
        f"(last {report['last_change'] or 'never'})"
    )
    for desk in report["desks"]:
        print(
            f"desk      {desk['name']}: {count(len(desk['reporters']), 'reporter')} "
            f"({', '.join(desk['reporters']) or 'none'}), "
            f"{count(desk['stories'], 'story', 'stories')}, {count(desk['records'], 'record')}, "
            f"{count(desk['changes'], 'change')}"
        )
    return 0
