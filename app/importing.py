"""Importing many sources at once, as the desk and the command line both do it.

Each file is extracted on its own, several at once in the worker pool (a failure is recorded
with its reason and the others go on); the sources are stored in batches, a transaction each,
and the search index is brought up to date once at the end. A cancel stops between files, so
every file is either fully imported or left alone. Both faces word their summary from the same
`ImportReport`.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sourcemark.app import importers
from sourcemark.app.changes import Outcome
from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers import DEFAULT_MAX_BYTES, ExtractedSource
from sourcemark.app.library import ImportResult, Library, Progress
from sourcemark.app.models import Article
from sourcemark.app.naming import clean_name
from sourcemark.app.stories import add_to_story, ensure_story
from sourcemark.app.wording import listing

Extraction = ExtractedSource | ImportFailed
"""What extracting one file gave: its source, or why it cannot be imported."""
Cancelled = Callable[[], bool]

BATCH_SIZE = 200
METADATA_FIELDS = ("title", "outlet", "author", "url", "published")


@dataclass(frozen=True, slots=True)
class ImportedFile:
    name: str
    """The file as the user named it."""
    article_id: str
    title: str


@dataclass(frozen=True, slots=True)
class UnappliedMetadata:
    """Metadata given for a file whose text was already in the library: it was not applied."""

    name: str
    article_id: str
    given: dict[str, str]
    """The given values that differ from the stored source's, by field."""

    @property
    def advice(self) -> str:
        short = self.article_id[:8]
        options = " ".join(f"--{key} {shlex.quote(value)}" for key, value in self.given.items())
        return (
            f"{self.name} is already in the library as {short}, so the "
            f"{listing(list(self.given))} given {'was' if len(self.given) == 1 else 'were'} "
            f"not applied; to change {'it' if len(self.given) == 1 else 'them'}: "
            f"sourcemark edit-source {short} {options}"
        )


@dataclass(slots=True)
class ImportReport:
    """What became of each file of one import."""

    imported: list[ImportedFile] = field(default_factory=list)
    already_present: list[ImportedFile] = field(default_factory=list)
    in_trash: list[ImportedFile] = field(default_factory=list)
    """Files whose text is in the library's trash: restore the source rather than import it."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(file, reason) for each file that could not be imported."""
    not_imported: list[str] = field(default_factory=list)
    """Files left alone: the import was cancelled."""
    unapplied: list[UnappliedMetadata] = field(default_factory=list)
    """Metadata given for files already in the library, which was not applied to them."""
    story: str | None = None
    """The story the sources were filed in, if any."""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(file, warning) for each file imported with a doubt, e.g. an implausibly short text."""

    @property
    def metadata_not_applied(self) -> bool:
        return bool(self.unapplied)

    @property
    def article_ids(self) -> list[str]:
        """Ids of the articles now in the library from these files, new or not."""
        return [f.article_id for f in (*self.imported, *self.already_present)]

    @property
    def headline(self) -> str:
        parts = [f"{len(self.imported):,} imported"]
        if self.already_present:
            parts.append(f"{len(self.already_present):,} already in the library")
        if self.in_trash:
            parts.append(f"{len(self.in_trash):,} in the trash")
        if self.failed:
            parts.append(f"{len(self.failed):,} failed")
        if self.not_imported:
            parts.append(f"{len(self.not_imported):,} not imported (cancelled)")
        if self.warnings:
            parts.append(f"{len(self.warnings):,} to check")
        return ", ".join(parts) + "."

    @property
    def advice(self) -> list[str]:
        """Lines the user should read beside the headline."""
        return [unapplied.advice for unapplied in self.unapplied]


def extract_files(
    paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_BYTES, ocr_language: str | None = None
) -> Iterator[Extraction]:
    """Extract the files, several at once in the worker pool; yielded in order."""
    found = importers.extract_files(paths, max_bytes=max_bytes, ocr_language=ocr_language)
    for path, extraction in found:
        if isinstance(extraction, ImportFailed):
            yield ImportFailed(str(extraction).removeprefix(f"{path}: "))
        else:
            yield extraction


def import_files(
    library: Library,
    paths: Sequence[Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr_language: str | None = None,
    metadata: dict[str, str] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    story: str | None = None,
) -> Outcome[ImportReport]:
    """Import files from disk into the library (scanned PDF pages read in `ocr_language`,
    by default the one in the user's settings; filed in a story, if named)."""
    return import_extractions(
        library,
        [str(path) for path in paths],
        extract_files(paths, max_bytes=max_bytes, ocr_language=ocr_language),
        metadata=metadata,
        progress=progress,
        cancelled=cancelled,
        story=story,
    )


def import_extractions(
    library: Library,
    names: Sequence[str],
    extractions: Iterator[Extraction],
    *,
    metadata: dict[str, str] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    batch_size: int = BATCH_SIZE,
    story: str | None = None,
) -> Outcome[ImportReport]:
    """Store what extracting each named file gave (`extractions`, in the order of `names`).

    `metadata` (title, outlet, author, url, published) overrides what was extracted. With a
    `story` (a name or id; made if there is none), the sources, new or not, are filed in it.
    """
    given = {key: value for key, value in (metadata or {}).items() if value is not None}
    if story is not None:
        clean_name(story)  # a name that cannot be a story's is refused before anything is stored
    report = ImportReport()
    stored_names: list[str] = []
    stored_warnings: list[str] = []

    def sources() -> Iterator[ExtractedSource]:
        for done, name in enumerate(names):
            if cancelled is not None and cancelled():
                report.not_imported.extend(names[done:])
                return
            extraction = next(extractions)
            if isinstance(extraction, ImportFailed):
                report.failed.append((name, str(extraction)))
            else:
                stored_names.append(name)
                stored_warnings.append(extraction.extraction_warning)
                yield extraction.with_metadata(**given)
            if progress is not None:
                progress(done + 1, len(names))

    stored = library.import_many(sources(), batch_size=batch_size)
    for name, warning, result in zip(stored_names, stored_warnings, stored.value, strict=True):
        record = ImportedFile(name, result.article.id, result.article.title)
        if result.in_trash:
            report.in_trash.append(record)
        else:
            (report.imported if result.created else report.already_present).append(record)
        if warning and result.created:
            report.warnings.append((name, warning))
        differing = _not_applied(given, result)
        if differing:
            report.unapplied.append(UnappliedMetadata(name, result.article.id, differing))
    changes = stored.changes
    if story is not None and report.article_ids:
        filed = ensure_story(library, story)
        added = add_to_story(library, filed.value.id, report.article_ids)
        report.story = filed.value.name
        changes = changes | filed.changes | added.changes
    return Outcome(report, changes)


def _not_applied(given: dict[str, str], result: ImportResult) -> dict[str, str]:
    """The given metadata a source already in the library does not have."""
    if result.created:
        return {}
    stored: Article = result.article
    return {key: value for key, value in given.items() if getattr(stored, key) != value.strip()}
