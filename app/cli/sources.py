"""Commands for sources: `import` and `articles`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from sourcemark.app import settings
from sourcemark.app.cli.output import one_line, open_library, print_json, short_id
from sourcemark.app.errors import ImportFailed, SourcemarkError
from sourcemark.app.importers import DEFAULT_MAX_BYTES, ExtractedSource, extract, extract_files
from sourcemark.app.page_images import PageImages


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
    imp.add_argument(
        "--ocr-lang",
        metavar="LANG",
        help="Tesseract language(s) for scanned PDF pages, e.g. eng or eng+deu "
        "(default: the `settings ocr-language`, else eng)",
    )
    imp.add_argument("--json", action="store_true", help="print the results as JSON")
    imp.set_defaults(run=run_import)

    pages = subparsers.add_parser(
        "pages",
        parents=[common],
        help="a PDF source's page map; --render draws its pages into the library's image cache",
    )
    pages.add_argument("article", metavar="ARTICLE", help="article id (a unique prefix is enough)")
    pages.add_argument("--render", action="store_true", help="draw the pages not yet cached")
    pages.add_argument("--rebuild", action="store_true", help="draw every page again")
    pages.add_argument("--json", action="store_true", help="print the page map as JSON")
    pages.set_defaults(run=run_pages)

    arts = subparsers.add_parser("articles", parents=[common], help="list the library's sources")
    arts.add_argument("--json", action="store_true", help="print the list as JSON")
    arts.set_defaults(run=run_articles)


def _from_stdin(max_bytes: int) -> ExtractedSource:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportFailed(f"stdin: over the {max_bytes:,}-byte size limit")
    try:
        return extract(data, "stdin.txt", max_bytes=max_bytes)  # BOM and charset detection too
    except ImportFailed as error:
        raise ImportFailed(f"stdin: {error}") from None


def _extracted(
    args: argparse.Namespace, language: str | None
) -> Iterator[tuple[str, ExtractedSource | ImportFailed]]:
    """Each named file with its source or its failure, in order; files are extracted several
    at once in the worker pool, and `-` reads standard input when its turn comes."""
    files = extract_files(
        [Path(name) for name in args.files if name != "-"],
        max_bytes=args.max_size,
        ocr_language=language,
    )
    for name in args.files:
        if name != "-":
            yield name, next(files)[1]
            continue
        try:
            yield name, _from_stdin(args.max_size)
        except ImportFailed as error:
            yield name, error


def run_import(args: argparse.Namespace) -> int:
    overrides = {k: getattr(args, k) for k in ("title", "outlet", "author", "url", "published")}
    if overrides["published"] is not None:
        from sourcemark.app.dates import parse_published

        overrides["published"] = parse_published(overrides["published"])
    language = settings.checked_ocr_language(args.ocr_lang) if args.ocr_lang else None
    results, failures = [], []
    with open_library(args) as library:
        for name, extracted in _extracted(args, language):
            if isinstance(extracted, ImportFailed):
                failures.append(str(extracted))
                print(f"sourcemark: {extracted}", file=sys.stderr)
                continue
            result = library.import_source(extracted.with_metadata(**overrides))
            results.append((name, result, library.page_map(result.article.id)))
            if not args.json:
                verb = "imported" if result.created else "already in the library:"
                print(
                    f"{verb} {short_id(result.article.id)} "
                    f"{one_line(result.article.title)} ({name})"
                )
    if args.json:
        print_json(
            {
                "imported": [
                    {
                        "file": name,
                        "created": r.created,
                        **r.article.to_dict(with_text=False),
                        "pages": [span.to_dict() for span in pages],
                    }
                    for name, r, pages in results
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
            f"{short_id(s.id)}  {s.published or '----------':10}  {counts:>11}  "
            f"{one_line(s.title, 50)}  {s.outlet}"
        )
    return 0


def run_pages(args: argparse.Namespace) -> int:
    with open_library(args, read_only=True) as library:
        article_id = library.resolve_article_id(args.article)
        spans = library.page_map(article_id)
        images = PageImages(library.path)
        drawn: dict[int, Path | ImportFailed] = {}
        if spans and (args.render or args.rebuild):
            if args.rebuild:
                images.clear(article_id)
            _, original = library.original(article_id)
            drawn = dict(images.render(article_id, original, [span.page for span in spans]))
    if not spans:
        raise SourcemarkError(
            f"{short_id(article_id)} has no pages (it was not imported from a PDF)"
        )
    image = {
        span.page: drawn.get(span.page) or images.cached(article_id, span.page) for span in spans
    }
    if args.json:
        print_json(
            [
                {**span.to_dict(), "image": str(found) if isinstance(found, Path) else None}
                | ({"problem": str(found)} if isinstance(found, ImportFailed) else {})
                for span, found in ((span, image[span.page]) for span in spans)
            ]
        )
    else:
        for span in spans:
            found = image[span.page]
            shown = found if isinstance(found, Path) else f"not drawn: {found}" if found else "-"
            ocr = "  OCR" if span.ocr else ""
            print(f"p. {span.page:<5} {span.start}-{span.end}{ocr}  {shown}")
    return 1 if any(isinstance(found, ImportFailed) for found in image.values()) else 0
