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

from sourcemark.app.search.schema import ANALYZERS, ENGLISH, STEMMED, analysis_of, stem

SNIPPET_CHARS = 240
_LEAD_CHARS = 60  # context shown before the first match
_HIGHLIGHTED_FIELDS = frozenset({"body", "headline", "title", "note"})  # in any analysis
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


NOTHING = Wanted(frozenset())
Highlights = dict[str, Wanted]
"""What to highlight in text of each analysis (schema.family): stems differ by language."""


def highlight_terms(parsed: query.Query, reader: IndexReader) -> Highlights:
    """The words and phrases a query looks for in text, per analysis, wildcards expanded,
    negations left out."""
    words: dict[str, set[str]] = {}
    phrases: dict[str, set[tuple[str, ...]]] = {}

    def highlighted(fieldname: str) -> bool:
        return fieldname.partition("_")[0] in _HIGHLIGHTED_FIELDS

    def visit(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.Phrase):
            if highlighted(node.fieldname):
                phrases.setdefault(analysis_of(node.fieldname), set()).add(tuple(node.words))
            return
        if node.is_leaf():
            for fieldname, text in node.expanded_terms(reader):
                if highlighted(fieldname):
                    word = text.decode("utf-8") if isinstance(text, bytes) else text
                    words.setdefault(analysis_of(fieldname), set()).add(word)
            return
        for child in node.children():
            visit(child)

    visit(parsed)
    return {
        analysis: Wanted(frozenset(words.get(analysis, ())), frozenset(phrases.get(analysis, ())))
        for analysis in words.keys() | phrases.keys()
    }


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


def analysed_matches(text: str, wanted: Wanted, analysis: str) -> Iterator[tuple[int, int, str]]:
    """`matches` for text of any analysis, through its full analyser (slower than `matches`,
    which knows the English analyser's shortcuts)."""
    recent: deque[tuple[int, str]] = deque(maxlen=max((len(p) for p in wanted.phrases), default=1))
    for token in ANALYZERS[analysis](text, chars=True, mode="query"):
        recent.append((token.startchar, token.text))
        if token.text in wanted.words:
            yield token.startchar, token.endchar, token.text
        for phrase in wanted.phrases:
            tail = list(recent)[-len(phrase) :]
            if tuple(key for _, key in tail) == phrase:
                yield tail[0][0], token.endchar, " ".join(phrase)


def snippet(text: str, wanted: Wanted, analysis: str = ENGLISH) -> Snippet:
    """The passage of `text` that best matches what is wanted, or its opening if none does."""
    found = (
        matches(text, wanted) if analysis == ENGLISH else analysed_matches(text, wanted, analysis)
    )
    spans = best_passage(found, len(wanted)) if len(wanted) else []
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
