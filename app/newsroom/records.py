"""Shared records as the server and every laptop compare them.

A record is a JSON object with an `updated_at` (ISO 8601): a story, a story's source, a tag, a
source, a version, an annotation, a link or a tombstone. Who made it (`creator`) is stamped by
the server with the reporter's name, so it is not part of what the merge rule compares.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

STAMPED = frozenset({"creator"})
"""Fields the server sets itself: not content."""


def content(body: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in STAMPED}


def same_content(one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    return content(one) == content(other)


def incoming_wins(current: Mapping[str, Any], incoming: Mapping[str, Any]) -> bool:
    """The merge rule for two versions of a record: the one changed last is current; at the
    same instant the one on a newer text version of its source (an annotation placed on a
    refetched text keeps its time), then the one whose canonical form sorts last, so every
    replica picks the same."""
    mine, theirs = _instant(current["updated_at"]), _instant(incoming["updated_at"])
    if mine != theirs:
        return theirs > mine
    if current.get("version") != incoming.get("version"):
        return int(incoming.get("version") or 0) > int(current.get("version") or 0)
    return canonical(content(incoming)) > canonical(content(current))


def canonical(record: Mapping[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)
