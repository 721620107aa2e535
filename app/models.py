"""Domain records: articles, annotations and links, plus the fixed vocabularies they use."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
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


class PassageStatus(StrEnum):
    """How an annotated passage reads in the source's latest version, against its wording when
    it was annotated: the same, edited by the publisher, or removed (left on an older version)."""

    SAME = "same"
    EDITED = "edited"
    REMOVED = "removed"


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
    version: int = 1
    """The number of the version `text` is: the latest one."""
    extraction_warning: str = ""
    """Why the extracted text may be incomplete, until the reporter dismisses it."""
    updated_at: str = ""
    """When its metadata last changed (its import, or an edit); the text never changes."""
    language: str = ""
    """The ISO 639 code of the language it is written in ('' until known)."""

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
    version: int = 1
    """The version of the source text the offsets point into."""
    status: PassageStatus = PassageStatus.SAME
    annotated_quote: str | None = None
    """The wording the passage had when annotated, once the publisher has edited it."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["verdict"] = self.verdict.value if self.verdict else None
        data["status"] = self.status.value
        return data


_SEEN_FROM_TARGET = {
    Relation.REBUTS: "rebutted by",
    Relation.SUPPORTS: "supported by",
    Relation.SAME_CLAIM: "same claim as",
}


@dataclass(frozen=True, slots=True)
class Link:
    from_id: str
    to_id: str
    relation: Relation
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "relation": self.relation.value}

    def seen_from(self, annotation_id: str) -> tuple[str, str]:
        """How the link reads from one of its ends: ('rebuts', claim id) from the rebuttal,
        ('rebutted by', rebuttal id) from the claim."""
        if annotation_id == self.from_id:
            verb = "same claim as" if self.relation is Relation.SAME_CLAIM else self.relation.value
            return verb, self.to_id
        return _SEEN_FROM_TARGET[self.relation], self.from_id


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
class Capture:
    """One fetch of a page: what was asked, what came back, and when (the WARC is kept apart)."""

    id: str
    article_id: str
    version: int | None
    """The version of the text this fetch gave; None when the page was gone."""
    requested_url: str
    final_url: str
    fetched_at: str
    status: int
    headers: list[tuple[str, str]]
    content_type: str
    payload_sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "headers": [list(pair) for pair in self.headers]}


@dataclass(frozen=True, slots=True)
class Version:
    """One immutable text of a source, with the capture that first gave it (if fetched)."""

    article_id: str
    number: int
    text_sha256: str
    created_at: str
    length: int
    capture: Capture | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["capture"] = self.capture.to_dict() if self.capture else None
        return data


def capture_from_row(row: dict[str, Any]) -> Capture:
    values = {key: value for key, value in row.items() if key != "warc"}
    values["headers"] = [tuple(pair) for pair in json.loads(values["headers"])]
    return Capture(**values)


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


class StoryStatus(StrEnum):
    OPEN = "open"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class Story:
    """A story gathers sources (and so their annotations); its name is unique, ignoring case."""

    id: str
    name: str
    description: str
    status: StoryStatus
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}


@dataclass(frozen=True, slots=True)
class StorySummary:
    """A story with the counts of its live sources and their annotations: what lists show."""

    story: Story
    sources: int
    claims: int
    quotes: int
    rebuttals: int

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.story.to_dict(),
            "sources": self.sources,
            "claims": self.claims,
            "quotes": self.quotes,
            "rebuttals": self.rebuttals,
        }


class TargetType(StrEnum):
    ARTICLE = "article"
    ANNOTATION = "annotation"
    STORY = "story"


@dataclass(frozen=True, slots=True)
class Tombstone:
    """One deletion: what (type and id, and the source it belongs to), who and when; a unique
    id, the same in every library the deletion reaches. A restoration keeps the tombstone."""

    id: str
    target_type: TargetType
    target_id: str
    article_id: str | None
    deleted_at: str
    deleted_by: str
    restored_at: str | None = None
    restored_by: str | None = None

    @property
    def live(self) -> bool:
        """The deletion stands (it was not undone)."""
        return self.restored_at is None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "target_type": self.target_type.value}


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_ANNOTATION_FIELDS = tuple(f.name for f in fields(Annotation))


def article_from_row(row: dict[str, Any]) -> Article:
    return Article(**{name: row[name] for name in _ARTICLE_FIELDS if name in row})


def story_from_row(row: dict[str, Any]) -> Story:
    return Story(
        row["id"],
        row["name"],
        row["description"],
        StoryStatus(row["status"]),
        row["created_at"],
        row["updated_at"],
    )


def tombstone_from_row(row: dict[str, Any]) -> Tombstone:
    return Tombstone(
        row["id"],
        TargetType(row["target_type"]),
        row["target_id"],
        row["article_id"],
        row["deleted_at"],
        row["deleted_by"],
        row["restored_at"],
        row["restored_by"],
    )


def annotation_from_row(row: dict[str, Any]) -> Annotation:
    values = {name: row[name] for name in _ANNOTATION_FIELDS if name in row}
    values["kind"] = Kind(values["kind"])
    values["verdict"] = Verdict(values["verdict"]) if values["verdict"] else None
    if "status" in values:
        values["status"] = PassageStatus(values["status"])
    return Annotation(**values)


def link_from_row(row: dict[str, Any]) -> Link:
    return Link(row["from_id"], row["to_id"], Relation(row["relation"]), row["created_at"])


def page_span_from_row(row: dict[str, Any]) -> PageSpan:
    return PageSpan(row["page"], row["start"], row["end"], bool(row["ocr"]))
