"""Stories, tags, the trash, source edits, history, citations and story bundles from the
command line, through a real subprocess (the logic is tested at the service level; here each
command is run once as a journalist would)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli import sourcemark

STORY = (
    "The council approved the \u201cbudget\u201d \u2014 a record $4m \u2014 on Monday.\n\n"
    "Critics said the deficit was hidden."
)
POLICE = "Police said crime fell 40% last year."


def _json(*args: str, library: Path) -> Any:
    result = sourcemark(*args, "--json", library=library)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _ok(*args: str, library: Path, stdin: str | None = None) -> str:
    result = sourcemark(*args, library=library, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_stories_tags_filters_and_a_story_bundle(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(POLICE, encoding="utf-8")
    out = _ok("import", str(tmp_path / "a.txt"), "--story", "City Budget", library=lib)
    assert "filed in the story 'City Budget'" in out
    (article,) = [a["id"] for a in _json("articles", "--story", "city budget", library=lib)]
    _ok("import", str(tmp_path / "b.txt"), library=lib)
    taken = sourcemark("story", "new", "CITY BUDGET", library=lib)
    assert taken.returncode == 1 and "already exists" in taken.stderr
    new = _json("story", "new", "Crime", "--description", "Is it down?", library=lib)
    assert new["status"] == "open"
    police = [a["id"] for a in _json("articles", library=lib) if a["id"] != article][0]
    _ok("story", "add", "crime", police[:8], library=lib)
    _ok("tag", police, "Police", "stats", library=lib)
    assert [a["id"] for a in _json("articles", "--tag", "police", library=lib)] == [police]
    _ok("annotate", article, "--kind", "claim", "--quote", '"budget" - a record $4m',
        "--speaker", "Mayor", "--verdict", "false", library=lib)  # fmt: skip

    stories = {s["name"]: s for s in _json("stories", library=lib)}
    assert (stories["City Budget"]["sources"], stories["City Budget"]["claims"]) == (1, 1)
    assert {"verdict": "False", "claims": 1} in stories["City Budget"]["verdicts"]
    assert stories["City Budget"]["speakers"] == [{"speaker": "Mayor", "claims": 1, "quotes": 0}]
    hits = _json("search", 'story:"city budget" OR tag:police', library=lib)["hits"]
    assert {h["article_id"] for h in hits} == {article, police}
    hits = _json("search", "crime OR budget", "--story", "crime", library=lib)["hits"]
    assert {h["article_id"] for h in hits} == {police}
    assert "Claims by verdict" in _ok("story", "show", "city budget", library=lib)
    _ok("story", "delete", "crime", library=lib)
    assert [s["name"] for s in _json("stories", library=lib)] == ["City Budget"]

    bundle = tmp_path / "story.zip"
    exported = _json("export", "--story", "city budget", "--out", str(bundle), library=lib)
    assert exported["articles"] == 1
    report = _json("import-bundle", str(bundle), library=tmp_path / "other")
    assert (report["articles_added"], report["stories_added"]) == (1, 1)


def test_trash_edits_show_history_revert_cite_and_duplicate_urls(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    url = ("--url", "https://x.example/a")
    _ok("import", "-", "--title", "Budget vote", *url, library=lib, stdin=STORY)
    _ok("import", "-", "--url", "https://x.example/a/", library=lib, stdin=POLICE)
    article = [a["id"] for a in _json("articles", library=lib) if a["title"] == "Budget vote"][0]
    claim = _json("annotate", article, "--kind", "claim", "--quote", "a record $4m", library=lib)
    typo = ("--quote", "the deficit was hiden")
    near = sourcemark("annotate", article, "--kind", "quote", *typo, library=lib)
    assert near.returncode == 1 and "did you mean 'the deficit was hidden'" in near.stderr
    checked = sourcemark("check", library=lib)
    assert "2 sources share the URL https://x.example/a" in checked.stdout

    edited = _json("edit-source", article[:8], "--outlet", "Ledger", "--author", "Jane Smith",
                   "--published", "2024-09-03", library=lib)  # fmt: skip
    assert (edited["outlet"], edited["published"]) == ("Ledger", "2024-09-03")
    shown = _json("show", article, library=lib)
    (only,) = shown["annotations"]
    assert shown["text"][only["start"] : only["end"]] == "a record $4m"

    _ok("edit", claim["id"], "--note", "check minutes", library=lib)
    history = _json("history", claim["id"], library=lib)
    assert history["versions"][1]["changes"] == [
        {"field": "note", "before": "", "after": "check minutes"}
    ]
    assert _json("revert", claim["id"], "1", library=lib)["note"] == ""
    assert _ok("cite", claim["id"], "--style", "chicago", library=lib).startswith(
        "\u201ca record $4m\u201d\nJane Smith, \u201cBudget vote,\u201d Ledger, September 3, 2024"
    )

    _ok("delete-source", article[:8], library=lib)
    assert _json("search", "deficit", library=lib)["total"] == 0
    (item,) = _json("trash", library=lib)
    assert (item["target_id"], item["target_type"]) == (article, "article")
    gone = sourcemark("show", article, library=lib)
    assert gone.returncode == 1 and "restore-source" in gone.stderr
    _ok("restore-source", article, library=lib)
    assert _json("search", "deficit", library=lib)["total"] == 1
    _ok("delete-source", article, library=lib)
    assert "Nothing to remove" in _ok("empty-trash", "--older-than", "2", library=lib)
    assert "Removed for good: 1 source" in _ok("empty-trash", library=lib)
