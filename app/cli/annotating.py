"""Commands for annotations: annotate, annotations, edit, delete, link, unlink, history,
revert and cite."""

from __future__ import annotations

import argparse
from collections import defaultdict

from sourcemark.app.citations import CitationStyle, cite_annotation
from sourcemark.app.cli.output import library_for, print_json, short_id, warn
from sourcemark.app.cli.parser import positive_number, whole_number
from sourcemark.app.errors import InvalidAnnotation, NotFound
from sourcemark.app.history import Version, revert, trash_events, versions
from sourcemark.app.models import Annotation, Kind, Link, PageRange, Relation, Verdict
from sourcemark.app.stories import find_story
from sourcemark.app.wording import one_line

KINDS = [k.value for k in Kind]


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    ann = subparsers.add_parser(
        "annotate", parents=[common], help="tag a passage of a source as a claim, quote or rebuttal"
    )
    ann.add_argument("article", metavar="ARTICLE", help="article id (a unique prefix is enough)")
    ann.add_argument("--kind", required=True, choices=KINDS)
    where = ann.add_mutually_exclusive_group(required=True)
    where.add_argument("--quote", help="the passage's exact text")
    where.add_argument("--start", type=whole_number, help="start offset (code points); needs --end")
    ann.add_argument("--end", type=whole_number, help="end offset (code points, exclusive)")
    ann.add_argument(
        "--occurrence", type=positive_number, metavar="N", help="which match of --quote (1-based)"
    )
    _detail_options(ann)
    ann.add_argument("--json", action="store_true", help="print the new annotation as JSON")
    ann.set_defaults(run=run_annotate)

    lst = subparsers.add_parser("annotations", parents=[common], help="list annotations")
    lst.add_argument("article", nargs="?", metavar="ARTICLE", help="only this article's")
    lst.add_argument("--kind", choices=KINDS, help="only this kind")
    lst.add_argument("--story", metavar="NAME", help="only those of this story's sources")
    lst.add_argument("--json", action="store_true", help="print the list as JSON")
    lst.set_defaults(run=run_annotations)

    edit = subparsers.add_parser("edit", parents=[common], help="change an annotation's details")
    edit.add_argument("annotation", metavar="ANNOTATION")
    edit.add_argument("--kind", choices=KINDS)
    _detail_options(edit)
    edit.add_argument("--json", action="store_true", help="print the annotation as JSON")
    edit.set_defaults(run=run_edit)

    delete = subparsers.add_parser("delete", parents=[common], help="delete an annotation")
    delete.add_argument("annotation", metavar="ANNOTATION")
    delete.set_defaults(run=run_delete)

    link = subparsers.add_parser(
        "link",
        parents=[common],
        help="link a rebuttal to the claim it answers (or relate two annotations)",
    )
    link.add_argument("source", metavar="REBUTTAL")
    link.add_argument("target", metavar="CLAIM")
    link.add_argument("--relation", choices=[r.value for r in Relation], default="rebuts")
    link.set_defaults(run=run_link)

    unlink = subparsers.add_parser(
        "unlink", parents=[common], help="remove a link between two annotations"
    )
    unlink.add_argument("source", metavar="REBUTTAL")
    unlink.add_argument("target", metavar="CLAIM")
    unlink.add_argument("--relation", choices=[r.value for r in Relation], default="rebuts")
    unlink.set_defaults(run=run_unlink)

    history = subparsers.add_parser(
        "history", parents=[common], help="every version of an annotation, and what changed"
    )
    history.add_argument("annotation", metavar="ANNOTATION")
    history.add_argument("--json", action="store_true", help="print the versions as JSON")
    history.set_defaults(run=run_history)

    back = subparsers.add_parser(
        "revert", parents=[common], help="make an earlier version of an annotation current again"
    )
    back.add_argument("annotation", metavar="ANNOTATION")
    back.add_argument("version", type=int, metavar="VERSION", help="its number in `history`")
    back.add_argument("--json", action="store_true", help="print the annotation as JSON")
    back.set_defaults(run=run_revert)

    cite = subparsers.add_parser(
        "cite", parents=[common], help="print an annotation's passage as a ready-to-paste citation"
    )
    cite.add_argument("annotation", metavar="ANNOTATION")
    cite.add_argument(
        "--style", choices=[s.value for s in CitationStyle], default="ap", help="(default: ap)"
    )
    cite.set_defaults(run=run_cite)


def _detail_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--note", help="a note for the annotation")
    parser.add_argument("--speaker", help="who said it")
    parser.add_argument("--verdict", help=f"for claims: {', '.join(v.value for v in Verdict)}")


def _print_annotation(annotation: Annotation, as_json: bool) -> None:
    if as_json:
        print_json(annotation.to_dict())
    else:
        print(_line(annotation))


def _line(a: Annotation, pages: PageRange | None = None) -> str:
    details = " · ".join(
        x
        for x in (pages.label if pages else "", a.speaker, a.verdict.label if a.verdict else "")
        if x
    )
    return f"{short_id(a.id)}  {a.kind.value:8}  {a.start}-{a.end}  {one_line(a.quote, 50)!r}" + (
        f"  [{details}]" if details else ""
    )


def run_annotate(args: argparse.Namespace) -> int:
    details = {"note": args.note or "", "speaker": args.speaker or "", "verdict": args.verdict}
    with library_for(args) as library:
        if args.quote is not None:
            done = library.annotate_quote(
                args.article, args.kind, args.quote, occurrence=args.occurrence, **details
            )
        else:
            if args.end is None:
                raise InvalidAnnotation("--start needs --end")
            done = library.annotate(args.article, args.kind, args.start, args.end, **details)
    _print_annotation(done.value, args.json)
    return 0


def run_annotations(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        story_id = find_story(library, args.story).id if args.story is not None else None
        found = library.annotations(
            args.article, Kind(args.kind) if args.kind else None, story_id=story_id
        )
        pages = library.annotation_pages(found)
        links: dict[str, list[Link]] = defaultdict(list)
        for link in library.links():
            links[link.from_id].append(link)
            links[link.to_id].append(link)
        shown = {a.id for a in found}
        elsewhere = {link.seen_from(a)[1] for a in shown for link in links[a]} - shown
        others = {a.id: a for a in (*found, *library.annotations_by_ids(sorted(elsewhere)))}
    if args.json:
        print_json(
            [
                {
                    **a.to_dict(),
                    "pages": _pages_dict(pages.get(a.id)),
                    "links": [k.to_dict() for k in links[a.id]],
                }
                for a in found
            ]
        )
        return 0
    for a in found:
        print(_line(a, pages.get(a.id)))
        for link in links[a.id]:
            verb, other_id = link.seen_from(a.id)
            other = others[other_id]
            print(
                f"    {verb} {short_id(other_id)} {other.kind.value} {one_line(other.quote, 50)!r}"
            )
    return 0


def _pages_dict(pages: PageRange | None) -> dict[str, object] | None:
    return pages.to_dict() if pages else None


def run_edit(args: argparse.Namespace) -> int:
    changes = {
        name: getattr(args, name)
        for name in ("kind", "note", "speaker", "verdict")
        if getattr(args, name) is not None
    }
    with library_for(args) as library:
        edited = library.edit_annotation(args.annotation, **changes)
    warn(edited.warnings)
    _print_annotation(edited.value, args.json)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        deleted = library.delete_annotation(args.annotation).value
    print(
        f"moved {short_id(deleted.annotation.id)} to the trash "
        f"(sourcemark restore-annotation {short_id(deleted.annotation.id)} brings it back)"
    )
    return 0


def run_link(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        link = library.link(args.source, args.target, args.relation).value
    print(f"linked {short_id(link.from_id)} {link.relation.value} {short_id(link.to_id)}")
    return 0


def run_unlink(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        removed = library.unlink(args.source, args.target, args.relation).value
    if not removed:
        raise NotFound(f"there is no {args.relation!r} link from {args.source} to {args.target}")
    print(f"unlinked {args.source} {args.relation} {args.target}")
    return 0


def run_history(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        found = versions(library, args.annotation)
        events = trash_events(library, args.annotation)
    if args.json:
        print_json(
            {
                "versions": [v.to_dict() for v in found],
                "deletions": [e.to_dict() for e in events],
            }
        )
        return 0
    for version in found:
        print(_version_line(version))
        for field, before, after in version.changes:
            print(f"    {field}: {_value(before)} -> {_value(after)}")
    for event in events:
        undone = (
            f", restored {event.restored_at[:19]} by {event.restored_by}"
            if event.restored_at
            else ""
        )
        print(f"{event.what} deleted {event.deleted_at[:19]} by {event.deleted_by}{undone}")
    return 0


def _version_line(version: Version) -> str:
    state = "current" if version.current else version.reason
    record = version.record
    summary = " · ".join(
        str(x) for x in (record["kind"], record["speaker"], record["verdict"] or "") if x
    )
    by = f"  by {record['creator']}" if record.get("creator") else ""
    return f"{version.number:>3}  {version.made_at[:19]}  {state:14}  {summary}{by}"


def _value(value: object) -> str:
    return repr(one_line(value, 60)) if isinstance(value, str) else str(value)


def run_revert(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        reverted = revert(library, args.annotation, args.version)
    warn(reverted.warnings)
    _print_annotation(reverted.value, args.json)
    return 0


def run_cite(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        print(cite_annotation(library, args.annotation, args.style))
    return 0
