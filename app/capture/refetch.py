"""Fetching sources again to see whether their publisher changed them.

Each source is fetched from the address it was captured from (or its URL) and its extracted,
normalised text compared with the latest version:
- unchanged: the fetch is kept as a capture of the latest version;
- changed: the text becomes a new version, and every annotation is placed on it
  (`compare.TextDiff.place`), getting the status same, edited or removed;
- gone: the server answered 404 or 410; that answer is kept as a capture too;
- failed: anything else (network, other HTTP errors, a page that no longer extracts).
Each source is one operation (one transaction), done after its fetch, so a slow or failing
site never holds the library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sourcemark.app.capture.compare import TextDiff, compare
from sourcemark.app.capture.fetch import DEFAULT_FETCH_LIMITS, FetchedPage, FetchLimits, fetch
from sourcemark.app.capture.importing import source_from_page
from sourcemark.app.changes import NOTHING, Changes, Outcome
from sourcemark.app.errors import FetchFailed, ImportFailed
from sourcemark.app.importers import ExtractedSource
from sourcemark.app.library import Library, Progress, now
from sourcemark.app.models import Annotation, Article, PassageStatus
from sourcemark.app.wording import count
from sourcemark.db import queries, writes

Cancelled = Callable[[], bool]


class RefetchStatus(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    GONE = "gone"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PassageChange:
    """An annotated passage the publisher edited or removed in the new version."""

    annotation_id: str
    status: PassageStatus
    annotated: str
    """The wording the annotation was made on."""
    now: str | None
    """The wording in the new version; None when removed."""


@dataclass(frozen=True, slots=True)
class RefetchResult:
    article_id: str
    title: str
    url: str
    status: RefetchStatus
    detail: str = ""
    """What changed (paragraphs), or why the fetch failed or the page is gone."""
    version: int | None = None
    """The source's latest version after the fetch."""
    passages: tuple[PassageChange, ...] = ()

    def line(self) -> str:
        """One line for a person: the source, what happened, and the detail."""
        said = {
            RefetchStatus.UNCHANGED: f"unchanged (version {self.version})",
            RefetchStatus.CHANGED: f"changed: version {self.version}",
            RefetchStatus.GONE: "gone",
            RefetchStatus.FAILED: "failed",
        }[self.status]
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.article_id[:8]} {self.title[:50]}: {said}{detail}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["passages"] = [
            {**asdict(change), "status": change.status.value} for change in self.passages
        ]
        return data


@dataclass(slots=True)
class RefetchReport:
    results: list[RefetchResult] = field(default_factory=list)
    not_refetched: list[str] = field(default_factory=list)
    """Sources left alone because the refetch was cancelled."""

    def of(self, status: RefetchStatus) -> list[RefetchResult]:
        return [result for result in self.results if result.status is status]

    @property
    def headline(self) -> str:
        parts = [
            f"{len(found):,} {status.value}"
            for status in RefetchStatus
            if (found := self.of(status))
        ]
        if self.not_refetched:
            parts.append(f"{len(self.not_refetched):,} not refetched (cancelled)")
        return f"Refetched {count(len(self.results), 'source')}: " + ", ".join(parts) + "."


def refetch(
    library: Library,
    article_ids: Sequence[str],
    *,
    limits: FetchLimits = DEFAULT_FETCH_LIMITS,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Outcome[RefetchReport]:
    """Fetch each source again and keep what changed (see the module's description)."""
    ids = list(dict.fromkeys(library.resolve_article_id(i) for i in article_ids))
    report, changes = RefetchReport(), NOTHING
    for done, article_id in enumerate(ids):
        if cancelled is not None and cancelled():
            report.not_refetched.extend(ids[done:])
            break
        result, changed = _refetch_one(library, library.article(article_id), limits)
        report.results.append(result)
        changes = changes | changed
        if progress is not None:
            progress(done + 1, len(ids))
    return Outcome(report, changes)


def web_sources(library: Library, article_ids: Iterable[str]) -> list[str]:
    """Those of the sources that can be fetched again: captured, or with a web address."""
    return [i for i in article_ids if library.captures(i) or library.article(i).url]


def refetch_url(library: Library, article: Article) -> str:
    """Where a source is fetched again: the address its last capture asked for, else its URL."""
    captures = library.captures(article.id)
    return captures[-1].requested_url if captures else article.url


def _refetch_one(
    library: Library, article: Article, limits: FetchLimits
) -> tuple[RefetchResult, Changes]:
    url = refetch_url(library, article)

    def result(status: RefetchStatus, detail: str = "", **more: Any) -> RefetchResult:
        return RefetchResult(article.id, article.title, url, status, detail, **more)

    if not url:
        return result(RefetchStatus.FAILED, "it has no web address to fetch"), NOTHING
    try:
        page = fetch(url, limits=limits, accept_gone=True)
        if not isinstance(page, FetchedPage):
            with library.operation() as log:
                library.keep_capture(article.id, None, page)
                log.article(article.id)
            return result(RefetchStatus.GONE, f"HTTP {page.status}"), log.changes()
        source = source_from_page(page, limits.max_bytes)
    except (FetchFailed, ImportFailed) as error:
        return result(RefetchStatus.FAILED, f"{url}: {error}"), NOTHING
    stored = store_fetched(library, article.id, source)
    return stored.value, stored.changes


def store_fetched(
    library: Library, article_id: str, source: ExtractedSource
) -> Outcome[RefetchResult]:
    """Keep a new fetch of a source: as a capture of its latest version if the text is the
    same, else as a new version onto which its annotations are placed. One operation."""
    assert source.capture is not None
    with library.operation() as log:
        article = library.article(article_id)
        url = source.capture.requested_url
        if source.text == article.text:
            library.keep_capture(article.id, article.version, source.capture)
            log.article(article.id)
            return Outcome(
                RefetchResult(
                    article.id, article.title, url, RefetchStatus.UNCHANGED, version=article.version
                ),
                log.changes(),
            )
        sha256 = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        twin = queries.article_by_text_hash(library.db, sha256)
        if twin is not None:
            detail = f"its new text is the text of source {twin['id'][:8]}, kept as it was"
            return Outcome(
                RefetchResult(article.id, article.title, url, RefetchStatus.FAILED, detail)
            )
        number = article.version + 1
        writes.add_version(
            library.db,
            {
                "article_id": article.id,
                "number": number,
                "text": source.text,
                "text_sha256": sha256,
                "created_at": now(),
                "page_text": source.page_text or None,
            },
        )
        writes.set_extraction_warning(library.db, article.id, source.extraction_warning)
        library.keep_capture(article.id, number, source.capture)
        log.article(article.id)
        passages = _place_annotations(library, article, source.text, number)
        for annotation in library.annotations(article.id):
            log.annotation(annotation)
        diff = compare(article.text, source.text)
    return Outcome(
        RefetchResult(
            article.id,
            article.title,
            url,
            RefetchStatus.CHANGED,
            str(diff.summary),
            number,
            tuple(passages),
        ),
        log.changes(),
    )


def _place_annotations(
    library: Library, article: Article, new_text: str, number: int
) -> list[PassageChange]:
    """Move each annotation onto the new version, or leave it on its own as removed."""
    diffs: dict[int, TextDiff] = {}
    changed: list[PassageChange] = []
    for annotation in library.annotations(article.id):
        if annotation.version not in diffs:
            old_text = library.version_text(article.id, annotation.version)
            diffs[annotation.version] = compare(old_text, new_text)
        wording = annotation.annotated_quote or annotation.quote
        placed = diffs[annotation.version].place(
            annotation.start, annotation.end, wording, annotation.prefix, annotation.suffix
        )
        updates = _placement_changes(annotation, placed.status, placed.anchor, wording, number)
        if updates:
            # A change like any other: the earlier placement stays in the history, and the
            # newer time makes bundle and sync merges carry the new placement over.
            library.keep_history(annotation, "edited")
            writes.update_annotation(library.db, annotation.id, {**updates, "updated_at": now()})
        if placed.status is not PassageStatus.SAME:
            now_reads = placed.anchor.quote if placed.anchor is not None else None
            changed.append(PassageChange(annotation.id, placed.status, wording, now_reads))
    return changed


def _placement_changes(
    annotation: Annotation,
    status: PassageStatus,
    anchor: Any,
    wording: str,
    number: int,
) -> dict[str, Any]:
    if anchor is None:  # removed: it stays where it was, on its own version
        return {} if annotation.status is status else {"status": status.value}
    return {
        "version": number,
        "start": anchor.start,
        "end": anchor.end,
        "quote": anchor.quote,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "status": status.value,
        "annotated_quote": None if status is PassageStatus.SAME else wording,
    }
