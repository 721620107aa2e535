"""Sourcemark's domain: library service, importers, anchoring, search and bundles. No Qt here."""

__version__ = "0.1.0"
