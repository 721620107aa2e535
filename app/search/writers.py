"""Whoosh's segment writers with two per-posting costs taken out, for every write the index makes.

Profiles of a rebuild (3,000 articles, 18,000 documents, 2.3 million postings) put 37% of it in
Whoosh's external sort and 9% in looking up field lengths:
- A writer's posting pool spills sorted runs to disk once it holds `limitmb`; Whoosh pickles
  and unpickles each posting on its own. `_RunPool` spills the same runs as marshalled lists of
  postings, read back a list at a time (`itertools.chain` yields them in C).
- Writing the postings asks the segment's per-document reader for each posting's field length,
  which checks the column file exists (`os.path.exists`) and reads one byte from it every
  time. `_Lengths` reads each field's length column once.

The index written is the same, byte for byte: only how the writer gets there changes.
`BulkWriter` is Whoosh's multiprocess writer with these sub-writers (its `run` is Whoosh's
`SubWriterTask.run`, which names the writer class it builds).
"""

from __future__ import annotations

import itertools
import marshal
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from whoosh.codec.whoosh3 import W3Codec, _lenfield
from whoosh.index import FileIndex
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

from sourcemark.app.search.readers import SharedTerms

__all__ = ["BulkWriter", "IndexWriter", "writer_for"]

_RUN_CHUNK = 4096  # postings per marshalled list in a spilled run
Posting = tuple[str, bytes, int, float, bytes | None]


class _RunPool(PostingPool):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's posting pool, spilling its runs as marshalled lists of postings."""

    def _write_run(self, f: BinaryIO, items: Iterable[Posting]) -> None:
        postings = iter(items)
        while chunk := list(itertools.islice(postings, _RUN_CHUNK)):
            marshal.dump(chunk, f)
        f.close()

    def _read_run(self, path: str) -> Iterator[Posting]:
        return itertools.chain.from_iterable(self._chunks(path))

    def _chunks(self, path: str) -> Iterator[list[Posting]]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    yield marshal.load(f)
                except EOFError:
                    return
        finally:
            f.close()
            self._remove_run(path)


class _Lengths:
    """A new segment's field lengths, each field's column read once (for `add_postings`)."""

    def __init__(self, writer: SegmentWriter) -> None:
        self._storage = writer.storage
        self._segment = writer.get_segment()
        self._columns: dict[str, bytes] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        column = self._columns.get(fieldname)
        if column is None:
            column = self._columns[fieldname] = self._read(fieldname)
        # One byte per document (Whoosh's NumericColumn "B"); a column stops at its last
        # non-zero length, and a zero byte means no length, as in W3PerDocReader.
        if docnum < len(column) and column[docnum]:
            length: int = byte_to_length(column[docnum])
            return length
        return default

    def _read(self, fieldname: str) -> bytes:
        name = W3Codec.column_filename(self._segment, _lenfield(fieldname))
        if not self._storage.file_exists(name):
            return b""
        with self._storage.open_file(name) as column:
            return bytes(column.read())

    def close(self) -> None:
        pass


class _Faster:
    """What Sourcemark's writers change in Whoosh's SegmentWriter: the pool and the flush."""

    pool: PostingPool
    perdocwriter: Any
    fieldwriter: Any
    schema: Any
    _tempstorage: Any
    newsegment: Any

    def __init__(self, ix: FileIndex, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)  # type: ignore[call-arg]  # SegmentWriter or MpWriter
        self.pool = _RunPool(self._tempstorage, self.newsegment, limitmb=kwargs.get("limitmb", 128))

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        self.fieldwriter.add_postings(self.schema, _Lengths(self), self.pool.iter_postings())
        self.fieldwriter.close()


class IndexWriter(_Faster, SegmentWriter):  # type: ignore[misc]  # Whoosh is untyped
    """A single-process writer; its searcher (deletions, updates) borrows the segments' terms
    from `terms` when given."""

    def __init__(self, ix: FileIndex, *, terms: SharedTerms | None = None, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._shared_terms = terms

    def reader(self, reuse: IndexReader | None = None) -> IndexReader:
        if self._shared_terms is None or reuse is not None:
            return super().reader(reuse)
        self._check_state()
        return self._shared_terms.reader(self.schema, self.segments, self.generation)


class _SubWriter(SubWriterTask):  # type: ignore[misc]  # Whoosh is untyped
    def run(self) -> None:
        """Whoosh's SubWriterTask.run (multisegment only), writing with `IndexWriter`."""
        writer = self.writer = IndexWriter(
            self.storage.open_index(self.indexname), _lk=False, **self.kwargs
        )
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


class BulkWriter(_Faster, MpWriter):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's multiprocess writer, each process writing a segment of its own."""

    def __init__(self, ix: FileIndex, procs: int, **kwargs: Any) -> None:
        # The sub-writers never lock: the parent holds the lock (or its caller does, `_lk`).
        subargs = {name: value for name, value in kwargs.items() if name != "_lk"}
        super().__init__(ix, procs=procs, multisegment=True, subargs=subargs, **kwargs)

    def _new_task(self) -> _SubWriter:
        task = _SubWriter(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True
        )
        self.tasks.append(task)
        task.start()
        return task


def writer_for(
    ix: FileIndex, *, procs: int = 1, terms: SharedTerms | None = None, **kwargs: Any
) -> SegmentWriter:
    """A writer on `ix` (raises Whoosh's LockError if another holds the lock): `procs`
    processes writing a segment each, or one (borrowing `terms`); `kwargs` are
    SegmentWriter's."""
    if procs > 1:
        return BulkWriter(ix, procs, **kwargs)
    return IndexWriter(ix, terms=terms, **kwargs)
