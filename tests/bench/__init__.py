"""Benchmarks: Sourcemark's figures beside raw Whoosh and SQLite FTS5 on a generated corpus."""
