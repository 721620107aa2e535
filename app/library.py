"""The library service: every read and write a journalist makes, with no Qt in it.

A library is a folder holding the SQLite database (the source of truth), the Whoosh index
(a cache rebuilt from SQLite whenever in doubt) and a backups folder. Each mutation runs in one
`BEGIN IMMEDIATE` transaction, which also queues the search-index update (see db/migrations.py),
and returns the record that changed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import sqlite_utils

from sourcemark.app import anchoring, lock
from sourcemark.app.errors import (
    AmbiguousId,
    InvalidAnnotation,
    LibraryDamaged,
    NotFound,
    SourcemarkError,
)
from sourcemark.app.health import ensure_intact
from sourcemark.app.importers import ExtractedSource
from sourcemark.app.languages import detect_language, normalise_language
from sourcemark.app.layout import BACKUPS_DIR, DATABASE_FILE, default_library_path
from sourcemark.app.models import (
    Annotation,
    Article,
    ArticleSummary,
    Kind,
    Link,
    Relation,
    Verdict,
    annotation_from_row,
    article_from_row,
    link_from_row,
)
from sourcemark.app.search.claims import THRESHOLD as SIMILARITY_THRESHOLD
from sourcemark.app.search.index import SearchIndex, SearchResults
from sourcemark.app.storage import translated_storage_errors, write_transaction
from sourcemark.db import queries
from sourcemark.db.connection import connect, on_read_only_media
from sourcemark.db.migrations import SCHEMA_VERSION, migrate, schema_version

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


@dataclass(frozen=True, slots=True)
class DeletedAnnotation:
    """What a deletion removed, enough to put it back exactly (undo)."""

    annotation: Annotation
    links: tuple[Link, ...] = field(default_factory=tuple)


_UNCHANGED: Any = object()


class Library:
    """One open library. Not thread-safe: a worker thread opens its own `Library`."""

    def __init__(self, path: Path, db: sqlite_utils.Database) -> None:
        self.path = path
        self.db = db
        self.index: SearchIndex | None = None
        self.is_new = False
        self._writer_lock: lock.WriterLock | None = None

    @classmethod
    def open(
        cls, path: Path | None = None, *, with_index: bool = True, read_only: bool = False
    ) -> Library:
        """Open (creating and initialising if needed) the library folder at `path`.

        `read_only` opens an existing library to read it while another process may be writing
        (the desk): it takes no lock and creates or migrates nothing; writes raise StorageError.
        """
        path = (path or default_library_path()).expanduser()
        if read_only:
            return cls._open_read_only(path, with_index)
        path.mkdir(parents=True, exist_ok=True)
        # One writer per library; a lock left by a crashed writer means an unclean exit, so
        # the database is checked (read-only) before anything opens it for writing.
        writer_lock = lock.acquire(path)
        try:
            with translated_storage_errors(path):
                if writer_lock.crashed_owner is not None:
                    ensure_intact(path)
                library = cls._open_locked(path, with_index)
        except BaseException as error:
            # Until an open succeeds, a crash or damage stays flagged for the next attempt.
            damaged = isinstance(error, LibraryDamaged)
            writer_lock.release(clean=writer_lock.crashed_owner is None and not damaged)
            raise
        library._writer_lock = writer_lock
        return library

    @classmethod
    def _open_locked(cls, path: Path, with_index: bool) -> Library:
        (path / BACKUPS_DIR).mkdir(exist_ok=True)
        is_new = not (path / DATABASE_FILE).exists()
        library = cls(path, connect(path / DATABASE_FILE))
        try:
            library.is_new = is_new
            migrate(library.db)
            library._ensure_identity()
            if with_index:
                library._open_index()
        except BaseException:
            library.close()
            raise
        return library

    @classmethod
    def _open_read_only(cls, path: Path, with_index: bool) -> Library:
        database = path / DATABASE_FILE
        if not database.is_file():
            raise NotFound(f"no library at {path}")
        with translated_storage_errors(path):
            library = cls(path, connect(database, read_only=True))
            try:
                if schema_version(library.db) != SCHEMA_VERSION:
                    raise SourcemarkError(
                        f"the library at {path} needs upgrading: open it once for writing"
                    )
                # On read-only media the index cannot be brought up to date: no search there.
                if with_index and not on_read_only_media(database):
                    library._open_index()
            except BaseException:
                library.close()
                raise
        return library

    def _open_index(self) -> None:
        self.index = SearchIndex.open_for(self.path, self.db, self.identity)

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

    def _ensure_identity(self) -> None:
        if queries.meta_value(self.db, "library_id") is None:
            with write_transaction(self.db):
                self.db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('library_id', ?)", (new_id(),)
                )

    def sync_index(self) -> None:
        """Bring the search index up to date with what was just committed."""
        if self.index is not None:
            self.index.sync(self.db)

    def settle_index(self) -> None:
        """After a bulk change: merge the index's full tiers of segments, so that a library
        used only from the command line (no desk, no idle upkeep) keeps searching fast."""
        if self.index is not None:
            self.index.merge_segments()

    # --- articles -------------------------------------------------------------------------

    def import_source(self, source: ExtractedSource) -> ImportResult:
        """Store a source unless the same text is already in the library."""
        with write_transaction(self.db):
            result = self._store_source(source)
        self.sync_index()
        return result

    def import_many(
        self,
        sources: Iterable[ExtractedSource],
        *,
        total: int = 0,
        progress: Progress | None = None,
        batch_size: int = 200,
    ) -> list[ImportResult]:
        """Import many sources: a transaction per batch and one index update at the end."""
        results: list[ImportResult] = []
        for batch in _batches(sources, batch_size):
            with write_transaction(self.db):
                results.extend(self._store_source(source) for source in batch)
            if progress is not None:
                progress(len(results), total)
        self.sync_index()
        self.settle_index()
        return results

    def _store_source(self, source: ExtractedSource) -> ImportResult:
        text_sha256 = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        existing = queries.article_by_text_hash(self.db, text_sha256)
        if existing is not None:
            return ImportResult(article_from_row(existing), created=False)
        article = Article(
            id=new_id(),
            title=source.title.strip(),
            outlet=source.outlet.strip(),
            author=source.author.strip(),
            url=source.url.strip(),
            published=source.published.strip(),
            imported_at=now(),
            source_format=source.source_format,
            original_sha256=hashlib.sha256(source.original).hexdigest(),
            text_sha256=text_sha256,
            text=source.text,
        )
        language = source.language or detect_language(source.text)
        self.db.table("articles").insert({**article.to_dict(), "language": language})
        self.db.table("originals").insert(
            {"article_id": article.id, "filename": source.filename, "content": source.original}
        )
        return ImportResult(article, created=True)

    def article(self, article_id: str) -> Article:
        row = queries.article(self.db, self.resolve_article_id(article_id))
        assert row is not None
        return article_from_row(row)

    def language(self, article_id: str) -> str:
        """The language a source is written in (an ISO 639 code, e.g. `de`)."""
        return queries.article_language(self.db, self.resolve_article_id(article_id))

    def set_language(self, article_id: str, language: str) -> str:
        """Correct a source's language; its text and annotations are indexed again with that
        language's stemmer. Returns the code stored."""
        article_id = self.resolve_article_id(article_id)
        try:
            code = normalise_language(language)
        except ValueError as error:
            raise SourcemarkError(str(error)) from None
        with write_transaction(self.db):
            self.db.execute("UPDATE articles SET language = ? WHERE id = ?", (code, article_id))
        self.sync_index()
        return code

    def articles(self) -> list[ArticleSummary]:
        return [ArticleSummary(**row) for row in queries.article_summaries(self.db)]

    def article_ids(self, contains: str = "", order: str = "published") -> list[str]:
        """Ids of articles whose title, outlet or author contains `contains`, in `order`
        ("published", newest first; "title"; or "outlet"): what a lazy list holds."""
        return queries.article_ids(self.db, contains.strip(), order)

    def article_summaries(self, ids: list[str]) -> dict[str, ArticleSummary]:
        """Summaries of the given articles (a page of a lazy list), by id."""
        rows = queries.article_summaries_for(self.db, ids) if ids else []
        return {row["id"]: ArticleSummary(**row) for row in rows}

    def original(self, article_id: str) -> tuple[str, bytes]:
        """The file name and bytes of a source as it was imported."""
        row = queries.original(self.db, article_id)
        if row is None:
            raise NotFound(f"no original file stored for article {article_id}")
        return row["filename"], row["content"]

    def resolve_article_id(self, prefix: str) -> str:
        return self._resolve("articles", "article", prefix)

    def resolve_annotation_id(self, prefix: str) -> str:
        return self._resolve("annotations", "annotation", prefix)

    def _resolve(self, table: str, noun: str, prefix: str) -> str:
        """A full id from a unique prefix of it, as git resolves commits."""
        prefix = prefix.strip().lower()
        if not prefix:
            raise NotFound(f"no {noun} id given")
        found = queries.ids_with_prefix(self.db, table, prefix)
        if not found:
            raise NotFound(f"no {noun} with id {prefix!r}")
        if len(found) > 1 and prefix not in found:
            raise AmbiguousId(f"{noun} id {prefix!r} is ambiguous: {', '.join(found)}, ...")
        return prefix if prefix in found else found[0]

    # --- annotations ----------------------------------------------------------------------

    def annotation(self, annotation_id: str) -> Annotation:
        row = queries.annotation(self.db, self.resolve_annotation_id(annotation_id))
        assert row is not None
        return annotation_from_row(row)

    def annotations(
        self, article_id: str | None = None, kind: Kind | None = None
    ) -> list[Annotation]:
        if article_id is not None:
            article_id = self.resolve_article_id(article_id)
        rows = queries.annotations_in(self.db, article_id, kind.value if kind else None)
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
    ) -> Annotation:
        """Tag `text[start:end]` of an article (code-point offsets) and save it at once."""
        article = self.article(article_id)
        kind = _parse_kind(kind)
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
        )
        with write_transaction(self.db):
            self.db.table("annotations").insert(record.to_dict())
        self.sync_index()
        return record

    def annotate_quote(
        self,
        article_id: str,
        kind: Kind | str,
        quote: str,
        *,
        occurrence: int | None = None,
        **details: Any,
    ) -> Annotation:
        """Tag the passage that reads `quote`; `occurrence` picks one of several matches."""
        article = self.article(article_id)
        place = anchoring.locate(article.text, quote, occurrence)
        return self.annotate(article.id, kind, place.start, place.end, **details)

    def edit_annotation(
        self,
        annotation_id: str,
        *,
        note: str = _UNCHANGED,
        speaker: str = _UNCHANGED,
        verdict: Verdict | str | None = _UNCHANGED,
        kind: Kind | str = _UNCHANGED,
    ) -> Annotation:
        """Change an annotation's details; the previous version is kept in its history."""
        current = self.annotation(annotation_id)
        new_kind = current.kind if kind is _UNCHANGED else _parse_kind(kind)
        if verdict is _UNCHANGED:
            verdict = current.verdict
        changes = {
            "kind": new_kind.value,
            "note": current.note if note is _UNCHANGED else note.strip(),
            "speaker": current.speaker if speaker is _UNCHANGED else speaker.strip(),
            "verdict": _verdict_value(_verdict_for(new_kind, verdict)),
        }
        if all(current.to_dict()[key] == value for key, value in changes.items()):
            return current
        changes["updated_at"] = now()
        with write_transaction(self.db):
            self.keep_history(current, "edited")
            self.db.table("annotations").update(current.id, changes)
        self.sync_index()
        return self.annotation(current.id)

    def delete_annotation(self, annotation_id: str) -> DeletedAnnotation:
        """Remove an annotation and its links; returns what is needed to restore it."""
        current = self.annotation(annotation_id)
        links = tuple(link_from_row(row) for row in queries.links_touching(self.db, current.id))
        with write_transaction(self.db):
            self.keep_history(current, "deleted")
            self.db.execute("DELETE FROM annotations WHERE id = ?", (current.id,))
        self.sync_index()
        return DeletedAnnotation(current, links)

    def restore_annotation(self, deleted: DeletedAnnotation) -> Annotation:
        """Put back a deleted annotation with its id, times and links (undo of a deletion)."""
        with write_transaction(self.db):
            self.db.table("annotations").insert(deleted.annotation.to_dict())
            for link in deleted.links:
                self.db.table("links").insert(link.to_dict(), ignore=True)
        self.sync_index()
        return deleted.annotation

    def keep_history(self, annotation: Annotation, reason: str) -> None:
        """Record a version of an annotation (inside the caller's write transaction)."""
        self.db.table("annotation_history").insert(
            {
                "annotation_id": annotation.id,
                "record": json.dumps(annotation.to_dict(), ensure_ascii=False),
                "reason": reason,
                "saved_at": now(),
            }
        )

    def history(self, annotation_id: str) -> list[dict[str, Any]]:
        """Earlier versions of an annotation, oldest first."""
        rows = self.db.execute(
            "SELECT record, reason, saved_at FROM annotation_history "
            "WHERE annotation_id = ? ORDER BY seq",
            (annotation_id,),
        ).fetchall()
        return [{"record": json.loads(r[0]), "reason": r[1], "saved_at": r[2]} for r in rows]

    # --- links ----------------------------------------------------------------------------

    def link(self, from_id: str, to_id: str, relation: Relation | str = Relation.REBUTS) -> Link:
        """Link two annotations, e.g. a rebuttal to the claim it answers (any article)."""
        source, target = self.annotation(from_id), self.annotation(to_id)
        try:
            relation = Relation(relation)
        except ValueError:
            choices = ", ".join(r.value for r in Relation)
            raise InvalidAnnotation(
                f"unknown relation {relation!r} (choose from {choices})"
            ) from None
        if source.id == target.id:
            raise InvalidAnnotation("an annotation cannot be linked to itself")
        if relation is Relation.REBUTS and (source.kind, target.kind) != (
            Kind.REBUTTAL,
            Kind.CLAIM,
        ):
            raise InvalidAnnotation(
                f"'rebuts' links a rebuttal to a claim, not a {source.kind} to a {target.kind}"
            )
        link = Link(source.id, target.id, relation, now())
        with write_transaction(self.db):
            self.db.table("links").insert(link.to_dict(), ignore=True)
        stored = queries.link(self.db, source.id, target.id, relation.value)
        assert stored is not None  # written, or already there, inside the transaction above
        return link_from_row(stored)

    def unlink(self, from_id: str, to_id: str, relation: Relation | str = Relation.REBUTS) -> None:
        with write_transaction(self.db):
            self.db.execute(
                "DELETE FROM links WHERE from_id = ? AND to_id = ? AND relation = ?",
                (from_id, to_id, Relation(relation).value),
            )

    def links(self, annotation_id: str | None = None) -> list[Link]:
        rows = (
            queries.links_touching(self.db, annotation_id)
            if annotation_id is not None
            else queries.all_links(self.db)
        )
        return [link_from_row(row) for row in rows]

    # --- searching ------------------------------------------------------------------------

    def search(
        self, query: str, *, kind: str | None = None, verdict: str | None = None, limit: int = 20
    ) -> SearchResults:
        """Ranked articles and annotations matching a query (syntax: app/search/query.py)."""
        return self._search_index().search(query, kind=kind, verdict=verdict, limit=limit)

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


def _parse_kind(kind: Kind | str) -> Kind:
    try:
        return Kind(str(kind).strip().lower())
    except ValueError:
        raise InvalidAnnotation(
            f"unknown kind {kind!r} (choose claim, quote or rebuttal)"
        ) from None


def _verdict_for(kind: Kind, verdict: Verdict | str | None) -> Verdict | None:
    """Claims always carry a verdict (unverified by default); other kinds never do."""
    if kind is not Kind.CLAIM:
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
