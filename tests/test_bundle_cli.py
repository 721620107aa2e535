"""The `export` and `import-bundle` commands, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcemark.app.opening import open_library
from tests.bundle_support import annotated_library
from tests.cli import sourcemark


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    with open_library(tmp_path / "mine", with_index=False) as library:
        return tmp_path / "mine", annotated_library(library)


def test_export_then_import_bundle_twice(made: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    mine, _ = made
    out = tmp_path / "story.zip"
    done = sourcemark("export", "--library", mine, "--out", out, "--all")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Exported 2 sources, 4 annotations and 2 links")
    first = sourcemark("import-bundle", "--library", tmp_path / "theirs", out)
    assert first.returncode == 0, first.stderr
    assert "2 new sources (0 already here), 4 new annotations, 0 updated" in first.stdout
    second = sourcemark("import-bundle", "--library", tmp_path / "theirs", out, "--json")
    counts = json.loads(second.stdout)
    assert (counts["added"], counts["unchanged"], counts["links_added"]) == (0, 4, 0)


def test_export_of_chosen_articles_and_kind_as_json(
    made: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    mine, ids = made
    out = tmp_path / "claims.zip"
    done = sourcemark(
        "export", "--library", mine, "--out", out, ids["story"][:8], "--kind", "claim", "--json"
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["articles"], summary["annotations"], summary["links"]) == (1, 1, 0)
    assert summary["bytes"] == out.stat().st_size


def test_usage_and_user_errors_have_their_exit_codes(
    made: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    mine, _ = made
    neither = sourcemark("export", "--library", mine, "--out", tmp_path / "x.zip")
    assert neither.returncode == 2 and "--all" in neither.stderr
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip")
    refused = sourcemark("import-bundle", "--library", mine, fake)
    assert refused.returncode == 1
    assert refused.stderr.startswith("sourcemark: ") and refused.stderr.count("\n") == 1
    assert "not a readable zip file" in refused.stderr
