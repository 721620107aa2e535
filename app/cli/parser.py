"""The command line's argument parser: a usage error is one line, naming the bad value and the
values accepted, with exit code 2 (argparse would print the whole usage block)."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]?b?)", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2}
_SIZE_UNITS |= {"g": 1000**3, "gb": 1000**3}


class CommandParser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors fit on one line (subcommands inherit it)."""

    def error(self, message: str) -> NoReturn:
        message = message.removeprefix("argument ")
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:  # argparse's hook
        choices = action.choices
        if choices is not None and value not in choices:
            accepted = ", ".join(map(str, choices))
            raise argparse.ArgumentError(action, f"{value!r} is not one of: {accepted}")


def whole_number(text: str) -> int:
    """A type for counts and offsets: '12' but not 'abc' or '1.5'."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_number(text: str) -> int:
    number = whole_number(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of 1 or more")
    return number


def byte_size(text: str) -> int:
    """A size in bytes: '5000000', '50MB', '1.5 GB' (decimal units, as file managers show)."""
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size (give bytes, or a number with KB, MB or GB, e.g. 100MB)"
        )
    size = int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])
    if size < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size of at least 1 byte")
    return size
