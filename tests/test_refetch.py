"""Refetching: a page that changes between fetches gives versions, a per-source report, and
annotations that follow the text (same, edited, removed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sourcemark.app.capture.fetch import FetchLimits
from sourcemark.app.capture.importing import import_urls
from sourcemark.app.capture.refetch import RefetchStatus, refetch
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import PassageStatus
from sourcemark.db import queries
from tests.cli import sourcemark
from tests.web_server import WebServer, article_page

QUICK = FetchLimits(connect_seconds=2, read_seconds=2, total_seconds=10)
TITLE = "Harbour budget approved after long debate"
ORIGINAL = [
    "The council approved the harbour budget on Tuesday after a six-hour debate.",
    "\u201cThis is the safest harbour in the country,\u201d the mayor said at the close.",
    "Opposition members said the figures had not been checked by the auditor general.",
    "The budget takes effect in July and runs for two years.",
]


def imported(library: Library, web: WebServer, paragraphs: list[str] = ORIGINAL) -> str:
    url = web.serve("/story", article_page(TITLE, paragraphs, boilerplate="at 09:00"))
    return import_urls(library, [url], limits=QUICK).value.article_ids[0]


def republish(web: WebServer, paragraphs: list[str], boilerplate: str = "at 09:00") -> None:
    web.serve("/story", article_page(TITLE, paragraphs, boilerplate=boilerplate))


def test_a_new_timestamp_in_the_boilerplate_is_unchanged(library: Library, web: WebServer) -> None:
    article_id = imported(library, web)
    republish(web, ORIGINAL, boilerplate="at 17:45 on a later day")
    (result,) = refetch(library, [article_id], limits=QUICK).value.results
    assert result.status is RefetchStatus.UNCHANGED and result.version == 1
    assert [v.number for v in library.versions(article_id)] == [1]
    assert len(library.captures(article_id)) == 2


def test_an_edited_quote_a_removed_and_an_added_paragraph(library: Library, web: WebServer) -> None:
    article_id = imported(library, web)
    quote = library.annotate_quote(article_id, "quote", "This is the safest harbour in the country")
    claim = library.annotate_quote(
        article_id, "claim", "had not been checked by the auditor general"
    )
    kept = library.annotate_quote(article_id, "claim", "takes effect in July")
    republish(
        web,
        [
            ORIGINAL[0],
            ORIGINAL[1].replace("the safest harbour", "one of the safest harbours"),
            "A new paragraph says the vote was 7 to 4.",
            ORIGINAL[3],
        ],
    )
    outcome = refetch(library, [article_id], limits=QUICK)
    (result,) = outcome.value.results
    assert result.status is RefetchStatus.CHANGED and result.version == 2
    assert result.detail == "2 paragraphs changed"  # one edited, one replaced by a new one
    article = library.article(article_id)
    assert article.version == 2 and "7 to 4" in article.text
    assert article_id in outcome.changes.articles

    edited = library.annotation(quote.value.id)
    assert (edited.status, edited.version) == (PassageStatus.EDITED, 2)
    assert edited.annotated_quote == "This is the safest harbour in the country"
    assert edited.quote == "This is one of the safest harbours in the country"
    assert article.text[edited.start : edited.end] == edited.quote

    removed = library.annotation(claim.value.id)
    assert (removed.status, removed.version) == (PassageStatus.REMOVED, 1)
    assert library.version_text(article_id, 1)[removed.start : removed.end] == removed.quote

    same = library.annotation(kept.value.id)
    assert (same.status, same.version, same.quote) == (
        PassageStatus.SAME,
        2,
        "takes effect in July",
    )
    assert article.text[same.start : same.end] == same.quote
    assert queries.misanchored_annotations(library.db) == 0  # each checked in its own version
    assert {(p.status, p.annotated) for p in result.passages} == {
        (PassageStatus.EDITED, "This is the safest harbour in the country"),
        (PassageStatus.REMOVED, "had not been checked by the auditor general"),
    }


def test_added_paragraphs_only_keep_every_passage_same(library: Library, web: WebServer) -> None:
    article_id = imported(library, web)
    note = library.annotate_quote(article_id, "quote", "the safest harbour in the country")
    republish(web, ["Update: the mayor later clarified her remarks.", *ORIGINAL])
    (result,) = refetch(library, [article_id], limits=QUICK).value.results
    assert result.detail == "1 paragraph added"
    moved = library.annotation(note.value.id)
    assert (moved.status, moved.version) == (PassageStatus.SAME, 2)
    assert moved.start > note.value.start


def test_a_gone_page_and_a_failing_server_are_reported(library: Library, web: WebServer) -> None:
    article_id = imported(library, web)
    web.serve("/story", "<html><body>no</body></html>", status=404)
    (gone,) = refetch(library, [article_id], limits=QUICK).value.results
    assert (gone.status, gone.detail) == (RefetchStatus.GONE, "HTTP 404")
    web.serve("/story", "<html><body>no</body></html>", status=503)
    (failed,) = refetch(library, [article_id], limits=QUICK).value.results
    assert failed.status is RefetchStatus.FAILED
    assert failed.detail == f"{web.url('/story')}: HTTP 503 Service Unavailable"
    assert library.article(article_id).version == 1


def test_a_source_without_an_address_fails_with_a_reason(library: Library) -> None:
    article = library.import_source(from_pasted_text("Typed in by hand.")).value.article
    (result,) = refetch(library, [article.id]).value.results
    assert (result.status, result.detail) == (
        RefetchStatus.FAILED,
        "it has no web address to fetch",
    )


def test_versions_stay_immutable_and_anchored_in_sqlite(library: Library, web: WebServer) -> None:
    article_id = imported(library, web)
    with pytest.raises(sqlite3.IntegrityError, match="never changes"):
        library.db.execute(
            "UPDATE article_versions SET text = 'x' WHERE article_id = ?", (article_id,)
        )
    with pytest.raises(sqlite3.IntegrityError, match="stays as long"):
        library.db.execute("DELETE FROM article_versions WHERE article_id = ?", (article_id,))
    with pytest.raises(sqlite3.IntegrityError, match="newest stored version"):
        library.db.execute("UPDATE articles SET text = 'Other text.' WHERE id = ?", (article_id,))
    note = library.annotate_quote(article_id, "quote", "the safest harbour").value
    with pytest.raises(sqlite3.IntegrityError, match="does not match"):
        library.db.execute("UPDATE annotations SET version = 2 WHERE id = ?", (note.id,))


def test_the_commands_a_reporter_uses(tmp_path: Path, web: WebServer) -> None:
    lib = tmp_path / "lib"
    url = web.serve("/story", article_page(TITLE, ORIGINAL))
    done = sourcemark("import", url, "--json", library=lib)
    article_id = json.loads(done.stdout)["imported"][0]["id"]
    quote = "This is the safest harbour in the country"
    sourcemark("annotate", article_id, "--kind", "quote", "--quote", quote, library=lib)
    republish(web, [ORIGINAL[0], ORIGINAL[1].replace("the safest", "a safe"), *ORIGINAL[2:]])

    done = sourcemark("refetch", article_id[:8], library=lib)
    assert done.returncode == 0, done.stderr
    assert f"{article_id[:8]} {TITLE}: changed: version 2 (1 paragraph changed)" in done.stdout
    assert "edited" in done.stdout and "'This is a safe harbour in the country'" in done.stdout

    notes = json.loads(sourcemark("annotations", article_id, "--json", library=lib).stdout)
    assert [(n["status"], n["version"], n["annotated_quote"]) for n in notes] == [
        ("edited", 2, "This is the safest harbour in the country")
    ]
    versions = json.loads(sourcemark("versions", article_id, "--json", library=lib).stdout)
    assert [(v["number"], v["capture"]["final_url"]) for v in versions] == [(1, url), (2, url)]
    diff = sourcemark("diff", article_id, library=lib).stdout
    assert "[-the safest-]{+a safe+}" in diff
    assert sourcemark("refetch", library=lib).returncode == 1  # neither ids nor --all
    done = sourcemark("refetch", "--all", library=lib)
    assert "Refetched 1 source: 1 unchanged." in done.stdout


def test_search_covers_the_latest_version_and_all_versions_on_request(
    library: Library, web: WebServer
) -> None:
    article_id = imported(library, web)
    republish(web, [ORIGINAL[0], ORIGINAL[1].replace("safest", "calmest"), *ORIGINAL[2:]])
    refetch(library, [article_id], limits=QUICK)
    assert [h.article_id for h in library.search("calmest").hits] == [article_id]
    assert library.search("safest").hits == []
    (earlier,) = library.search_earlier_versions("safest")
    assert (earlier.article_id, earlier.version) == (article_id, 1)
    old = library.version_text(article_id, 1)
    assert old[earlier.start : earlier.end] == "safest"
    assert library.search_earlier_versions("calmest") == []


def test_refetch_a_story_fetches_its_sources_with_an_address_only(
    tmp_path: Path, web: WebServer
) -> None:
    lib = tmp_path / "lib"
    first = web.serve("/first", article_page("First", ORIGINAL))
    second = web.serve("/second", article_page("Second", ORIGINAL[:2]))
    web.serve("/elsewhere", article_page("Not in the story", ORIGINAL[2:]))
    done = sourcemark("import", first, second, "--story", "Harbour", "--json", library=lib)
    assert done.returncode == 0, done.stderr
    sourcemark("import", web.url("/elsewhere"), library=lib)
    sourcemark("import", "-", "--story", "Harbour", stdin="Notes typed by hand.", library=lib)
    web.serve("/second", article_page("Second", [ORIGINAL[0], "A new second paragraph."]))

    done = sourcemark("refetch", "--story", "harbour", "--json", library=lib)
    assert done.returncode == 0, done.stderr
    results = {r["title"]: r["status"] for r in json.loads(done.stdout)}
    assert results == {"First": "unchanged", "Second": "changed"}
    refused = sourcemark("refetch", "--story", "Harbour", "--all", library=lib)
    assert refused.returncode == 1 and "one of them" in refused.stderr


def test_an_annotation_moved_onto_a_new_version_keeps_its_old_placement_in_its_history(
    library: Library, web: WebServer
) -> None:
    article_id = imported(library, web)
    quote = library.annotate_quote(article_id, "quote", "This is the safest harbour").value
    republish(web, [ORIGINAL[0], ORIGINAL[1].replace("safest", "calmest"), *ORIGINAL[2:]])
    refetch(library, [article_id], limits=QUICK)
    moved = library.annotation(quote.id)
    assert moved.version == 2 and moved.updated_at > quote.updated_at
    (earlier,) = library.history(quote.id)
    assert earlier["record"]["version"] == 1 and earlier["record"]["quote"] == quote.quote
