"""A deterministic generator of news-like libraries for the benchmarks.

Article `i` of seed `s` is the same whatever the library size, so a 1,000-article corpus is the
first tenth of the 10,000-article one. Words follow a Zipf-like law over a fixed vocabulary of
function words, newsroom words, two-word collocations (for phrase queries) and made-up words.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from sourcemark.app.importers import ExtractedSource, from_pasted_text

DEFAULT_SEED = 20261129
ZIPF_EXPONENT = 1.05
SYNTHETIC_WORDS = 15_000
MIN_WORDS, MAX_WORDS = 600, 1_200
SENTENCE_WORDS = (8, 24)
# A quoted sentence adds "said First Last"; the last sentence may run past the target by this.
LONGEST_SENTENCE = SENTENCE_WORDS[1] + 3


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FUNCTION_WORDS = _words(
    "the of and to a in that is for on was with he it as at by said from his be have are "
    "has but not they an this were had their which who been would will she her more its "
    "after also about than when there into over two up out one new last year some could "
    "other can all them if no what most while before only since under against because"
)
_NEWS_WORDS = _words(
    "government police council budget election minister housing court report officials "
    "million percent city state mayor president company workers school health hospital "
    "water contract investigation spokesperson statement lawmakers vote plan program "
    "funding tax residents community families children prices inflation economy energy "
    "climate emissions policy federal county department agency union strike protest "
    "judge lawsuit ruling prosecutors charges trial evidence witness data survey figures "
    "crime immigration border unemployment wages rent landlords tenants transit railway "
    "airport bridge construction developers permit zoning audit fraud contractor tender "
    "vaccine doctors nurses patients clinic pandemic drought flood wildfire storm coast "
    "farmers harvest exports tariffs trade factory jobs pension benefits deficit debt "
    "interest bank regulator shares investors profit losses merger campaign candidate "
    "poll voters turnout ballot referendum parliament senate coalition opposition party "
    "reform amendment bill law decree sanctions embassy ceasefire troops refugees aid "
    "subsidy grant license inspection safety emergency shortage supply demand record "
    "increase decline cut rise growth crisis scandal resignation appointment hearing"
)
_COLLOCATIONS = (
    "city council",
    "prime minister",
    "climate change",
    "public health",
    "interest rates",
    "supreme court",
    "police department",
    "school board",
    "housing crisis",
    "press conference",
    "minimum wage",
    "health care",
    "human rights",
    "real estate",
    "local elections",
    "energy prices",
    "water supply",
    "tax cuts",
    "state budget",
    "border security",
)
_SYLLABLES = _words(
    "ba be bi bo bu ca co cu da de di do fa fe fi fo ga ge go ha he hi ka ke ko la le li lo "
    "lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to "
    "tu va ve vi vo za ze zo bran cor dal fen gor hal ken lor mar nel por ran sel tor vel wen"
)
_FIRST_NAMES = _words(
    "Maria James Aisha Chen Olga Pedro Fatima Liam Noor Kenji Amara Tomás Ingrid Samuel Priya "
    "Diego Hana Viktor Zainab Oliver Lucía Kwame Elena Marek Sofia Daniel Yusuf Greta Rafael Mei"
)
_LAST_NAMES = _words(
    "García Okafor Müller Nakamura Haddad Kowalski Silva Johansson Mensah Rossi Petrova Ahmed "
    "Dubois Fernández O'Brien Novak Tanaka Schmidt Andersen Costa Ibrahim Lindqvist Moreau Park "
    "Reyes Baptiste Volkov Hughes Nguyen Delgado"
)
_OUTLETS = (
    "The Harbour Gazette",
    "Northern Ledger",
    "Metro Daily",
    "The Valley Courier",
    "Capital Wire",
    "Coastal Herald",
    "The Morning Sentinel",
    "Riverside Post",
    "Plains Observer",
    "The Evening Chronicle",
    "Union Times",
    "Bay Area Dispatch",
    "Highland Record",
    "The Civic Tribune",
    "Lakeside Journal",
    "Frontier News",
    "The Weekly Standard-Bearer",
    "Delta Examiner",
    "Summit Press",
    "The Open Register",
)
_VERDICTS = (
    "unverified",
    "true",
    "mostly_true",
    "half_true",
    "unsupported",
    "misleading",
    "mostly_false",
    "false",
)
_NOTE_OPENINGS = (
    "Checked against",
    "Contradicted by",
    "Source for this is",
    "Compare with",
    "Needs a second source:",
    "Confirmed by",
    "Figures differ from",
    "Follow up with",
)
_KINDS = ("claim", "quote", "rebuttal")
_KIND_WEIGHTS = (0.4, 0.35, 0.25)
_FIRST_DAY = date(2015, 1, 1)
_DAYS = (date(2025, 12, 31) - _FIRST_DAY).days


@dataclass(frozen=True, slots=True)
class PlannedAnnotation:
    """An annotation to make on a generated article: `text[start:end]` is a whole sentence."""

    kind: str
    start: int
    end: int
    note: str
    speaker: str
    verdict: str | None


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    title: str
    outlet: str
    author: str
    published: str
    text: str
    annotations: tuple[PlannedAnnotation, ...]

    def source(self, number: int) -> ExtractedSource:
        """The article as the plain-text importer would hand it to the library."""
        return from_pasted_text(self.text, f"article-{number:06d}.txt").with_metadata(
            title=self.title, outlet=self.outlet, author=self.author, published=self.published
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> GeneratedArticle:
        data = json.loads(line)
        data["annotations"] = tuple(PlannedAnnotation(**a) for a in data["annotations"])
        return cls(**data)


class Vocabulary:
    """Words ranked by frequency; drawing one follows a Zipf-like law over the ranks."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        rng = random.Random(seed)
        content = list(_NEWS_WORDS) + list(_COLLOCATIONS)
        rng.shuffle(content)
        synthetic = _synthetic_words(rng, SYNTHETIC_WORDS, exclude=set(content))
        # Function words lead; newsroom words sit in the high-middle ranks among made-up ones.
        self.words = list(_FUNCTION_WORDS) + _interleave(content, synthetic[: len(content) * 3])
        self.words += synthetic[len(content) * 3 :]
        weights = [1 / rank**ZIPF_EXPONENT for rank in range(1, len(self.words) + 1)]
        self._cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self._cumulative, k=count)


def _synthetic_words(rng: random.Random, count: int, exclude: set[str]) -> list[str]:
    words: list[str] = []
    seen = set(exclude) | set(_FUNCTION_WORDS)
    while len(words) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _interleave(first: list[str], second: list[str]) -> list[str]:
    """One of `first`, then three of `second`, and so on."""
    merged: list[str] = []
    for index, word in enumerate(first):
        merged.append(word)
        merged.extend(second[index * 3 : index * 3 + 3])
    return merged


class CorpusGenerator:
    """Makes article `number` of a seeded corpus, independently of every other article."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        self.vocabulary = Vocabulary(seed)

    def article(self, number: int) -> GeneratedArticle:
        rng = random.Random(f"{self.seed}:{number}")
        target_words = rng.randint(MIN_WORDS, MAX_WORDS - LONGEST_SENTENCE)
        text, sentences, speakers = self._body(rng, target_words)
        return GeneratedArticle(
            title=self._title(rng),
            outlet=rng.choice(_OUTLETS),
            author=_person(rng),
            published=(_FIRST_DAY + timedelta(days=rng.randrange(_DAYS))).isoformat(),
            text=text,
            annotations=self._annotations(rng, text, sentences, speakers, rng.randint(3, 7)),
        )

    def articles(self, count: int) -> Iterator[GeneratedArticle]:
        return (self.article(number) for number in range(count))

    def large_article(
        self, number: int, *, min_chars: int = 1_000_000, annotations: int = 1_000
    ) -> GeneratedArticle:
        """One long source (a transcript, a report) with many annotations, for the reader."""
        rng = random.Random(f"{self.seed}:large:{number}")
        text, sentences, speakers = self._body(rng, min_chars // 6, min_chars=min_chars)
        return GeneratedArticle(
            title=self._title(rng),
            outlet=rng.choice(_OUTLETS),
            author=_person(rng),
            published="2025-06-01",
            text=text,
            annotations=self._annotations(rng, text, sentences, speakers, annotations),
        )

    def _title(self, rng: random.Random) -> str:
        words = [w for w in self.vocabulary.draw(rng, 40) if w not in _FUNCTION_WORDS][:7]
        return " ".join(words).capitalize()

    def _body(
        self, rng: random.Random, target_words: int, *, min_chars: int = 0
    ) -> tuple[str, list[tuple[int, int]], dict[int, str]]:
        """Paragraphs of sentences; returns the text, sentence spans and quoted speakers."""
        paragraphs: list[str] = []
        sentences: list[tuple[int, int]] = []
        speakers: dict[int, str] = {}
        offset, words = 0, 0
        while words < target_words or offset < min_chars:
            parts: list[str] = []
            for _ in range(rng.randint(2, 5)):
                if words >= target_words and offset >= min_chars:
                    break
                sentence, speaker, length = self._sentence(rng)
                start = offset + sum(len(p) + 1 for p in parts)
                if speaker:
                    speakers[len(sentences)] = speaker
                sentences.append((start, start + len(sentence)))
                parts.append(sentence)
                words += length
            paragraph = " ".join(parts)
            paragraphs.append(paragraph)
            offset += len(paragraph) + 2
        return "\n\n".join(paragraphs), sentences, speakers

    def _sentence(self, rng: random.Random) -> tuple[str, str, int]:
        """A sentence, the speaker it quotes (or ''), and its word count."""
        words = self.vocabulary.draw(rng, rng.randint(*SENTENCE_WORDS))
        body = " ".join(words)
        if rng.random() < 0.2:
            speaker = _person(rng)
            return f"“{body.capitalize()},” said {speaker}.", speaker, len(words) + 3
        return f"{body.capitalize()}.", "", len(words)

    def _annotations(
        self,
        rng: random.Random,
        text: str,
        sentences: list[tuple[int, int]],
        speakers: dict[int, str],
        count: int,
    ) -> tuple[PlannedAnnotation, ...]:
        chosen = sorted(rng.sample(range(len(sentences)), min(count, len(sentences))))
        planned = []
        for index in chosen:
            start, end = sentences[index]
            kind = "quote" if index in speakers else rng.choices(_KINDS, _KIND_WEIGHTS)[0]
            note = f"{rng.choice(_NOTE_OPENINGS)} {' '.join(self.vocabulary.draw(rng, 6))}."
            planned.append(
                PlannedAnnotation(
                    kind=kind,
                    start=start,
                    end=end,
                    note=note,
                    speaker=speakers.get(index) or _person(rng),
                    verdict=rng.choice(_VERDICTS) if kind == "claim" else None,
                )
            )
        return tuple(planned)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


def write_corpus(path: Path, count: int, seed: int = DEFAULT_SEED) -> Path:
    """Write `count` generated articles as JSON lines (generated once, read by every runner)."""
    generator = CorpusGenerator(seed)
    with path.open("w", encoding="utf-8") as out:
        for article in generator.articles(count):
            out.write(article.to_json() + "\n")
    return path


def read_corpus(path: Path, count: int) -> list[GeneratedArticle]:
    """The first `count` articles of a corpus file."""
    with path.open(encoding="utf-8") as lines:
        return [GeneratedArticle.from_json(line) for line in itertools.islice(lines, count)]
