"""The core commands end to end, through a real subprocess as a journalist would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcemark.app.opening import open_library
from tests.cli import sourcemark
from tests.conftest import SAMPLE


def test_help_lists_every_command() -> None:
    result = sourcemark("--help", library=None)
    assert result.returncode == 0
    for command in ("import", "articles", "annotate", "annotations", "edit", "delete", "link"):
        assert f"    {command} " in result.stdout
    assert sourcemark("--version", library=None).stdout.startswith("Sourcemark ")


def test_import_annotate_edit_link_delete(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    first = sourcemark(
        "import", str(SAMPLE), "--outlet", "AP", "--published", "2020-01-18", library=lib
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("imported ")
    again = sourcemark("import", str(SAMPLE), library=lib)
    assert again.returncode == 0 and "already in the library" in again.stdout

    articles = json.loads(sourcemark("articles", "--json", library=lib).stdout)
    assert [(a["outlet"], a["published"]) for a in articles] == [("AP", "2020-01-18")]
    article = articles[0]["id"]

    claim = json.loads(
        sourcemark(
            "annotate",
            article[:6],
            "--kind",
            "claim",
            "--quote",
            "the safest big city in America",
            "--speaker",
            "Freddi Goldstein",
            "--verdict",
            "unsupported",
            "--json",
            library=lib,
        ).stdout
    )
    text = SAMPLE.read_text(encoding="utf-8")
    assert text[claim["start"] : claim["end"]] == claim["quote"] == "the safest big city in America"
    assert claim["verdict"] == "unsupported"

    start = text.index("New York City police say")
    rebuttal = json.loads(
        sourcemark(
            "annotate",
            article,
            "--kind",
            "rebuttal",
            "--start",
            str(start),
            "--end",
            str(start + 24),
            "--json",
            library=lib,
        ).stdout
    )
    assert rebuttal["quote"] == "New York City police say"
    linked = sourcemark("link", rebuttal["id"][:8], claim["id"][:8], library=lib)
    assert linked.returncode == 0 and "rebuts" in linked.stdout

    edited = json.loads(
        sourcemark(
            "edit", claim["id"][:8], "--note", "Check FBI data", "--json", library=lib
        ).stdout
    )
    assert edited["note"] == "Check FBI data" and edited["updated_at"] > claim["updated_at"]

    listed = json.loads(
        sourcemark("annotations", article[:8], "--kind", "claim", "--json", library=lib).stdout
    )
    assert [a["id"] for a in listed] == [claim["id"]]
    assert set(listed[0]) >= {"id", "kind", "start", "end", "quote", "note", "speaker", "verdict"}

    assert sourcemark("delete", claim["id"][:8], library=lib).returncode == 0
    remaining = json.loads(sourcemark("annotations", "--json", library=lib).stdout)
    assert [a["id"] for a in remaining] == [rebuttal["id"]]


def test_import_from_stdin(tmp_path: Path) -> None:
    result = sourcemark(
        "import",
        "-",
        "--title",
        "Pasted",
        "--json",
        library=tmp_path / "lib",
        stdin="A statement read from standard input.\r\n",
    )
    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout)["imported"]
    assert imported[0]["title"] == "Pasted" and imported[0]["created"]


def test_user_errors_exit_1_with_one_line(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    sourcemark("import", str(SAMPLE), library=lib)
    ambiguous = sourcemark("annotate", "", "--kind", "quote", "--quote", "the", library=lib)
    assert ambiguous.returncode == 1
    assert ambiguous.stderr.count("\n") == 1 and ambiguous.stderr.startswith("sourcemark: ")
    article = json.loads(sourcemark("articles", "--json", library=lib).stdout)[0]["id"]
    several = sourcemark("annotate", article, "--kind", "quote", "--quote", "the", library=lib)
    assert several.returncode == 1 and "occurs 35 times" in several.stderr
    missing = sourcemark("edit", "ffffffff", "--note", "x", library=lib)
    assert missing.returncode == 1 and "no annotation with id" in missing.stderr
    bad_date = sourcemark("import", str(SAMPLE), "--published", "2020-13-01", library=lib)
    assert bad_date.returncode == 1 and "does not exist" in bad_date.stderr
    usage = sourcemark("annotate", article, library=lib)
    assert usage.returncode == 2


def test_default_library_holds_the_demo_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCEMARK_LIBRARY", str(tmp_path / "default"))
    articles = json.loads(sourcemark("articles", "--json", library=None).stdout)
    assert len(articles) == 1 and articles[0]["outlet"] == "The Associated Press"
    annotations = json.loads(sourcemark("annotations", "--json", library=None).stdout)
    assert len(annotations) >= 12
    assert {"claim", "quote", "rebuttal"} == {a["kind"] for a in annotations}
    demand = [a for a in annotations if a["quote"] == "This is not a request — it’s a demand"]
    assert demand and demand[0]["speaker"] == "Henry Lucero"


def test_listing_works_while_another_process_writes_but_writing_is_refused(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    sourcemark("import", str(SAMPLE), library=lib)
    with open_library(lib, with_index=False):  # this test process is the desk holding the library
        listed = sourcemark("articles", "--json", library=lib)
        assert listed.returncode == 0, listed.stderr
        article = json.loads(listed.stdout)[0]["id"]
        refused = sourcemark(
            "annotate", article, "--kind", "quote", "--quote", "A judge", library=lib
        )
        assert refused.returncode == 1
        assert "being changed by a Sourcemark command" in refused.stderr
        assert "Traceback" not in refused.stderr
