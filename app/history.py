"""An annotation's versions: every earlier version the history keeps, then the current one,
each with what changed since the version before; and reverting to one (a new version)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sourcemark.app.changes import Outcome
from sourcemark.app.errors import NotFound, SourcemarkError
from sourcemark.app.library import Library
from sourcemark.app.merging import instant
from sourcemark.app.models import Annotation, annotation_from_row
from sourcemark.db import queries

COMPARED = ("kind", "note", "speaker", "verdict", "start", "end", "quote")
REVERTED = ("kind", "note", "speaker", "verdict")


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    """1 for the oldest kept."""
    record: dict[str, Any]
    """The annotation as it was (the data model's fields)."""
    current: bool
    reason: str
    """Why it was superseded: 'edited', 'merge_conflict', 'deleted' (before schema 5); '' if
    current."""
    changes: list[tuple[str, Any, Any]]
    """(field, before, after) against the version before it."""

    @property
    def made_at(self) -> str:
        return str(self.record["updated_at"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.number,
            "made_at": self.made_at,
            "current": self.current,
            "reason": self.reason,
            "changes": [{"field": f, "before": b, "after": a} for f, b, a in self.changes],
            "record": self.record,
        }


@dataclass(frozen=True, slots=True)
class TrashEvent:
    """A deletion of the annotation (or of its source), and its undoing if any."""

    what: str  # 'annotation' or 'article'
    deleted_at: str
    deleted_by: str
    restored_at: str | None
    restored_by: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "deleted_at": self.deleted_at,
            "deleted_by": self.deleted_by,
            "restored_at": self.restored_at,
            "restored_by": self.restored_by,
        }


def versions(library: Library, annotation_id: str) -> list[Version]:
    """Every version of a live annotation, oldest first, the current one last."""
    current = library.annotation(annotation_id)
    kept: dict[str, tuple[dict[str, Any], str]] = {}
    for entry in library.history(current.id):
        record = {k: v for k, v in entry["record"].items() if k != "links"}
        kept.setdefault(record["updated_at"], (record, entry["reason"]))
    kept.pop(current.updated_at, None)
    ordered = sorted(kept.values(), key=lambda item: instant(item[0]["updated_at"]))
    made_by = library.creators([current.id]).get(current.id)
    ordered.append(({**current.to_dict(), **({"creator": made_by} if made_by else {})}, ""))
    found: list[Version] = []
    for number, (record, reason) in enumerate(ordered, 1):
        before = found[-1].record if found else None
        changes = (
            [(f, before.get(f), record.get(f)) for f in COMPARED if before.get(f) != record.get(f)]
            if before is not None
            else []
        )
        found.append(Version(number, record, number == len(ordered), reason, changes))
    return found


def trash_events(library: Library, annotation_id: str) -> list[TrashEvent]:
    """When the annotation, or its source, went to the trash and came back."""
    annotation = library.annotation(annotation_id)
    rows = queries.tombstones(library.db, [annotation.article_id])
    return [
        TrashEvent(
            row["target_type"],
            row["deleted_at"],
            row["deleted_by"],
            row["restored_at"],
            row["restored_by"],
        )
        for row in rows
        if row["target_id"] in (annotation.id, annotation.article_id)
    ]


def revert(library: Library, annotation_id: str, number: int) -> Outcome[Annotation]:
    """Make an earlier version current again: its kind, note, speaker and verdict become a
    new version (the one replaced is kept, as any edit's)."""
    found = versions(library, annotation_id)
    if not 1 <= number <= len(found):
        raise NotFound(f"there is no version {number}: the annotation has versions 1-{len(found)}")
    chosen = found[number - 1]
    if chosen.current:
        raise SourcemarkError(f"version {number} is the current one: nothing to revert")
    old = annotation_from_row(chosen.record)
    return library.edit_annotation(
        found[-1].record["id"],
        kind=old.kind,
        note=old.note,
        speaker=old.speaker,
        verdict=old.verdict,
    )
