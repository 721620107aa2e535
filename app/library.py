"""The library service: every read and write a journalist makes, with no Qt in it.

A library is a folder holding the SQLite database (the source of truth), the Whoosh index
(a cache rebuilt from SQLite whenever in doubt) and a backups folder; `app.opening` opens one.
Each mutation is one operation: one `BEGIN IMMEDIATE` transaction, which also queues the
search-index update (see db/migrations.py), returning an `Outcome` that names what changed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import sqlite_utils

from sourcemark.app import anchoring
from sourcemark.app.capture.record import PageCapture
from sourcemark.app.changes import ChangeLog, Outcome
from sourcemark.app.errors import AmbiguousId, InvalidAnnotation, NotFound, SourcemarkError
from sourcemark.app.importers import ExtractedSource
from sourcemark.app.languages import detect_language
from sourcemark.app.lock import WriterLock
from sourcemark.app.models import (
    Annotation,
    Article,
    ArticleSummary,
    Capture,
    Kind,
    Link,
    PageRange,
    PageSpan,
    Relation,
    TargetType,
    Tombstone,
    Verdict,
    Version,
    annotation_from_row,
    article_from_row,
    capture_from_row,
    link_from_row,
    page_span_from_row,
    pages_of,
)
from sourcemark.app.people import local_user
from sourcemark.app.search.claims import THRESHOLD as SIMILARITY_THRESHOLD
from sourcemark.app.search.index import SearchIndex, SearchResults
from sourcemark.app.search.versions import VersionHit, search_earlier_versions
from sourcemark.app.storage import write_transaction
from sourcemark.db import queries, writes

Progress = Callable[[int, int], None]
"""Called with (done, total) as long work advances."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class ImportResult:
    article: Article
    created: bool
    in_trash: bool = False
    """The same text is in the library's trash (restore it rather than import it again)."""


@dataclass(frozen=True, slots=True)
class DeletedAnnotation:
    """What a deletion moved to the trash, under which tombstone (undo restores it)."""

    annotation: Annotation
    links: tuple[Link, ...] = field(default_factory=tuple)
    tombstone_id: str = ""


TRASH_HINTS = {"articles": "restore-source", "annotations": "restore-annotation"}


@dataclass(frozen=True, slots=True)
class AnnotationEdit:
    """The details of an annotation a user changed; None leaves a detail as it is."""

    kind: Kind | None = None
    note: str | None = None
    speaker: str | None = None
    verdict: Verdict | None = None

    def given(self) -> dict[str, Any]:
        """The changed details, as `Library.edit_annotation` takes them."""
        return {name: value for name, value in asdict(self).items() if value is not None}


class _Unchanged:
    """The default of an `edit_annotation` field the caller leaves as it is."""


UNCHANGED: Any = _Unchanged()


class Library:
    """One open library. Not thread-safe: a worker thread opens its own (`app.opening`)."""

    def __init__(self, path: Path, db: sqlite_utils.Database) -> None:
        self.path = path
        self.db = db
        self.index: SearchIndex | None = None
        self.is_new = False
        self.user = local_user()
        """Who deletions and restorations are signed with."""
        self._writer_lock: WriterLock | None = None

    def hold_until_closed(self, writer_lock: WriterLock) -> None:
        """Keep the library's writer lock until `close()`."""
        self._writer_lock = writer_lock

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None
        self.db.close()
        if self._writer_lock is not None:
            self._writer_lock.release()
            self._writer_lock = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def identity(self) -> str:
        """A random id made when the library was created; the index records it."""
        value = queries.meta_value(self.db, "library_id")
        assert value is not None
        return value

    def sync_index(self) -> None:
        """Bring the search index up to date with what was just committed."""
        if self.index is not None:
            self.index.sync(self.db)

    def settle_index(self) -> None:
        """After a bulk change: merge the index's full tiers of segments, so that a library
        used only from the command line (no desk, no idle upkeep) keeps searching fast."""
        if self.index is not None:
            self.index.merge_segments()

    @contextmanager
    def operation(self) -> Iterator[ChangeLog]:
        """One operation: a write transaction whose changes are logged, then the index sync."""
        log = ChangeLog()
        with write_transaction(self.db):
            yield log
        self.sync_index()

    # --- articles -------------------------------------------------------------------------

    def import_source(self, source: ExtractedSource) -> Outcome[ImportResult]:
        """Store a source unless the same text is already in the library."""
        with self.operation() as log:
            result = self._store_source(source, log)
        return Outcome(result, log.changes())

    def import_many(
        self,
        sources: Iterable[ExtractedSource],
        *,
        total: int = 0,
        progress: Progress | None = None,
        batch_size: int = 200,
    ) -> Outcome[list[ImportResult]]:
        """Import many sources: a transaction per batch and one index update at the end."""
        results: list[ImportResult] = []
        log = ChangeLog()
        for batch in _batches(sources, batch_size):
            with write_transaction(self.db):
                results.extend(self._store_source(source, log) for source in batch)
            if progress is not None:
                progress(len(results), total)
        self.sync_index()
        self.settle_index()
        return Outcome(results, log.changes())

    def _store_source(self, source: ExtractedSource, log: ChangeLog) -> ImportResult:
        text_sha256 = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        existing = queries.article_by_text_hash(self.db, text_sha256)
        if existing is not None:
            found = article_from_row(existing)
            if source.capture is not None:  # a fetch that found the text already here
                self.keep_capture(found.id, found.version, source.capture)
                log.article(found.id)
            in_trash = existing["tombstone_id"] is not None
            return ImportResult(found, created=False, in_trash=in_trash)
        stamp = now()
        article = Article(
            id=new_id(),
            title=source.title.strip(),
            outlet=source.outlet.strip(),
            author=source.author.strip(),
            url=source.url.strip(),
            published=source.published.strip(),
            imported_at=stamp,
            source_format=source.source_format,
            original_sha256=hashlib.sha256(source.original).hexdigest(),
            text_sha256=text_sha256,
            text=source.text,
            extraction_warning=source.extraction_warning,
            updated_at=stamp,
            language=source.language or detect_language(source.text),
        )
        writes.insert_article(self.db, article.to_dict(), (source.filename, source.original))
        writes.insert_page_map(self.db, article.id, [span.to_dict() for span in source.pages])
        if source.page_text:
            writes.set_page_text(self.db, article.id, article.version, source.page_text)
        if source.capture is not None:
            self.keep_capture(article.id, article.version, source.capture)
        log.article(article.id, listed=True)
        return ImportResult(article, created=True)

    def keep_capture(self, article_id: str, version: int | None, capture: PageCapture) -> str:
        """Store a fetch of a source's page (inside the caller's write transaction); `version`
        is the version of the text it gave, None when the page was gone."""
        capture_id = new_id()
        writes.insert_capture(
            self.db,
            {
                "id": capture_id,
                "article_id": article_id,
                "version": version,
                "requested_url": capture.requested_url,
                "final_url": capture.final_url,
                "fetched_at": capture.fetched_at,
                "status": capture.status,
                "headers": json.dumps([list(pair) for pair in capture.headers]),
                "content_type": capture.content_type,
                "payload_sha256": capture.payload_sha256,
                "warc": capture.warc,
            },
        )
        return capture_id

    # --- versions and captures ------------------------------------------------------------

    def versions(self, article_id: str) -> list[Version]:
        """A source's versions, oldest first, each with the first capture that gave it."""
        article_id = self.resolve_article_id(article_id)
        captures = self.captures(article_id)
        return [
            Version(
                **row,
                capture=next((c for c in captures if c.version == row["number"]), None),
            )
            for row in queries.versions(self.db, article_id)
        ]

    def version_text(self, article_id: str, number: int) -> str:
        """The text of one version of a source (offsets of annotations on it point into it)."""
        return self._version_texts(article_id, number)["text"]  # type: ignore[no-any-return]

    def page_text(self, article_id: str, number: int | None = None) -> str:
        """All the visible text of the web page a version came from ('' when not a page)."""
        article = self.article(article_id)
        found = self._version_texts(article.id, number or article.version)
        return found["page_text"] or ""

    def _version_texts(self, article_id: str, number: int) -> dict[str, Any]:
        article_id = self.resolve_article_id(article_id)
        found = queries.version_texts(self.db, article_id, number)
        if found is None:
            raise NotFound(f"source {article_id[:8]} has no version {number}")
        return found

    def captures(self, article_id: str) -> list[Capture]:
        """Every fetch of a source's page, oldest first."""
        article_id = self.resolve_article_id(article_id)
        return [capture_from_row(row) for row in queries.captures(self.db, article_id)]

    def capture_warc(self, capture_id: str) -> bytes:
        """The WARC file of one fetch: its request and response records, gzipped."""
        found = queries.capture_warc(self.db, capture_id)
        if found is None:
            raise NotFound(f"no capture with id {capture_id!r}")
        return found

    def dismiss_extraction_warning(self, article_id: str) -> Outcome[bool]:
        """The reporter has checked the extracted text: drop its flag. The value says whether
        there was one."""
        article = self.article(article_id)
        if not article.extraction_warning:
            return Outcome(False)
        with self.operation() as log:
            writes.set_extraction_warning(self.db, article.id, "")
            log.article(article.id)
        return Outcome(True, log.changes())

    def article(self, article_id: str) -> Article:
        row = queries.article(self.db, self.resolve_article_id(article_id))
        assert row is not None
        return article_from_row(row)

    def language(self, article_id: str) -> str:
        """The language a source is written in (an ISO 639 code, e.g. `de`)."""
        return queries.article_language(self.db, self.resolve_article_id(article_id))

    def is_live(self, article_id: str) -> bool:
        """Whether a source (a full id) is in the library: not in the trash, not destroyed."""
        row = queries.article(self.db, article_id)
        return row is not None and row["tombstone_id"] is None

    def articles(self) -> list[ArticleSummary]:
        return [ArticleSummary(**row) for row in queries.article_summaries(self.db)]

    def article_ids(
        self,
        contains: str = "",
        order: str = "published",
        *,
        story_id: str | None = None,
        tag: str | None = None,
    ) -> list[str]:
        """Ids of articles whose title, outlet or author contains `contains` (in one story, with
        one tag, if given), in `order` ("published", newest first; "title"; or "outlet"): what
        a lazy list holds."""
        return queries.article_ids(self.db, contains.strip(), order, story_id=story_id, tag=tag)

    def article_summaries(self, ids: list[str]) -> dict[str, ArticleSummary]:
        """Summaries of the given articles (a page of a lazy list), by id."""
        rows = queries.article_summaries_for(self.db, ids) if ids else []
        return {row["id"]: ArticleSummary(**row) for row in rows}

    def page_map(self, article_id: str) -> list[PageSpan]:
        """Where each page's text lies in an article from a PDF; empty for other sources."""
        rows = queries.article_pages(self.db, self.resolve_article_id(article_id))
        return [page_span_from_row(row) for row in rows]

    def pages_of(self, article_id: str, start: int, end: int) -> PageRange | None:
        """The pages the passage `text[start:end]` of an article lies on (None without pages)."""
        return pages_of(self.page_map(article_id), start, end)

    def annotation_pages(self, annotations: Iterable[Annotation]) -> dict[str, PageRange]:
        """The pages each annotation's passage lies on, by annotation id (those with pages)."""
        maps: dict[str, list[PageSpan]] = {}
        found: dict[str, PageRange] = {}
        for annotation in annotations:
            if annotation.article_id not in maps:
                maps[annotation.article_id] = self.page_map(annotation.article_id)
            pages = pages_of(maps[annotation.article_id], annotation.start, annotation.end)
            if pages is not None:
                found[annotation.id] = pages
        return found

    def original(self, article_id: str) -> tuple[str, bytes]:
        """The file name and bytes of a source as it was imported."""
        row = queries.original(self.db, article_id)
        if row is None:
            raise NotFound(f"no original file stored for article {article_id}")
        return row["filename"], row["content"]

    def resolve_article_id(self, prefix: str, *, trashed: bool = False) -> str:
        """The live article (or, with `trashed`, the one in the trash) an id prefix names."""
        return self._resolve("articles", "article", prefix, trashed)

    def resolve_annotation_id(self, prefix: str, *, trashed: bool = False) -> str:
        return self._resolve("annotations", "annotation", prefix, trashed)

    def _resolve(self, table: str, noun: str, prefix: str, trashed: bool) -> str:
        """A full id from a unique prefix of it, as git resolves commits."""
        prefix = prefix.strip().lower()
        if not prefix:
            raise NotFound(f"no {noun} id given")
        found = queries.ids_with_prefix(
            self.db, table, prefix, limit=_CANDIDATES_SHOWN + 1, trashed=trashed
        )
        if (
            not found
            and not trashed
            and queries.ids_with_prefix(self.db, table, prefix, trashed=True)
        ):
            raise NotFound(
                f"the {noun} {prefix!r} is in the trash "
                f"(bring it back with `sourcemark {TRASH_HINTS[table]} {prefix}`)"
            )
        if not found:
            where = " in the trash" if trashed else ""
            raise NotFound(f"no {noun} with id {prefix!r}{where}")
        if len(found) > 1 and prefix not in found:
            candidates = self._describe(table, found[:_CANDIDATES_SHOWN])
            more = ", and more" if len(found) > _CANDIDATES_SHOWN else ""
            raise AmbiguousId(
                f"{noun} id {prefix!r} is ambiguous: {'; '.join(candidates)}{more} "
                "(give more of the id)"
            )
        return prefix if prefix in found else found[0]

    def _describe(self, table: str, ids: list[str]) -> list[str]:
        """Each id with what lets a person tell it apart: a title, or a kind and passage."""
        if table == "articles":
            summaries = self.article_summaries(ids)
            return [f"{i[:12]} “{_short(summaries[i].title or 'Untitled source')}”" for i in ids]
        by_id = {a.id: a for a in self.annotations_by_ids(ids)}
        return [f"{i[:12]} {by_id[i].kind.value} “{_short(by_id[i].quote)}”" for i in ids]

    # --- annotations ----------------------------------------------------------------------

    def annotation(self, annotation_id: str) -> Annotation:
        row = queries.annotation(self.db, self.resolve_annotation_id(annotation_id))
        assert row is not None
        return annotation_from_row(row)

    def annotations(
        self,
        article_id: str | None = None,
        kind: Kind | None = None,
        *,
        story_id: str | None = None,
    ) -> list[Annotation]:
        """Live annotations in text order (of one source, one kind, one story's sources)."""
        if article_id is not None:
            article_id = self.resolve_article_id(article_id)
        rows = queries.annotations_in(self.db, article_id, kind.value if kind else None, story_id)
        return [annotation_from_row(row) for row in rows]

    def annotate(
        self,
        article_id: str,
        kind: Kind | str,
        start: int,
        end: int,
        *,
        note: str = "",
        speaker: str = "",
        verdict: Verdict | str | None = None,
    ) -> Outcome[Annotation]:
        """Tag `text[start:end]` of an article (code-point offsets) and save it at once."""
        article = self.article(article_id)
        kind = parse_kind(kind)
        place = anchoring.anchor(article.text, start, end)
        stamp = now()
        record = Annotation(
            id=new_id(),
            article_id=article.id,
            kind=kind,
            start=place.start,
            end=place.end,
            quote=place.quote,
            prefix=place.prefix,
            suffix=place.suffix,
            note=note.strip(),
            speaker=speaker.strip(),
            verdict=_verdict_for(kind, verdict),
            created_at=stamp,
            updated_at=stamp,
            version=article.version,
        )
        with self.operation() as log:
            writes.insert_annotation(self.db, {**record.to_dict(), "creator": self.user})
            log.annotation(record)
        return Outcome(record, log.changes())

    def annotate_quote(
        self,
        article_id: str,
        kind: Kind | str,
        quote: str,
        *,
        occurrence: int | None = None,
        **details: Any,
    ) -> Outcome[Annotation]:
        """Tag the passage that reads `quote`; `occurrence` picks one of several matches."""
        article = self.article(article_id)
        place = anchoring.locate(article.text, quote, occurrence)
        return self.annotate(article.id, kind, place.start, place.end, **details)

    def edit_annotation(
        self,
        annotation_id: str,
        *,
        note: str = UNCHANGED,
        speaker: str = UNCHANGED,
        verdict: Verdict | str | None = UNCHANGED,
        kind: Kind | str = UNCHANGED,
        drop_links: bool = False,
        relink: tuple[Link, ...] = (),
    ) -> Outcome[Annotation]:
        """Change an annotation's details; the previous version is kept in its history.

        A kind change that a 'rebuts' link forbids is refused, naming the link, unless
        `drop_links` removes those links (kept in the history with the previous version).
        `relink` puts back links such an edit removed (its undo), in the same transaction.
        """
        current = self.annotation(annotation_id)
        new_kind = current.kind if kind is UNCHANGED else parse_kind(kind)
        warnings: list[str] = []
        if verdict is UNCHANGED or (verdict is None and new_kind is not Kind.CLAIM):
            verdict = current.verdict if new_kind is Kind.CLAIM else None
            if current.verdict not in (None, Verdict.UNVERIFIED) and verdict is None:
                warnings.append(
                    f"the verdict {current.verdict.label!r} was dropped: "
                    f"only claims carry a verdict, and this is now a {new_kind.value}"
                )
        changes = {
            "kind": new_kind.value,
            "note": current.note if note is UNCHANGED else note.strip(),
            "speaker": current.speaker if speaker is UNCHANGED else speaker.strip(),
            "verdict": _verdict_value(_verdict_for(new_kind, verdict)),
        }
        if not relink and all(current.to_dict()[key] == value for key, value in changes.items()):
            return Outcome(current)
        blocking = self.links_forbidding(current.id, new_kind)
        if blocking and not drop_links:
            raise InvalidAnnotation(_kind_change_refusal(current, new_kind, blocking))
        changes["updated_at"] = now()
        changes["creator"] = self.user
        with self.operation() as log:
            self.keep_history(current, "edited", links=blocking)
            for link in blocking:
                writes.delete_link(self.db, link.from_id, link.to_id, link.relation.value)
                log.annotation(self.annotation(_other_end(link, current.id)))
            writes.update_annotation(self.db, current.id, changes)
            log.annotation(current)
            for link in relink:
                writes.insert_link(self.db, link.to_dict())
                log.annotation(self.annotation(_other_end(link, current.id)))
        return Outcome(self.annotation(current.id), log.changes(), tuple(warnings))

    def links_forbidding(self, annotation_id: str, kind: Kind) -> tuple[Link, ...]:
        """The 'rebuts' links of an annotation that it could not keep as a `kind`."""
        return tuple(
            link
            for link in self.links(annotation_id)
            if link.relation is Relation.REBUTS
            and (
                (link.from_id == annotation_id and kind is not Kind.REBUTTAL)
                or (link.to_id == annotation_id and kind is not Kind.CLAIM)
            )
        )

    def delete_annotation(self, annotation_id: str) -> Outcome[DeletedAnnotation]:
        """Move an annotation to the trash; its links wait there with it."""
        current = self.annotation(annotation_id)
        links = tuple(self.links(current.id))
        with self.operation() as log:
            tombstone = self.bury(TargetType.ANNOTATION, current.id, current.article_id)
            writes.set_trash_pointer(self.db, "annotations", current.id, tombstone.id)
            log.annotation(current)
            for link in links:
                log.annotation(self.annotation(_other_end(link, current.id)))
        return Outcome(DeletedAnnotation(current, links, tombstone.id), log.changes())

    def restore_annotation(self, annotation_id: str) -> Outcome[Annotation]:
        """Bring an annotation back from the trash with its id, times and links (the undo of a
        deletion). A rebuts link that no longer fits (the other end changed kind meanwhile)
        is removed, kept in the history, and the warning says so."""
        annotation_id = self.resolve_annotation_id(annotation_id, trashed=True)
        row = queries.annotation(self.db, annotation_id)
        assert row is not None
        annotation = annotation_from_row(row)
        pointer = queries.trash_pointer(self.db, "annotations", annotation.id)
        tombstone = queries.tombstone(self.db, pointer or "")
        if tombstone is not None and tombstone["target_type"] == "article":
            raise InvalidAnnotation(
                f"annotation {annotation.id[:8]} went to the trash with its source: restore the "
                f"source (sourcemark restore-source {annotation.article_id[:8]})"
            )
        with self.operation() as log:
            warnings = self.unfit_links_removed({annotation.id}, log)
            self.unbury(annotation.id)
            writes.set_trash_pointer(self.db, "annotations", annotation.id, None)
            log.annotation(annotation)
            for link in self.links(annotation.id):
                log.annotation(self.annotation(_other_end(link, annotation.id)))
        return Outcome(annotation, log.changes(), tuple(warnings))

    # --- the trash ------------------------------------------------------------------------

    def bury(self, target_type: TargetType, target_id: str, article_id: str | None) -> Tombstone:
        """Record a deletion (inside the caller's write transaction): who, when, what."""
        tombstone = Tombstone(new_id(), target_type, target_id, article_id, now(), self.user)
        writes.insert_tombstone(self.db, tombstone.to_dict())
        return tombstone

    def unbury(self, target_id: str, by: str | None = None, at: str | None = None) -> None:
        """Mark every standing deletion of a record undone (inside the caller's transaction);
        the caller takes the record out of the trash."""
        for row in queries.live_tombstones(self.db, target_id):
            writes.mark_restored(self.db, row["id"], at or now(), by or self.user)

    def unfit_links_removed(self, restoring: set[str], log: ChangeLog) -> list[str]:
        """Before annotations come back from the trash: remove (into their history) each rebuts
        link that would join the wrong kinds once they are live; one warning per link."""
        warnings: list[str] = []
        for row in queries.stored_links_touching(self.db, sorted(restoring)):
            link = link_from_row(row)
            if link.relation is not Relation.REBUTS:
                continue
            ends = {
                r["id"]: r for r in queries.annotations_by_ids(self.db, [link.from_id, link.to_id])
            }
            live_after = all(
                ends[i]["tombstone_id"] is None or i in restoring
                for i in (link.from_id, link.to_id)
            )
            fits = (ends[link.from_id]["kind"], ends[link.to_id]["kind"]) == ("rebuttal", "claim")
            if not live_after or fits:
                continue
            kept = link.from_id if link.from_id in restoring else link.to_id
            self.keep_history(annotation_from_row(ends[kept]), "edited", links=[link])
            writes.delete_link(self.db, link.from_id, link.to_id, link.relation.value)
            other = _other_end(link, kept)
            log.annotation(annotation_from_row(ends[other]))
            warnings.append(
                f"the 'rebuts' link between {kept[:8]} and {other[:8]} was removed (kept in the "
                "history): one of them changed kind while the other was in the trash"
            )
        return warnings

    def keep_history(
        self,
        annotation: Annotation,
        reason: str,
        *,
        links: Iterable[Link] = (),
        creator: str | None = None,
    ) -> None:
        """Record a version of an annotation (inside the caller's write transaction), with
        the links removed along with it, if any, and who made it (`creator`; by default the
        maker of the stored version)."""
        record = annotation.to_dict()
        if creator is None:
            stored = queries.annotation(self.db, annotation.id)
            creator = stored["creator"] if stored is not None else ""
        if creator:
            record["creator"] = creator
        if links:
            record["links"] = [link.to_dict() for link in links]
        writes.record_history(
            self.db, annotation.id, json.dumps(record, ensure_ascii=False), reason, now()
        )

    def creators(self, annotation_ids: list[str]) -> dict[str, str]:
        """Who made each annotation's current version (the reporter's name once synced
        through the newsroom, else the local user's), for those that say."""
        return queries.creators(self.db, annotation_ids)

    def history(self, annotation_id: str) -> list[dict[str, Any]]:
        """Earlier versions of an annotation, oldest first."""
        return [
            {
                "record": json.loads(row["record"]),
                "reason": row["reason"],
                "saved_at": row["saved_at"],
            }
            for row in queries.history(self.db, annotation_id)
        ]

    # --- links ----------------------------------------------------------------------------

    def link(
        self, from_id: str, to_id: str, relation: Relation | str = Relation.REBUTS
    ) -> Outcome[Link]:
        """Link two annotations, e.g. a rebuttal to the claim it answers (any article)."""
        source, target = self.annotation(from_id), self.annotation(to_id)
        relation = _parse_relation(relation)
        _check_link(source, target, relation)
        with self.operation() as log:
            writes.insert_link(self.db, Link(source.id, target.id, relation, now()).to_dict())
            stored = queries.link(self.db, source.id, target.id, relation.value)
            log.annotation(source)
            log.annotation(target)
        assert stored is not None  # written, or already there, inside the transaction above
        return Outcome(link_from_row(stored), log.changes())

    def unlink(
        self, from_id: str, to_id: str, relation: Relation | str = Relation.REBUTS
    ) -> Outcome[bool]:
        """Remove a link; the value says whether there was one."""
        source, target = self.annotation(from_id), self.annotation(to_id)
        relation = _parse_relation(relation)
        with self.operation() as log:
            removed = writes.delete_link(self.db, source.id, target.id, relation.value)
            if removed:
                log.annotation(source)
                log.annotation(target)
        return Outcome(bool(removed), log.changes())

    def set_rebutted_claim(self, rebuttal_id: str, claim_id: str | None) -> Outcome[str | None]:
        """Point a rebuttal at the claim it answers, replacing any earlier one, or at none;
        one transaction. The value is the claim it answered before."""
        rebuttal = self.annotation(rebuttal_id)
        claim = self.annotation(claim_id) if claim_id is not None else None
        previous = self.rebutted_claim(rebuttal.id)
        if claim is not None:
            _check_link(rebuttal, claim, Relation.REBUTS)
        with self.operation() as log:
            if previous is not None and (claim is None or previous != claim.id):
                writes.delete_link(self.db, rebuttal.id, previous, Relation.REBUTS.value)
                log.annotation(self.annotation(previous))
            if claim is not None:
                writes.insert_link(
                    self.db, Link(rebuttal.id, claim.id, Relation.REBUTS, now()).to_dict()
                )
                log.annotation(claim)
            log.annotation(rebuttal)
        return Outcome(previous, log.changes())

    def rebutted_claim(self, rebuttal_id: str) -> str | None:
        """The claim a rebuttal answers, if it is linked to one."""
        for link in self.links(rebuttal_id):
            if link.from_id == rebuttal_id and link.relation is Relation.REBUTS:
                return link.to_id
        return None

    def rebuttals(self, claim_id: str) -> list[Annotation]:
        """The rebuttals that answer a claim, from any article, in the order they were linked."""
        ids = [
            link.from_id
            for link in self.links(claim_id)
            if link.to_id == claim_id and link.relation is Relation.REBUTS
        ]
        return self.annotations_by_ids(ids)

    def annotations_by_ids(self, annotation_ids: list[str]) -> list[Annotation]:
        """The annotations with these (full) ids, in the order given; missing ones left out."""
        rows = queries.annotations_by_ids(self.db, annotation_ids) if annotation_ids else []
        found = {row["id"]: annotation_from_row(row) for row in rows}
        return [found[i] for i in annotation_ids if i in found]

    def links(self, annotation_id: str | None = None) -> list[Link]:
        rows = (
            queries.links_touching(self.db, annotation_id)
            if annotation_id is not None
            else queries.all_links(self.db)
        )
        return [link_from_row(row) for row in rows]

    # --- searching ------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        kind: str | None = None,
        verdict: str | None = None,
        limit: int = 20,
        read: int | None = None,
        story_id: str | None = None,
    ) -> SearchResults:
        """Ranked articles and annotations matching a query (syntax: app/search/query.py),
        within one story's sources if given; the first `read` hits (all by default) are read
        with their snippets, the rest by the index's `more`."""
        within = queries.story_members(self.db, story_id) if story_id is not None else None
        return self._search_index().search(
            query, kind=kind, verdict=verdict, limit=limit, read=read, within=within
        )

    def search_earlier_versions(self, query: str, *, limit: int = 20) -> list[VersionHit]:
        """Matches in the earlier versions of sources (the index holds the latest only)."""
        return search_earlier_versions(self.db, query, limit=limit)

    def similar(
        self, annotation_id: str, *, limit: int = 10, min_score: float = SIMILARITY_THRESHOLD
    ) -> SearchResults:
        """Claims (then other passages) in other articles that state what an annotation (id or
        prefix) states."""
        annotation_id = self.resolve_annotation_id(annotation_id)
        return self._search_index().similar(annotation_id, limit=limit, min_score=min_score)

    def similar_to_text(
        self, statement: str, *, limit: int = 10, min_score: float = SIMILARITY_THRESHOLD
    ) -> SearchResults:
        """Have we checked this before? The library's claims that state what `statement`
        states, with their verdicts; an empty list means nothing similar."""
        return self._search_index().similar_to_text(statement, limit=limit, min_score=min_score)

    def _search_index(self) -> SearchIndex:
        if self.index is None:
            raise SourcemarkError(f"the library at {self.path} is open without its search index")
        return self.index

    # --- facts ----------------------------------------------------------------------------

    def speakers(self) -> list[str]:
        """Speakers already used, most frequent first (for completion)."""
        return queries.speakers(self.db)

    def counts(self) -> dict[str, int]:
        return dict(queries.counts(self.db))


_CANDIDATES_SHOWN = 3


def _short(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def parse_kind(kind: Kind | str) -> Kind:
    try:
        return Kind(str(kind).strip().lower())
    except ValueError:
        raise InvalidAnnotation(
            f"unknown kind {kind!r} (choose claim, quote or rebuttal)"
        ) from None


def _parse_relation(relation: Relation | str) -> Relation:
    try:
        return Relation(relation)
    except ValueError:
        choices = ", ".join(r.value for r in Relation)
        raise InvalidAnnotation(f"unknown relation {relation!r} (choose from {choices})") from None


def _check_link(source: Annotation, target: Annotation, relation: Relation) -> None:
    if source.id == target.id:
        raise InvalidAnnotation("an annotation cannot be linked to itself")
    if relation is Relation.REBUTS and (source.kind, target.kind) != (Kind.REBUTTAL, Kind.CLAIM):
        raise InvalidAnnotation(
            f"'rebuts' links a rebuttal to a claim, not a {source.kind} to a {target.kind}"
        )


def _other_end(link: Link, annotation_id: str) -> str:
    return link.to_id if link.from_id == annotation_id else link.from_id


def _kind_change_refusal(annotation: Annotation, kind: Kind, links: tuple[Link, ...]) -> str:
    link = links[0]
    if link.from_id == annotation.id:
        role, needed = f"it answers claim {link.to_id[:8]}", "rebuttal"
    else:
        role, needed = f"rebuttal {link.from_id[:8]} answers it", "claim"
    return (
        f"cannot make this {annotation.kind.value} a {kind.value}: {role}, and a 'rebuts' link "
        f"needs a {needed} there; remove the link first "
        f"(sourcemark unlink {link.from_id[:8]} {link.to_id[:8]})"
    )


def _verdict_for(kind: Kind, verdict: Verdict | str | None) -> Verdict | None:
    """Claims always carry a verdict (unverified by default); giving one to another kind is
    a mistake worth saying so."""
    if kind is not Kind.CLAIM:
        if verdict is not None and verdict != "":
            raise InvalidAnnotation(
                f"only claims carry a verdict, and this is a {kind.value} "
                "(leave the verdict out, or make it a claim)"
            )
        return None
    if verdict is None or verdict == "":
        return Verdict.UNVERIFIED
    if isinstance(verdict, Verdict):
        return verdict
    try:
        return Verdict.parse(verdict)
    except ValueError as error:
        raise InvalidAnnotation(str(error)) from None


def _verdict_value(verdict: Verdict | None) -> str | None:
    return verdict.value if verdict else None


def _batches(items: Iterable[ExtractedSource], size: int) -> Iterator[list[ExtractedSource]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
