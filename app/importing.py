"""Importing many sources at once, as the desk and the command line both do it.

Each file is extracted on its own, several at once in the worker pool (a failure is recorded
with its reason and the others go on); the sources are stored in batches, a transaction each,
and the search index is brought up to date once at the end. A cancel stops between files, so
every file is either fully imported or left alone. Both faces word their summary from the same
`ImportReport`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sourcemark.app import importers
from sourcemark.app.changes import Outcome
from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers import DEFAULT_MAX_BYTES, ExtractedSource
from sourcemark.app.library import Library, Progress
from sourcemark.app.wording import count

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


@dataclass(slots=True)
class ImportReport:
    """What became of each file of one import."""

    imported: list[ImportedFile] = field(default_factory=list)
    already_present: list[ImportedFile] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(file, reason) for each file that could not be imported."""
    not_imported: list[str] = field(default_factory=list)
    """Files left alone: the import was cancelled."""
    metadata_not_applied: bool = False
    """Metadata was given, but some files were already in the library: it was not applied."""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(file, warning) for each file imported with a doubt, e.g. an implausibly short text."""

    @property
    def article_ids(self) -> list[str]:
        """Ids of the articles now in the library from these files, new or not."""
        return [f.article_id for f in (*self.imported, *self.already_present)]

    @property
    def headline(self) -> str:
        parts = [f"{len(self.imported):,} imported"]
        if self.already_present:
            parts.append(f"{len(self.already_present):,} already in the library")
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
        if not self.metadata_not_applied:
            return []
        return [
            f"The metadata given was not applied to the {count(len(self.already_present), 'file')}"
            " already in the library: change a source's details with `sourcemark edit-source`."
        ]


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
) -> Outcome[ImportReport]:
    """Import files from disk into the library (scanned PDF pages read in `ocr_language`,
    by default the one in the user's settings)."""
    return import_extractions(
        library,
        [str(path) for path in paths],
        extract_files(paths, max_bytes=max_bytes, ocr_language=ocr_language),
        metadata=metadata,
        progress=progress,
        cancelled=cancelled,
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
) -> Outcome[ImportReport]:
    """Store what extracting each named file gave (`extractions`, in the order of `names`).

    `metadata` (title, outlet, author, url, published) overrides what was extracted.
    """
    given = {key: value for key, value in (metadata or {}).items() if value is not None}
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
        (report.imported if result.created else report.already_present).append(record)
        if warning and result.created:
            report.warnings.append((name, warning))
    report.metadata_not_applied = bool(given) and bool(report.already_present)
    return Outcome(report, stored.changes)
