"""The laptop's side of shared records: read a record of the library as the JSON the server
keeps, say which desks it goes to, and apply a record pulled from the server by the merge rules.

Record kinds and their ids: story (its id), story_article ("story/article"), article_tag
("article/tag"), article, annotation, link ("from/to/relation") and tombstone. Stories' sources,
tags and links are present or removed (`removed`, with the time of the removal); the others are
versions (`updated_at`) merged by `records.incoming_wins`; deletions are tombstones, applied by
the rules of app/merging.py (the later of a deletion and a change wins; a deletion undone on
either side is undone on both).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from sourcemark.app.changes import ChangeLog
from sourcemark.app.library import Library, now
from sourcemark.app.merging import MERGE_AGENT, deletion_stands, latest
from sourcemark.app.models import annotation_from_row, article_from_row
from sourcemark.app.naming import folded
from sourcemark.app.newsroom.records import content, incoming_wins, same_content
from sourcemark.app.sources import keep_metadata
from sourcemark.app.wording import one_line
from sourcemark.db import queries, sync, writes

Body = dict[str, Any]

PRESENCE = {"story_article": "added_at", "article_tag": "added_at", "link": "created_at"}
"""Kinds that are there or removed, with the column that dates their presence."""
_LOCAL_ONLY = frozenset({"tombstone_id", "folded_name", "purged_at"})
_VERSIONED_LABEL = {"story": "name", "article": "title", "annotation": "quote"}


def key_of(kind: str, record_id: str) -> tuple[str, ...]:
    """A record's key in its table, from its id."""
    parts = tuple(record_id.split("/", len(sync.KEYS[kind]) - 1))
    if len(parts) != len(sync.KEYS[kind]):
        raise ValueError(f"malformed {kind} id {record_id!r}")
    return parts


def id_of(kind: str, row: dict[str, Any]) -> str:
    return "/".join(str(row[name]) for name in sync.KEYS[kind])


def read(db: sqlite_utils.Database, kind: str, record_id: str) -> Body | None:
    """A record as the server keeps it, or None when the library does not hold it."""
    row = sync.record_row(db, kind, key_of(kind, record_id))
    if row is None:
        return None
    body = {name: value for name, value in row.items() if name not in _LOCAL_ONLY}
    body["id"] = record_id
    if kind in PRESENCE:
        body["removed"] = False
        body["updated_at"] = row[PRESENCE[kind]]
    elif kind == "tombstone":
        body["updated_at"] = latest(s for s in (row["deleted_at"], row["restored_at"]) if s)
    elif kind == "version":
        body["updated_at"] = row["created_at"]
    elif kind == "article":
        body["pages"] = [
            {**page, "ocr": bool(page["ocr"])} for page in sync.page_map(db, row["id"])
        ]
    return body


def removal(kind: str, record_id: str, at: str) -> Body:
    """A present-or-removed record that the library removed at `at`."""
    key = dict(zip(sync.KEYS[kind], key_of(kind, record_id), strict=True))
    return {**key, "id": record_id, "removed": True, "updated_at": at}


def desks_of(db: sqlite_utils.Database, kind: str, body: Body) -> list[str]:
    """The desks a record goes to: those its stories are shared with (none: it stays here)."""
    if kind == "story":
        return sync.desks_of_story(db, body["id"])
    if kind == "story_article":
        return sync.desks_of_story(db, body["story_id"])
    if kind == "article":
        return sync.desks_of_article(db, body["id"])
    if kind in ("article_tag", "annotation", "version"):
        return sync.desks_of_article(db, body["article_id"])
    if kind == "link":
        found: set[str] = set()
        for end in (body["from_id"], body["to_id"]):
            row = queries.annotation(db, end)
            if row is not None:
                found.update(sync.desks_of_article(db, row["article_id"]))
        return sorted(found)
    if body["target_type"] == "story":
        return sync.desks_of_story(db, body["target_id"])
    return sync.desks_of_article(db, body["article_id"])


def closure(db: sqlite_utils.Database, story_id: str) -> Iterator[tuple[str, str]]:
    """Every record a shared story carries, (kind, id), each before the records that need it."""
    yield "story", story_id
    article_ids = sync.story_articles(db, story_id)
    for article_id in article_ids:
        yield "article", article_id
        for number in sync.version_numbers(db, article_id):
            yield "version", f"{article_id}/{number}"
        yield "story_article", f"{story_id}/{article_id}"
        for tag in sync.article_tags(db, article_id):
            yield "article_tag", f"{article_id}/{tag}"
        for annotation_id in sync.annotation_ids(db, article_id):
            yield "annotation", annotation_id
    if article_ids:
        for link in sync.links_of_articles(db, article_ids):
            yield "link", id_of("link", link)
    for tombstone_id in sync.tombstone_ids(db, article_ids, story_id):
        yield "tombstone", tombstone_id


def queue_closure(db: sqlite_utils.Database, story_id: str) -> int:
    """Queue every record of a story for the next push (sharing it, or re-sending it)."""
    stamp = now()
    records = list(closure(db, story_id))
    for kind, record_id in records:
        sync.queue(db, uuid.uuid4().hex, kind, record_id, stamp)
    return len(records)


# --- applying what the server sends ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two concurrent versions of a record: `winner` is current, `kept` went to the history."""

    kind: str
    record_id: str
    label: str
    kept: Body
    winner: Body

    def describe(self) -> str:
        return (
            f"{self.kind} {self.record_id[:8]} “{one_line(self.label, 60)}”: edited on two laptops"
        )


class NotYet(Exception):
    """A record needs another that has not arrived yet (kept pending, applied later)."""


class Applier:
    """Applies pulled records to a library inside the caller's write transaction."""

    def __init__(self, library: Library, log: ChangeLog) -> None:
        self.library = library
        self.db = library.db
        self.log = log
        self.conflicts: list[Conflict] = []

    def apply(self, kind: str, body: Body, desk: str) -> None:
        """Merge one record; raises `NotYet` when what it needs is missing."""
        record_id = str(body["id"])
        local = self._local(kind, record_id)
        if kind == "tombstone":
            self._tombstone(body, local)
            return
        if kind == "version":
            self._version(body, local)
            return
        if local is not None and same_content(local, body):
            self._adopt_creator(kind, local, body)
            return
        if local is None or incoming_wins(local, body):
            self._conflict_if_concurrent(kind, record_id, local, body, kept=local)
            self._write(kind, body, local, desk)
        else:
            self._conflict_if_concurrent(kind, record_id, local, body, kept=body)
            self._keep_loser(kind, body, local)

    def _local(self, kind: str, record_id: str) -> Body | None:
        body = read(self.db, kind, record_id)
        if body is None and kind in PRESENCE and sync.queued(self.db, kind, record_id):
            return removal(kind, record_id, now())  # removed here, not pushed yet
        return body

    def _conflict_if_concurrent(
        self, kind: str, record_id: str, local: Body | None, incoming: Body, *, kept: Body | None
    ) -> None:
        if local is None or kept is None or not sync.queued(self.db, kind, record_id):
            return
        if kept is incoming and self._held_before(kind, incoming):
            return  # this library's own earlier version, pushed and now back: its past
        winner = incoming if kept is local else local
        label = str(winner.get(_VERSIONED_LABEL.get(kind, "id"), record_id))
        conflict = Conflict(kind, record_id, label, kept, winner)
        self.conflicts.append(conflict)
        sync.record_conflict(
            self.db,
            {
                "kind": kind,
                "record_id": record_id,
                "label": label,
                "kept": json.dumps(kept, ensure_ascii=False),
                "winner": json.dumps(winner, ensure_ascii=False),
                "found_at": now(),
            },
        )
        if kept is local:
            self._history(kind, local, "merge_conflict")

    def _keep_loser(self, kind: str, body: Body, local: Body) -> None:
        """An older version than the library's: kept in the history, once."""
        if kind == "annotation" and not self._held_before(kind, body):
            self._history(kind, body, "merge_conflict")

    def _held_before(self, kind: str, body: Body) -> bool:
        """Whether the library's history holds this version of an annotation or a source."""
        record_id = str(body["id"])
        if kind == "annotation":
            history = [entry["record"] for entry in self.library.history(record_id)]
        elif kind == "article":
            rows = queries.article_history(self.db, record_id)
            history = [json.loads(row["record"]) for row in rows]
        else:
            return False
        return body["updated_at"] in {version["updated_at"] for version in history}

    def _history(self, kind: str, version: Body, reason: str) -> None:
        if kind == "annotation":
            row = {name: version[name] for name in _annotation_columns(self.db) if name in version}
            self.library.keep_history(
                annotation_from_row(row), reason, creator=str(version.get("creator", ""))
            )
        elif kind == "article":
            local = queries.article(self.db, version["id"])
            if local is not None:
                merged = {**local, **{k: v for k, v in version.items() if k in local}}
                keep_metadata(self.library, article_from_row(merged), reason)

    def _adopt_creator(self, kind: str, local: Body, body: Body) -> None:
        """The server names the reporter who made an annotation: the same content otherwise."""
        if "creator" in body and local.get("creator") != body["creator"]:
            sync.update_row(self.db, kind, key_of(kind, body["id"]), {"creator": body["creator"]})

    def _write(self, kind: str, body: Body, local: Body | None, desk: str) -> None:
        key = key_of(kind, str(body["id"]))
        if kind in PRESENCE:
            if body["removed"]:
                sync.delete_row(self.db, kind, key)
            else:
                self._needs(kind, body)
                row = _row(self.db, kind, body)
                if local is None or local.get("removed"):
                    sync.insert_row(self.db, kind, row)
            self._log(kind, body)
            return
        row = _row(self.db, kind, body)
        if kind == "story":
            row["folded_name"] = folded(row["name"])
        if local is None:
            self._needs(kind, body)
            self._insert(kind, body, row)
            if kind == "story":
                sync.add_share(self.db, body["id"], desk, now())
        else:
            self._history(kind, local, "edited")
            fixed = {"id", "article_id", "created_at"}  # a newer text needs its version first
            sync.update_row(self.db, kind, key, {k: v for k, v in row.items() if k not in fixed})
        self._log(kind, body)
        self._settle(kind, body)

    def _insert(self, kind: str, body: Body, row: Body) -> None:
        if kind == "annotation":
            row["tombstone_id"] = queries.trash_pointer(self.db, "articles", body["article_id"])
        sync.insert_row(self.db, kind, row)
        if kind == "article":
            writes.insert_page_map(self.db, body["id"], list(body.get("pages", [])))

    def _needs(self, kind: str, body: Body) -> None:
        """Raise `NotYet` unless the records this one points at are here."""
        needed: list[tuple[str, str]] = []
        if kind in ("annotation", "article_tag", "version"):
            needed = [("articles", body["article_id"])]
        elif kind == "story_article":
            needed = [("stories", body["story_id"]), ("articles", body["article_id"])]
        elif kind == "link":
            needed = [("annotations", body["from_id"]), ("annotations", body["to_id"])]
        for table, row_id in needed:
            kind_of = {"articles": "article", "stories": "story", "annotations": "annotation"}
            if sync.record_row(self.db, kind_of[table], (row_id,)) is None:
                raise NotYet(f"{kind} {body['id']} needs {kind_of[table]} {row_id}")

    def _log(self, kind: str, body: Body) -> None:
        if kind == "story":
            self.log.story(body["id"])
        elif kind == "story_article":
            self.log.story(body["story_id"])
            self.log.article(body["article_id"], listed=True)
        elif kind == "article":
            self.log.article(body["id"], listed=True)
        elif kind in ("annotation", "article_tag"):
            self.log.article(body["article_id"], listed=kind == "article_tag")
            if kind == "annotation":
                self.log.annotations.add(body["id"])
        elif kind == "link":
            self.log.annotations.update((body["from_id"], body["to_id"]))
            for end in (body["from_id"], body["to_id"]):
                row = queries.annotation(self.db, end)
                if row is not None:
                    self.log.article(row["article_id"])

    def _version(self, body: Body, local: Body | None) -> None:
        """A source's text versions never change; only the page text is filled in, once."""
        if local is None:
            self._needs("version", body)
            sync.insert_row(self.db, "version", _row(self.db, "version", body))
        elif local.get("page_text") is None and body.get("page_text") is not None:
            key = key_of("version", str(body["id"]))
            sync.update_row(self.db, "version", key, {"page_text": body["page_text"]})
        self.log.article(body["article_id"])

    # --- deletions ---------------------------------------------------------------------------

    def _tombstone(self, body: Body, local: Body | None) -> None:
        if local is None:
            row = _row(self.db, "tombstone", body)
            writes.insert_tombstone(self.db, row)
        elif body.get("restored_at") and (
            not local.get("restored_at") or body["restored_at"] < local["restored_at"]
        ):
            writes.mark_restored(self.db, body["id"], body["restored_at"], body["restored_by"])
        target = {"target_type": body["target_type"], "id": body["target_id"]}
        if body["target_type"] != "story":
            target["article_id"] = body["article_id"]
        self._settle(body["target_type"], target)

    def _settle(self, kind: str, body: Body) -> None:
        """Put a record in or out of the trash as its deletions and its last change say
        (rule 2: the later of the two wins; at the same instant, the deletion)."""
        if kind not in ("story", "article", "annotation"):
            return
        table = {"story": "stories", "article": "articles", "annotation": "annotations"}[kind]
        target_id = body["id"]
        row = sync.record_row(self.db, kind, (target_id,))
        if row is None:
            return
        standing = queries.live_tombstones(self.db, target_id)
        if kind == "annotation":
            source_trash = queries.trash_pointer(self.db, "articles", row["article_id"])
            if source_trash is not None:
                return  # in the trash with its source, whatever its own deletions
        if not standing:
            if row["tombstone_id"] is not None:
                writes.set_trash_pointer(self.db, table, target_id, None)
                self._log_target(kind, row)
            return
        deletion = max(standing, key=lambda t: (t["deleted_at"], t["id"]))
        changed = self._changed_at(kind, row)
        if deletion_stands(deletion["deleted_at"], changed):
            if row["tombstone_id"] != deletion["id"]:
                writes.set_trash_pointer(self.db, table, target_id, deletion["id"])
                self._log_target(kind, row)
            return
        for tombstone in standing:  # changed after its deletion: the change wins
            writes.mark_restored(self.db, tombstone["id"], changed, MERGE_AGENT)
            sync.queue(self.db, uuid.uuid4().hex, "tombstone", tombstone["id"], now())
        if row["tombstone_id"] is not None:
            writes.set_trash_pointer(self.db, table, target_id, None)
        self._log_target(kind, row)

    def _changed_at(self, kind: str, row: dict[str, Any]) -> str:
        if kind != "article":
            return str(row["updated_at"])
        stamps = [str(row["updated_at"])]
        for annotation_id in sync.annotation_ids(self.db, row["id"]):
            annotation = queries.annotation(self.db, annotation_id)
            if annotation is not None and not queries.live_tombstones(self.db, annotation_id):
                stamps.append(annotation["updated_at"])
        return latest(stamps)

    def _log_target(self, kind: str, row: dict[str, Any]) -> None:
        if kind == "story":
            self.log.story(row["id"])
        elif kind == "article":
            self.log.article(row["id"], listed=True)
        else:
            self.log.annotations.add(row["id"])
            self.log.article(row["article_id"], listed=True)


def _annotation_columns(db: sqlite_utils.Database) -> list[str]:
    return [column.name for column in db.table("annotations").columns]


def _row(db: sqlite_utils.Database, kind: str, body: Body) -> Body:
    """The table row a record's body stands for (only the table's own columns)."""
    columns = {column.name for column in db.table(sync.TABLES[kind]).columns}
    return {
        name: value for name, value in body.items() if name in columns and name not in _LOCAL_ONLY
    }


def dump(db: sqlite_utils.Database) -> dict[str, Body]:
    """Every shared record the library holds, by kind and id, as the merge compares them:
    a canonical picture to compare with other replicas and the server."""
    records: dict[str, Body] = {}
    for story_id in sync.shared_story_ids(db):
        for kind, record_id in closure(db, story_id):
            body = read(db, kind, record_id)
            if body is not None:
                records[f"{kind}:{record_id}"] = content(body)
    return records
