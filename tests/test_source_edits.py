"""Correcting a source's details, showing a source, and sources that share a URL."""

from __future__ import annotations

import pytest

from sourcemark.app.errors import SourcemarkError
from sourcemark.app.health import check_library
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.sources import edit_source, metadata_history, source_record, url_key
from sourcemark.app.stories import add_to_story, create_story, tag_source
from sourcemark.app.trash import delete_source


def _source(library: Library, text: str, **metadata: str) -> str:
    source = from_pasted_text(text).with_metadata(**metadata)
    return library.import_source(source).value.article.id


def test_edit_source_changes_details_keeps_the_old_ones_and_reindexes(library: Library) -> None:
    article_id = _source(library, "The council approved the budget.", title="Draft")
    before = library.article(article_id)
    edited = edit_source(library, article_id[:8], title="  Council   passes budget ").value
    assert edited.title == "Council passes budget" and edited.text == before.text
    assert edited.updated_at > before.updated_at
    assert metadata_history(library, article_id)[0]["record"]["title"] == "Draft"
    assert edit_source(library, article_id, title="Council passes budget").changes.empty
    with pytest.raises(SourcemarkError, match="is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"):
        edit_source(library, article_id, published="last Tuesday")
    assert {h.article_id for h in library.search("title:passes").hits} == {article_id}


def test_show_gives_the_text_and_each_annotation_with_its_offsets(library: Library) -> None:
    text = "Crime fell 40% 😀, the mayor said.\n\nPolice data disagree."
    article_id = _source(library, text, url="https://example.com/a")
    claim = library.annotate_quote(article_id, "claim", "the mayor said").value
    story = create_story(library, "Crime").value
    add_to_story(library, story.id, [article_id])
    tag_source(library, article_id, ["police"])
    record = source_record(library, article_id).to_dict()
    assert (
        record["text"] == text and record["stories"] == ["Crime"] and record["tags"] == ["police"]
    )
    (shown,) = record["annotations"]
    assert shown["id"] == claim.id
    assert text[shown["start"] : shown["end"]] == "the mayor said"


def test_sources_with_the_same_url_and_different_texts_are_flagged(library: Library) -> None:
    first = _source(library, "First capture.", url="https://www.Example.com/story/")
    second = _source(library, "Second capture, edited.", url="http://example.com/story#top")
    _source(library, "Elsewhere.", url="https://example.com/other")
    assert url_key("https://www.Example.com/story/") == url_key("http://example.com/story#top")
    assert [i for i, _ in source_record(library, first).same_url] == [second]
    report = check_library(library.path)
    ((url, sources),) = report.duplicate_urls
    assert {i for i, _ in sources} == {first, second}
    assert report.ok and any("share the URL" in line for line in report.advice)
    delete_source(library, second)
    assert check_library(library.path).duplicate_urls == []
