"""The merge rules: how two copies of a library's records are made one, deterministically.

Bundle import follows them, and the newsroom's sync reuses them. Each rule compares only what
both sides can see (timestamps and the records themselves), so two libraries that exchange
their changes, in either order and as often as they like, end up alike:

1. Versions. Of two different versions of one record, the one changed last (`updated_at`) is
   current and the other is kept in the record's history. At the same instant, the version
   whose canonical form (sorted JSON) sorts last wins, so both sides pick the same one.
2. A deletion meets a change. A tombstone and a change to the same record made elsewhere: the
   later of the two wins. A change made after the deletion keeps the record (or brings it back)
   and marks the deletion undone, "restored by merge" at the time of that change; otherwise the
   record goes to (or stays in) the trash. At the same instant, the deletion wins.
   A source's change is the latest of its details' change and its live annotations' changes.
3. Deletions are merged by id: a tombstone known on either side is kept; a deletion undone on
   either side is undone on both, at the earliest time either side undid it.
4. Stories match by id, then by name (ignoring case); their name, description and status
   follow rule 1; their sources, and the sources' tags, are the union of both sides.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

MERGE_AGENT = "merge"
"""Who a deletion undone by rule 2 is marked restored by."""


def instant(stamp: str) -> datetime:
    """An ISO 8601 timestamp (with Z or an offset) as an aware datetime."""
    return datetime.fromisoformat(stamp)


def latest(stamps: Iterable[str]) -> str:
    """The latest of some timestamps (compared as instants, whatever their offsets)."""
    return max(stamps, key=instant)


def incoming_wins(local: Mapping[str, Any], incoming: Mapping[str, Any]) -> bool:
    """Rule 1: whether the incoming version of a record replaces the local one."""
    mine, theirs = instant(local["updated_at"]), instant(incoming["updated_at"])
    if mine != theirs:
        return theirs > mine
    return _canonical(incoming) > _canonical(local)


def deletion_stands(deleted_at: str, changed_at: str) -> bool:
    """Rule 2: whether a deletion wins over a change made elsewhere."""
    return instant(deleted_at) >= instant(changed_at)


def _canonical(record: Mapping[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
