"""The library service on a fresh temporary library: imports, annotations, links, history."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlite_utils.db import Database

from sourcemark.app.errors import AmbiguousId, InvalidAnnotation, NotFound
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Kind, Relation, Verdict
from sourcemark.app.trash import empty_trash
from sourcemark.db import writes

TEXT = "The mayor said crime fell 😀 sharply. Police disputed it. The mayor said crime fell."


def _article(lib: Library, text: str = TEXT) -> str:
    return lib.import_source(
        from_pasted_text(text).with_metadata(title="T", outlet="O")
    ).value.article.id


def test_import_is_deduplicated_by_content(bare_library: Library) -> None:
    first = bare_library.import_source(from_pasted_text("Same words.\r\n")).value
    again = bare_library.import_source(from_pasted_text("Same words.\n")).value
    assert first.created and not again.created
    assert again.article.id == first.article.id
    assert bare_library.counts()["articles"] == 1


def test_import_keeps_the_original_bytes(bare_library: Library) -> None:
    article = bare_library.import_source(from_pasted_text("Line one\r\nline two")).value.article
    filename, content = bare_library.original(article.id)
    assert content == b"Line one\r\nline two"
    assert article.text == "Line one\nline two"


def test_import_many_batches_and_reports_progress(bare_library: Library) -> None:
    seen: list[tuple[int, int]] = []
    sources = [from_pasted_text(f"Article number {n}.") for n in range(5)] + [
        from_pasted_text("Article number 0.")
    ]
    results = bare_library.import_many(
        sources, total=6, progress=lambda d, t: seen.append((d, t)), batch_size=4
    ).value
    assert [r.created for r in results] == [True] * 5 + [False]
    assert seen == [(4, 6), (6, 6)]
    assert bare_library.counts()["articles"] == 5


def test_annotate_by_quote_after_emoji_keeps_exact_offsets(bare_library: Library) -> None:
    article_id = _article(bare_library)
    note = bare_library.annotate_quote(
        article_id, "claim", "sharply", speaker="Ann", verdict="mostly-false"
    ).value
    text = bare_library.article(article_id).text
    assert text[note.start : note.end] == "sharply"
    assert note.verdict is Verdict.MOSTLY_FALSE and note.speaker == "Ann"


def test_ambiguous_quote_needs_an_occurrence(bare_library: Library) -> None:
    article_id = _article(bare_library)
    with pytest.raises(InvalidAnnotation, match="occurs 2 times"):
        bare_library.annotate_quote(article_id, "quote", "The mayor said crime fell")
    second = bare_library.annotate_quote(
        article_id, "quote", "The mayor said crime fell", occurrence=2
    ).value
    assert second.start == TEXT.rindex("The mayor said crime fell")


def test_verdicts_belong_to_claims_only(bare_library: Library) -> None:
    article_id = _article(bare_library)
    claim = bare_library.annotate(article_id, Kind.CLAIM, 0, 9).value
    quote = bare_library.annotate(article_id, Kind.QUOTE, 0, 9).value
    assert claim.verdict is Verdict.UNVERIFIED and quote.verdict is None
    with pytest.raises(InvalidAnnotation, match="only claims carry a verdict, and this is a quote"):
        bare_library.annotate(article_id, Kind.QUOTE, 0, 9, verdict="false")
    with pytest.raises(InvalidAnnotation, match="only claims carry a verdict"):
        bare_library.edit_annotation(quote.id, verdict="true")
    assert bare_library.annotation(quote.id) == quote
    with pytest.raises(InvalidAnnotation, match="unknown verdict"):
        bare_library.annotate(article_id, Kind.CLAIM, 0, 9, verdict="pants on fire")


def test_edit_keeps_previous_version_in_history(bare_library: Library) -> None:
    article_id = _article(bare_library)
    claim = bare_library.annotate(article_id, "claim", 0, 9, note="first").value
    edited = bare_library.edit_annotation(claim.id[:8], note="second", verdict="false").value
    assert edited.note == "second" and edited.verdict is Verdict.FALSE
    assert edited.updated_at > claim.updated_at
    history = bare_library.history(claim.id)
    assert [h["record"]["note"] for h in history] == ["first"]
    assert bare_library.edit_annotation(claim.id, note="second").value == edited  # no-op edit


def test_kind_change_drops_or_adds_verdict(bare_library: Library) -> None:
    article_id = _article(bare_library)
    claim = bare_library.annotate(article_id, "claim", 0, 9, verdict="true").value
    as_quote = bare_library.edit_annotation(claim.id, kind="quote")
    assert as_quote.value.verdict is None
    assert as_quote.warnings == (
        "the verdict 'True' was dropped: only claims carry a verdict, and this is now a quote",
    )
    assert bare_library.edit_annotation(claim.id, kind="claim").value.verdict is Verdict.UNVERIFIED


def test_delete_and_restore_bring_back_links(bare_library: Library) -> None:
    article_id = _article(bare_library)
    claim = bare_library.annotate(article_id, "claim", 0, 9).value
    rebuttal = bare_library.annotate(article_id, "rebuttal", 37, 53).value
    bare_library.link(rebuttal.id, claim.id)
    deleted = bare_library.delete_annotation(claim.id).value
    assert bare_library.links() == []
    bare_library.restore_annotation(deleted.annotation.id)
    assert bare_library.annotation(claim.id) == claim
    assert [(lk.from_id, lk.to_id) for lk in bare_library.links()] == [(rebuttal.id, claim.id)]


def test_links_cross_articles_and_are_validated(bare_library: Library) -> None:
    first, second = _article(bare_library), _article(bare_library, "Another source disputes it.")
    claim = bare_library.annotate(first, "claim", 0, 9).value
    rebuttal = bare_library.annotate(second, "rebuttal", 0, 7).value
    quote = bare_library.annotate(second, "quote", 8, 14).value
    link = bare_library.link(rebuttal.id, claim.id).value
    assert link.relation is Relation.REBUTS
    with pytest.raises(InvalidAnnotation, match="'rebuts' links a rebuttal to a claim"):
        bare_library.link(quote.id, claim.id)
    assert bare_library.link(quote.id, claim.id, "supports").value.relation is Relation.SUPPORTS
    with pytest.raises(InvalidAnnotation, match="itself"):
        bare_library.link(claim.id, claim.id, "same_claim")


def test_ids_resolve_by_unique_prefix(bare_library: Library) -> None:
    article_id = _article(bare_library)
    assert bare_library.resolve_article_id(article_id[:6].upper()) == article_id
    for missing in ("zzzz", "%", "_", article_id[:4] + "%"):  # no wildcards: ids as written
        with pytest.raises(NotFound):
            bare_library.resolve_article_id(missing)
    ids = [article_id] + [_article(bare_library, f"Source {n}.") for n in range(16)]
    shared = next(c for c in "0123456789abcdef" if sum(i.startswith(c) for i in ids) > 1)
    with pytest.raises(AmbiguousId, match="ambiguous") as refused:
        bare_library.resolve_article_id(shared)  # 17 ids over 16 hex digits: one must repeat
    candidates = sorted(i for i in ids if i.startswith(shared))[:3]
    for candidate in candidates:  # each named with its title, so the user can pick
        title = bare_library.article(candidate).title
        assert f"{candidate[:12]} “{title}”" in str(refused.value)
    assert "give more of the id" in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(NotFound, match="no article id given"):
        bare_library.resolve_article_id("  ")


def test_database_refuses_a_quote_that_does_not_match(bare_library: Library) -> None:
    article_id = _article(bare_library)
    with pytest.raises(sqlite3.IntegrityError, match="does not match"):
        bare_library.db.execute(
            'INSERT INTO annotations (id, article_id, kind, start, "end", quote, '
            "created_at, updated_at) VALUES ('x', ?, 'quote', 0, 3, 'Thx', '', '')",
            (article_id,),
        )
    # A text changes only by becoming a new stored version (refetch): never in place.
    with pytest.raises(sqlite3.IntegrityError, match="changes only to its newest stored version"):
        bare_library.db.execute("UPDATE articles SET text = 'new'")


def test_every_change_queues_an_index_update_in_the_same_transaction(bare_library: Library) -> None:
    article_id = _article(bare_library)
    note = bare_library.annotate(article_id, "quote", 0, 9).value
    bare_library.delete_annotation(note.id)  # into the trash: the index drops what is not live
    empty_trash(bare_library)  # destroyed for good
    rows = bare_library.db.execute("SELECT doc_type, op FROM index_outbox ORDER BY seq").fetchall()
    assert rows == [
        ("article", "upsert"),
        ("annotation", "upsert"),
        ("annotation", "upsert"),
        ("annotation", "delete"),
    ]


def test_failed_write_leaves_nothing_behind(
    bare_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = from_pasted_text("Half-written article.")

    real_insert = writes._insert

    def disk_full_on_second_table(db: Database, table: str, row: dict[str, Any]) -> None:
        if table == "originals":  # the article row is already written by now
            raise sqlite3.OperationalError("database or disk is full")
        real_insert(db, table, row)

    monkeypatch.setattr(writes, "_insert", disk_full_on_second_table)
    with pytest.raises(sqlite3.OperationalError):
        bare_library.import_source(source)
    assert bare_library.counts()["articles"] == 0
    assert bare_library.db.execute("SELECT count(*) FROM index_outbox").fetchone()[0] == 0


def test_an_ambiguous_annotation_prefix_names_each_candidate_by_its_passage(
    bare_library: Library,
) -> None:
    article_id = _article(bare_library, " ".join(f"w{n}x" for n in range(17)))
    made = [bare_library.annotate_quote(article_id, "quote", f"w{n}x").value for n in range(17)]
    shared = next(c for c in "0123456789abcdef" if sum(a.id.startswith(c) for a in made) > 1)
    with pytest.raises(AmbiguousId) as refused:
        bare_library.resolve_annotation_id(shared)
    for annotation in sorted((a for a in made if a.id.startswith(shared)), key=lambda a: a.id)[:3]:
        assert f"{annotation.id[:12]} quote “{annotation.quote}”" in str(refused.value)
