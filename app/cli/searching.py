"""Commands for the search index: `search`, `similar` and `rebuild-index`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from sourcemark.app.cli.output import library_for, print_json, short_id
from sourcemark.app.cli.parser import positive_number
from sourcemark.app.cli.team import run_team_search, run_team_similar
from sourcemark.app.models import Kind, Verdict
from sourcemark.app.search.claims import THRESHOLD as SIMILARITY_THRESHOLD
from sourcemark.app.search.index import MAX_LIMIT, Hit, SearchResults
from sourcemark.app.stories import find_story
from sourcemark.app.wording import one_line


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    search = subparsers.add_parser(
        "search",
        parents=[common],
        help='search articles and annotations (words, "phrases", AND/OR/NOT, field:value)',
        description="Fields: kind: speaker: verdict: outlet: author: title: note: published: "
        "story: tag: (e.g. published:2020-01, published:[2020-01-01 TO 2020-01-10], "
        'story:"City budget", tag:budget).',
    )
    search.add_argument("query", metavar="QUERY", help="the search query")
    search.add_argument(
        "--kind", choices=[k.value for k in Kind], help="only annotations of this kind"
    )
    search.add_argument("--verdict", help=f"only claims with this verdict: {', '.join(Verdict)}")
    search.add_argument("--story", metavar="NAME", help="only in this story's sources")
    search.add_argument(
        "--team",
        action="store_true",
        help="search the newsroom's server (every shared story you may see) instead",
    )
    search.add_argument("--speaker", help="with --team: only annotations by this speaker")
    _limit_and_json(search, default_limit=20)
    search.add_argument(
        "--all-versions",
        action="store_true",
        help="also search the earlier versions of refetched sources (the latest only by default)",
    )
    search.set_defaults(run=run_search)

    similar = subparsers.add_parser(
        "similar",
        parents=[common],
        help="have we checked this before? claims stating what a statement or annotation states",
        description="Ranks the library's claims (then other passages) by how likely they state "
        "the same claim, with verdict, speaker, source, date and a similarity from 0 to 1. "
        "Nothing below the similarity threshold is shown.",
    )
    given = similar.add_mutually_exclusive_group(required=True)
    given.add_argument(
        "annotation", metavar="ANNOTATION", nargs="?", help="annotation id (unique prefix)"
    )
    given.add_argument("--text", metavar="STATEMENT", help="a statement to check")
    similar.add_argument(
        "--min-score",
        type=float,
        default=SIMILARITY_THRESHOLD,
        metavar="S",
        help=f"show matches this similar or more (0-1, default {SIMILARITY_THRESHOLD})",
    )
    similar.add_argument(
        "--team",
        action="store_true",
        help="with --text: have we checked this before anywhere in the newsroom?",
    )
    _limit_and_json(similar, default_limit=10)
    similar.set_defaults(run=run_similar)

    rebuild = subparsers.add_parser(
        "rebuild-index", parents=[common], help="rebuild the search index from the database"
    )
    rebuild.set_defaults(run=run_rebuild)


def _limit_and_json(parser: argparse.ArgumentParser, default_limit: int) -> None:
    parser.add_argument(
        "--limit",
        type=positive_number,
        default=default_limit,
        metavar="N",
        help=f"at most N results (1-{MAX_LIMIT}, default {default_limit})",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run_search(args: argparse.Namespace) -> int:
    if args.team:
        return run_team_search(args)
    with library_for(args, read_only=True) as library:
        story_id = find_story(library, args.story).id if args.story is not None else None
        results = library.search(
            args.query, kind=args.kind, verdict=args.verdict, limit=args.limit, story_id=story_id
        )
        earlier = (
            library.search_earlier_versions(args.query, limit=args.limit)
            if args.all_versions
            else None
        )
    if earlier is None:
        _print(results, args.json)
    elif args.json:
        print_json({**_results_json(results), "earlier_versions": [asdict(h) for h in earlier]})
    else:
        _print(results, False)
        print(f"\nearlier versions: {len(earlier)} matches")
        for hit in earlier:
            print(f"{short_id(hit.article_id)} v{hit.version}  {one_line(hit.title, 50)}")
            print(f"    {hit.start}-{hit.end}  {one_line(hit.snippet, 90)}")
    return 0


def run_similar(args: argparse.Namespace) -> int:
    if args.team:
        return run_team_similar(args)
    with library_for(args, read_only=True) as library:
        if args.text is not None:
            results = library.similar_to_text(args.text, limit=args.limit, min_score=args.min_score)
        else:
            results = library.similar(args.annotation, limit=args.limit, min_score=args.min_score)
    if args.json:
        _print(results, as_json=True)
        return 0
    for hit in results.hits:
        verdict = hit.verdict.label if hit.verdict else (hit.kind or "passage").capitalize()
        source = hit_source(hit)
        print(
            f"{hit.score:.2f}  {verdict:12}  {short_id(hit.annotation_id or hit.article_id)}  "
            f"{one_line(hit.snippet, 70)}"
        )
        print(f"      {hit.speaker or 'no speaker'} · {source}")
    if not results.hits:
        print("nothing similar in the library")
    else:
        print(f"{len(results.hits)} of {results.total} similar ({results.elapsed_ms:.0f} ms)")
    return 0


def hit_source(hit: Hit) -> str:
    """The source's title, outlet and date, as one line."""
    details = ", ".join(part for part in (hit.outlet, hit.published) if part)
    title = one_line(hit.title or "Untitled source", 50)
    return f"{title} ({details})" if details else title


def run_rebuild(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        assert library.index is not None  # a library opened for writing always has its index
        count = library.index.rebuild(library.db, progress=_progress)
    print(file=sys.stderr)
    print(f"rebuilt the search index: {count} documents")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\rindexing {done}/{total}", end="", file=sys.stderr, flush=True)


def _results_json(results: SearchResults) -> dict[str, object]:
    return {
        "query": results.query,
        "total": results.total,
        "elapsed_ms": results.elapsed_ms,
        "hits": [
            {**asdict(hit), "pages": hit.pages.to_dict() if hit.pages else None}
            for hit in results.hits
        ],
    }


def _print(results: SearchResults, as_json: bool) -> None:
    if as_json:
        print_json(_results_json(results))
        return
    for hit in results.hits:
        ident = short_id(hit.annotation_id or hit.article_id)
        label = hit.kind or "article"
        if hit.speaker:
            label += f" ({hit.speaker})"
        print(
            f"{hit.doc_type:10} {ident}  {label}  in {one_line(hit.title, 50)!r} "
            f"[{hit.start}:{hit.end}{', ' + hit.pages.label if hit.pages else ''}]"
        )
        print(f"    {hit.snippet}")
    print(f"{len(results.hits)} of {results.total} results ({results.elapsed_ms:.0f} ms)")
