"""Whoosh's BM25F over whole posting lists at once, for the queries people type most.

Whoosh matches and scores one posting at a time in Python: at 10,000 articles a one-word query
spent ~93% of its time there, and exact totals need every match scored. Words joined by AND,
OR and NOT (with field prefixes, boosts and the kind/verdict filters) are evaluated here
instead: each term's postings are read from Whoosh's own segments block by block into numpy
arrays, scored with Whoosh's BM25F formula and statistics, and combined as dense vectors over
the searcher's document numbers. The total is exact, the top N is sorted as Whoosh sorts it
(score, then lower document number first). Anything else (phrases, ranges, wildcards) is
matched by Whoosh's own matchers, stepped through once, and joins the vectors.

Everything cached here belongs to one searcher and dies with it (a new index generation opens
a new searcher, and with it a new `Vectors`).
"""

from __future__ import annotations

import itertools
import pickle
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from whoosh import formats, query
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import FilterMatcher, Matcher
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

Scores = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

# Postings kept for repeated words: 4 million (32 MB of ids and weights) at most.
_CACHED_POSTINGS = 4_000_000
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class TopDocuments:
    """The top documents (document number, score), best first, and how many matched."""

    top: list[tuple[int, float]]
    total: int


class Vectors:
    """Dense per-document vectors for one searcher: field lengths, term postings, filters."""

    def __init__(self, searcher: Searcher) -> None:
        weighting = searcher.weighting
        if type(weighting) is not BM25F:
            raise TypeError("only Whoosh's default BM25F weighting is vectorised")
        self._searcher = searcher
        self._weighting = weighting
        self._size = searcher.doc_count_all()
        self._leaves: list[tuple[IndexReader, int]] = list(searcher.reader().leaf_readers())
        self._lengths: dict[str, Scores] = {}
        self._postings: OrderedDict[tuple[str, bytes], tuple[npt.NDArray[np.int64], Scores]] = (
            OrderedDict()
        )
        self._cached = 0  # postings held in `_postings`
        self._masks: dict[tuple[str, str], Mask] = {}

    # --- public ---------------------------------------------------------------------------

    def evaluate(self, parsed: query.Query) -> tuple[Mask, Scores]:
        """Which documents match the query, and their scores (0 where they do not match)."""
        return self._node(parsed)

    def term_mask(self, fieldname: str, text: str) -> Mask:
        """The documents holding one term (a `kind:` or `verdict:` filter), cached."""
        key = (fieldname, text)
        if key not in self._masks:
            mask = np.zeros(self._size, dtype=bool)
            ids, _ = self._term_postings(fieldname, text)
            mask[ids] = True
            self._masks[key] = mask
        return self._masks[key]

    def rank(self, matched: Mask, scores: Scores, limit: int) -> TopDocuments:
        """The best `limit` of the matched documents, as Whoosh's TopCollector orders them."""
        docnums = np.flatnonzero(matched)
        total = int(docnums.size)
        if total > limit:
            # Every document scoring at least the limit-th best, ties included, then a stable
            # order: score descending, document number ascending.
            threshold = np.partition(scores[docnums], total - limit)[total - limit]
            docnums = docnums[scores[docnums] >= threshold]
        order = np.lexsort((docnums, -scores[docnums]))[:limit]
        return TopDocuments([(int(d), float(scores[d])) for d in docnums[order]], total)

    # --- evaluation -----------------------------------------------------------------------

    def _node(self, node: query.Query) -> tuple[Mask, Scores]:
        if isinstance(node, query.Term):
            return self._term(node)
        if type(node) is query.And and node.boost == 1.0:
            return self._and(node.subqueries)
        if (
            type(node) is query.Or
            and node.boost == 1.0
            and not node.minmatch
            and not node.scale
            and not any(isinstance(child, query.Not) for child in node.subqueries)
        ):
            return self._or(node.subqueries)
        if isinstance(node, query.Phrase) and node.slop == 1 and len(node.words) > 1:
            return self._phrase(node)
        if isinstance(node, query.AndNot):
            matched, scores = self._node(node.a)
            excluded, _ = self._node(node.b)
            return matched & ~excluded, scores
        return self._stepped(node)

    def _and(self, children: list[query.Query]) -> tuple[Mask, Scores]:
        positive = [c for c in children if not isinstance(c, query.Not)]
        matched = np.ones(self._size, dtype=bool)
        scores = np.zeros(self._size, dtype=np.float64)
        for child in positive:
            child_matched, child_scores = self._node(child)
            matched &= child_matched
            scores += child_scores
        for child in children:
            if isinstance(child, query.Not):
                excluded, _ = self._node(child.query)
                matched &= ~excluded
                scores += 1.0  # Whoosh's InverseMatcher scores its matches 1
        return matched, np.where(matched, scores, 0.0)

    def _or(self, children: list[query.Query]) -> tuple[Mask, Scores]:
        matched = np.zeros(self._size, dtype=bool)
        scores = np.zeros(self._size, dtype=np.float64)
        for child in children:
            child_matched, child_scores = self._node(child)
            matched |= child_matched
            scores += child_scores
        return matched, scores

    def _term(self, node: query.Term) -> tuple[Mask, Scores]:
        fieldname = node.fieldname
        field = self._searcher.schema[fieldname]
        text = field.to_bytes(node.text)
        ids, weights = self._term_postings(fieldname, text)
        matched = np.zeros(self._size, dtype=bool)
        scores = np.zeros(self._size, dtype=np.float64)
        matched[ids] = True
        if not ids.size:
            return matched, scores
        if field.scorable:
            scores[ids] = self._bm25(fieldname, text, weights, ids)
        else:
            scores[ids] = weights  # Whoosh's WeightScorer: the posting's own weight
        if node.boost != 1.0:
            scores *= node.boost
        return matched, scores

    def _phrase(self, node: query.Phrase) -> tuple[Mask, Scores]:
        """Words next to each other, in order. Whoosh scores a phrase as the AND of its words;
        only the documents holding every word are checked for the words' positions."""
        field = self._searcher.schema[node.fieldname]
        words = [field.to_bytes(word) for word in node.words]
        matched, scores = self._and([query.Term(node.fieldname, word) for word in words])
        if not matched.any():
            return matched, scores
        positions = [self._positions(node.fieldname, word, matched) for word in words]
        for docnum in np.flatnonzero(matched).tolist():
            ends = set(positions[0][docnum])
            for following in positions[1:]:
                ends = {p + 1 for p in ends}.intersection(following[docnum])
                if not ends:
                    matched[docnum] = False
                    break
        scores = np.where(matched, scores, 0.0)
        if node.boost != 1.0:
            scores *= node.boost
        return matched, scores

    def _positions(self, fieldname: str, word: bytes, wanted: Mask) -> dict[int, list[int]]:
        """Where a word occurs in each wanted document (global document numbers)."""
        decode = _position_decoder(self._searcher.schema[fieldname].format)
        found: dict[int, list[int]] = {}
        for reader, offset in self._leaves:
            if (fieldname, word) not in reader:
                continue
            matcher = reader.postings(fieldname, word)
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child  # a deleted document is never wanted
            if isinstance(matcher, W3LeafMatcher):
                while matcher.is_active():
                    matcher.id()  # loads the block's ids
                    matcher.value()  # and values
                    ids = np.asarray(matcher._ids, dtype=np.int64) + offset
                    values = matcher._values
                    for i in np.flatnonzero(wanted[ids]):
                        if i >= matcher._i:
                            found[int(ids[i])] = decode(values[i])
                    matcher._next_block()
            else:
                while matcher.is_active():
                    docnum = matcher.id() + offset
                    if wanted[docnum]:
                        found[docnum] = matcher.value_as("positions")
                    matcher.next()
        return found

    def _stepped(self, node: query.Query) -> tuple[Mask, Scores]:
        """A query this module does not vectorise (a phrase, a range, a wildcard): Whoosh's own
        matcher, stepped through once per segment, as its collectors do."""
        matched = np.zeros(self._size, dtype=bool)
        scores = np.zeros(self._size, dtype=np.float64)
        context = self._searcher.context(needs_current=True)
        for subsearcher, offset in self._searcher.leaf_searchers():
            matcher = node.matcher(subsearcher, context)
            ids, found = [], []
            while matcher.is_active():
                ids.append(matcher.id())
                found.append(matcher.score())
                matcher.next()
            at = np.asarray(ids, dtype=np.int64) + offset
            matched[at] = True
            scores[at] = found
        return matched, scores

    def _bm25(
        self, fieldname: str, text: bytes, weights: Scores, ids: npt.NDArray[np.int64]
    ) -> Scores:
        """Whoosh's `scoring.bm25` with the statistics its BM25FScorer uses."""
        searcher = self._searcher
        idf = searcher.idf(fieldname, text)
        avgfl = searcher.avg_field_length(fieldname) or 1
        b = self._weighting._field_B.get(fieldname, self._weighting.B)
        k1 = self._weighting.K1
        lengths = self._field_lengths(fieldname)[ids]
        result: Scores = idf * (
            (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl))
        )
        return result

    # --- reading Whoosh's index -----------------------------------------------------------

    def _field_lengths(self, fieldname: str) -> Scores:
        """Each document's length in a field, as Whoosh stores it (one byte, decoded)."""
        if fieldname not in self._lengths:
            lengths = np.ones(self._size, dtype=np.float64)
            for reader, offset in self._leaves:
                count = reader.doc_count_all()
                encoded = _length_bytes(reader, fieldname, count)
                decoded = _LENGTHS[encoded]
                # Whoosh scores a document without a stored length as length 1.
                lengths[offset : offset + count] = np.where(encoded > 0, decoded, 1.0)
            self._lengths[fieldname] = lengths
        return self._lengths[fieldname]

    def _term_postings(
        self, fieldname: str, term: str | bytes
    ) -> tuple[npt.NDArray[np.int64], Scores]:
        """Every live document holding a term (document numbers) and the term's weights."""
        text: bytes = (
            self._searcher.schema[fieldname].to_bytes(term) if isinstance(term, str) else term
        )
        key = (fieldname, text)
        cached = self._postings.get(key)
        if cached is not None:
            self._postings.move_to_end(key)
            return cached
        all_ids: list[npt.NDArray[np.int64]] = []
        all_weights: list[Scores] = []
        for reader, offset in self._leaves:
            if (fieldname, text) not in reader:
                continue
            ids, weights = _read_postings(reader.postings(fieldname, text))
            all_ids.append(ids + offset)
            all_weights.append(weights)
        found = (
            (np.concatenate(all_ids), np.concatenate(all_weights))
            if all_ids
            else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
        )
        self._postings[key] = found
        self._cached += found[0].size
        while self._cached > _CACHED_POSTINGS and len(self._postings) > 1:
            _, (dropped, _) = self._postings.popitem(last=False)
            self._cached -= dropped.size
        return found


def _read_postings(matcher: Matcher) -> tuple[npt.NDArray[np.int64], Scores]:
    """A posting list's document numbers and weights, skipping deleted documents.

    Whoosh's block reader decodes each block's ids and weights as arrays: take them whole
    rather than stepping posting by posting. Short lists are held in memory (a ListMatcher)."""
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher):
        deleted = matcher._ids
        matcher = matcher.child
    ids: list[npt.NDArray[np.int64]] = []
    weights: list[Scores] = []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher.id()  # loads the block's ids
            matcher.weight()  # and weights
            start = matcher._i
            ids.append(np.asarray(matcher._ids[start:], dtype=np.int64))
            weights.append(np.asarray(matcher._weights[start:], dtype=np.float64))
            matcher._next_block()
    else:
        stepped_ids, stepped_weights = [], []
        while matcher.is_active():
            stepped_ids.append(matcher.id())
            stepped_weights.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(stepped_ids, dtype=np.int64))
        weights.append(np.asarray(stepped_weights, dtype=np.float64))
    found_ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    found_weights = np.concatenate(weights) if weights else np.zeros(0, dtype=np.float64)
    if deleted:
        alive = ~np.isin(found_ids, np.fromiter(deleted, dtype=np.int64))
        found_ids, found_weights = found_ids[alive], found_weights[alive]
    return found_ids, found_weights


def _position_decoder(format_: formats.Format) -> Callable[[bytes], list[int]]:
    """Whoosh's `Positions.decode_positions`, with the running sum done in C."""
    if type(format_) is not formats.Positions:
        decoded: Callable[[bytes], list[int]] = format_.decode_positions
        return decoded

    def decode(value: bytes) -> list[int]:
        # A frequency, then the pickled gaps between positions (stored without the final
        # STOP opcode, which Whoosh puts back before unpickling).
        gaps = pickle.loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")
        return list(itertools.accumulate(gaps))

    return decode


def _length_bytes(reader: IndexReader, fieldname: str, count: int) -> npt.NDArray[np.intp]:
    """One segment's stored field lengths (Whoosh's one-byte codes), read as one array."""
    perdoc = reader._perdoc
    codes = np.zeros(count, dtype=np.intp)
    column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is None:
        return codes
    stored = column._dbfile.get(column._basepos, column._count * column._fixedlen)
    codes[: column._count] = np.frombuffer(stored, dtype=np.uint8)
    return codes
