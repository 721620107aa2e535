"""Sourcemark's domain: library service, importers, anchoring, search and bundles. No Qt here."""
