"""Importers: turn a file's bytes into an `ExtractedSource` (normalised text plus metadata).

Every importer raises `ImportFailed` with a reason a journalist can act on; nothing is written
to the library until extraction has fully succeeded.
"""

from sourcemark.app.importers.files import extract, extract_files, read_file
from sourcemark.app.importers.plain import from_pasted_text
from sourcemark.app.importers.source import (
    DEFAULT_MAX_BYTES,
    MAX_FIELD_CHARS,
    ExtractedSource,
    from_extracted_fields,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_FIELD_CHARS",
    "ExtractedSource",
    "extract",
    "extract_files",
    "from_extracted_fields",
    "from_pasted_text",
    "read_file",
]
