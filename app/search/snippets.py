"""Find where a hit's words occur in its text, pick the passage to show and highlight it."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from whoosh import query
from whoosh.reading import IndexReader
from whoosh.support.charset import accent_map

from sourcemark.app.search.schema import STEMMED, stem

SNIPPET_CHARS = 240
_LEAD_CHARS = 60  # context shown before the first match
_HIGHLIGHTED_FIELDS = frozenset({"body", "headline", "title", "note"})
_SPACES = re.compile(r"\s+")
_WORD = STEMMED.items[0].expression  # how STEMMED's tokenizer finds words


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str  # plain, matches wrapped in « »
    html: str  # escaped, matches in <b>…</b>
    start: int  # code-point offsets of the matched passage in the source text
    end: int


@dataclass(frozen=True, slots=True)
class Wanted:
    """What to highlight: single stemmed words, and phrases as sequences of stemmed words."""

    words: frozenset[str]
    phrases: frozenset[tuple[str, ...]] = frozenset()

    def __len__(self) -> int:
        return len(self.words) + len(self.phrases)


def highlight_terms(parsed: query.Query, reader: IndexReader) -> Wanted:
    """The words and phrases a query looks for in text, wildcards expanded, negations left out."""
    words: set[str] = set()
    phrases: set[tuple[str, ...]] = set()

    def visit(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.Phrase):
            if node.fieldname in _HIGHLIGHTED_FIELDS:
                phrases.add(tuple(node.words))
            return
        if node.is_leaf():
            for fieldname, text in node.expanded_terms(reader):
                if fieldname in _HIGHLIGHTED_FIELDS:
                    words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
            return
        for child in node.children():
            visit(child)

    visit(parsed)
    return Wanted(frozenset(words), frozenset(phrases))


def matches(text: str, wanted: Wanted) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) of each wanted word or phrase in `text`, in the order they end.

    Finds and folds words as STEMMED does, but faster: stems only the words that could stem
    to a wanted one (a stem keeps its word's first letter), and checks a phrase only where
    its last word occurs.
    """
    initials = {word[:1] for word in wanted.words}
    initials.update(word[:1] for phrase in wanted.phrases for word in phrase)
    longest = max((len(phrase) for phrase in wanted.phrases), default=0)
    recent: deque[tuple[int, str]] = deque(maxlen=longest)
    for found in _WORD.finditer(text):
        word = found.group().lower().translate(accent_map)
        stemmed = stem(word) if word[:1] in initials else ""
        start, end = found.span()
        recent.append((start, stemmed))
        if stemmed in wanted.words:
            yield start, end, stemmed
        for phrase in wanted.phrases:
            if stemmed != phrase[-1]:
                continue
            tail = list(recent)[-len(phrase) :]
            if tuple(key for _, key in tail) == phrase:
                yield tail[0][0], end, " ".join(phrase)


def best_passage(found: Iterable[tuple[int, int, str]], wanted: int) -> list[tuple[int, int]]:
    """The matches in the first window holding the most distinct words; stops once it has all
    `wanted` of them, so a long text is read only as far as needed."""
    window: deque[tuple[int, int, str]] = deque()
    counts: Counter[str] = Counter()
    best: list[tuple[int, int, str]] = []
    best_score = (0, 0)
    for span in found:
        window.append(span)
        counts[span[2]] += 1
        while span[1] - window[0][0] > SNIPPET_CHARS:
            dropped = window.popleft()[2]
            counts[dropped] -= 1
            if not counts[dropped]:
                del counts[dropped]
        score = (len(counts), len(window))
        if score > best_score:
            best, best_score = list(window), score
        if len(counts) >= wanted:
            break
    return sorted((start, end) for start, end, _ in best)


def snippet(text: str, wanted: Wanted) -> Snippet:
    """The passage of `text` that best matches what is wanted, or its opening if none does."""
    spans = best_passage(matches(text, wanted), len(wanted)) if len(wanted) else []
    if not spans:
        head = text[:SNIPPET_CHARS]
        plain = _flat(head) + ("…" if len(text) > SNIPPET_CHARS else "")
        return Snippet(plain, html.escape(plain, quote=False), 0, 0)
    first, last = spans[0][0], max(end for _, end in spans)
    begin = _word_start(text, max(0, first - _LEAD_CHARS))
    finish = _word_end(text, max(last, min(len(text), begin + SNIPPET_CHARS)), last)
    plain, marked = _render(text, begin, finish, spans)
    return Snippet(plain, marked, first, last)


def _joined(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping matches, or matches separated only by spaces, become one mark:
    «sanctuary policies», not two."""
    joined = [spans[0]]
    for start, end in spans[1:]:
        if start <= joined[-1][1] or text[joined[-1][1] : start].isspace():
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _render(text: str, begin: int, finish: int, spans: list[tuple[int, int]]) -> tuple[str, str]:
    plain, marked, at = [], [], begin
    for start, end in _joined(text, spans):
        plain += [_flat(text[at:start]), "«", _flat(text[start:end]), "»"]
        marked += [
            html.escape(_flat(text[at:start]), quote=False),
            "<b>",
            html.escape(_flat(text[start:end]), quote=False),
            "</b>",
        ]
        at = end
    plain.append(_flat(text[at:finish]))
    marked.append(html.escape(_flat(text[at:finish]), quote=False))
    lead = "…" if begin > 0 else ""
    tail = "…" if finish < len(text) else ""
    return lead + "".join(plain).strip() + tail, lead + "".join(marked).strip() + tail


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text)


def _word_start(text: str, at: int) -> int:
    """Move `at` forward to the start of a word, unless it already is one."""
    if at == 0 or text[at - 1].isspace():
        return at
    space = text.find(" ", at, at + 20)
    return at if space < 0 else space + 1


def _word_end(text: str, at: int, floor: int) -> int:
    """Move `at` back (not before `floor`) to the end of a word, not to cut one in half."""
    if at >= len(text) or text[at].isspace():
        return at
    space = text.rfind(" ", max(floor, at - 20), at)
    return at if space < 0 else space
