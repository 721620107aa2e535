"""The `settings` command: show or change the user's own settings (every library's)."""

from __future__ import annotations

import argparse

from sourcemark.app import settings
from sourcemark.app.cli.output import print_json


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    command = subparsers.add_parser(
        "settings",
        parents=[common],
        help="show your settings, or set one: settings ocr-language eng+deu",
    )
    command.add_argument("name", nargs="?", choices=["ocr-language"], help="the setting to change")
    command.add_argument("value", nargs="?", help="its new value")
    command.add_argument("--json", action="store_true", help="print the settings as JSON")
    command.set_defaults(run=run_settings)


def run_settings(args: argparse.Namespace) -> int:
    if args.name is not None:
        if args.value is None:
            print(settings.ocr_language())
            return 0
        settings.set_ocr_language(args.value)
    current = {"ocr-language": settings.ocr_language()}
    if args.json:
        print_json(current)
    else:
        for name, value in current.items():
            print(f"{name}: {value}")
        print(f"(stored in {settings.settings_path()})")
    return 0
