"""Full-text search: one Whoosh index over articles and annotations, a cache of SQLite.

`index.SearchIndex` is the entry point; `schema` defines the documents, `query` the query
language, `documents` what is read from SQLite, `snippets` and `results` what a search returns.
"""
