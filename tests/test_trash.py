"""The trash: a deleted source is absent from every read path, comes back whole, and only
emptying the trash destroys it; SQLite refuses what would break the trash's rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sourcemark.app.bundles import export_bundle
from sourcemark.app.bundles.export import collect
from sourcemark.app.errors import InvalidAnnotation, NotFound
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.stories import add_to_story, create_story, story_summaries, tag_source
from sourcemark.app.trash import delete_source, empty_trash, restore_source, trash
from tests.bundle_support import annotated_library, payload


def _everything_visible(library: Library) -> dict[str, object]:
    """What every read path shows: lists, counts, annotations, links, search, stories."""
    assert library.index is not None
    return {
        "articles": sorted(s.id for s in library.articles()),
        "ids": sorted(library.article_ids()),
        "counts": library.counts(),
        "annotations": sorted(a.id for a in library.annotations()),
        "links": sorted((k.from_id, k.to_id) for k in library.links()),
        "speakers": library.speakers(),
        "search": sorted(
            (h.article_id, h.annotation_id or "") for h in library.search("crime OR figures").hits
        ),
        "stories": [(s.story.name, s.sources, s.claims) for s in story_summaries(library)],
        "index documents": library.index.status(library.db).documents,
    }


def test_a_deleted_source_is_absent_everywhere_and_comes_back_whole(
    library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(library)
    story = create_story(library, "Crime").value
    add_to_story(library, story.id, [ids["story"], ids["statement"]])
    tag_source(library, ids["story"], ["crime"])
    before = _everything_visible(library)

    tombstone = delete_source(library, ids["story"]).value
    assert (tombstone.target_id, tombstone.deleted_by) == (ids["story"], library.user)
    after = _everything_visible(library)
    assert after["articles"] == after["ids"] == [ids["statement"]]
    assert after["annotations"] == [ids["union"]]
    assert after["links"] == [] and after["speakers"] == []
    assert all(article == ids["statement"] for article, _ in after["search"])  # type: ignore[attr-defined]
    assert after["stories"] == [("Crime", 1, 0)]
    assert after["index documents"] == 2
    assert library.article_ids(tag="crime") == []
    with pytest.raises(NotFound, match="in the trash"):
        library.article(ids["story"])
    content = collect(library, None, None)
    assert [a.id for a in content.articles] == [ids["statement"]]
    assert ids["story"] not in str(payload(export_bundle_to(library, tmp_path)).keys())
    assert [(i.target_type, i.target_id) for i in trash(library)] == [("article", ids["story"])]

    restored = restore_source(library, ids["story"][:8])
    assert restored.value.id == ids["story"] and not restored.warnings
    assert _everything_visible(library) == before
    assert trash(library) == []


def export_bundle_to(library: Library, folder: Path) -> Path:
    out = folder / "all.zip"
    export_bundle(library, out)
    return out


def test_an_annotation_deleted_on_its_own_stays_in_the_trash_when_its_source_returns(
    library: Library,
) -> None:
    ids = annotated_library(library)
    library.delete_annotation(ids["quote"])
    delete_source(library, ids["story"])
    with pytest.raises(InvalidAnnotation, match="went to the trash with its source"):
        library.restore_annotation(ids["claim"])
    restore_source(library, ids["story"])
    assert ids["quote"] not in {a.id for a in library.annotations()}
    assert ids["claim"] in {a.id for a in library.annotations()}
    assert [i.target_id for i in trash(library)] == [ids["quote"]]
    assert library.restore_annotation(ids["quote"]).value.id == ids["quote"]


def test_a_link_that_no_longer_fits_is_removed_on_restore_and_kept_in_history(
    bare_library: Library,
) -> None:
    ids = annotated_library(bare_library)
    bare_library.delete_annotation(ids["union"])  # a rebuttal of the claim, in another source
    # Only the live rebuttal's link stands in the way; the trashed one's waits in the trash.
    bare_library.edit_annotation(ids["claim"], kind="quote", drop_links=True)
    restored = bare_library.restore_annotation(ids["union"])
    assert restored.warnings and "removed" in restored.warnings[0]
    assert bare_library.links(ids["union"]) == []
    kept = bare_library.history(ids["union"])[-1]["record"]["links"]
    assert kept[0]["to_id"] == ids["claim"]


def test_sqlite_refuses_a_live_annotation_on_a_trashed_source(bare_library: Library) -> None:
    ids = annotated_library(bare_library)
    delete_source(bare_library, ids["statement"])
    with pytest.raises(NotFound, match="in the trash"):
        bare_library.annotate(ids["statement"], "quote", 0, 9)
    with pytest.raises(sqlite3.IntegrityError, match="source is in the trash"):
        bare_library.db.execute(
            'INSERT INTO annotations (id, article_id, kind, start, "end", quote, created_at, '
            "updated_at) VALUES ('x', ?, 'quote', 0, 9, 'Statement', '', '')",
            (ids["statement"],),
        )
    with pytest.raises(sqlite3.IntegrityError, match="source is in the trash"):
        bare_library.db.execute(
            "UPDATE annotations SET tombstone_id = NULL WHERE id = ?", (ids["union"],)
        )


def test_importing_the_text_of_a_trashed_source_says_so(bare_library: Library) -> None:
    ids = annotated_library(bare_library)
    delete_source(bare_library, ids["statement"])
    text = bare_library.db.execute(
        "SELECT text FROM articles WHERE id = ?", (ids["statement"],)
    ).fetchone()[0]
    again = bare_library.import_source(from_pasted_text(text)).value
    assert (again.created, again.in_trash, again.article.id) == (False, True, ids["statement"])


def test_emptying_the_trash_destroys_only_what_is_old_enough(bare_library: Library) -> None:
    ids = annotated_library(bare_library)
    delete_source(bare_library, ids["story"])
    bare_library.delete_annotation(ids["union"])
    assert empty_trash(bare_library, older_than_days=1).value.sources == 0
    emptied = empty_trash(bare_library).value
    assert (emptied.sources, emptied.annotations) == (1, 1)
    stored = bare_library.db.execute("SELECT count(*) FROM annotations").fetchone()[0]
    assert stored == 0 and bare_library.history(ids["claim"]) == []
    assert trash(bare_library) == []
    # The deletions are remembered, marked purged, for bundles and sync to honour.
    purged = bare_library.db.execute(
        "SELECT count(*) FROM tombstones WHERE purged_at IS NOT NULL"
    ).fetchone()[0]
    assert purged >= 2
    with pytest.raises(NotFound, match="no article"):
        restore_source(bare_library, ids["story"])
