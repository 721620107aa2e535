"""Claim matching: "have we checked this before?" for a statement or an annotation.

A statement is matched against the library's annotations in two steps:
1. Candidates: its distinctive words (stop words and newsroom boilerplate removed; numbers and
   names weighted up) in an OR query, BM25F over the annotation's passage, with the sentence
   around it and the journalist's note as weaker fields. The 50 best go on.
2. Re-ranking: how much of the statement's and the passage's content the two share, each word
   weighted by its rarity (IDF), blended with a character-level fuzzy match (rapidfuzz) that
   forgives word forms the stemmer does not join.
The result is a similarity between 0 and 1; below `THRESHOLD` nothing is shown, so "nothing
similar" is an answer. Claims come first (those with a verdict first when scores tie), then
other passages. THRESHOLD and the blend were chosen on the evaluation set in
tests/fixtures/claims/ (see docs/benchmarks.md, "Claim matching").
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from whoosh import query
from whoosh.lang import has_stopwords, stopwords_for_language
from whoosh.searching import Searcher

from sourcemark.app.languages import DEFAULT_LANGUAGE
from sourcemark.app.models import Kind, Verdict
from sourcemark.app.search.schema import ANALYZERS, ENGLISH, PLAIN, family, field_in
from sourcemark.app.search.vectors import Mask, Vectors

CANDIDATES = 50
ARTICLE_CANDIDATES = 5  # articles whose sentences are compared (the text of unannotated sources)
_MAX_SENTENCES = 400
_SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+|$)")
THRESHOLD = 0.44
_FUZZY_SHARE = 0.25  # of the final similarity; the rest is the IDF-weighted word overlap
_WEAK_FIELD = 0.3  # the sentence around a passage and the note, against the passage itself
_NUMBER_WEIGHT = 2.0
_NAME_WEIGHT = 1.5
_MAX_TERMS = 40  # a pasted paragraph is cut to its first distinctive words
# Words that say how a claim was made, not what it claims.
_BOILERPLATE = frozenset(
    [
        "said",
        "says",
        "say",
        "saying",
        "told",
        "tells",
        "claimed",
        "claims",
        "claim",
        "according",
        "stated",
        "states",
        "statement",
        "reported",
        "reports",
        "added",
        "insisted",
        "argued",
        "noted",
        "wrote",
        "posted",
        "tweeted",
    ]
)
_WORD = re.compile(r"\w+(?:[.,']\w+)*")
_NUMBER = re.compile(r"\d")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
# Statements and claims write numbers both ways ("twelve percent", "12%"): English number
# words are read as digits, and a percent sign as the word.
_NUMBER_NAMES = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion"
)
_NUMBER_VALUES = (*range(1, 21), *range(30, 100, 10), 100, 1000, 10**6, 10**9)
_NUMBER_WORDS = dict(zip(_NUMBER_NAMES.split(), map(str, _NUMBER_VALUES), strict=True))
_MISSED_NUMBERS = 0.7  # both mention numbers, none in common: probably another claim


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement's distinctive words as each analysis (language) stems them, with weights."""

    terms: dict[str, dict[str, float]]  # analysis -> stem -> weight
    text: str

    @property
    def empty(self) -> bool:
        return not any(self.terms.values())


@dataclass(frozen=True, slots=True)
class Candidate:
    """An annotation, or a sentence of an article, to show: what `rank` orders it by."""

    record_id: str  # the annotation's id, or the article's for a sentence of its text
    kind: Kind | None  # None: a sentence of an article's text
    verdict: Verdict | None
    similarity: float
    start: int = 0  # the sentence, for an article
    end: int = 0


def statement(text: str, analyses: Iterable[str]) -> Statement:
    """The distinctive words of `text`, stemmed by each analysis the library uses. A word that
    is a stop word in any of the library's languages is left out (a statement is too short to
    tell its language reliably, and detecting it costs a second on first use)."""
    analyses = {*analyses, ENGLISH}
    stop = _BOILERPLATE.union(*(_stop_words(_language_of(a)) for a in analyses))
    weights: dict[str, float] = {}
    for at, found in enumerate(_WORD.finditer(_spelled(text))):
        word = _NUMBER_WORDS.get(found.group().lower(), found.group())
        if word.lower() in stop:
            continue
        weight = 1.0
        if _NUMBER.search(word):
            weight = _NUMBER_WEIGHT
        elif word[:1].isupper() and at > 0 and not _sentence_start(text, found.start()):
            weight = _NAME_WEIGHT
        weights[word] = max(weights.get(word, 0.0), weight)
    kept = list(weights.items())[:_MAX_TERMS]
    terms: dict[str, dict[str, float]] = {}
    for analysis in analyses:
        stems: dict[str, float] = {}
        for word, weight in kept:
            for token in ANALYZERS[analysis](word):
                stems[token.text] = max(stems.get(token.text, 0.0), weight)
        terms[analysis] = stems
    return Statement(terms, text)


def candidates_query(said: Statement) -> query.Query:
    """The OR query that finds candidate passages: body strong, context and note weak."""
    clauses: list[query.Query] = []
    for analysis, stems in said.terms.items():
        for stem, weight in stems.items():
            clauses.append(query.Term(field_in("body", analysis), stem, boost=weight))
            clauses.append(
                query.Term(field_in("context", analysis), stem, boost=weight * _WEAK_FIELD)
            )
    for stem, weight in said.terms[ENGLISH].items():
        clauses.append(query.Term("note", stem, boost=weight * _WEAK_FIELD))
    return query.Or(clauses)


def candidate_docnums(
    vectors: Vectors, said: Statement, allowed: Mask, limit: int = CANDIDATES
) -> list[int]:
    """The best-scoring allowed documents for the statement (BM25F), at most `limit`."""
    matched, scores = vectors.evaluate(candidates_query(said))
    ranked = vectors.rank(matched & allowed, scores, limit)
    return [docnum for docnum, _ in ranked.top]


def best_sentence(
    said: Statement, text: str, language: str, searcher: Searcher
) -> tuple[float, int, int]:
    """The sentence of an article's text most similar to the statement: (similarity, start,
    end); sentences sharing no word with the statement are not scored."""
    wanted = said.terms.get(family(language)) or said.terms[ENGLISH]
    best = (0.0, 0, 0)
    for found in itertools.islice(_SENTENCE.finditer(text), _MAX_SENTENCES):
        sentence = found.group()
        lowered = sentence.lower()
        if not any(stem[:4] in lowered for stem in wanted):
            continue
        score = similarity(said, sentence, language, searcher)
        if score > best[0]:
            start = found.start() + len(sentence) - len(sentence.lstrip())
            best = (score, start, found.start() + len(sentence.rstrip()))
    return best


def similarity(said: Statement, passage: str, language: str, searcher: Searcher) -> float:
    """How likely a passage states the same claim, from 0 to 1."""
    analysis = family(language)
    wanted = said.terms.get(analysis) or said.terms[ENGLISH]
    found = _content_stems(passage, analysis, language)
    body = field_in("body", analysis)
    shared = sum(_idf(searcher, body, stem) * w for stem, w in wanted.items() if stem in found)
    in_statement = sum(_idf(searcher, body, stem) * w for stem, w in wanted.items())
    in_passage = sum(_idf(searcher, body, stem) for stem in found)
    if not shared or not in_statement or not in_passage:
        return 0.0
    recall, precision = shared / in_statement, min(1.0, shared / in_passage)
    overlap = 2 * recall * precision / (recall + precision)
    fuzzy = fuzz.token_set_ratio(said.text.lower(), passage.lower()) / 100
    score = (1 - _FUZZY_SHARE) * overlap + _FUZZY_SHARE * fuzzy
    numbers, in_both = _numbers(wanted), _numbers(found)
    if numbers and in_both and not numbers & in_both:
        score *= _MISSED_NUMBERS
    return score


def rank(found: list[Candidate], min_score: float = THRESHOLD) -> list[Candidate]:
    """At `min_score` or above only; claims first, then by similarity, a verdict first on
    ties."""
    shown = [c for c in found if c.similarity >= min_score and c.similarity > 0]
    shown.sort(
        key=lambda c: (
            c.kind is not Kind.CLAIM,
            c.kind is None,
            -round(c.similarity, 6),
            c.verdict in (None, Verdict.UNVERIFIED),
        )
    )
    return shown


def _idf(searcher: Searcher, fieldname: str, stem: str) -> float:
    try:
        return float(searcher.idf(fieldname, stem))
    except (ValueError, KeyError):  # a stem the field never held
        return math.log(max(searcher.doc_count_all(), 1)) + 1


@functools.cache
def _stop_words(language: str) -> frozenset[str]:
    return frozenset(stopwords_for_language(language)) if has_stopwords(language) else frozenset()


def _language_of(analysis: str) -> str:
    return DEFAULT_LANGUAGE if analysis in (ENGLISH, PLAIN) else analysis


@functools.lru_cache(maxsize=20_000)
def _content_stems(text: str, analysis: str, language: str) -> frozenset[str]:
    """The stems of a passage's words, stop words and boilerplate left out (cached: the same
    claims come back as candidates of statement after statement)."""
    stop = _stop_words(language) | _stop_words(DEFAULT_LANGUAGE) | _BOILERPLATE
    words = (_NUMBER_WORDS.get(w.lower(), w) for w in _WORD.findall(_spelled(text)))
    content = " ".join(w for w in words if w.lower() not in stop)
    return frozenset(token.text for token in ANALYZERS[analysis](content))


def _spelled(text: str) -> str:
    """Numbers written one way: "1,200" as 1200, "12%" as 12 percent."""
    return _THOUSANDS.sub("", text).replace("%", " percent")


def _numbers(stems: Iterable[str]) -> set[str]:
    return {stem for stem in stems if _NUMBER.search(stem)}


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in '.!?:"“«'
