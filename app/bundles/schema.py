"""Checks for untrusted JSON records: each returns the value it accepts or raises BundleError."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from sourcemark.app.errors import BundleError
from sourcemark.app.merging import instant

Check = Callable[[Any, str], Any]
"""Called with a value and where it was found (for the message); returns the accepted value."""

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")


def fields(
    value: Any, where: str, checks: Mapping[str, Check], *, may_omit: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """An object with exactly these keys (those in `may_omit` may be left out: they read as
    null), each value passed through its check."""
    if not isinstance(value, dict):
        raise BundleError(f"{where}: expected a JSON object")
    value = {**dict.fromkeys(may_omit), **value}
    missing = [key for key in checks if key not in value]
    extra = [key for key in value if key not in checks]
    if missing or extra:
        problem = f"missing {missing[0]!r}" if missing else f"unknown field {extra[0]!r}"
        raise BundleError(f"{where}: {problem}")
    return {key: check(value[key], f"{where}: {key}") for key, check in checks.items()}


def text(limit: int, pattern: re.Pattern[str] | None = None) -> Check:
    def check(value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise BundleError(f"{where} must be a string")
        if len(value) > limit:
            raise BundleError(f"{where} is longer than {limit:,} characters")
        if pattern is not None and not pattern.match(value):
            raise BundleError(f"{where} is not in the expected form: {value[:40]!r}")
        return value

    return check


def optional(check: Check) -> Check:
    return lambda value, where: None if value is None else check(value, where)


def timestamp(value: Any, where: str) -> str:
    stamp: str = text(40, _TIMESTAMP)(value, where)
    try:
        instant(stamp)
    except ValueError:
        raise BundleError(f"{where} is not a real date and time: {stamp!r}") from None
    return stamp


def offset(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:
        raise BundleError(f"{where} must be a whole number, 0 or more")
    return value


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise BundleError(f"{where} must be true or false")
    return value


def literal(expected: Any) -> Check:
    def check(value: Any, where: str) -> Any:
        if value != expected or type(value) is not type(expected):
            raise BundleError(f"{where} is {value!r}, expected {expected!r}")
        return value

    return check


def array(limit: int, item: Check | None = None) -> Check:
    def check(value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise BundleError(f"{where} must be a list")
        if len(value) > limit:
            raise BundleError(f"{where} has more than {limit:,} entries")
        return [item(v, f"{where}[{i}]") for i, v in enumerate(value)] if item else value

    return check


def choice(vocabulary: type[Enum]) -> Check:
    def check(value: Any, where: str) -> Any:
        try:
            return vocabulary(value)
        except (ValueError, TypeError):
            raise BundleError(f"{where}: unknown value {str(value)[:40]!r}") from None

    return check


def positive(value: Any, where: str) -> int:
    if type(value) is not int or value < 1:
        raise BundleError(f"{where} must be a whole number, 1 or more")
    return value


def one_of(allowed: tuple[Any, ...]) -> Check:
    def check(value: Any, where: str) -> Any:
        if type(value) is not int or value not in allowed:
            raise BundleError(f"{where} is {value!r}, expected one of {allowed}")
        return value

    return check


def pair(item: Check) -> Check:
    """A list of exactly two values, each passed through `item`."""

    def check(value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or len(value) != 2:
            raise BundleError(f"{where} must be a pair")
        return [item(v, f"{where}[{i}]") for i, v in enumerate(value)]

    return check
