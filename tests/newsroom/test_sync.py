"""Two laptops, one newsroom: sharing, syncing, offline edits merged by the rules, and a
reporter of another desk who sees none of it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import psycopg

from sourcemark.app.capture.record import PageCapture
from sourcemark.app.capture.refetch import store_fetched
from sourcemark.app.importers import ExtractedSource
from sourcemark.app.library import Library
from sourcemark.app.newsroom import replica, team
from sourcemark.app.opening import open_library
from sourcemark.app.sources import edit_source
from sourcemark.app.stories import add_to_story, create_story
from sourcemark.app.trash import delete_source
from tests.cli import sourcemark
from tests.newsroom.conftest import Newsroom, Reporter
from tests.newsroom.laptops import TEXT, article, converged, laptop, server_dump, sync_once


def test_a_shared_story_and_its_annotations_reach_the_other_laptop(
    tmp_path: Path, newsroom: Newsroom, desk: tuple[Reporter, Reporter]
) -> None:
    alice_r, bob_r = desk
    alice = laptop(tmp_path, "alice", alice_r)
    bob = laptop(tmp_path, "bob", bob_r)
    source = alice.article(article(alice, "Mayor"))
    story = create_story(alice, "Crime figures").value
    add_to_story(alice, story.name, [source.id])
    claim = alice.annotate_quote(source.id, "claim", "the safest big city in America").value
    team.share(alice, story.name, "Metro")
    assert sync_once(alice).value.pushed > 0
    sync_once(bob)
    assert bob.annotation(claim.id).quote == claim.quote
    mine = bob.annotate_quote(source.id, "rebuttal", "violent crime fell by 4 percent").value
    bob.edit_annotation(claim.id, verdict="false", note="FBI data disagree")
    sync_once(bob)
    sync_once(alice)
    assert alice.annotation(mine.id).kind.value == "rebuttal"
    assert alice.annotation(claim.id).note == "FBI data disagree"
    sync_once(bob)
    assert replica.dump(alice.db) == replica.dump(bob.db) == server_dump(newsroom, "Metro")
    creators = {row[0]: row[1] for row in alice.db.execute("SELECT id, creator FROM annotations")}
    assert creators[mine.id] == "bob"
    assert creators[claim.id] == "bob"  # bob made its current version
    path = alice.path
    alice.close()
    exported = sourcemark(
        "export", "--story", "Crime figures", "--out", tmp_path / "b.zip", library=path
    )
    assert exported.returncode == 0, exported.stderr
    with zipfile.ZipFile(tmp_path / "b.zip") as bundle:
        name = next(n for n in bundle.namelist() if n.endswith("annotations.jsonld"))
        items = json.loads(bundle.read(name))["first"]["items"]
        report = bundle.read(next(n for n in bundle.namelist() if n.endswith("report.html")))
    assert {item["creator"]["name"] for item in items} == {"bob"}
    # The claims table names who made the claim; the margin notes, the claim and the rebuttal.
    assert report.decode().count("<p class='by'>by bob</p>") == 3
    alice = open_library(path)
    alice.close()
    bob.close()


def test_offline_edits_on_two_laptops_merge_by_the_rules(
    newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    alice, bob, ids = shared
    # A day offline: both edit the claim (bob last); bob deletes the quote, alice edits it
    # afterwards; alice deletes the second source, which bob leaves alone.
    alice.edit_annotation(ids["claim"], note="alice's note")
    bob.edit_annotation(ids["claim"], note="bob's note")
    bob.delete_annotation(ids["quote"])
    alice.edit_annotation(ids["quote"], note="still needed")
    delete_source(alice, ids["second"])
    sync_once(alice)
    bob_round = sync_once(bob).value
    sync_once(alice)
    for library in (alice, bob):
        assert library.annotation(ids["claim"]).note == "bob's note"
        assert library.annotation(ids["quote"]).note == "still needed"  # edited after deletion
        assert ids["second"] not in library.article_ids()  # deleted, untouched elsewhere
    # Conflicts are reported where they were met (the claim edited twice, the quote deleted
    # and edited), and the losing version kept in the history.
    assert {c.record_id for c in bob_round.conflicts} == {ids["claim"], ids["quote"]}
    kept = {entry["record"]["note"]: entry["record"] for entry in bob.history(ids["claim"])}
    assert kept["alice's note"]["creator"] == "alice"  # who made the version that lost
    path = bob.path
    bob.close()
    listed = [
        line[26:]  # after the number and the time
        for line in sourcemark("history", ids["claim"], library=path).stdout.splitlines()
        if not line.startswith("    ")  # what changed, under each version
    ]
    assert listed[-2:] == [
        "merge_conflict  claim · unverified  by alice",
        "current         claim · unverified  by bob",
    ]
    bob = open_library(path)
    assert "alice's note" in [entry["record"]["note"] for entry in alice.history(ids["claim"])]
    assert converged(newsroom, "Metro", alice, bob)


def test_what_this_laptop_pushed_coming_back_is_no_conflict(
    newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    alice, bob, ids = shared
    # alice's own versions come back in her next round; edited again meanwhile, they are her
    # past, not a colleague's concurrent edit.
    alice.edit_annotation(ids["claim"], note="first thought")
    edit_source(alice, ids["first"], title="Mayor: safest city")
    sync_once(alice)
    alice.edit_annotation(ids["claim"], note="second thought")
    edit_source(alice, ids["first"], title="Mayor: the safest big city")
    assert sync_once(alice).value.conflicts == []
    assert alice.annotation(ids["claim"]).note == "second thought"
    assert alice.article(ids["first"]).title == "Mayor: the safest big city"
    # A colleague's edit made meanwhile still is one.
    bob.edit_annotation(ids["claim"], note="bob's thought")
    sync_once(bob)
    alice.edit_annotation(ids["claim"], note="third thought")
    assert [c.record_id for c in sync_once(alice).value.conflicts] == [ids["claim"]]
    sync_once(bob)
    assert converged(newsroom, "Metro", alice, bob)


def test_a_reporter_of_another_desk_sees_none_of_it(
    tmp_path: Path, newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    newsroom.desk("Politics")
    carol_r = newsroom.reporter("carol", "Politics")
    carol = laptop(tmp_path, "carol", carol_r)
    report = sync_once(carol).value
    assert report.pulled == 0 and carol.articles() == []
    carol.close()
    with psycopg.connect(carol_r.login) as conn:
        for table in ("records", "changes"):
            assert conn.execute(f"SELECT count(*) FROM sourcemark.{table}").fetchone() == (0,)


def test_private_stories_never_leave_the_laptop(
    newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    alice, bob, _ = shared
    private = article(alice, "Private", "A tip from a source who must stay anonymous. " * 2)
    story = create_story(alice, "Tips").value
    add_to_story(alice, story.name, [private])
    alice.annotate_quote(private, "quote", "must stay anonymous", occurrence=1)
    sync_once(alice)
    with newsroom.admin() as conn:
        rows = conn.execute(
            "SELECT count(*) FROM sourcemark.changes WHERE body::text LIKE %s", ("%anonymous%",)
        ).fetchone()
    assert rows == (0,)


def test_search_team_finds_what_the_desk_shared(
    tmp_path: Path, newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    alice, bob, ids = shared
    hits = team.search_team(bob, "safest cities", kind="claim")
    assert [hit.id for hit in hits] == [ids["claim"]]
    assert hits[0].stories == ["Crime figures"] and hits[0].creator == "alice"
    assert "«safest»" in hits[0].snippet and "«city»" in hits[0].snippet
    assert (hits[0].source_title, hits[0].start, hits[0].end) == ("Mayor", 27, 57)
    path = bob.path
    bob.close()
    found = sourcemark("search", "--team", "safest", "--kind", "claim", "--json", library=path)
    assert found.returncode == 0, found.stderr
    assert [hit["id"] for hit in json.loads(found.stdout)] == [ids["claim"]]
    text = sourcemark("search", "--team", "police data", library=path).stdout
    assert f"quote      {ids['quote'][:8]} Metro [Crime figures] by alice" in text


def test_a_new_version_of_a_shared_source_reaches_the_desk_with_its_passages(
    newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    alice, bob, ids = shared
    edited = TEXT.replace("the safest big city", "one of the safest big cities") + " More."
    capture = PageCapture(
        "https://example.org/mayor",
        "https://example.org/mayor",
        "2024-05-02T10:00:00Z",
        200,
        (("content-type", "text/html"),),
        "text/html",
        "0" * 64,
        b"",
    )
    extracted = ExtractedSource(
        title="Mayor",
        text=edited,
        source_format="html",
        original=edited.encode(),
        filename="mayor.html",
        capture=capture,
    )
    assert store_fetched(alice, ids["first"], extracted).value.version == 2
    sync_once(alice)
    sync_once(bob)
    source = bob.article(ids["first"])
    assert (source.version, source.text) == (2, edited)
    assert bob.version_text(ids["first"], 1) == TEXT
    quote = bob.annotation(ids["quote"])
    assert (quote.version, quote.quote) == (2, "Police data show")
    assert bob.annotation(ids["claim"]).status.value == "edited"
    assert converged(newsroom, "Metro", alice, bob)


def test_have_we_checked_this_before_across_the_newsroom(
    tmp_path: Path, newsroom: Newsroom, shared: tuple[Library, Library, dict[str, str]]
) -> None:
    alice, _, ids = shared
    alice.edit_annotation(ids["claim"], verdict="false")
    sync_once(alice)
    carol = laptop(tmp_path, "carol", newsroom.reporter("carol", "Metro"))
    found = team.checked_before(carol, "Is it really the safest big city in America?")
    assert [hit.id for _, hit in found] == [ids["claim"]]  # carol's library holds none of it
    assert found[0][1].verdict == "false" and found[0][0] > 0.5
    assert team.checked_before(carol, "The port reopened on Tuesday morning") == []
    path = carol.path
    carol.close()
    shown = sourcemark(
        "similar", "--text", "the safest big city in America", "--team", library=path
    )
    assert shown.returncode == 0, shown.stderr
    assert f"false         {ids['claim'][:8]}  the safest big city in America" in shown.stdout
