"""Commands for sources: `import`, `articles` and `set-language`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from sourcemark.app.cli.output import library_for, one_line, print_json, short_id
from sourcemark.app.dates import parse_published
from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers import DEFAULT_MAX_BYTES, extract
from sourcemark.app.importing import (
    METADATA_FIELDS,
    Extraction,
    ImportReport,
    extract_files,
    import_extractions,
)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    imp = subparsers.add_parser(
        "import",
        parents=[common],
        help="import source files (.txt, .md, .html, .pdf, or - for stdin)",
    )
    imp.add_argument(
        "files", nargs="+", metavar="FILE", help="files to import; - reads text from stdin"
    )
    for name in METADATA_FIELDS:
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


def _stdin_source(max_bytes: int) -> Extraction:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        return ImportFailed(f"over the {max_bytes:,}-byte size limit")
    try:
        return extract(data, "stdin.txt", max_bytes=max_bytes)  # BOM and charset detection too
    except ImportFailed as error:
        return error


def _extractions(names: list[str], max_bytes: int) -> Iterator[Extraction]:
    """What each named file gives, in order; `-` is standard input."""
    files = extract_files((Path(n) for n in names if n != "-"), max_bytes=max_bytes)
    for name in names:
        yield _stdin_source(max_bytes) if name == "-" else next(files)


def run_import(args: argparse.Namespace) -> int:
    metadata = {k: getattr(args, k) for k in METADATA_FIELDS if getattr(args, k) is not None}
    if "published" in metadata:
        metadata["published"] = parse_published(metadata["published"])
    names = [_label(name) for name in args.files]
    with library_for(args) as library:
        report = import_extractions(
            library, names, _extractions(args.files, args.max_size), metadata=metadata
        ).value
    if args.json:
        print_json(_report_json(report))
    else:
        _print_report(report, len(names))
    return 1 if report.failed else 0


def _label(name: str) -> str:
    return "stdin" if name == "-" else name


def _print_report(report: ImportReport, files: int) -> None:
    for name, reason in report.failed:
        print(f"sourcemark: {name}: {reason}", file=sys.stderr)
    for verb, records in (
        ("imported", report.imported),
        ("already in the library:", report.already_present),
    ):
        for record in records:
            print(f"{verb} {short_id(record.article_id)} {one_line(record.title)} ({record.name})")
    if files > 1:
        print(report.headline)
    for line in report.advice:
        print(line, file=sys.stderr)


def _report_json(report: ImportReport) -> dict[str, object]:
    return {
        "imported": [
            {
                "file": record.name,
                "created": created,
                "id": record.article_id,
                "title": record.title,
            }
            for created, records in ((True, report.imported), (False, report.already_present))
            for record in records
        ],
        "failed": [{"file": name, "reason": reason} for name, reason in report.failed],
        "metadata_not_applied": report.metadata_not_applied,
    }


def run_articles(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
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
    with library_for(args) as library:
        article_id = library.resolve_article_id(args.article)
        code = library.set_language(article_id, args.language).value
    print(f"{short_id(article_id)} is in {code}")
    return 0
