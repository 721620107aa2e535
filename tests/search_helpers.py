"""Small builders shared by the search tests."""

from __future__ import annotations

from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Article
from sourcemark.app.search.index import SearchResults

CITY_WORDS = (
    "city",
    "council",
    "budget",
    "police",
    "housing",
    "vote",
    "mayor",
    "tax",
    "rent",
    "tenants",
    "school",
    "board",
)
"""A small news vocabulary for generated documents."""


def add_article(library: Library, text: str, **metadata: str) -> Article:
    """Import `text` as a source with the given title, outlet, author or published date."""
    return library.import_source(from_pasted_text(text).with_metadata(**metadata)).value.article


def hit_ids(results: SearchResults) -> set[str]:
    """The annotation id of each annotation hit and the article id of each article hit."""
    return {hit.annotation_id or hit.article_id for hit in results.hits}
