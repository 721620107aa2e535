"""Import: check a bundle completely, then merge it into the library in one transaction.

The merge follows the rules of app/merging.py (the README has them in full):
- sources match by id, else by the SHA-256 of their text; unmatched ones are added; their
  details follow the newer version, the other kept in the source's history;
- an annotation new to the library is added; an identical one is left alone; when both
  versions exist and differ, the newer becomes current. If one descends from the other (its
  earlier versions include the other's `updated_at`), that is an update, and an overwritten
  local version goes to history as 'edited'; otherwise both sides changed: a conflict, and the
  version that is not current goes to history as 'merge_conflict';
- an annotation whose source text differs locally is re-anchored; one that cannot be is kept
  in `orphaned_annotations` (with its links) and reported, never dropped;
- deletions (tombstones) travel: what the bundle deleted goes to the trash unless the local
  copy changed after the deletion; what the library deleted stays in the trash unless the
  bundle's copy changed after the deletion; a deletion undone on one side is undone here;
- stories match by id, then by name; their sources and the sources' tags are merged.
Importing the same bundle again changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sourcemark.app import anchoring
from sourcemark.app.bundles import native
from sourcemark.app.bundles.bag import Progress, read_bag
from sourcemark.app.bundles.content import BundleContent, CaptureFile, StoryRecord
from sourcemark.app.bundles.export import VIEWS
from sourcemark.app.bundles.safezip import DEFAULT_LIMITS, Limits, SafeZip
from sourcemark.app.changes import ChangeLog, Outcome
from sourcemark.app.errors import BundleError
from sourcemark.app.languages import detect_language
from sourcemark.app.library import Library, now
from sourcemark.app.merging import (
    MERGE_AGENT,
    deletion_stands,
    incoming_wins,
    latest,
)
from sourcemark.app.models import (
    Annotation,
    Article,
    PassageStatus,
    TargetType,
    Tombstone,
    annotation_from_row,
    article_from_row,
)
from sourcemark.app.naming import folded
from sourcemark.app.sources import DETAILS, keep_metadata
from sourcemark.app.wording import count
from sourcemark.db import queries, writes

_TABLES = {TargetType.ARTICLE: "articles", TargetType.ANNOTATION: "annotations"}
_TABLES[TargetType.STORY] = "stories"


@dataclass(frozen=True, slots=True)
class Orphan:
    annotation_id: str
    article_id: str
    quote: str


@dataclass(frozen=True, slots=True)
class TrashEvent:
    """A record the merge put in, kept in, or took out of the trash, and why."""

    target_type: str
    target_id: str
    label: str


@dataclass(slots=True)
class BundleImportReport:
    articles_added: int = 0
    articles_matched: int = 0
    articles_updated: int = 0
    versions_added: int = 0
    """Later versions of sources already here (refetched elsewhere), added in order."""
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    conflicting: int = 0
    orphaned: int = 0
    links_added: int = 0
    stories_added: int = 0
    stories_merged: int = 0
    orphans: list[Orphan] = field(default_factory=list)
    deleted: list[TrashEvent] = field(default_factory=list)
    """Records the bundle deleted, moved to the trash here."""
    kept_in_trash: list[TrashEvent] = field(default_factory=list)
    """Records the bundle still carries that were deleted here before: they stay in the trash."""
    restored: list[TrashEvent] = field(default_factory=list)
    """Records in the trash here brought back: undone or changed after the deletion there."""
    kept_despite_deletion: list[TrashEvent] = field(default_factory=list)
    """Records the bundle deleted that changed here after the deletion: kept (a conflict)."""

    @property
    def headline(self) -> str:
        line = (
            f"Bundle imported: {count(self.articles_added, 'new source')} "
            f"({self.articles_matched:,} already here), "
            f"{count(self.added, 'new annotation')}, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {count(self.links_added, 'new link')}"
        )
        if self.versions_added:
            line += f", {count(self.versions_added, 'later version')} of sources already here"
        if self.stories_added or self.stories_merged:
            line += f", {count(self.stories_added + self.stories_merged, 'story', 'stories')}"
        if self.deleted:
            line += f", {count(len(self.deleted), 'deletion')} applied"
        return line + "."

    @property
    def needs_attention(self) -> bool:
        """Something the user should read about: conflicts, orphans, deletions met."""
        return bool(
            self.conflicting
            or self.orphaned
            or self.kept_in_trash
            or self.restored
            or self.kept_despite_deletion
        )

    def details(self) -> list[str]:
        """One line per conflict count, per annotation that could not be placed and per record
        whose deletion the merge met."""
        lines = []
        if self.conflicting:
            lines.append(
                f"{count(self.conflicting, 'conflicting edit')}: the newer version is current, "
                "the other is kept in the history."
            )
        lines += [
            f"Annotation {orphan.annotation_id[:8]} ({orphan.quote[:60]!r}) no longer matches the "
            f"text of source {orphan.article_id[:8]}: kept, not dropped."
            for orphan in self.orphans
        ]
        for events, verb in (
            (self.deleted, "deleted in the bundle: moved to the trash"),
            (self.kept_in_trash, "deleted here before: the bundle's copy stays in the trash"),
            (self.restored, "back from the trash: undone or changed after its deletion there"),
            (
                self.kept_despite_deletion,
                "deleted in the bundle but changed here since: kept (a conflict)",
            ),
        ):
            lines += [f"{_describe(event)} {verb}." for event in events]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _describe(event: TrashEvent) -> str:
    noun = {"article": "Source", "annotation": "Annotation", "story": "Story"}[event.target_type]
    return f"{noun} {event.target_id[:8]} ({event.label[:60]!r})"


def import_bundle(
    library: Library, path: Path, progress: Progress | None = None, limits: Limits = DEFAULT_LIMITS
) -> Outcome[BundleImportReport]:
    """Merge a bundle into the library: all of it or, on any problem, none of it."""
    with SafeZip(path, limits) as archive:
        payload = read_bag(archive, _phase(progress, 0, 500))
    content = native.read_native(payload, set(VIEWS))
    try:
        with library.operation() as log:
            merge = _Merge(library, content, log, _phase(progress, 500, 1000))
            merge.run()
    except sqlite3.IntegrityError as error:
        raise BundleError(f"the bundle does not fit this library ({error})") from None
    return Outcome(merge.report, log.changes())


class _Merge:
    def __init__(
        self, library: Library, content: BundleContent, log: ChangeLog, progress: Progress | None
    ) -> None:
        self.library = library
        self.db = library.db
        self.content = content
        self.log = log
        self.progress = progress
        self.report = BundleImportReport()
        self.article_ids: dict[str, str] = {}  # bundle article id -> local article id
        self.local_texts: dict[str, str] = {}  # local article id -> its current text
        self.local_versions: dict[str, int] = {}  # local article id -> its current version
        self.orphan_ids: set[str] = set()

    def run(self) -> None:
        for article in self.content.articles:
            self.match_article(article)
        self.undo_deletions()
        for article in self.content.articles:
            self.merge_article(article)
        total = len(self.content.annotations)
        for done, annotation in enumerate(self.content.annotations, 1):
            self.merge_annotation(annotation)
            if self.progress:
                self.progress(done, total)
        for link in self.content.links:
            if link.from_id in self.orphan_ids or link.to_id in self.orphan_ids:
                continue
            added = writes.insert_link(self.db, link.to_dict())
            if added:
                self.log.annotations.update((link.from_id, link.to_id))
            self.report.links_added += added
        self.apply_deletions()
        for record in self.content.stories:
            self.merge_story(record)
        for article_id, tags in self.content.tags.items():
            for tag in tags:
                if writes.add_tag(self.db, self.article_ids[article_id], tag, now()):
                    self.log.article(self.article_ids[article_id])

    # --- sources ------------------------------------------------------------------------------

    def match_article(self, article: Article) -> None:
        local = queries.article(self.db, article.id) or queries.article_by_text_hash(
            self.db, article.text_sha256
        )
        self.article_ids[article.id] = local["id"] if local is not None else article.id

    def merge_article(self, article: Article) -> None:
        local_id = self.article_ids[article.id]
        local = queries.article(self.db, local_id)
        if local is None:
            self.add_article(article)
            return
        self.catch_up_versions(local_id, article.id)
        local = queries.article(self.db, local_id)
        assert local is not None
        self.local_texts[local_id] = local["text"]
        self.local_versions[local_id] = local["version"]
        self.report.articles_matched += 1
        self.merge_details(article_from_row(local), article)
        if local["tombstone_id"] is not None:
            self.meet_local_deletion(
                TargetType.ARTICLE, local_id, self.change_of(article), local["title"]
            )

    def catch_up_versions(self, local_id: str, bundle_id: str) -> None:
        """When the bundle holds every version this library has of a source and later ones
        (a refetch made elsewhere), add the later ones in order, with the captures that made
        them. Versions that went different ways are left as they are (the annotations are
        then re-anchored onto the local text)."""
        local = [row["text_sha256"] for row in queries.versions(self.db, local_id)]
        theirs = self.content.version_texts.get(bundle_id, ())
        if len(theirs) <= len(local) or [v.text_sha256 for v in theirs[: len(local)]] != local:
            return
        for version in theirs[len(local) :]:
            writes.add_version(
                self.db, {**asdict(version), "article_id": local_id, "page_text": None}
            )
        known = {row["id"] for row in queries.captures(self.db, local_id)}
        for fetched in self.content.captures.get(bundle_id, ()):
            if fetched.capture.id not in known:
                self.insert_capture(local_id, fetched)
        self.log.article(local_id)
        self.report.versions_added += len(theirs) - len(local)

    def insert_capture(self, article_id: str, fetched: CaptureFile) -> None:
        record = fetched.capture.to_dict()
        writes.insert_capture(
            self.db,
            {
                **record,
                "article_id": article_id,
                "headers": json.dumps(record["headers"]),
                "warc": fetched.warc,
            },
        )

    def add_article(self, article: Article) -> None:
        original = self.content.originals.get(article.id)
        first, *later = self.content.version_texts[article.id]
        writes.insert_article(
            self.db,
            {
                **article.to_dict(),
                "text": first.text,
                "text_sha256": first.text_sha256,
                "version": 1,
                # Bundles made before they carried a language: detected, as on import.
                "language": article.language or detect_language(first.text),
            },
            None if original is None else (original.filename, original.content),
        )
        spans = self.content.page_maps.get(article.id, ())
        writes.insert_page_map(self.db, article.id, [span.to_dict() for span in spans])
        for version in later:  # replayed in order, as refetches made them
            writes.add_version(
                self.db, {**asdict(version), "article_id": article.id, "page_text": None}
            )
        for fetched in self.content.captures.get(article.id, ()):
            self.insert_capture(article.id, fetched)
        self.log.article(article.id, listed=True)
        self.local_texts[article.id] = article.text
        self.local_versions[article.id] = article.version
        self.report.articles_added += 1
        # Deleted here before (then emptied from the trash): it comes back into the trash.
        self.meet_local_deletion(
            TargetType.ARTICLE, article.id, self.change_of(article), article.title
        )

    def merge_details(self, local: Article, incoming: Article) -> None:
        """Rule 1 for a source's details; the text never changes."""
        mine = {name: getattr(local, name) for name in (*DETAILS, "updated_at")}
        theirs = {name: getattr(incoming, name) for name in (*DETAILS, "updated_at")}
        if mine == theirs:
            return
        kept = {entry["record"]["updated_at"] for entry in _article_history(self.db, local.id)}
        if incoming_wins(mine, theirs):
            keep_metadata(self.library, local, "edited")
            writes.update_article(self.db, local.id, theirs)
            self.log.article(local.id, listed=True)
            self.report.articles_updated += 1
        elif incoming.updated_at not in kept:
            keep_metadata(self.library, replace(local, **theirs), "merge_conflict")

    def change_of(self, article: Article) -> str:
        """When the bundle's copy of a source last changed: its details or its annotations."""
        return latest(
            [
                article.updated_at,
                *(a.updated_at for a in self.content.annotations_by_article.get(article.id, [])),
            ]
        )

    # --- annotations --------------------------------------------------------------------------

    def merge_annotation(self, annotation: Annotation) -> None:
        candidate = self.placed(annotation)
        if candidate is None:
            self.keep_orphan(annotation)
            return
        row = queries.annotation(self.db, annotation.id)
        if row is None:
            self.add_annotation(candidate)
            return
        local = annotation_from_row(row)
        self.merge_versions(local, candidate)
        if row["tombstone_id"] is not None and not self.source_in_trash(local.article_id):
            self.meet_local_deletion(
                TargetType.ANNOTATION, local.id, annotation.updated_at, local.quote
            )

    def add_annotation(self, candidate: Annotation) -> None:
        source_trash = queries.trash_pointer(self.db, "articles", candidate.article_id)
        writes.insert_annotation(self.db, {**candidate.to_dict(), "tombstone_id": source_trash})
        self.log.annotation(candidate)
        self.report.added += 1
        if source_trash is None:
            self.meet_local_deletion(
                TargetType.ANNOTATION, candidate.id, candidate.updated_at, candidate.quote
            )

    def merge_versions(self, local: Annotation, candidate: Annotation) -> None:
        if local == candidate:
            self.report.unchanged += 1
            return
        local_earlier = {entry["record"]["updated_at"] for entry in self.library.history(local.id)}
        if local.updated_at in self.content.earlier_versions.get(candidate.id, ()):
            self.replace(local, candidate, "edited")
            self.report.updated += 1
        elif candidate.updated_at in local_earlier:
            self.report.unchanged += 1  # the local version already descends from the bundle's
        else:
            self.report.conflicting += 1
            if incoming_wins(local.to_dict(), candidate.to_dict()):
                self.replace(local, candidate, "merge_conflict")
            else:
                self.library.keep_history(candidate, "merge_conflict")

    def source_in_trash(self, article_id: str) -> bool:
        return queries.trash_pointer(self.db, "articles", article_id) is not None

    def placed(self, annotation: Annotation) -> Annotation | None:
        """The annotation on its local article: on the same version if the library has that
        text, else re-anchored in the current text; None if lost."""
        article_id = self.article_ids[annotation.article_id]
        bundle_text = self.content.version_text(annotation.article_id, annotation.version)
        local = queries.version_texts(self.db, article_id, annotation.version)
        if local is not None and local["text"] == bundle_text:
            return replace(annotation, article_id=article_id)
        text = self.local_texts[article_id]
        found = anchoring.reanchor(
            text, annotation.quote, annotation.prefix, annotation.suffix, hint=annotation.start
        )
        if found is None:
            return None
        wording = annotation.annotated_quote or annotation.quote
        status = PassageStatus.SAME if found.quote == wording else PassageStatus.EDITED
        return replace(
            annotation,
            article_id=article_id,
            start=found.start,
            end=found.end,
            quote=found.quote,
            prefix=found.prefix,
            suffix=found.suffix,
            version=self.local_versions[article_id],
            status=status,
            annotated_quote=None if status is PassageStatus.SAME else wording,
        )

    def replace(self, local: Annotation, winner: Annotation, reason: str) -> None:
        self.library.keep_history(local, reason)
        changes = winner.to_dict()
        del changes["id"]
        writes.update_annotation(self.db, local.id, changes)
        self.log.annotation(local)

    def keep_orphan(self, annotation: Annotation) -> None:
        links = [
            link.to_dict()
            for link in self.content.links
            if annotation.id in (link.from_id, link.to_id)
        ]
        writes.keep_orphan(
            self.db,
            annotation.id,
            self.article_ids[annotation.article_id],
            json.dumps({**annotation.to_dict(), "links": links}, ensure_ascii=False),
            now(),
        )
        self.orphan_ids.add(annotation.id)
        self.report.orphaned += 1
        self.report.orphans.append(
            Orphan(annotation.id, self.article_ids[annotation.article_id], annotation.quote)
        )

    # --- deletions (rules 2 and 3) ------------------------------------------------------------

    def local_target(self, tombstone: Tombstone) -> Tombstone:
        """The tombstone with its source ids mapped onto the local copies."""
        article_id = tombstone.article_id
        if article_id is None:
            return tombstone
        local_article = self.article_ids.get(article_id, article_id)
        target = local_article if tombstone.target_type is TargetType.ARTICLE else None
        return replace(tombstone, article_id=local_article, target_id=target or tombstone.target_id)

    def undo_deletions(self) -> None:
        """Rule 3 first: deletions the bundle undid are undone here, before anything merges."""
        for tombstone in map(self.local_target, self.content.tombstones):
            if tombstone.live:
                continue
            assert tombstone.restored_at is not None and tombstone.restored_by is not None
            known = queries.tombstone(self.db, tombstone.id)
            if known is None:
                writes.insert_tombstone(self.db, tombstone.to_dict())
                continue
            writes.mark_restored(
                self.db, tombstone.id, tombstone.restored_at, tombstone.restored_by
            )
            if known["restored_at"] is None:
                self.take_out(tombstone.target_type, tombstone.target_id, self.report.restored)

    def apply_deletions(self) -> None:
        """Rule 2 for the bundle's standing deletions: the later of deletion and change wins."""
        for tombstone in map(self.local_target, self.content.tombstones):
            if not tombstone.live or queries.tombstone(self.db, tombstone.id) is not None:
                continue
            writes.insert_tombstone(self.db, tombstone.to_dict())
            table = _TABLES[tombstone.target_type]
            if not self.exists(table, tombstone.target_id):
                continue  # never here, or emptied from the trash: the tombstone waits
            if queries.trash_pointer(self.db, table, tombstone.target_id) is not None:
                continue  # already in the trash here
            changed = self.local_change(tombstone.target_type, tombstone.target_id)
            event = TrashEvent(
                tombstone.target_type.value,
                tombstone.target_id,
                self.label(table, tombstone.target_id),
            )
            if deletion_stands(tombstone.deleted_at, changed):
                writes.set_trash_pointer(self.db, table, tombstone.target_id, tombstone.id)
                self.log_target(tombstone.target_type, tombstone.target_id)
                self.report.deleted.append(event)
            else:
                writes.mark_restored(self.db, tombstone.id, changed, MERGE_AGENT)
                self.report.kept_despite_deletion.append(event)

    def meet_local_deletion(
        self, target_type: TargetType, target_id: str, changed_at: str, label: str
    ) -> None:
        """Rule 2 for the library's own standing deletions of a record the bundle carries."""
        standing = queries.live_tombstones(self.db, target_id)
        if not standing:
            return
        table = _TABLES[target_type]
        event = TrashEvent(target_type.value, target_id, label)
        deleted_at = latest(row["deleted_at"] for row in standing)
        if deletion_stands(deleted_at, changed_at):
            if queries.trash_pointer(self.db, table, target_id) is None:
                writes.set_trash_pointer(self.db, table, target_id, standing[0]["id"])
            self.report.kept_in_trash.append(event)
            return
        for row in standing:
            writes.mark_restored(self.db, row["id"], changed_at, MERGE_AGENT)
        self.take_out(target_type, target_id, self.report.restored, label)

    def take_out(
        self,
        target_type: TargetType,
        target_id: str,
        events: list[TrashEvent],
        label: str | None = None,
    ) -> None:
        """Take a record out of the trash once no deletion of it stands."""
        table = _TABLES[target_type]
        if not self.exists(table, target_id) or queries.live_tombstones(self.db, target_id):
            return
        pointer = queries.trash_pointer(self.db, table, target_id)
        if pointer is None:
            return
        if target_type is TargetType.ANNOTATION:
            row = queries.annotation(self.db, target_id)
            assert row is not None
            if self.source_in_trash(row["article_id"]):
                return  # it comes back with its source
            self.library.unfit_links_removed({target_id}, self.log)
        elif target_type is TargetType.ARTICLE:
            returning = set(queries.trashed_with(self.db, pointer))
            self.library.unfit_links_removed(returning, self.log)
        writes.set_trash_pointer(self.db, table, target_id, None)
        self.log_target(target_type, target_id)
        events.append(
            TrashEvent(target_type.value, target_id, label or self.label(table, target_id))
        )

    def local_change(self, target_type: TargetType, target_id: str) -> str:
        if target_type is TargetType.STORY:
            row = queries.story(self.db, target_id)
            assert row is not None
            return str(row["updated_at"])
        if target_type is TargetType.ANNOTATION:
            row = queries.annotation(self.db, target_id)
            assert row is not None
            return str(row["updated_at"])
        article = queries.article(self.db, target_id)
        assert article is not None
        return latest([article["updated_at"], *queries.annotation_times(self.db, target_id)])

    def exists(self, table: str, row_id: str) -> bool:
        found = self.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone()
        return found is not None

    def label(self, table: str, row_id: str) -> str:
        column = {"articles": "title", "annotations": "quote", "stories": "name"}[table]
        row = self.db.execute(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).fetchone()
        return str(row[0]) if row else ""

    def log_target(self, target_type: TargetType, target_id: str) -> None:
        if target_type is TargetType.STORY:
            self.log.story(target_id)
        elif target_type is TargetType.ARTICLE:
            self.log.article(target_id, listed=True)
            self.log.annotations.update(
                row["id"] for row in queries.annotations_in(self.db, target_id)
            )
        else:
            row = queries.annotation(self.db, target_id)
            assert row is not None
            self.log.annotation(annotation_from_row(row))

    # --- stories (rule 4) ---------------------------------------------------------------------

    def merge_story(self, record: StoryRecord) -> None:
        incoming = record.story
        known = queries.story(self.db, incoming.id)
        if known is not None and known["tombstone_id"] is not None:
            self.meet_local_deletion(
                TargetType.STORY, incoming.id, incoming.updated_at, incoming.name
            )
            known = queries.story(self.db, incoming.id)
            assert known is not None
            if known["tombstone_id"] is not None:
                return
        by_name = queries.story_id_by_name(self.db, folded(incoming.name))
        local_id = incoming.id if known is not None else (by_name[0] if by_name else None)
        if local_id is None:
            writes.insert_story(
                self.db, {**incoming.to_dict(), "folded_name": folded(incoming.name)}
            )
            local_id = incoming.id
            self.report.stories_added += 1
        else:
            self.merge_story_details(local_id, record)
            self.report.stories_merged += 1
        self.log.story(local_id)
        for article_id in record.article_ids:
            writes.add_to_story(self.db, local_id, self.article_ids[article_id], now())

    def merge_story_details(self, local_id: str, record: StoryRecord) -> None:
        row = queries.story(self.db, local_id)
        assert row is not None
        fields = ("name", "description", "status", "updated_at")
        mine = {name: row[name] for name in fields}
        theirs = {**record.story.to_dict()}
        theirs = {name: theirs[name] for name in fields}
        if mine == theirs or not incoming_wins(mine, theirs):
            return
        if folded(theirs["name"]) != folded(mine["name"]) and queries.story_id_by_name(
            self.db, folded(theirs["name"])
        ):
            theirs["name"] = mine["name"]  # the other name is another story's here
        writes.update_story(
            self.db, local_id, {**theirs, "folded_name": folded(str(theirs["name"]))}
        )


def _article_history(db: Any, article_id: str) -> list[dict[str, Any]]:
    return [
        {"record": json.loads(row["record"])} for row in queries.article_history(db, article_id)
    ]


def _phase(progress: Progress | None, low: int, high: int) -> Progress | None:
    """Map one phase's (done, total) onto a share of a 0-1000 scale."""
    if progress is None:
        return None
    return lambda done, total: progress(low + (high - low) * done // max(total, 1), 1000)
