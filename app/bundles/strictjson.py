"""Parsing untrusted JSON strictly: no NaN or Infinity, no duplicate keys, bounded nesting."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from sourcemark.app.errors import BundleError

# The native record nests four levels deep; anything far deeper is hostile.
MAX_DEPTH = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def loads(data: bytes, name: str) -> Any:
    """Decode UTF-8 JSON from a bundle member, or raise BundleError naming the member."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(f"{name}: not UTF-8 text") from None
    _check_depth(text, name)
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_keys(name),
            parse_constant=_no_constant(name),
            parse_float=_finite(name),
        )
    except BundleError:
        raise
    except RecursionError:
        raise BundleError(f"{name}: JSON nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, or an integer with too many digits
        raise BundleError(f"{name}: invalid JSON ({error})") from None


def _check_depth(text: str, name: str) -> None:
    """Refuse deep nesting before json.loads recurses into it (it raises RecursionError)."""
    depth = 0
    for match in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            raise BundleError(f"{name}: JSON nested more than {MAX_DEPTH} levels deep")


def _unique_keys(name: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise BundleError(f"{name}: duplicate key {key!r} in a JSON object")
            result[key] = value
        return result

    return hook


def _no_constant(name: str) -> Any:
    def reject(constant: str) -> Any:
        raise BundleError(f"{name}: {constant} is not a JSON number")

    return reject


def _finite(name: str) -> Any:
    def parse(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            raise BundleError(f"{name}: number {literal[:20]} is out of range")
        return value

    return parse
