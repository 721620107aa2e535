"""Domain records: articles, annotations and links, plus the fixed vocabularies they use."""

from __future__ import annotations

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
    updated_at: str = ""
    """When its metadata last changed (its import, or an edit); the text never changes."""

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
    claims: int
    quotes: int
    rebuttals: int


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
    return Article(**{name: row[name] for name in _ARTICLE_FIELDS})


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
    values = {name: row[name] for name in _ANNOTATION_FIELDS}
    values["kind"] = Kind(values["kind"])
    values["verdict"] = Verdict(values["verdict"]) if values["verdict"] else None
    return Annotation(**values)


def link_from_row(row: dict[str, Any]) -> Link:
    return Link(row["from_id"], row["to_id"], Relation(row["relation"]), row["created_at"])
