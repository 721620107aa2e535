"""Domain records: articles, annotations and links, plus the fixed vocabularies they use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CLAIM = "claim"
    QUOTE = "quote"
    REBUTTAL = "rebuttal"


class Relation(StrEnum):
    REBUTS = "rebuts"
    SUPPORTS = "supports"
    SAME_CLAIM = "same_claim"


class Verdict(StrEnum):
    """The one verdict scale for claims. `rating` maps it onto schema.org ClaimReview."""

    UNVERIFIED = "unverified"
    TRUE = "true"
    MOSTLY_TRUE = "mostly_true"
    HALF_TRUE = "half_true"
    UNSUPPORTED = "unsupported"
    MISLEADING = "misleading"
    MOSTLY_FALSE = "mostly_false"
    FALSE = "false"

    @property
    def rating(self) -> int | None:
        """ClaimReview ratingValue on a 1 (false) to 7 (true) scale; None while unverified."""
        return _RATINGS[self]

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def parse(cls, text: str) -> Verdict:
        """Accept 'mostly true', 'Mostly-True' or 'mostly_true'."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(key)
        except ValueError:
            choices = ", ".join(v.value for v in cls)
            raise ValueError(f"unknown verdict {text!r} (choose from {choices})") from None


BEST_RATING, WORST_RATING = 7, 1
_RATINGS: dict[Verdict, int | None] = {
    Verdict.UNVERIFIED: None,
    Verdict.TRUE: 7,
    Verdict.MOSTLY_TRUE: 6,
    Verdict.HALF_TRUE: 5,
    Verdict.UNSUPPORTED: 4,
    Verdict.MISLEADING: 3,
    Verdict.MOSTLY_FALSE: 2,
    Verdict.FALSE: 1,
}


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    outlet: str
    author: str
    url: str
    published: str
    imported_at: str
    source_format: str
    original_sha256: str
    text_sha256: str
    text: str

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if not with_text:
            del data["text"]
        return data


@dataclass(frozen=True, slots=True)
class Annotation:
    id: str
    article_id: str
    kind: Kind
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    note: str
    speaker: str
    verdict: Verdict | None
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["verdict"] = self.verdict.value if self.verdict else None
        return data


@dataclass(frozen=True, slots=True)
class Link:
    from_id: str
    to_id: str
    relation: Relation
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "relation": self.relation.value}


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article without its text, with its annotation counts: what lists show."""

    id: str
    title: str
    outlet: str
    author: str
    published: str
    imported_at: str
    language: str
    claims: int
    quotes: int
    rebuttals: int


@dataclass(frozen=True, slots=True)
class PageSpan:
    """The code points `text[start:end]` of a source that came from its page `page` (from 1);
    `ocr` when that text was recognised in a scan, so it may hold errors."""

    page: int
    start: int
    end: int
    ocr: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PageRange:
    """The pages a passage lies on, first to last."""

    first: int
    last: int

    @property
    def label(self) -> str:
        """How a citation names them: "p. 4" or "pp. 4–5"."""
        return f"p. {self.first}" if self.first == self.last else f"pp. {self.first}–{self.last}"

    def to_dict(self) -> dict[str, Any]:
        return {"first": self.first, "last": self.last, "label": self.label}


def pages_of(spans: Sequence[PageSpan], start: int, end: int) -> PageRange | None:
    """The pages the passage `text[start:end]` lies on (a position, when `start == end`);
    None for a source without pages."""
    touched = [
        span.page
        for span in spans
        if span.start < max(end, start + 1) and span.end > start and span.end > span.start
    ]
    if not touched and spans and start >= spans[-1].end:
        touched = [spans[-1].page]  # the very end of the text
    return PageRange(min(touched), max(touched)) if touched else None


def article_from_row(row: dict[str, Any]) -> Article:
    """The article in a row of `articles` (its language is read on its own: `Library.language`)."""
    return Article(**{key: value for key, value in row.items() if key != "language"})


def annotation_from_row(row: dict[str, Any]) -> Annotation:
    values = dict(row)
    values["kind"] = Kind(values["kind"])
    values["verdict"] = Verdict(values["verdict"]) if values["verdict"] else None
    return Annotation(**values)


def link_from_row(row: dict[str, Any]) -> Link:
    return Link(row["from_id"], row["to_id"], Relation(row["relation"]), row["created_at"])


def page_span_from_row(row: dict[str, Any]) -> PageSpan:
    return PageSpan(row["page"], row["start"], row["end"], bool(row["ocr"]))
