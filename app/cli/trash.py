"""Commands for the trash: `delete-source`, `restore-source`, `restore-annotation`, `trash`
and `empty-trash`."""

from __future__ import annotations

import argparse

from sourcemark.app.cli.output import library_for, print_json, short_id, warn
from sourcemark.app.trash import delete_source, empty_trash, restore_source, trash
from sourcemark.app.wording import one_line


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    delete = subparsers.add_parser(
        "delete-source",
        parents=[common],
        help="move a source and its annotations to the trash (restore-source brings it back)",
    )
    delete.add_argument("article", metavar="ARTICLE")
    delete.set_defaults(run=run_delete_source)

    restore = subparsers.add_parser(
        "restore-source",
        parents=[common],
        help="bring a source back from the trash with every annotation and link",
    )
    restore.add_argument("article", metavar="ARTICLE")
    restore.set_defaults(run=run_restore_source)

    restore_one = subparsers.add_parser(
        "restore-annotation", parents=[common], help="bring a deleted annotation back"
    )
    restore_one.add_argument("annotation", metavar="ANNOTATION")
    restore_one.set_defaults(run=run_restore_annotation)

    listing = subparsers.add_parser("trash", parents=[common], help="list what is in the trash")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(run=run_trash)

    empty = subparsers.add_parser(
        "empty-trash",
        parents=[common],
        help="destroy what is in the trash for good (the only way anything is destroyed)",
    )
    empty.add_argument(
        "--older-than",
        type=float,
        metavar="DAYS",
        help="only what was deleted more than DAYS days ago",
    )
    empty.set_defaults(run=run_empty_trash)


def run_delete_source(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        tombstone = delete_source(library, args.article).value
    print(
        f"moved {short_id(tombstone.target_id)} and its annotations to the trash "
        f"(sourcemark restore-source {short_id(tombstone.target_id)} brings it back)"
    )
    return 0


def run_restore_source(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        restored = restore_source(library, args.article)
    warn(restored.warnings)
    print(f"restored {short_id(restored.value.id)} {one_line(restored.value.title)}")
    return 0


def run_restore_annotation(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        restored = library.restore_annotation(args.annotation)
    warn(restored.warnings)
    print(f"restored {short_id(restored.value.id)} {one_line(restored.value.quote, 50)!r}")
    return 0


def run_trash(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        items = trash(library)
    if args.json:
        print_json([item.to_dict() for item in items])
        return 0
    for item in items:
        print(
            f"{item.target_type:10} {short_id(item.target_id)}  {item.deleted_at[:16]}  "
            f"{item.deleted_by:12}  {one_line(item.label, 50)}"
        )
    if not items:
        print("the trash is empty")
    return 0


def run_empty_trash(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        emptied = empty_trash(library, args.older_than).value
    print(emptied.headline)
    return 0
