"""Commands for sources captured from the web: refetch, versions, diff, captures, page-text,
dismiss-warning. (`import URL` lives with `import`.)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sourcemark.app.capture.compare import compare, word_segments
from sourcemark.app.capture.refetch import RefetchStatus, refetch, web_sources
from sourcemark.app.cli.output import library_for, print_json, short_id
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.stories import find_story


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    ref = subparsers.add_parser(
        "refetch",
        parents=[common],
        help="fetch sources again: report unchanged, changed (a new version), gone or failed",
    )
    ref.add_argument("articles", nargs="*", metavar="ARTICLE", help="article ids (or prefixes)")
    ref.add_argument("--all", action="store_true", help="every source with a web address")
    ref.add_argument("--story", metavar="NAME", help="every source of this story with an address")
    ref.add_argument("--json", action="store_true", help="print the report as JSON")
    ref.set_defaults(run=run_refetch)

    ver = subparsers.add_parser("versions", parents=[common], help="list a source's versions")
    ver.add_argument("article", metavar="ARTICLE")
    ver.add_argument("--json", action="store_true", help="print the versions as JSON")
    ver.set_defaults(run=run_versions)

    dif = subparsers.add_parser(
        "diff", parents=[common], help="word-level diff of two versions of a source"
    )
    dif.add_argument("article", metavar="ARTICLE")
    dif.add_argument(
        "numbers", nargs="*", type=int, metavar="V", help="two version numbers (default: last two)"
    )
    dif.set_defaults(run=run_diff)

    cap = subparsers.add_parser(
        "captures", parents=[common], help="list every fetch of a source (the WARC evidence)"
    )
    cap.add_argument("article", metavar="ARTICLE")
    cap.add_argument("--save", type=Path, metavar="DIR", help="write each capture's WARC file")
    cap.add_argument("--json", action="store_true", help="print the captures as JSON")
    cap.set_defaults(run=run_captures)

    page = subparsers.add_parser(
        "page-text", parents=[common], help="the whole page's visible text, to check extraction"
    )
    page.add_argument("article", metavar="ARTICLE")
    page.add_argument("--version", type=int, metavar="N", help="of this version (default latest)")
    page.set_defaults(run=run_page_text)

    dismiss = subparsers.add_parser(
        "dismiss-warning",
        parents=[common],
        help="clear a source's 'extraction may be incomplete' flag once checked",
    )
    dismiss.add_argument("article", metavar="ARTICLE")
    dismiss.set_defaults(run=run_dismiss)


def run_refetch(args: argparse.Namespace) -> int:
    if sum((bool(args.articles), args.all, args.story is not None)) != 1:
        raise SourcemarkError("name the sources to refetch, or give --all or --story (one of them)")
    with library_for(args) as library:
        if args.articles:
            ids = args.articles
        else:
            story_id = find_story(library, args.story).id if args.story is not None else None
            ids = web_sources(library, library.article_ids(story_id=story_id))
        report = refetch(library, ids).value
    if args.json:
        print_json([result.to_dict() for result in report.results])
    else:
        for result in report.results:
            print(result.line())
            for change in result.passages:
                now = "(gone)" if change.now is None else repr(change.now)
                print(
                    f"  {change.status.value:7} {short_id(change.annotation_id)}  "
                    f"{change.annotated!r} -> {now}"
                )
        print(report.headline)
    return 1 if report.of(RefetchStatus.FAILED) else 0


def run_versions(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        versions = library.versions(args.article)
        article = library.article(args.article)
    if args.json:
        print_json([version.to_dict() for version in versions])
        return 0
    for version in versions:
        capture = version.capture
        where = (
            f"captured from {capture.final_url} on {capture.fetched_at}" if capture else "imported"
        )
        current = "  (current)" if version.number == article.version else ""
        stamp = version.created_at[:19]
        print(f"v{version.number}  {stamp}  {version.length:>7,} chars  {where}{current}")
    if article.extraction_warning:
        print(f"warning: {article.extraction_warning}", file=sys.stderr)
    return 0


def run_diff(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        article = library.article(args.article)
        if len(args.numbers) not in (0, 2):
            raise SourcemarkError("give two version numbers, or none for the last two")
        old_number, new_number = args.numbers or (max(article.version - 1, 1), article.version)
        old = library.version_text(article.id, old_number)
        new = library.version_text(article.id, new_number)
    diff = compare(old, new)
    print(f"--- v{old_number}\n+++ v{new_number}\n{diff.summary}")
    for tag, before, after in word_segments(diff):
        if tag == "equal":
            sys.stdout.write(_context(before))
        else:
            sys.stdout.write(
                (f"[-{before}-]" if before else "") + (f"{{+{after}+}}" if after else "")
            )
    sys.stdout.write("\n")
    return 0


def _context(text: str, keep: int = 80) -> str:
    """Unchanged text around the changes, with long stretches shortened."""
    if len(text) <= 2 * keep + 5:
        return text
    return f"{text[:keep]} … {text[-keep:]}"


def run_captures(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        captures = library.captures(args.article)
        warcs = {c.id: library.capture_warc(c.id) for c in captures} if args.save else {}
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for capture in captures:
            (
                args.save / f"{capture.fetched_at.replace(':', '')}-{capture.id[:8]}.warc.gz"
            ).write_bytes(warcs[capture.id])
    if args.json:
        print_json([capture.to_dict() for capture in captures])
        return 0
    for capture in captures:
        version = f"v{capture.version}" if capture.version else "gone"
        print(
            f"{short_id(capture.id)}  {capture.fetched_at}  HTTP {capture.status}  {version:>4}  "
            f"{capture.final_url}"
        )
    return 0


def run_page_text(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        text = library.page_text(args.article, args.version)
    if not text:
        raise SourcemarkError("no page text is kept for this source (it is not a web page)")
    print(text)
    return 0


def run_dismiss(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        dismissed = library.dismiss_extraction_warning(args.article).value
    print("flag dismissed" if dismissed else "this source had no extraction warning")
    return 0
