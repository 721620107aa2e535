"""Import: check a bundle completely, then merge it into the library in one transaction.

Merge rules (docs/bundles.md has the long form):
- articles match by id, else by the SHA-256 of their text; unmatched ones are added;
- an annotation new to the library is added; an identical one is left alone;
- when both versions exist and differ, the newer `updated_at` becomes current. If one version
  descends from the other (its earlier versions include the other's `updated_at`), that is an
  update, and an overwritten local version goes to history as 'edited'; otherwise both sides
  changed: a conflict, and the version that is not current goes to history as 'merge_conflict';
- an annotation whose source text differs locally is re-anchored; one that cannot be is kept
  in `orphaned_annotations` (with its links) and reported, never dropped.
Importing the same bundle again changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sourcemark.app import anchoring
from sourcemark.app.bundles import native, schema
from sourcemark.app.bundles.bag import Progress, read_bag
from sourcemark.app.bundles.content import BundleContent
from sourcemark.app.bundles.export import VIEWS
from sourcemark.app.bundles.safezip import DEFAULT_LIMITS, Limits, SafeZip
from sourcemark.app.changes import ChangeLog, Outcome
from sourcemark.app.errors import BundleError
from sourcemark.app.library import Library, now
from sourcemark.app.models import Annotation, Article, PassageStatus, annotation_from_row
from sourcemark.app.wording import count
from sourcemark.db import queries, writes


@dataclass(frozen=True, slots=True)
class Orphan:
    annotation_id: str
    article_id: str
    quote: str


@dataclass(slots=True)
class BundleImportReport:
    articles_added: int = 0
    articles_matched: int = 0
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    conflicting: int = 0
    orphaned: int = 0
    links_added: int = 0
    orphans: list[Orphan] = field(default_factory=list)

    @property
    def headline(self) -> str:
        return (
            f"Bundle imported: {count(self.articles_added, 'new source')} "
            f"({self.articles_matched:,} already here), "
            f"{count(self.added, 'new annotation')}, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {count(self.links_added, 'new link')}."
        )

    @property
    def needs_attention(self) -> bool:
        """Something the user should read about: conflicting edits or orphans."""
        return bool(self.conflicting or self.orphaned)

    def details(self) -> list[str]:
        """One line per conflict count and per annotation that could not be placed."""
        lines = []
        if self.conflicting:
            lines.append(
                f"{count(self.conflicting, 'conflicting edit')}: the newer version is current, "
                "the other is kept in the annotation's history."
            )
        lines += [
            f"Annotation {orphan.annotation_id[:8]} ({orphan.quote[:60]!r}) no longer matches the "
            f"text of source {orphan.article_id[:8]}: kept, not dropped."
            for orphan in self.orphans
        ]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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

    def merge_article(self, article: Article) -> None:
        local = queries.article(self.db, article.id) or queries.article_by_text_hash(
            self.db, article.text_sha256
        )
        if local is not None:
            self.article_ids[article.id] = local["id"]
            self.local_texts[local["id"]] = local["text"]
            self.local_versions[local["id"]] = local["version"]
            self.report.articles_matched += 1
            return
        original = self.content.originals.get(article.id)
        first, *later = self.content.version_texts[article.id]
        writes.insert_article(
            self.db,
            {
                **article.to_dict(),
                "text": first.text,
                "text_sha256": first.text_sha256,
                "version": 1,
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
            writes.insert_capture(
                self.db,
                {
                    **fetched.capture.to_dict(),
                    "headers": json.dumps(fetched.capture.to_dict()["headers"]),
                    "warc": fetched.warc,
                },
            )
        self.log.article(article.id, listed=True)
        self.article_ids[article.id] = article.id
        self.local_texts[article.id] = article.text
        self.local_versions[article.id] = article.version
        self.report.articles_added += 1

    def merge_annotation(self, annotation: Annotation) -> None:
        candidate = self.placed(annotation)
        if candidate is None:
            self.keep_orphan(annotation)
            return
        row = queries.annotation(self.db, annotation.id)
        if row is None:
            writes.insert_annotation(self.db, candidate.to_dict())
            self.log.annotation(candidate)
            self.report.added += 1
            return
        local = annotation_from_row(row)
        if local == candidate:
            self.report.unchanged += 1
            return
        local_earlier = {entry["record"]["updated_at"] for entry in self.library.history(local.id)}
        if local.updated_at in self.content.earlier_versions.get(annotation.id, ()):
            self.replace(local, candidate, "edited")
            self.report.updated += 1
        elif candidate.updated_at in local_earlier:
            self.report.unchanged += 1  # the local version already descends from the bundle's
        else:
            self.report.conflicting += 1
            if schema.instant(candidate.updated_at) > schema.instant(local.updated_at):
                self.replace(local, candidate, "merge_conflict")
            else:
                self.library.keep_history(candidate, "merge_conflict")

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


def _phase(progress: Progress | None, low: int, high: int) -> Progress | None:
    """Map one phase's (done, total) onto a share of a 0-1000 scale."""
    if progress is None:
        return None
    return lambda done, total: progress(low + (high - low) * done // max(total, 1), 1000)
