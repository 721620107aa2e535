"""Capturing sources from the web: fetching pages as evidence (WARC), their versions, and what
changed between two fetches."""
