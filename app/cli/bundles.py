"""Commands for bundles: `export` and `import-bundle`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sourcemark.app.bundles import export_bundle, import_bundle
from sourcemark.app.cli.output import library_for, print_json
from sourcemark.app.models import Kind


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    exp = subparsers.add_parser(
        "export", parents=[common], help="write sources and their annotations as a bundle (.zip)"
    )
    exp.add_argument("--out", type=Path, required=True, metavar="FILE.zip", help="bundle to write")
    exp.add_argument("articles", nargs="*", metavar="ARTICLE", help="article ids (unique prefixes)")
    exp.add_argument("--all", action="store_true", help="export every article in the library")
    exp.add_argument("--story", metavar="NAME", help="export a story: its sources and itself")
    exp.add_argument(
        "--kind", choices=[k.value for k in Kind], help="only annotations of this kind"
    )
    exp.add_argument("--force", action="store_true", help="replace FILE.zip if it exists")
    exp.add_argument("--json", action="store_true", help="print the summary as JSON")
    exp.set_defaults(run=run_export, usage_error=exp.error)

    imp = subparsers.add_parser(
        "import-bundle", parents=[common], help="check a bundle and merge it into the library"
    )
    imp.add_argument("bundle", type=Path, metavar="FILE.zip")
    imp.add_argument("--json", action="store_true", help="print the counts as JSON")
    imp.set_defaults(run=run_import_bundle)


def run_export(args: argparse.Namespace) -> int:
    if sum((bool(args.articles), args.all, args.story is not None)) != 1:
        args.usage_error("name the articles to export, or give --all or --story (one of them)")
    with library_for(args) as library:
        summary = export_bundle(
            library,
            args.out,
            args.articles or None,
            kind=args.kind,
            story=args.story,
            replace=args.force,
        )
    if args.json:
        print_json(summary.to_dict())
    else:
        print(summary.headline)
    return 0


def run_import_bundle(args: argparse.Namespace) -> int:
    with library_for(args) as library:
        report = import_bundle(library, args.bundle).value
    if args.json:
        print_json(report.to_dict())
        return 0
    print(report.headline)
    for line in report.details():
        print(line)
    return 0
