"""The library's Whoosh index: a cache of SQLite, kept up to date through the index outbox.

Every committed change left a row in `index_outbox`; `sync` applies the rows after the last
applied sequence number and records the new one in the same Whoosh commit (on a "meta"
document), so a crash between the two stores only means the rows are applied again. Whenever
the index is missing, unreadable, of another library or out of step, it is rebuilt from SQLite.

One writer at a time: Whoosh's write lock is a file lock, held by threads and processes alike.
A sync that finds it taken leaves its rows in the outbox for the next sync.
"""

from __future__ import annotations

import functools
import gc
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlite_utils
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for
from whoosh.writing import CLEAR, NO_MERGE, SegmentWriter

from sourcemark.app.errors import LibraryBusy, NotFound, QueryError, SourcemarkError
from sourcemark.app.layout import INDEX_DIR
from sourcemark.app.models import Kind, Verdict
from sourcemark.app.search import claims, documents
from sourcemark.app.search.query import parse
from sourcemark.app.search.readers import SharedTerms
from sourcemark.app.search.results import (
    Hit,
    Ranked,
    SearchResults,
    annotation_hit,
    passage_hit,
    read_hits,
    with_pages,
)
from sourcemark.app.search.schema import (
    ENGLISH,
    INDEX_FORMAT,
    SCHEMA,
    KindField,
    VerdictField,
    family,
)
from sourcemark.app.search.scopes import expand_scopes, sources_query
from sourcemark.app.search.snippets import Wanted, highlight_terms
from sourcemark.app.search.vectors import Mask, Vectors
from sourcemark.app.search.writers import writer_for
from sourcemark.app.storage import write_transaction
from sourcemark.db import writes

__all__ = ["Hit", "IndexStatus", "SearchIndex", "SearchResults"]

Progress = Callable[[int, int], None]
P = ParamSpec("P")
T = TypeVar("T")

META_KEY = "meta"
_WRITE_LOCK = "MAIN_WRITELOCK"  # the lock file Whoosh's own writers take
_REBUILD_WAIT_S = 30.0  # a rebuild waits this long for another writer to finish
_SYNC_MB = 64
_REBUILD_MB = 256
# Segments are kept in size tiers (each tier _TIER_FACTOR times the one below, by bytes on
# disk): when a tier fills up with _TIER_FACTOR segments they are merged into one of the next
# tier, so a library of N documents keeps O(log N) segments and each document is rewritten
# O(log N) times. Merges stay off the critical path: a sync merges only as a safety valve,
# when the index holds over _CROWDED_SEGMENTS (merging on every eighth saved annotation put
# 1.9 s of 4.1 s of commits into merges, and one merge of 17 small segments took 300-400 ms
# on a busy machine), and then only the full tiers whose merge fits _SYNC_MERGE_BYTES. At the
# end of a bulk import (the desk's or the command line's) `merge_segments` merges every full
# tier whatever its size, so a library used only from the terminal keeps few segments too; the
# desk's idle upkeep, in the background, merges every tier holding two or more.
_TIER_FACTOR = 8
_TIER_BASE_BYTES = 64 * 1024
_SYNC_MERGE_BYTES = 1024 * 1024
_CROWDED_SEGMENTS = 4 * _TIER_FACTOR
# A sync this large (an import, a catch-up) indexes with Whoosh's multiprocess writer: 5,000
# rows, or 1,000 holding 2 MB of article text. Below that, starting the worker processes costs
# more than they save (2,500 one-claim files waited 18 s on the workers' commit), while 1,000
# full articles index twice as fast with two workers.
_BULK_SYNC_ROWS = 5000
_BULK_SYNC_ARTICLE_ROWS = 1000
_BULK_SYNC_TEXT_CHARS = 2_000_000
_BULK_PROCS = min(4, os.cpu_count() or 1)
MAX_LIMIT = 500
MAX_STATEMENT_CHARS = 5000


@dataclass(frozen=True, slots=True)
class IndexStatus:
    exists: bool
    opens: bool
    identity_matches: bool
    documents: int
    expected_documents: int
    pending_outbox: int
    agrees: bool


def _rebuilt_if_damaged(
    read: Callable[Concatenate[SearchIndex, P], T],
) -> Callable[Concatenate[SearchIndex, P], T]:
    """For index reads: if Whoosh fails to decode the index (postings damaged on disk, which
    opening it does not reveal), rebuild it from SQLite and read again. A second failure is
    not damage but a bug, and propagates."""

    @functools.wraps(read)
    def guarded(index: SearchIndex, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return read(index, *args, **kwargs)
        except SourcemarkError:
            raise
        except Exception:
            index.rebuild(index._db)
            return read(index, *args, **kwargs)

    return guarded


class SearchIndex:
    """The search index of one open library. Like `Library`, one per thread."""

    def __init__(self, directory: Path, ix: FileIndex, db: sqlite_utils.Database, identity: str):
        self.directory = directory
        self._storage = FileStorage(str(directory))
        self._terms = SharedTerms(self._storage)
        self._ix = ix
        self._db = db
        self._identity = identity
        self._applied = 0  # the last outbox seq known to be in the index (it only grows)
        self._searcher: Searcher = self._terms.searcher(ix)
        self._vectors = Vectors(self._searcher)
        self._analyses_present: frozenset[str] | None = None

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open_for(
        cls,
        library_path: Path,
        db: sqlite_utils.Database,
        identity: str,
        *,
        progress: Progress | None = None,
    ) -> SearchIndex:
        """Open the index in the library folder, rebuilding it if it cannot be trusted."""
        directory = _private_directory(library_path / INDEX_DIR)
        ix = _open_existing(directory) or _create(directory)
        index = cls(directory, ix, db, identity)
        if not index._trusted(db):
            index.rebuild(db, progress)
            return index
        index.sync(db)
        if index._out_of_step(db):
            index.rebuild(db, progress)
        return index

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def _state(self, searcher: Searcher | None = None) -> dict[str, Any]:
        """What the meta document records: library identity, last applied seq, index format."""
        found = (searcher or self._fresh_searcher()).document(key=META_KEY)
        state = dict(found["state"]) if found else {}
        self._applied = max(self._applied, state.get("seq", 0))
        return state

    def _trusted(self, db: sqlite_utils.Database) -> bool:
        state = self._state()
        return (
            state.get("format") == INDEX_FORMAT
            and state.get("identity") == self._identity
            # An index ahead of the outbox belongs to a newer copy of the database (a restore).
            and state.get("seq", 0) <= documents.outbox_sequence(db)
        )

    def _out_of_step(self, db: sqlite_utils.Database) -> bool:
        """Nothing left to apply, yet the index and the database count different records."""
        if documents.count_pending(db, self._applied):
            return False  # another writer is applying them: counts cannot be compared yet
        return _document_count(self._fresh_searcher()) != documents.document_count(db)

    # --- keeping up with SQLite -------------------------------------------------------------

    def sync(self, db: sqlite_utils.Database) -> int:
        """Apply the outbox rows not applied yet; 0 if none, if another writer is busy, or if
        the disk is full (the rows then wait in the outbox)."""
        newest = db.execute("SELECT max(seq) FROM index_outbox").fetchone()[0]
        if newest is None:
            return 0
        if newest <= self._applied:  # applied by a read-only open, which cannot prune
            _prune_outbox(db, self._applied)
            return 0
        writer = self._try_writer(bulk=self._is_bulk(db, newest))
        if writer is None:
            return 0
        try:
            # Read the state again under the lock: another writer may have applied rows meanwhile.
            applied = self._state(writer.searcher()).get("seq", 0)
            rows = documents.pending_outbox(db, applied)
            if not rows:
                writer.cancel()
                return 0
            _apply(writer, db, rows)
            writer.update_document(
                key=META_KEY, doc_type="meta", state=self._new_state(rows[-1][0])
            )
            crowded = len(writer.segments) > _CROWDED_SEGMENTS
            merge = _merge_full_tiers(_SYNC_MERGE_BYTES, _TIER_FACTOR) if crowded else NO_MERGE
            writer.commit(mergetype=merge)
        except OSError:
            # Disk full or read-only: the rows stay in the outbox and a later sync applies them.
            _abandon(writer)
            return 0
        except BaseException:
            _abandon(writer)
            raise
        self._applied = rows[-1][0]
        _prune_outbox(db, rows[-1][0])
        return len(rows)

    def _is_bulk(self, db: sqlite_utils.Database, newest: int) -> bool:
        rows = newest - self._applied
        if rows >= _BULK_SYNC_ROWS:
            return True
        if rows < _BULK_SYNC_ARTICLE_ROWS:
            return False
        return documents.pending_text_chars(db, self._applied) >= _BULK_SYNC_TEXT_CHARS

    def merge_segments(self, *, thorough: bool = False) -> bool:
        """Merge every full tier of segments, whatever it costs (after a bulk import), or,
        `thorough`, every tier holding two or more (the desk's idle upkeep); False if another
        writer is busy."""
        writer = self._try_writer()
        if writer is None:
            return False
        try:
            writer.commit(mergetype=_merge_full_tiers(None, 2 if thorough else _TIER_FACTOR))
        except BaseException:
            _abandon(writer)
            raise
        return True

    def rebuild(self, db: sqlite_utils.Database, progress: Progress | None = None) -> int:
        """Rebuild the whole index from SQLite; returns how many documents it holds."""
        with _write_lock(self._storage):
            if self._state().get("format") != INDEX_FORMAT:
                self._replace_index(self._storage.create_index(SCHEMA))
            # The lock is already ours; CLEAR swaps in the new segments when the commit lands,
            # so searches keep working on the old index until then.
            procs = _BULK_PROCS if documents.document_count(db) >= _BULK_SYNC_ROWS else 1
            writer = writer_for(
                self._ix, procs=procs, _lk=False, compound=False, limitmb=_REBUILD_MB
            )
            try:
                count, seq = self._write_everything(writer, db, progress)
                writer.commit(mergetype=CLEAR)
            except BaseException:
                _abandon(writer)
                raise
        self._applied = seq
        _prune_outbox(db, seq)
        self._fresh_searcher()
        return count

    def _write_everything(
        self, writer: SegmentWriter, db: sqlite_utils.Database, progress: Progress | None
    ) -> tuple[int, int]:
        """Add every article and annotation from one consistent snapshot of the database."""
        snapshot = not db.conn.in_transaction
        if snapshot:
            db.conn.execute("BEGIN")
        try:
            seq = documents.outbox_sequence(db)
            total = documents.document_count(db)
            done = 0
            for make, source in (
                (documents.article_document, documents.all_articles(db)),
                (documents.annotation_document, documents.all_annotations(db)),
            ):
                for row in source:
                    writer.add_document(**make(row))
                    done += 1
                    if progress is not None and done % 100 == 0:
                        progress(done, total)
            writer.add_document(key=META_KEY, doc_type="meta", state=self._new_state(seq))
        finally:
            if snapshot:
                db.conn.execute("COMMIT")
        if progress is not None:
            progress(done, total)
        return done, seq

    def _new_state(self, seq: int) -> dict[str, Any]:
        return {"identity": self._identity, "seq": seq, "format": INDEX_FORMAT}

    def _try_writer(self, *, bulk: bool = False) -> SegmentWriter | None:
        settings: dict[str, Any] = {"limitmb": _SYNC_MB}
        if bulk:
            settings = {"procs": _BULK_PROCS, "limitmb": _REBUILD_MB}
        try:
            return writer_for(self._ix, compound=False, terms=self._terms, **settings)
        except whoosh_index.LockError:
            return None
        except OSError:
            # A full or read-only disk. The half-made writer keeps Whoosh's lock until the cycle
            # collector frees it (the lock lets go in __del__): free it now, not minutes later.
            gc.collect()
            return None

    def _replace_index(self, ix: FileIndex) -> None:
        self._searcher.close()
        self._ix.close()
        self._ix = ix
        self._searcher = self._terms.searcher(ix)
        self._vectors = Vectors(self._searcher)
        self._analyses_present = None

    # --- searching --------------------------------------------------------------------------

    @_rebuilt_if_damaged
    def search(
        self,
        query_text: str,
        *,
        kind: Kind | str | None = None,
        verdict: Verdict | str | None = None,
        limit: int = 20,
        read: int | None = None,
        within: list[str] | None = None,
    ) -> SearchResults:
        """Ranked articles and annotations matching a query (see app/search/query.py), of the
        sources `within` only, if given.

        The best `limit` are ranked and the first `read` of them (all by default) read back
        from SQLite with their snippets; `more` reads the rest when they are wanted.
        """
        began = time.perf_counter()
        limit = _checked_limit(limit)
        searcher = self._fresh_searcher()
        parsed = expand_scopes(parse(query_text, self._analyses()), self._db)
        vectors = self._vectors
        matched, scores = vectors.evaluate(parsed)
        matched &= self._allowed(kind, verdict)
        if within is not None:
            matched &= vectors.evaluate(sources_query(within))[0]
        ranked = vectors.rank(matched, scores, limit)
        refs = [Ranked(score, searcher.stored_fields(docnum)) for docnum, score in ranked.top]
        wanted = highlight_terms(parsed, searcher.reader())
        first = len(refs) if read is None else read
        hits = read_hits(self._db, refs[:first], wanted)
        return SearchResults(
            hits, ranked.total, _ms_since(began), query_text, tuple(refs[first:]), wanted
        )

    def more(self, results: SearchResults, count: int) -> tuple[list[Hit], SearchResults]:
        """Read the next `count` ranked hits of a search (for a list being scrolled)."""
        return results.more(self._db, count)

    @_rebuilt_if_damaged
    def similar_to_text(
        self,
        text: str,
        *,
        limit: int = 10,
        exclude_article: str | None = None,
        exclude_annotation: str | None = None,
        min_score: float = claims.THRESHOLD,
    ) -> SearchResults:
        """Claims (then other passages) that state what `text` states, most similar first;
        none below `min_score` (by default the threshold of app/search/claims.py)."""
        began = time.perf_counter()
        limit = _checked_limit(limit)
        label = f"similar to {' '.join(text.split())[:60]!r}"
        if len(text) > MAX_STATEMENT_CHARS:
            raise QueryError(f"the statement is longer than {MAX_STATEMENT_CHARS} characters")
        said = claims.statement(text, self._analyses())
        if said.empty:
            return SearchResults([], 0, _ms_since(began), label)
        searcher = self._fresh_searcher()
        vectors = self._vectors
        elsewhere = ~vectors.term_mask("article_id", exclude_article or "")
        in_annotations = vectors.term_mask("doc_type", "annotation") & elsewhere
        in_articles = vectors.term_mask("doc_type", "article") & elsewhere

        def ids(docnums: list[int], name: str) -> list[str]:
            return [searcher.stored_fields(docnum)[name] for docnum in docnums]

        annotation_ids = ids(
            claims.candidate_docnums(vectors, said, in_annotations), "annotation_id"
        )
        article_ids = ids(
            claims.candidate_docnums(vectors, said, in_articles, claims.ARTICLE_CANDIDATES),
            "article_id",
        )
        rows = {row["id"]: row for row in documents.annotations_by_id(self._db, annotation_ids)}
        rows.pop(exclude_annotation or "", None)
        texts = {row["id"]: row for row in documents.articles_by_id(self._db, article_ids)}
        found = [
            claims.Candidate(
                row["id"],
                Kind(row["kind"]),
                Verdict(row["verdict"]) if row["verdict"] else None,
                claims.similarity(said, row["quote"], row["language"], searcher),
            )
            for row in rows.values()
        ]
        annotated = {(row["article_id"], row["start"], row["end"]) for row in rows.values()}
        for row in texts.values():
            score, start, end = claims.best_sentence(said, row["text"], row["language"], searcher)
            # A sentence holding a passage already found as an annotation is that annotation.
            if not any(a == row["id"] and s < end and start < e for a, s, e in annotated):
                found.append(claims.Candidate(row["id"], None, None, score, start, end))
        shown = claims.rank(found, min_score)
        wanted = {analysis: Wanted(frozenset(stems)) for analysis, stems in said.terms.items()}
        hits = [
            annotation_hit(rows[match.record_id], match.similarity, wanted)
            if match.kind is not None
            else passage_hit(
                texts[match.record_id], match.similarity, match.start, match.end, wanted
            )
            for match in shown[:limit]
        ]
        return SearchResults(with_pages(self._db, hits), len(shown), _ms_since(began), label)

    def rank_passages(
        self,
        text: str,
        passages: Iterable[tuple[str, Kind | None, Verdict | None, str, str]],
        min_score: float = claims.THRESHOLD,
    ) -> list[claims.Candidate]:
        """Passages from elsewhere (id, kind, verdict, text, language), such as the
        newsroom's claims, ranked by how likely each states what `text` states, with this
        library's word statistics; none below `min_score`."""
        said = claims.statement(text, self._analyses())
        if said.empty:
            return []
        searcher = self._fresh_searcher()
        found = [
            claims.Candidate(
                passage_id, kind, verdict, claims.similarity(said, quote, language, searcher)
            )
            for passage_id, kind, verdict, quote, language in passages
        ]
        return claims.rank(found, min_score)

    def similar(
        self, annotation_id: str, *, limit: int = 10, min_score: float = claims.THRESHOLD
    ) -> SearchResults:
        """Claims and passages in other articles that state what this annotation states."""
        rows = list(documents.annotations_by_id(self._db, [annotation_id]))
        if not rows:
            raise NotFound(f"no annotation with id {annotation_id!r}")
        source = rows[0]
        return self.similar_to_text(
            source["quote"],
            limit=limit,
            exclude_article=source["article_id"],
            exclude_annotation=source["id"],
            min_score=min_score,
        )

    def _fresh_searcher(self) -> Searcher:
        """The reused searcher, reopened if any thread or process committed since.

        Not `Searcher.refresh()`: in whoosh-reloaded 2.7.5 it keeps the segments a commit
        replaced, so an updated document is found twice and a merged one read from gone files.
        The new searcher opens before the old one closes, so the segments they share keep
        their terms open (`SharedTerms`).
        """
        if not self._searcher.up_to_date():
            stale = self._searcher
            self._searcher = self._terms.searcher(self._ix)
            stale.close()
            self._vectors = Vectors(self._searcher)
            self._analyses_present = None
        return self._searcher

    def _analyses(self) -> frozenset[str]:
        """The language analyses of the library's sources (cached with the searcher)."""
        if self._analyses_present is None:
            self._analyses_present = frozenset(
                family(language) for language in documents.languages(self._db)
            ) | {ENGLISH}
        return self._analyses_present

    def _allowed(self, kind: Kind | str | None, verdict: Verdict | str | None) -> Mask:
        """Every document but the meta one, of the given kind and verdict (cached masks)."""
        vectors = self._vectors
        allowed = ~vectors.term_mask("key", META_KEY)
        if kind:
            allowed &= vectors.term_mask("kind", KindField().normalise(kind))
        if verdict:
            allowed &= vectors.term_mask("verdict", VerdictField().normalise(verdict))
        return allowed

    # --- health -----------------------------------------------------------------------------

    def status(self, db: sqlite_utils.Database) -> IndexStatus:
        """What is on disk now, compared with the database (for `check`)."""
        return index_status(self.directory, db, self._identity)


def index_status(directory: Path, db: sqlite_utils.Database, identity: str) -> IndexStatus:
    """The index in `directory` as it is on disk, compared with the database; repairs nothing,
    so `check` can report on a library without opening it for use."""
    expected = documents.document_count(db)
    ix = _open_existing(directory)
    if ix is None:
        # Not `whoosh.index.exists_in`: it raises on a damaged table of contents.
        exists = directory.is_dir() and any(directory.iterdir())
        return IndexStatus(exists, False, False, 0, expected, documents.count_pending(db, 0), False)
    with ix.searcher() as searcher:
        meta = searcher.document(key=META_KEY)
        state = dict(meta["state"]) if meta else {}
        count = _document_count(searcher)
    ix.close()
    pending = documents.count_pending(db, state.get("seq", 0))
    identity_matches = state.get("identity") == identity
    agrees = identity_matches and pending == 0 and count == expected
    return IndexStatus(True, True, identity_matches, count, expected, pending, agrees)


def _within(
    searcher: Searcher, allowed: set[int] | None, sources: list[str] | None
) -> set[int] | None:
    """Narrow a filter to the documents of some sources (a story's), if given."""
    if sources is None:
        return allowed
    of_sources = set(searcher.docs_for_query(sources_query(sources)))
    return of_sources if allowed is None else allowed & of_sources


def _document_count(searcher: Searcher) -> int:
    """Articles and annotations in the index: every document but the meta one."""
    documents: int = searcher.doc_count()
    return documents - (1 if searcher.document(key=META_KEY) else 0)


def _apply(
    writer: SegmentWriter, db: sqlite_utils.Database, rows: list[tuple[int, str, str, str]]
) -> None:
    """Make the index hold what SQLite holds now for every record the rows mention."""
    article_ids = {doc_id for _, doc_type, doc_id, _ in rows if doc_type == "article"}
    annotation_ids = {doc_id for _, doc_type, doc_id, _ in rows if doc_type == "annotation"}
    present: set[str] = set()
    for row in documents.articles_by_id(db, article_ids):
        present.add(row["id"])
        writer.update_document(**documents.article_document(row))
    for article_id in article_ids - present:
        writer.delete_by_term("article_id", article_id)  # the article and its annotations
    # An article's annotations carry its title, outlet and date: refresh them with it.
    done: set[str] = set()
    for row in documents.annotations_of_articles(db, present):
        done.add(row["id"])
        writer.update_document(**documents.annotation_document(row))
    for row in documents.annotations_by_id(db, annotation_ids - done):
        done.add(row["id"])
        writer.update_document(**documents.annotation_document(row))
    for annotation_id in annotation_ids - done:
        writer.delete_by_term("key", documents.annotation_key(annotation_id))


def _merge_full_tiers(
    budget: int | None, width: int
) -> Callable[[SegmentWriter, list[Any]], list[Any]]:
    """A merge policy: fold the segments of every size tier holding `width` or more into the
    segment being written, smallest tiers first, while the bytes merged stay within `budget`."""

    def merge(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
        sizes = [
            sum(writer.storage.file_length(name) for name in segment.list_files(writer.storage))
            for segment in segments
        ]
        chosen = tiers_to_merge(sizes, budget, width)
        for at in chosen:
            reader = SegmentReader(writer.storage, writer.schema, segments[at])
            writer.add_reader(reader)
            reader.close()
        return [segment for at, segment in enumerate(segments) if at not in chosen]

    return merge


def tiers_to_merge(sizes: list[int], budget: int | None, width: int = _TIER_FACTOR) -> set[int]:
    """Which segments (by position) to merge: all of each tier that holds `width` or more,
    smallest tier first, while the bytes merged stay within `budget` (None: no limit)."""
    tiers: dict[int, list[int]] = {}
    for at, size in enumerate(sizes):
        tier = int(math.log(max(size, _TIER_BASE_BYTES) / _TIER_BASE_BYTES, _TIER_FACTOR))
        tiers.setdefault(tier, []).append(at)
    chosen: set[int] = set()
    spent = 0
    for tier in sorted(tiers):
        members = tiers[tier]
        if len(members) < width:
            continue
        cost = sum(sizes[at] for at in members)
        if budget is not None and spent + cost > budget:
            break
        chosen.update(members)
        spent += cost
    return chosen


def _abandon(writer: SegmentWriter) -> None:
    """Cancel a failed writer. After a disk-full error its files may be closed already and
    cancelling fails in turn: Whoosh's lock must still be released."""
    try:
        writer.cancel()
    except Exception:
        if writer.writelock:
            writer.writelock.release()


def _prune_outbox(db: sqlite_utils.Database, applied: int) -> None:
    """Drop applied outbox rows. Housekeeping only: rows at or below `applied` are never
    applied again, so if the database is busy they simply wait for the next sync."""
    try:
        with write_transaction(db):
            writes.prune_outbox(db, applied)
    except SourcemarkError:
        pass


def _private_directory(directory: Path) -> Path:
    """The index folder inside the library, readable by its owner only. Never follow a link
    out of the library: a Whoosh table of contents is a pickle and runs code when opened."""
    if directory.is_symlink():
        directory.unlink()
    directory.mkdir(mode=0o700, exist_ok=True)
    directory.chmod(0o700)
    return directory


def _open_existing(directory: Path) -> FileIndex | None:
    """The index in `directory`, or None if there is none or it cannot be read."""
    try:
        if not whoosh_index.exists_in(str(directory)):
            return None
        ix = whoosh_index.open_dir(str(directory))
        with ix.searcher() as searcher:
            searcher.document(key=META_KEY)
        return ix
    except Exception:  # the index is only a cache: anything unreadable is rebuilt
        return None


def _create(directory: Path) -> FileIndex:
    storage = FileStorage(str(directory))
    with _write_lock(storage):
        return storage.create_index(SCHEMA)


@contextmanager
def _write_lock(storage: FileStorage) -> Iterator[None]:
    """Whoosh's own write lock, waited for: creating or rebuilding must not race a writer."""
    lock = storage.lock(_WRITE_LOCK)
    if not try_for(lock.acquire, timeout=_REBUILD_WAIT_S, delay=0.05):
        raise LibraryBusy("the search index is being written by another Sourcemark process")
    try:
        yield
    finally:
        lock.release()


def _checked_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"the result limit must be between 1 and {MAX_LIMIT}, not {limit}")
    return limit


def _ms_since(began: float) -> float:
    return round((time.perf_counter() - began) * 1000, 2)
