"""Index readers that open each segment's terms once, not once a generation.

Opening a Whoosh segment reads its whole term hash table in Python: 16 ms for the segment of
a 10,000-article library, growing with the library. Every sync opened every segment for its
writer's searcher, and the first search after it opened them all again, so a new annotation
paid that twice. A segment's files never change once written; only its deletions do, and
those live in the `Segment` the table of contents lists, which the per-document reader (cheap
to open) reads. So each new reader opens a segment's per-document part afresh and borrows the
terms reader of a segment already open, counted, and closed when its last reader closes.
"""

from __future__ import annotations

from whoosh.codec.base import Segment, TermsReader
from whoosh.fields import Schema
from whoosh.filedb.filestore import Storage
from whoosh.index import FileIndex
from whoosh.reading import EmptyReader, IndexReader, MultiReader, ReaderClosed, SegmentReader
from whoosh.searching import Searcher

__all__ = ["SharedTerms"]

_TOC_ATTEMPTS = 10  # as Whoosh's FileIndex.reader: a commit may remove files as they are opened


class SharedTerms:
    """The terms readers of one index's open segments, shared by the readers using them."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._open: dict[str, _Counted] = {}

    def searcher(self, ix: FileIndex) -> Searcher:
        """What `ix.searcher()` returns, for the index's latest generation."""
        attempt = 1
        while True:
            try:
                toc = ix._read_toc()
                return Searcher(self.reader(toc.schema, toc.segments, toc.generation), fromindex=ix)
            except OSError:
                if attempt == _TOC_ATTEMPTS:
                    raise
                attempt += 1

    def reader(self, schema: Schema, segments: list[Segment], generation: int) -> IndexReader:
        """What Whoosh's `FileIndex._reader` returns for these segments."""
        readers: list[IndexReader] = []
        try:
            for segment in segments:
                readers.append(self._segment_reader(schema, segment, generation))
        except BaseException:
            for opened in readers:
                opened.close()
            raise
        if not readers:
            return EmptyReader(schema)
        if len(readers) == 1:
            return readers[0]
        return MultiReader(readers, generation=generation)

    def _segment_reader(self, schema: Schema, segment: Segment, generation: int) -> IndexReader:
        if segment.is_compound():  # its files live in one file of their own: nothing to share
            return SegmentReader(self._storage, schema, segment, generation=generation)
        segid = segment.segment_id()
        counted = self._open.get(segid)
        if counted is None:
            terms = segment.codec().terms_reader(self._storage, segment)
            counted = self._open[segid] = _Counted(terms)
        counted.users += 1
        try:
            return _BorrowingReader(self, self._storage, schema, segment, generation, counted.terms)
        except BaseException:
            self._release(segid)
            raise

    def _release(self, segid: str) -> None:
        counted = self._open[segid]
        counted.users -= 1
        if not counted.users:
            del self._open[segid]
            counted.terms.close()


class _Counted:
    def __init__(self, terms: TermsReader) -> None:
        self.terms = terms
        self.users = 0


class _BorrowingReader(SegmentReader):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's SegmentReader of a non-compound segment, its terms reader borrowed."""

    def __init__(
        self,
        shared: SharedTerms,
        storage: Storage,
        schema: Schema,
        segment: Segment,
        generation: int,
        terms: TermsReader,
    ) -> None:
        # SegmentReader.__init__, but for where the terms reader comes from.
        self.schema = schema
        self.is_closed = False
        self._segment = segment
        self._segid = segment.segment_id()
        self._gen = generation
        self._storage = storage
        self._codec = segment.codec()
        self._terms = terms
        self._perdoc = self._codec.per_document_reader(storage, segment)
        self._shared = shared

    def close(self) -> None:
        if self.is_closed:
            raise ReaderClosed("Reader already closed")
        self._perdoc.close()
        self.is_closed = True
        self._shared._release(self._segid)
