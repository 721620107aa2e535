"""Importing from the command line and the desk's shared code: what a re-import says, and how
pasted text is titled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcemark.__main__ import main
from sourcemark.app.dates import parse_published
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.importing import import_extractions
from sourcemark.app.library import Library

TEXT = "Council approves budget\n\nThe council approved the budget on Tuesday.\n"


def test_pasted_text_is_titled_by_its_first_line_cut_at_a_word() -> None:
    first = (
        "The mayor said on Monday that the city would build 10,000 new homes by 2030, "
        "a pledge critics called unrealistic given the budget"
    )
    title = from_pasted_text(f"{first}\n\nMore text.").title
    assert title == (
        "The mayor said on Monday that the city would build 10,000 new homes by 2030, "
        "a pledge critics…"
    )
    assert first.startswith(title.removesuffix("…")) and len(title) <= 100
    assert from_pasted_text("  Press call notes\nx").title == "Press call notes"
    assert from_pasted_text("x" * 150).title == "x" * 99 + "…"  # no word to cut at


def _import(library: Library, **metadata: str) -> list[str]:
    source = from_pasted_text(TEXT)
    report = import_extractions(library, ["budget.txt"], iter([source]), metadata=metadata).value
    return report.advice


def test_metadata_given_for_a_source_already_here_is_named_with_the_command_to_apply_it(
    bare_library: Library,
) -> None:
    assert _import(bare_library, outlet="City Desk") == []
    (article,) = bare_library.articles()
    advice = _import(bare_library, title="Budget vote", outlet="City Desk", url="https://x.org/a b")
    assert advice == [
        f"budget.txt is already in the library as {article.id[:8]}, so the title and url given "
        f"were not applied; to change them: sourcemark edit-source {article.id[:8]} "
        "--title 'Budget vote' --url 'https://x.org/a b'"
    ]
    assert bare_library.article(article.id).title == "Council approves budget"  # unchanged
    assert _import(bare_library, outlet="City Desk") == []  # what it already has: nothing to say


def test_the_command_line_says_the_metadata_was_not_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story, lib = tmp_path / "budget.txt", str(tmp_path / "lib")
    story.write_text(TEXT, encoding="utf-8")
    assert main(["import", str(story), "--library", lib]) == 0
    capsys.readouterr()
    assert main(["import", str(story), "--title", "Budget vote", "--library", lib]) == 0
    out, err = capsys.readouterr()
    article_id = out.split()[4]  # "already in the library: ID title (file)"
    assert out.startswith("already in the library: ")
    assert err.splitlines() == [
        f"sourcemark: warning: {story} is already in the library as {article_id}, so the title "
        f"given was not applied; to change it: sourcemark edit-source {article_id} "
        "--title 'Budget vote'"
    ]
    assert main(["import", str(story), "--title", "Budget vote", "--json", "--library", lib]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["metadata_not_applied"] is True
    assert report["advice"] == [err.splitlines()[0].removeprefix("sourcemark: warning: ")]


def test_a_date_that_is_not_one_is_told_every_accepted_form() -> None:
    with pytest.raises(
        SourcemarkError, match="'May 2020' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"
    ):
        parse_published("May 2020")
    assert parse_published("2020-05") == "2020-05"
