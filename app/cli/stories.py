"""Commands for stories and tags: `story ...`, `stories`, `tag`, `untag` and `tags`."""

from __future__ import annotations

import argparse

from sourcemark.app.cli.output import library_for, print_json, short_id
from sourcemark.app.cli.team import add_share_verb
from sourcemark.app.models import Story, StoryStatus
from sourcemark.app.overview import Chart, StoryOverview, story_overview
from sourcemark.app.stories import (
    add_to_story,
    all_tags,
    create_story,
    delete_story,
    describe_story,
    remove_from_story,
    rename_story,
    restore_story,
    set_story_status,
    story_summaries,
    tag_source,
    untag_source,
)
from sourcemark.app.wording import count, one_line

STATUSES = [s.value for s in StoryStatus]


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    story = subparsers.add_parser(
        "story", parents=[common], help="make, rename, describe, file sources in, delete stories"
    )
    verbs = story.add_subparsers(dest="verb", metavar="VERB", title="verbs", required=True)
    new = verbs.add_parser("new", parents=[common], help="start a story")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--description", default="", help="what the story is about")
    new.add_argument("--json", action="store_true", help="print the story as JSON")
    new.set_defaults(run=run_new)
    rename = verbs.add_parser("rename", parents=[common], help="rename a story")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(run=run_rename)
    status = verbs.add_parser("status", parents=[common], help="set a story's status")
    status.add_argument("name", metavar="NAME")
    status.add_argument("status", choices=STATUSES)
    status.set_defaults(run=run_status)
    describe = verbs.add_parser("describe", parents=[common], help="set a story's description")
    describe.add_argument("name", metavar="NAME")
    describe.add_argument("description", metavar="TEXT")
    describe.set_defaults(run=run_describe)
    delete = verbs.add_parser(
        "delete", parents=[common], help="move a story to the trash (its sources stay)"
    )
    delete.add_argument("name", metavar="NAME")
    delete.set_defaults(run=run_delete)
    restore = verbs.add_parser(
        "restore", parents=[common], help="bring a story back from the trash"
    )
    restore.add_argument("name", metavar="NAME")
    restore.set_defaults(run=run_restore)
    for verb, helped, run in (
        ("add", "file sources in a story", run_add),
        ("remove", "take sources out of a story (they stay in the library)", run_remove),
    ):
        members = verbs.add_parser(verb, parents=[common], help=helped)
        members.add_argument("name", metavar="NAME")
        members.add_argument("articles", nargs="+", metavar="ARTICLE")
        members.set_defaults(run=run)
    add_share_verb(verbs, common)
    show = verbs.add_parser(
        "show", parents=[common], help="a story at a glance: its sources and the numbers"
    )
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="print the overview as JSON")
    show.set_defaults(run=run_show)

    listing = subparsers.add_parser(
        "stories", parents=[common], help="list the stories with their counts"
    )
    listing.add_argument(
        "--json", action="store_true", help="print them as JSON, with the numbers of the charts"
    )
    listing.set_defaults(run=run_stories)

    for name, helped, run in (
        ("tag", "add tags to a source", run_tag),
        ("untag", "remove tags from a source", run_untag),
    ):
        tagging = subparsers.add_parser(name, parents=[common], help=helped)
        tagging.add_argument("article", metavar="ARTICLE")
        tagging.add_argument("tags", nargs="+", metavar="TAG")
        tagging.set_defaults(run=run)
    tags = subparsers.add_parser("tags", parents=[common], help="list the tags in use")
    tags.add_argument("--json", action="store_true", help="print them as JSON")
    tags.set_defaults(run=run_tags)


def _story_line(story: Story) -> str:
    return f"{story.name} ({story.status.value})"


def run_new(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        story = create_story(library, args.name, args.description).value
    if args.json:
        print_json(story.to_dict())
    else:
        print(f"started the story {_story_line(story)}")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        story = rename_story(library, args.old, args.new).value
    print(f"renamed: {_story_line(story)}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        story = set_story_status(library, args.name, args.status).value
    print(f"status set: {_story_line(story)}")
    return 0


def run_describe(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        story = describe_story(library, args.name, args.description).value
    print(f"described: {_story_line(story)}")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        story = delete_story(library, args.name).value
    print(f"moved the story {story.name!r} to the trash; its sources stay in the library")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        story = restore_story(library, args.name).value
    print(f"restored the story {_story_line(story)}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        added = add_to_story(library, args.name, args.articles).value
    already = len(set(args.articles)) - len(added)
    print(f"added {count(len(added), 'source')} to {args.name!r}" + _already(already, "in it"))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        removed = remove_from_story(library, args.name, args.articles).value
    absent = len(set(args.articles)) - len(removed)
    print(
        f"removed {count(len(removed), 'source')} from {args.name!r}"
        + _already(absent, "not in it")
    )
    return 0


def _already(number: int, where: str) -> str:
    return f" ({number} already {where})" if number > 0 else ""


def run_stories(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        summaries = story_summaries(library)
        overviews = [story_overview(library, s.story.id) for s in summaries] if args.json else []
    if args.json:
        print_json([overview.to_dict() for overview in overviews])
        return 0
    for s in summaries:
        counts = f"{s.sources}s {s.claims}c {s.quotes}q {s.rebuttals}r"
        print(f"{one_line(s.story.name, 40):40}  {s.story.status.value:9}  {counts}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        overview = story_overview(library, args.name)
    if args.json:
        print_json(
            {
                **overview.to_dict(),
                "sources": [
                    {"id": s.id, "title": s.title, "outlet": s.outlet, "published": s.published}
                    for s in overview.sources
                ],
            }
        )
        return 0
    _print_overview(overview)
    return 0


def _print_overview(overview: StoryOverview) -> None:
    story = overview.summary.story
    print(f"{story.name} ({story.status.value})")
    if story.description:
        print(story.description)
    print()
    for s in overview.sources:
        print(f"{short_id(s.id)}  {s.published or '----------':10}  {one_line(s.title, 50)}")
    for chart in overview.charts:
        print()
        _print_table(chart)


def _print_table(chart: Chart) -> None:
    print(chart.title)
    rows = chart.table()
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  " + "  ".join(cells))


def run_tag(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        added = tag_source(library, args.article, args.tags).value
    print(f"tagged {args.article}: {', '.join(added) or 'no new tags'}")
    return 0


def run_untag(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        removed = untag_source(library, args.article, args.tags).value
    print(f"untagged {args.article}: {', '.join(removed) or 'it had none of these tags'}")
    return 0


def run_tags(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        found = all_tags(library)
    if args.json:
        print_json([{"tag": tag, "sources": n} for tag, n in found])
    else:
        for tag, n in found:
            print(f"{tag}  {n}")
    return 0
