"""Annotated bundles: a story's sources and annotations in one self-checking BagIt zip.

`export_bundle` writes one; `import_bundle` checks one completely and merges it. Both accept
a `progress(done, total)` callable for the window's progress bar.
"""

from sourcemark.app.bundles.export import ExportSummary, export_bundle
from sourcemark.app.bundles.importing import BundleImportReport, Orphan, import_bundle

__all__ = ["BundleImportReport", "ExportSummary", "Orphan", "export_bundle", "import_bundle"]
