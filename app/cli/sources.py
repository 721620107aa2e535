"""Commands for sources: `import`, `pages`, `articles`, `edit-source`, `show` and
`set-language`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path

from sourcemark.app import settings
from sourcemark.app.capture.fetch import DEFAULT_FETCH_LIMITS, is_web_address
from sourcemark.app.capture.importing import fetch_sources
from sourcemark.app.cli.output import library_for, print_json, short_id, warn
from sourcemark.app.cli.parser import byte_size
from sourcemark.app.dates import parse_published
from sourcemark.app.errors import ImportFailed, SourcemarkError
from sourcemark.app.importers import DEFAULT_MAX_BYTES, extract
from sourcemark.app.importing import (
    METADATA_FIELDS,
    Extraction,
    ImportReport,
    extract_files,
    import_extractions,
)
from sourcemark.app.models import PageSpan
from sourcemark.app.naming import clean_tag
from sourcemark.app.page_images import PageImages
from sourcemark.app.sources import EDITABLE, SourceRecord, edit_source, set_language, source_record
from sourcemark.app.stories import find_story
from sourcemark.app.wording import file_size, one_line


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    imp = subparsers.add_parser(
        "import",
        parents=[common],
        help="import source files (.txt, .md, .html, .pdf, - for stdin) or web pages (https://…)",
    )
    imp.add_argument(
        "files",
        nargs="+",
        metavar="FILE|URL",
        help="files to import; - reads text from stdin; an http(s) address is fetched and kept "
        "as evidence (a WARC record)",
    )
    for name in METADATA_FIELDS:
        imp.add_argument(f"--{name}", help=f"set the source's {name} (overrides what is extracted)")
    imp.add_argument(
        "--max-size",
        type=byte_size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help=f"refuse files larger than this, e.g. 100MB (default {file_size(DEFAULT_MAX_BYTES)})",
    )
    imp.add_argument(
        "--story", metavar="NAME", help="file the sources in this story (made if there is none)"
    )
    imp.add_argument(
        "--ocr-lang",
        metavar="LANG",
        help="Tesseract language(s) for scanned PDF pages, e.g. eng or eng+deu "
        "(default: `settings ocr-language`, else eng)",
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
    arts.add_argument("--story", metavar="NAME", help="only the sources of this story")
    arts.add_argument("--tag", metavar="TAG", help="only the sources with this tag")
    arts.add_argument("--json", action="store_true", help="print the list as JSON")
    arts.set_defaults(run=run_articles)

    edit = subparsers.add_parser(
        "edit-source",
        parents=[common],
        help="correct a source's title, outlet, author, URL or date (the text never changes)",
    )
    edit.add_argument("article", metavar="ARTICLE")
    for name in EDITABLE:
        edit.add_argument(f"--{name}", help=f"the source's new {name}")
    edit.add_argument("--json", action="store_true", help="print the source's details as JSON")
    edit.set_defaults(run=run_edit_source)

    show = subparsers.add_parser(
        "show", parents=[common], help="print a source: its details, text and annotations"
    )
    show.add_argument("article", metavar="ARTICLE")
    show.add_argument(
        "--json",
        action="store_true",
        help="print it as JSON (the text, and each annotation's code-point offsets into it)",
    )
    show.set_defaults(run=run_show)

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
        return ImportFailed(f"it is over the size limit of {file_size(max_bytes)}")
    try:
        return extract(data, "stdin.txt", max_bytes=max_bytes)  # BOM and charset detection too
    except ImportFailed as error:
        return error


def _extractions(names: list[str], max_bytes: int, language: str | None) -> Iterator[Extraction]:
    """What each named file gives, in order (several are extracted at once in the worker
    pool); `-` is standard input, an http(s) address is fetched from the web."""
    paths = [Path(n) for n in names if n != "-" and "://" not in n]
    files = extract_files(paths, max_bytes=max_bytes, ocr_language=language)
    limits = replace(DEFAULT_FETCH_LIMITS, max_bytes=max_bytes)
    for name in names:
        if name == "-":
            yield _stdin_source(max_bytes)
        elif is_web_address(name):
            yield next(fetch_sources([name], limits=limits))
        elif "://" in name:
            yield ImportFailed("only http and https addresses can be fetched")
        else:
            yield next(files)


def run_import(args: argparse.Namespace) -> int:
    metadata = {k: getattr(args, k) for k in METADATA_FIELDS if getattr(args, k) is not None}
    if "published" in metadata:
        metadata["published"] = parse_published(metadata["published"])
    language = settings.checked_ocr_language(args.ocr_lang) if args.ocr_lang else None
    names = [_label(name) for name in args.files]
    with library_for(args) as library:
        report = import_extractions(
            library,
            names,
            _extractions(args.files, args.max_size, language),
            metadata=metadata,
            story=args.story,
        ).value
        page_maps = {
            record.article_id: library.page_map(record.article_id)
            for record in (*report.imported, *report.already_present)
        }
    if args.json:
        print_json(_report_json(report, page_maps))
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
        ("in the trash (sourcemark restore-source brings it back):", report.in_trash),
    ):
        for record in records:
            print(f"{verb} {short_id(record.article_id)} {one_line(record.title)} ({record.name})")
    if report.story is not None:
        print(f"filed in the story {report.story!r}")

    for name, warning in report.warnings:
        print(f"sourcemark: warning: {name}: {warning}", file=sys.stderr)
    if files > 1:
        print(report.headline)
    warn(report.advice)


def _report_json(report: ImportReport, page_maps: dict[str, list[PageSpan]]) -> dict[str, object]:
    return {
        "imported": [
            {
                "file": record.name,
                "created": created,
                "id": record.article_id,
                "title": record.title,
                "pages": [span.to_dict() for span in page_maps[record.article_id]],
            }
            for created, records in ((True, report.imported), (False, report.already_present))
            for record in records
        ],
        "in_trash": [
            {"file": record.name, "id": record.article_id, "title": record.title}
            for record in report.in_trash
        ],
        "story": report.story,
        "failed": [{"file": name, "reason": reason} for name, reason in report.failed],
        "warnings": [{"file": name, "warning": warning} for name, warning in report.warnings],
        "metadata_not_applied": report.metadata_not_applied,
        "advice": report.advice,
    }


def run_articles(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        if args.story is None and args.tag is None:
            summaries = library.articles()
        else:
            story_id = find_story(library, args.story).id if args.story is not None else None
            tag = clean_tag(args.tag) if args.tag is not None else None
            ids = library.article_ids(story_id=story_id, tag=tag)
            found = library.article_summaries(ids)
            summaries = [found[i] for i in ids]
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


def run_edit_source(args: argparse.Namespace) -> int:
    changes = {name: getattr(args, name) for name in EDITABLE if getattr(args, name) is not None}
    with library_for(args) as library:
        article = edit_source(library, args.article, **changes).value
    if args.json:
        print_json(article.to_dict(with_text=False))
    else:
        details = " · ".join(x for x in (article.outlet, article.author, article.published) if x)
        print(
            f"{short_id(article.id)} {one_line(article.title)}"
            + (f"  ({details})" if details else "")
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
        record = source_record(library, args.article)
    if args.json:
        print_json(record.to_dict())
    else:
        _print_source(record)
    return 0


def _print_source(record: SourceRecord) -> None:
    article = record.article
    print(article.title or "Untitled source")
    for label, value in (
        ("id", article.id),
        ("outlet", article.outlet),
        ("author", article.author),
        ("published", article.published),
        ("url", article.url),
        ("stories", ", ".join(story.name for story in record.stories)),
        ("tags", " ".join(record.tags)),
    ):
        if value:
            print(f"{label + ':':11}{value}")
    for other_id, title in record.same_url:
        print(f"{'same url:':11}{short_id(other_id)} {one_line(title)}")
    if len(record.versions) > 1:
        print(f"{'versions:':11}{len(record.versions)} (the latest shown; `versions` lists them)")
    print()
    print(article.text)
    if record.annotations:
        print()
    for a in record.annotations:
        details = " · ".join(x for x in (a.speaker, a.verdict.label if a.verdict else "") if x)
        print(
            f"{short_id(a.id)}  {a.kind.value:8}  {a.start}-{a.end}  {one_line(a.quote, 60)!r}"
            + (f"  [{details}]" if details else "")
        )


def run_pages(args: argparse.Namespace) -> int:
    with library_for(args, read_only=True) as library:
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


def run_set_language(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        article_id = library.resolve_article_id(args.article)
        code = set_language(library, article_id, args.language).value
    print(f"{short_id(article_id)} is in {code}")
    return 0
