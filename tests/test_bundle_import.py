"""Import: the round trip, merging by id and by text, conflicts, re-anchoring and orphans."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcemark.app.bundles import export_bundle, import_bundle
from sourcemark.app.bundles.importing import _Merge
from sourcemark.app.errors import BundleError, InvalidAnnotation, SourcemarkError
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import DeletedAnnotation, Library
from sourcemark.app.models import Annotation, Kind, Verdict
from sourcemark.app.opening import open_library
from tests.bundle_support import STORY, annotated_library, exported, snapshot


def open_bare(path: Path) -> Library:
    return open_library(path, with_index=False)


def library_content(library: Library) -> tuple[Any, ...]:
    """Articles with their originals, annotations and links, in a comparable form."""
    return (
        sorted(
            (str(library.article(s.id).to_dict()), library.original(s.id))
            for s in library.articles()
        ),
        sorted(str(a.to_dict()) for a in library.annotations()),
        sorted(str(link.to_dict()) for link in library.links()),
    )


def test_round_trip_into_an_empty_library_then_nothing_changes(
    bare_library: Library, tmp_path: Path
) -> None:
    annotated_library(bare_library)
    bundle = exported(bare_library, tmp_path / "b.zip")
    with open_bare(tmp_path / "other") as other:
        report = import_bundle(other, bundle).value
        assert (report.articles_added, report.added, report.links_added) == (2, 4, 2)
        assert library_content(other) == library_content(bare_library)
        before = snapshot(other)
        again = import_bundle(other, bundle).value
        assert snapshot(other) == before
    assert (again.articles_matched, again.unchanged, again.added, again.updated) == (2, 4, 0, 0)
    assert (again.conflicting, again.orphaned, again.links_added) == (0, 0, 0)


def test_a_source_already_present_under_another_id_receives_the_annotations(
    bare_library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(bare_library)
    bundle = exported(bare_library, tmp_path / "b.zip")
    with open_bare(tmp_path / "other") as other:
        local = other.import_source(from_pasted_text(STORY, "mine.txt")).value.article
        report = import_bundle(other, bundle).value
        assert (report.articles_added, report.articles_matched) == (1, 1)
        assert other.annotation(ids["claim"]).article_id == local.id
        assert len(other.annotations(local.id)) == 3
        assert {a.id for a in other.articles()} == {local.id, ids["statement"]}


def test_a_change_made_on_one_side_only_wins_and_the_old_version_is_kept(
    bare_library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(bare_library)
    with open_bare(tmp_path / "other") as other:
        import_bundle(other, exported(bare_library, tmp_path / "first.zip"))
        bare_library.edit_annotation(ids["claim"], note="Police confirm 4%", verdict="false")
        report = import_bundle(other, exported(bare_library, tmp_path / "second.zip")).value
        assert (report.updated, report.unchanged, report.conflicting) == (1, 3, 0)
        assert other.annotation(ids["claim"]) == bare_library.annotation(ids["claim"])
        assert [h["reason"] for h in other.history(ids["claim"])] == ["edited"]
        assert other.history(ids["claim"])[0]["record"]["note"] == "Check the police data"

        other.edit_annotation(ids["quote"], speaker="Eric Adams")
        report = import_bundle(other, tmp_path / "second.zip").value
        assert (report.updated, report.unchanged, report.conflicting) == (0, 4, 0)
        assert other.annotation(ids["quote"]).speaker == "Eric Adams"


def test_a_change_on_both_sides_keeps_the_newer_and_saves_the_other(
    bare_library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(bare_library)
    with open_bare(tmp_path / "other") as other:
        import_bundle(other, exported(bare_library, tmp_path / "first.zip"))
        bare_library.edit_annotation(ids["claim"], note="theirs (older)")
        theirs = exported(bare_library, tmp_path / "theirs.zip")
        other.edit_annotation(ids["claim"], note="mine (newer)")
        mine = exported(other, tmp_path / "mine.zip")

        report = import_bundle(other, theirs).value
        assert (report.conflicting, report.updated, report.unchanged) == (1, 0, 3)
        assert other.annotation(ids["claim"]).note == "mine (newer)"
        saved = [(h["reason"], h["record"]["note"]) for h in other.history(ids["claim"])]
        assert saved[-1] == ("merge_conflict", "theirs (older)")
        before = snapshot(other)
        assert import_bundle(other, theirs).value.conflicting == 0
        assert snapshot(other) == before

        report = import_bundle(bare_library, mine).value
        assert report.conflicting == 1
        assert bare_library.annotation(ids["claim"]).note == "mine (newer)"
        saved = [(h["reason"], h["record"]["note"]) for h in bare_library.history(ids["claim"])]
        assert saved[-1] == ("merge_conflict", "theirs (older)")


def test_annotations_are_reanchored_in_a_changed_text_and_orphans_are_kept(
    bare_library: Library, tmp_path: Path
) -> None:
    ids = annotated_library(bare_library)
    story = bare_library.article(ids["story"])
    bundle = exported(bare_library, tmp_path / "b.zip")
    changed = "UPDATED 9:40. " + story.text.replace("the drop was 4%, not 40%", "it is unclear")
    with open_bare(tmp_path / "other") as other:
        other.db.table("articles").insert(
            {
                **story.to_dict(),
                "text": changed,
                "text_sha256": hashlib.sha256(changed.encode()).hexdigest(),
            }
        )
        report = import_bundle(other, bundle).value
        assert (report.added, report.orphaned, report.links_added) == (3, 1, 1)
        assert [o.annotation_id for o in report.orphans] == [ids["rebuttal"]]
        claim = other.annotation(ids["claim"])
        assert changed[claim.start : claim.end] == "crime fell 40% last year"
        assert claim.start == bare_library.annotation(ids["claim"]).start + len("UPDATED 9:40. ")
        kept = other.db.execute("SELECT record FROM orphaned_annotations").fetchall()
        assert '"rebuts"' in kept[0][0] and ids["claim"] in kept[0][0]
        before = snapshot(other)
        assert import_bundle(other, bundle).value.orphaned == 1
        assert snapshot(other) == before


def test_import_reports_progress_up_to_the_end(bare_library: Library, tmp_path: Path) -> None:
    annotated_library(bare_library)
    bundle = exported(bare_library, tmp_path / "b.zip")
    seen: list[tuple[int, int]] = []
    with open_bare(tmp_path / "other") as other:
        import_bundle(other, bundle, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (1000, 1000) and seen == sorted(seen)


_TEXT = st.text(
    st.characters(exclude_categories=["Cs", "Cc"], include_characters="\n"),
    min_size=1,
    max_size=80,
)
_WORDS = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_TEXT, min_size=1, max_size=3), data=st.data())
def test_any_library_exports_and_imports_back_identically(
    texts: list[str], data: st.DataObject
) -> None:
    """Whatever a user does (annotate, edit, change kinds, link, unlink, delete, restore), the
    library exports into a bundle that an empty library imports back identically, and that
    the library itself imports without a change."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with open_bare(root / "a") as source, open_bare(root / "b") as target:
            _fill(source, texts, data)
            export_bundle(source, root / "x.zip")
            import_bundle(target, root / "x.zip")
            assert library_content(target) == library_content(source)
            before = snapshot(source)
            import_bundle(source, root / "x.zip")
            assert snapshot(source) == before


def _fill(library: Library, texts: list[str], data: st.DataObject) -> None:
    """Import the texts, then make a drawn sequence of the changes a user can make."""
    articles = []
    for text in texts:
        try:
            articles.append(library.import_source(from_pasted_text(text)).value.article)
        except SourcemarkError:
            continue  # text a user could not import either (blank once normalised)
    if not articles:
        return
    deleted: list[DeletedAnnotation] = []
    for _ in range(data.draw(st.integers(0, 12))):
        # In the order they were made: ids are random, and draws must not depend on them.
        existing = sorted(library.annotations(), key=lambda a: a.created_at)
        step = data.draw(st.sampled_from(_STEPS if existing else ["annotate"]))
        try:
            if step == "annotate":
                article = data.draw(st.sampled_from(articles))
                start = data.draw(st.integers(0, len(article.text) - 1))
                end = data.draw(st.integers(start + 1, len(article.text)))
                kind = data.draw(st.sampled_from(Kind))
                verdict = data.draw(st.sampled_from(Verdict)) if kind is Kind.CLAIM else None
                library.annotate(
                    article.id, kind, start, end, note=data.draw(_WORDS),
                    speaker=data.draw(_WORDS), verdict=verdict,
                )  # fmt: skip
            elif step == "restore" and deleted:
                library.restore_annotation(
                    deleted.pop(data.draw(st.integers(0, len(deleted) - 1))).annotation.id
                )
            elif step != "restore":
                _change(
                    library, step, data.draw(st.sampled_from(existing)), existing, data, deleted
                )
        except InvalidAnnotation:
            pass  # refused with a message, as a user would be: nothing changed


_STEPS = ["annotate", "edit", "kind", "link", "unlink", "delete", "restore"]


def _change(
    library: Library,
    step: str,
    annotation: Annotation,
    existing: list[Annotation],
    data: st.DataObject,
    deleted: list[DeletedAnnotation],
) -> None:
    if step == "edit":
        verdict = data.draw(st.sampled_from(Verdict)) if annotation.kind is Kind.CLAIM else None
        library.edit_annotation(
            annotation.id, note=data.draw(_WORDS), speaker=data.draw(_WORDS), verdict=verdict
        )
    elif step == "kind":
        library.edit_annotation(
            annotation.id,
            kind=data.draw(st.sampled_from(Kind)),
            drop_links=data.draw(st.booleans()),
        )
    elif step == "link":
        library.link(annotation.id, data.draw(st.sampled_from(existing)).id)
    elif step == "unlink":
        for link in library.links(annotation.id):
            library.unlink(link.from_id, link.to_id, link.relation)
    elif step == "delete":
        deleted.append(library.delete_annotation(annotation.id).value)


def test_a_failure_half_way_leaves_the_library_as_it_was(
    bare_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotated_library(bare_library)
    bundle = exported(bare_library, tmp_path / "b.zip")
    real = _Merge.merge_annotation
    calls = []

    def fail_on_the_third(merge: _Merge, annotation: Any) -> None:
        calls.append(annotation.id)
        if len(calls) == 3:
            raise sqlite3.IntegrityError("disk trouble")
        real(merge, annotation)

    monkeypatch.setattr(_Merge, "merge_annotation", fail_on_the_third)
    with open_bare(tmp_path / "other") as other:
        before = snapshot(other)
        with pytest.raises(BundleError, match="does not fit this library"):
            import_bundle(other, bundle)
        assert snapshot(other) == before
