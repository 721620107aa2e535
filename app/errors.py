"""The app's own error types: expected problems that reach the user as one clear line."""

from __future__ import annotations


class SourcemarkError(Exception):
    """An expected problem (bad input, missing record, busy library): shown, changes nothing.

    `details` holds what a person rarely needs but support does (process ids, paths)."""

    def __init__(self, message: str = "", *, details: str = "") -> None:
        super().__init__(message)
        self.details = details


class NotFound(SourcemarkError):
    """No article or annotation matches the given id."""


class AmbiguousId(SourcemarkError):
    """An id prefix matches more than one record."""


class InvalidAnnotation(SourcemarkError):
    """Offsets, kind, verdict or relation are not acceptable."""


class ImportFailed(SourcemarkError):
    """A source file cannot be imported (empty, binary, unsupported, too large, corrupt)."""


class QueryError(SourcemarkError):
    """A search query cannot be understood."""


class LibraryBusy(SourcemarkError):
    """Another process is writing to this library."""


class LibraryDamaged(SourcemarkError):
    """The library database failed its integrity check."""


class StorageError(SourcemarkError):
    """The library's disk is full or read-only: the change was not saved."""


class BundleError(SourcemarkError):
    """A bundle is malformed, inconsistent or hostile."""


class FetchFailed(SourcemarkError):
    """A web address could not be fetched as a source (network, HTTP status, type, size)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def gone(self) -> bool:
        """The server says the page no longer exists (404 Not Found or 410 Gone)."""
        return self.status in (404, 410)
