"""Deletions travel in bundles and obey the merge rules (app/merging.py): what a bundle
deleted goes to the trash unless it changed here since; an old bundle never brings a deleted
record back silently; a restoration travels; stories are recreated and merged by name."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcemark.app.bundles import export_bundle, import_bundle
from sourcemark.app.errors import InvalidAnnotation, NotFound
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Kind, StoryStatus
from sourcemark.app.opening import open_library
from sourcemark.app.sources import edit_source
from sourcemark.app.stories import (
    add_to_story,
    create_story,
    find_story,
    set_story_status,
    story_summaries,
    tag_source,
    tags_of,
)
from sourcemark.app.trash import delete_source, empty_trash, restore_source, trash
from tests.bundle_support import annotated_library, exported, snapshot


def open_bare(path: Path) -> Library:
    return open_library(path, with_index=False)


def state(library: Library) -> dict[str, Any]:
    """What a library holds, comparably. What is in the trash does not travel (only the
    deletions do), so two libraries agree when they hold the same live records: a record
    both have is then live on both sides or in the trash on both."""
    sources = library.db.execute(
        "SELECT id, title, outlet FROM articles WHERE tombstone_id IS NULL ORDER BY id"
    ).fetchall()
    return {
        "sources": sources,
        "annotations": sorted(str(a.to_dict()) for a in library.annotations()),
        "links": sorted(str(link.to_dict()) for link in library.links()),
    }


def test_deletions_travel_and_an_old_bundle_brings_nothing_back(
    bare_library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(bare_library)
    old = exported(bare_library, tmp_path / "old.zip")
    with open_bare(tmp_path / "other") as other:
        import_bundle(other, old)
        delete_source(bare_library, ids["statement"])
        bare_library.delete_annotation(ids["quote"])
        new = exported(bare_library, tmp_path / "new.zip")

        report = import_bundle(other, new).value
        assert {(e.target_type, e.target_id) for e in report.deleted} == {
            ("article", ids["statement"]),
            ("annotation", ids["quote"]),
        }
        assert state(other) == state(bare_library)
        assert {i.target_id for i in trash(other)} == {ids["statement"], ids["quote"]}
        before = snapshot(other)
        assert import_bundle(other, new).value.deleted == []  # the same bundle again: nothing
        assert snapshot(other) == before

        stale = import_bundle(other, old).value
        assert {e.target_id for e in stale.kept_in_trash} == {ids["statement"], ids["quote"]}
        assert stale.needs_attention and any("stays in the trash" in d for d in stale.details())
        assert state(other) == state(bare_library)


def test_a_change_made_after_the_deletion_wins_on_both_sides(
    bare_library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(bare_library)
    with open_bare(tmp_path / "other") as other:
        import_bundle(other, exported(bare_library, tmp_path / "base.zip"))
        bare_library.delete_annotation(ids["claim"])  # deleted here first...
        other.edit_annotation(ids["claim"], note="Police confirm 4%")  # ...changed there later
        deletion = exported(bare_library, tmp_path / "deletion.zip")
        change = exported(other, tmp_path / "change.zip")

        kept = import_bundle(other, deletion).value
        assert [e.target_id for e in kept.kept_despite_deletion] == [ids["claim"]]
        assert other.annotation(ids["claim"]).note == "Police confirm 4%"
        back = import_bundle(bare_library, change).value
        assert [e.target_id for e in back.restored] == [ids["claim"]]
        assert bare_library.annotation(ids["claim"]).note == "Police confirm 4%"
        assert state(other) == state(bare_library)


def test_a_restoration_travels_and_an_emptied_trash_refills_from_an_old_bundle(
    bare_library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(bare_library)
    old = exported(bare_library, tmp_path / "old.zip")
    with open_bare(tmp_path / "other") as other:
        import_bundle(other, old)
        delete_source(bare_library, ids["story"])
        import_bundle(other, exported(bare_library, tmp_path / "deleted.zip"))
        assert ids["story"] not in {s.id for s in other.articles()}
        restore_source(bare_library, ids["story"])
        report = import_bundle(other, exported(bare_library, tmp_path / "restored.zip")).value
        assert [e.target_id for e in report.restored] == [ids["story"]]
        assert state(other) == state(bare_library)

        delete_source(other, ids["story"])
        empty_trash(other)
        assert other.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        again = import_bundle(other, old).value
        assert [e.target_id for e in again.kept_in_trash] == [ids["story"]]
        assert [i.target_id for i in trash(other)] == [ids["story"]]
        assert ids["story"] not in {s.id for s in other.articles()}


def test_a_story_is_recreated_and_merged_into_one_of_the_same_name(
    bare_library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(bare_library)
    story = create_story(bare_library, "Crime figures", "Is crime down?").value
    add_to_story(bare_library, story.id, [ids["story"]])
    set_story_status(bare_library, story.id, "published")
    tag_source(bare_library, ids["story"], ["crime", "police"])
    bundle = tmp_path / "story.zip"
    export_bundle(bare_library, bundle, story="crime figures")
    with open_bare(tmp_path / "fresh") as fresh:
        import_bundle(fresh, bundle)
        recreated = find_story(fresh, "Crime figures")
        assert (recreated.id, recreated.description) == (story.id, "Is crime down?")
        assert recreated.status is StoryStatus.PUBLISHED
        assert fresh.article_ids(story_id=story.id) == [ids["story"]]
        assert [a.id for a in fresh.articles()] == [ids["story"]]  # the story's sources only
        assert tags_of(fresh, ids["story"]) == ["crime", "police"]
    with open_bare(tmp_path / "desk") as desk:
        mine = create_story(desk, "CRIME FIGURES").value
        report = import_bundle(desk, bundle).value
        assert (report.stories_added, report.stories_merged) == (0, 1)
        (only,) = story_summaries(desk)
        assert only.story.id == mine.id and only.sources == 1
        assert only.story.name == "CRIME FIGURES"  # made after the bundle: its details stay


# --- the property: two libraries with deletions converge through bundles -------------------

_TEXTS = (
    "The mayor said crime fell by 40 percent last year across the city.",
    "Police data show the drop was 4 percent, and burglaries rose.",
    "The union says the figures are simply wrong in five boroughs.",
)
_ACTIONS = [
    "annotate",
    "edit",
    "delete annotation",
    "restore annotation",
    "delete source",
    "restore source",
    "edit source",
    "link",
    "empty trash",
]


def _act(library: Library, data: st.DataObject, round_: int) -> None:
    action = data.draw(st.sampled_from(_ACTIONS))
    live = sorted(library.annotations(), key=lambda a: a.created_at)
    sources = sorted(library.articles(), key=lambda s: s.imported_at)
    in_trash = sorted(trash(library), key=lambda i: i.deleted_at)
    try:
        if action == "annotate" and sources:
            article = library.article(data.draw(st.sampled_from(sources)).id)
            start = data.draw(st.integers(0, len(article.text) - 2))
            end = data.draw(st.integers(start + 1, min(len(article.text), start + 20)))
            library.annotate(article.id, data.draw(st.sampled_from(Kind)), start, end)
        elif action == "edit" and live:
            target = data.draw(st.sampled_from(live))
            library.edit_annotation(target.id, note=f"note {round_} {data.draw(st.integers(0, 9))}")
        elif action == "delete annotation" and live:
            library.delete_annotation(data.draw(st.sampled_from(live)).id)
        elif action == "restore annotation":
            annotations = [i for i in in_trash if i.target_type == "annotation"]
            if annotations:
                library.restore_annotation(data.draw(st.sampled_from(annotations)).target_id)
        elif action == "delete source" and sources:
            delete_source(library, data.draw(st.sampled_from(sources)).id)
        elif action == "restore source":
            articles = [i for i in in_trash if i.target_type == "article"]
            if articles:
                restore_source(library, data.draw(st.sampled_from(articles)).target_id)
        elif action == "edit source" and sources:
            edit_source(library, data.draw(st.sampled_from(sources)).id, outlet=f"Desk {round_}")
        elif action == "link":
            rebuttals = [a for a in live if a.kind is Kind.REBUTTAL]
            claims = [a for a in live if a.kind is Kind.CLAIM]
            if rebuttals and claims:
                rebuttal = data.draw(st.sampled_from(rebuttals))
                library.link(rebuttal.id, data.draw(st.sampled_from(claims)).id)
        elif action == "empty trash":
            empty_trash(library)
    except (InvalidAnnotation, NotFound):
        pass  # refused with a message, as a user would be: nothing changed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_two_libraries_with_deletions_converge_through_bundles(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with open_bare(root / "a") as a, open_bare(root / "b") as b:
            for text in _TEXTS:
                a.import_source(from_pasted_text(text))
            for round_ in range(3):
                _act(a, data, round_)
            base = root / "base.zip"
            export_bundle(a, base)
            import_bundle(b, base)
            assert state(b) == state(a)
            for round_ in range(data.draw(st.integers(1, 6))):
                _act(data.draw(st.sampled_from([a, b])), data, round_)
            for step in range(3):  # A to B, B to A, A to B
                giver, taker = (a, b) if step % 2 == 0 else (b, a)
                bundle = root / f"x{step}.zip"
                export_bundle(giver, bundle)
                import_bundle(taker, bundle)
            assert state(a) == state(b)
            converged = state(a)
            import_bundle(a, base)  # an old bundle brings nothing back silently
            assert state(a)["sources"] == converged["sources"]
            assert state(a)["annotations"] == converged["annotations"]
