"""Commands for sources: `import`, `articles` and `set-language`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from sourcemark.app.cli.output import one_line, open_library, print_json, short_id
from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers import DEFAULT_MAX_BYTES, ExtractedSource, extract, read_file


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imp = subparsers.add_parser(
        "import",
        parents=[common],
        help="import source files (.txt, .md, .html, .pdf, or - for stdin)",
    )
    imp.add_argument(
        "files", nargs="+", metavar="FILE", help="files to import; - reads text from stdin"
    )
    for name in ("title", "outlet", "author", "url", "published"):
        imp.add_argument(f"--{name}", help=f"set the source's {name} (overrides what is extracted)")
    imp.add_argument(
        "--max-size",
        type=int,
        default=DEFAULT_MAX_BYTES,
        metavar="BYTES",
        help=f"refuse files larger than this (default {DEFAULT_MAX_BYTES:,})",
    )
    imp.add_argument("--json", action="store_true", help="print the results as JSON")
    imp.set_defaults(run=run_import)

    arts = subparsers.add_parser("articles", parents=[common], help="list the library's sources")
    arts.add_argument("--json", action="store_true", help="print the list as JSON")
    arts.set_defaults(run=run_articles)

    language = subparsers.add_parser(
        "set-language",
        parents=[common],
        help="correct the language a source is written in (it is indexed again with it)",
    )
    language.add_argument("article", metavar="ARTICLE", help="article id (unique prefix)")
    language.add_argument("language", metavar="CODE", help="ISO 639-1 code, e.g. en, de, fr")
    language.set_defaults(run=run_set_language)


def _extract(name: str, max_bytes: int) -> ExtractedSource:
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ImportFailed(f"stdin: over the {max_bytes:,}-byte size limit")
        try:
            return extract(data, "stdin.txt", max_bytes=max_bytes)  # BOM and charset detection too
        except ImportFailed as error:
            raise ImportFailed(f"stdin: {error}") from None
    return read_file(Path(name), max_bytes=max_bytes)


def run_import(args: argparse.Namespace) -> int:
    overrides = {k: getattr(args, k) for k in ("title", "outlet", "author", "url", "published")}
    if overrides["published"] is not None:
        from sourcemark.app.dates import parse_published

        overrides["published"] = parse_published(overrides["published"])
    results, failures = [], []
    with open_library(args) as library:
        for name in args.files:
            try:
                source = _extract(name, args.max_size).with_metadata(**overrides)
            except ImportFailed as error:
                failures.append(str(error))
                print(f"sourcemark: {error}", file=sys.stderr)
                continue
            result = library.import_source(source)
            results.append((name, result))
            if not args.json:
                verb = "imported" if result.created else "already in the library:"
                print(
                    f"{verb} {short_id(result.article.id)} "
                    f"{one_line(result.article.title)} ({name})"
                )
        if len(results) > 1:
            library.settle_index()
    if args.json:
        print_json(
            {
                "imported": [
                    {"file": name, "created": r.created, **r.article.to_dict(with_text=False)}
                    for name, r in results
                ],
                "failed": failures,
            }
        )
    return 1 if failures else 0


def run_articles(args: argparse.Namespace) -> int:
    with open_library(args, read_only=True) as library:
        summaries = library.articles()
    if args.json:
        print_json([asdict(s) for s in summaries])
        return 0
    for s in summaries:
        counts = f"{s.claims}c {s.quotes}q {s.rebuttals}r"
        print(
            f"{short_id(s.id)}  {s.published or '----------':10}  {s.language:3}  {counts:>11}  "
            f"{one_line(s.title, 50)}  {s.outlet}"
        )
    return 0


def run_set_language(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        article_id = library.resolve_article_id(args.article)
        code = library.set_language(article_id, args.language)
    print(f"{short_id(article_id)} is in {code}")
    return 0
