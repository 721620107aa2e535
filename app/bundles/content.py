"""What a bundle carries, the same shape on export and on import."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from sourcemark.app.models import (
    Annotation,
    Article,
    Capture,
    Kind,
    Link,
    PageRange,
    PageSpan,
    Relation,
    Story,
    Tombstone,
    pages_of,
)


@dataclass(frozen=True, slots=True)
class Original:
    """A source file as it was imported; `filename` is a label, never a path."""

    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class VersionText:
    """One version of a source (annotations may point into any of them)."""

    number: int
    text: str
    text_sha256: str
    created_at: str


@dataclass(frozen=True, slots=True)
class CaptureFile:
    """One fetch of a source's page and its WARC file."""

    capture: Capture
    warc: bytes


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story as a bundle carries it: its details and which of the bundle's sources it holds."""

    story: Story
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class BundleContent:
    articles: tuple[Article, ...]
    originals: dict[str, Original]
    annotations: tuple[Annotation, ...]
    links: tuple[Link, ...]
    # annotation id -> `updated_at` of each of its earlier versions (for merging).
    earlier_versions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # article id -> every version of it and its captures, oldest first (format 1 had neither).
    version_texts: dict[str, tuple[VersionText, ...]] = field(default_factory=dict)
    captures: dict[str, tuple[CaptureFile, ...]] = field(default_factory=dict)

    def version_text(self, article_id: str, number: int) -> str | None:
        """The text of one version of a source in the bundle; None if it has no such version."""
        article = self.article_by_id[article_id]
        if number == article.version:
            return article.text
        for earlier in self.version_texts.get(article_id, ()):
            if earlier.number == number:
                return earlier.text
        return None

    # article id -> its page map (sources from PDFs only).
    page_maps: dict[str, tuple[PageSpan, ...]] = field(default_factory=dict)

    def pages_of(self, annotation: Annotation) -> PageRange | None:
        """The pages an annotation's passage lies on, for a source with a page map."""
        spans = self.page_maps.get(annotation.article_id, ())
        return pages_of(spans, annotation.start, annotation.end)

    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """article id -> its tags."""
    stories: tuple[StoryRecord, ...] = ()
    tombstones: tuple[Tombstone, ...] = ()
    """Deletions (standing or undone) of records of the exported sources, so that importing
    deletes what the exporting library deleted (the merge rules: app/merging.py)."""
    story_id: str | None = None
    """The story the bundle was exported for (`export --story`), if any."""
    creators: dict[str, str] = field(default_factory=dict)
    """annotation id -> who made its current version (a reporter's name, once synced)."""

    @cached_property
    def story(self) -> StoryRecord | None:
        return next((s for s in self.stories if s.story.id == self.story_id), None)

    def ocr_pages(self, article_id: str) -> list[int]:
        """The pages of a source whose text OCR read from a scan (it may hold errors)."""
        return [span.page for span in self.page_maps.get(article_id, ()) if span.ocr]

    @cached_property
    def article_by_id(self) -> dict[str, Article]:
        return {article.id: article for article in self.articles}

    @cached_property
    def annotation_by_id(self) -> dict[str, Annotation]:
        return {annotation.id: annotation for annotation in self.annotations}

    @cached_property
    def annotations_by_article(self) -> dict[str, list[Annotation]]:
        grouped: dict[str, list[Annotation]] = defaultdict(list)
        for annotation in self.annotations:
            grouped[annotation.article_id].append(annotation)
        return grouped

    def of_kind(self, kind: Kind) -> list[Annotation]:
        return [a for a in self.annotations if a.kind is kind]

    @cached_property
    def _links_by_source(self) -> dict[str, list[Link]]:
        grouped: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            grouped[link.from_id].append(link)
        return grouped

    @cached_property
    def _rebuttals(self) -> dict[str, list[Annotation]]:
        """Claim id -> the rebuttals that answer it through 'rebuts' links, in bundle order."""
        grouped: dict[str, list[Annotation]] = defaultdict(list)
        for annotation in self.annotations:
            for link in self._links_by_source.get(annotation.id, []):
                if link.relation is Relation.REBUTS:
                    grouped[link.to_id].append(annotation)
        return grouped

    def rebuttals_of(self, claim_id: str) -> list[Annotation]:
        return self._rebuttals.get(claim_id, [])

    def links_from(self, annotation_id: str) -> list[Link]:
        return self._links_by_source.get(annotation_id, [])
