"""Stories and tags: the service operations, and the story and tag filters of lists and search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sourcemark.app.errors import NotFound, QueryError, SourcemarkError
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.importing import import_extractions
from sourcemark.app.library import Library
from sourcemark.app.models import StoryStatus
from sourcemark.app.stories import (
    StoryExists,
    add_to_story,
    all_tags,
    create_story,
    delete_story,
    find_story,
    remove_from_story,
    rename_story,
    restore_story,
    set_story_status,
    stories_of,
    story_summaries,
    tag_source,
    tags_of,
    untag_source,
)


def _source(library: Library, text: str, **metadata: str) -> str:
    source = from_pasted_text(text).with_metadata(**metadata)
    return library.import_source(source).value.article.id


def test_a_story_name_is_unique_ignoring_case_in_every_script(library: Library) -> None:
    story = create_story(library, "  Élections   municipales ", "Who runs the city").value
    assert (story.name, story.status) == ("Élections municipales", StoryStatus.OPEN)
    for taken in ("élections MUNICIPALES", "ÉLECTIONS municipales"):
        with pytest.raises(StoryExists, match="already exists"):
            create_story(library, taken)
    assert find_story(library, "ÉLECTIONS  MUNICIPALES").id == story.id
    with pytest.raises(SourcemarkError, match="needs a name"):
        create_story(library, "   ")
    # SQLite itself refuses a second live story with the same folded name.
    with pytest.raises(sqlite3.IntegrityError):
        library.db.execute(
            "INSERT INTO stories (id, name, folded_name, created_at, updated_at) "
            "VALUES ('x', 'Other', ?, '', '')",
            ("élections municipales",),
        )


def test_rename_status_delete_and_restore(library: Library) -> None:
    budget = create_story(library, "City budget").value
    create_story(library, "Police")
    with pytest.raises(StoryExists):
        rename_story(library, "city budget", "POLICE")
    renamed = rename_story(library, "city budget", "City Budget 2025").value
    assert renamed.name == "City Budget 2025" and renamed.updated_at > budget.updated_at
    assert rename_story(library, renamed.id, "city budget 2025").value.name == "city budget 2025"
    assert set_story_status(library, renamed.id, "published").value.status is StoryStatus.PUBLISHED
    with pytest.raises(SourcemarkError, match="unknown status"):
        set_story_status(library, renamed.id, "done")

    article = _source(library, "The council approved the budget.")
    add_to_story(library, renamed.id, [article])
    delete_story(library, "city budget 2025")
    assert [s.story.name for s in story_summaries(library)] == ["Police"]
    assert library.article(article).id == article  # its sources stay in the library
    with pytest.raises(NotFound, match="in the trash"):
        find_story(library, "city budget 2025")
    newer = create_story(library, "City budget 2025").value  # free while the other is trashed
    with pytest.raises(StoryExists):
        restore_story(library, "city budget 2025")
    delete_story(library, newer.id)
    assert restore_story(library, renamed.id).value.id == renamed.id  # by id: that one
    assert library.article_ids(story_id=renamed.id) == [article]
    delete_story(library, renamed.id)
    # By name: the one deleted last.
    assert restore_story(library, "City Budget 2025").value.id == renamed.id


def test_sources_belong_to_several_stories_and_counts_follow(library: Library) -> None:
    first = _source(library, "The mayor said crime fell by 40 percent.", published="2024-05-01")
    second = _source(library, "Police data show a 4 percent drop.", published="2024-05-03")
    budget, crime = (create_story(library, name).value for name in ("Budget", "Crime"))
    assert add_to_story(library, "crime", [first, second[:8]]).value == [first, second]
    assert add_to_story(library, "crime", [first]).value == []  # already in it
    add_to_story(library, "budget", [first])
    library.annotate_quote(first, "claim", "crime fell by 40 percent", verdict="false")
    library.annotate_quote(second, "rebuttal", "a 4 percent drop")
    summaries = {s.story.name: s for s in story_summaries(library)}
    assert (summaries["Crime"].sources, summaries["Crime"].claims) == (2, 1)
    assert (summaries["Crime"].rebuttals, summaries["Budget"].sources) == (1, 1)
    assert [s.name for s in stories_of(library, first)] == ["Budget", "Crime"]
    assert library.article_ids(story_id=crime.id) == [second, first]
    assert [a.article_id for a in library.annotations(story_id=budget.id)] == [first]
    assert remove_from_story(library, "crime", [first]).value == [first]
    assert library.article_ids(story_id=crime.id) == [second]


def test_tags_are_words_folded_to_lower_case(library: Library) -> None:
    article = _source(library, "The council approved the budget.")
    assert tag_source(library, article, ["Budget", "#council", "budget"]).value == [
        "budget",
        "council",
    ]
    assert tags_of(library, article) == ["budget", "council"]
    with pytest.raises(SourcemarkError, match="not one word"):
        tag_source(library, article, ["city budget"])
    assert untag_source(library, article, ["COUNCIL", "nope"]).value == ["council"]
    assert all_tags(library) == [("budget", 1)]
    assert library.article_ids(tag="budget") == [article]


def test_search_by_story_and_tag_in_the_query_and_as_a_filter(library: Library) -> None:
    first = _source(library, "The budget deficit grew again this year.")
    second = _source(library, "A budget surplus was announced by the region.")
    story = create_story(library, "City budget").value
    add_to_story(library, story.id, [first])
    library.annotate_quote(second, "claim", "budget surplus")
    tag_source(library, second, ["region"])

    def found(query: str, story_id: str | None = None) -> set[str]:
        return {hit.article_id for hit in library.search(query, story_id=story_id).hits}

    assert found("budget") == {first, second}
    assert found('story:"city budget" budget') == {first}
    assert found('budget NOT story:"City Budget"') == {second}
    assert found("budget tag:Region") == {second}
    assert found("budget", story_id=story.id) == {first}
    assert found("kind:claim", story_id=story.id) == set()
    with pytest.raises(QueryError, match="no story named 'nope'"):
        library.search('story:"nope"')
    # Filing a source in a story needs no index work: the next search sees it at once.
    add_to_story(library, story.id, [second])
    assert found('story:"city budget" budget') == {first, second}


def test_import_files_the_sources_in_a_story_made_if_needed(
    library: Library, tmp_path: Path
) -> None:
    texts = [from_pasted_text("First source."), from_pasted_text("Second source.")]
    report = import_extractions(library, ["one.txt", "two.txt"], iter(texts), story="Housing").value
    story = find_story(library, "housing")
    assert report.story == "Housing"
    assert sorted(library.article_ids(story_id=story.id)) == sorted(report.article_ids)
    again = import_extractions(library, ["one.txt"], iter(texts[:1]), story="housing").value
    assert again.already_present and len(story_summaries(library)) == 1
    with pytest.raises(SourcemarkError, match="needs a name"):
        import_extractions(library, ["x.txt"], iter([from_pasted_text("Third.")]), story=" ")
    assert library.counts()["articles"] == 2  # the refused story name stopped the import first
