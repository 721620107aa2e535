"""`search`, `similar` and `rebuild-index` through a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcemark.app.opening import open_library
from tests.cli import sourcemark
from tests.search_helpers import add_article


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "lib"
    with open_library(path) as library:
        raid = add_article(
            library,
            "The chief said sanctuary policies are the sole reason for the killing.",
            title="Raid",
            published="2020-01-18",
        )
        echo = add_article(
            library,
            "Critics repeated that sanctuary policies were the sole reason for the killing.",
            title="Echo",
            published="2020-02-01",
        )
        claim = library.annotate_quote(
            raid.id,
            "claim",
            "sanctuary policies are the sole reason",
            speaker="Albence",
            verdict="false",
        ).value
    return path, {"raid": raid.id, "echo": echo.id, "claim": claim.id}


def test_search_prints_hits_as_text_and_json(filled: tuple[Path, dict[str, str]]) -> None:
    path, ids = filled
    text = sourcemark("search", '"sole reason"', library=path)
    assert text.returncode == 0, text.stderr
    assert f"annotation {ids['claim'][:8]}  claim (Albence)" in text.stdout
    assert "«sole reason»" in text.stdout and "3 of 3 results" in text.stdout

    data = json.loads(
        sourcemark("search", "killing", "--kind", "claim", "--json", library=path).stdout
    )
    assert data["total"] == 0  # the claim's quote stops before "killing"
    data = json.loads(
        sourcemark(
            "search", "sanctuary published:2020-01", "--json", "--limit", "5", library=path
        ).stdout
    )
    assert {hit["annotation_id"] or hit["article_id"] for hit in data["hits"]} == {
        ids["raid"],
        ids["claim"],
    }
    claim = next(hit for hit in data["hits"] if hit["doc_type"] == "annotation")
    assert claim["kind"] == "claim" and claim["verdict"] == "false"
    assert set(claim) >= {"start", "end", "snippet", "snippet_html", "score", "title", "outlet"}


def test_search_errors_are_one_line(filled: tuple[Path, dict[str, str]]) -> None:
    path, _ = filled
    for query in ("colour:red", '"open phrase', "published:2020-13"):
        result = sourcemark("search", query, library=path)
        assert result.returncode == 1
        assert result.stderr.startswith("sourcemark: ") and result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr


def test_similar_by_id_prefix(filled: tuple[Path, dict[str, str]]) -> None:
    path, ids = filled
    result = sourcemark("similar", ids["claim"][:6], "--json", library=path)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert hits and hits[0]["article_id"] == ids["echo"]
    assert all(hit["article_id"] != ids["raid"] for hit in hits)
    missing = sourcemark("similar", "zzzz", library=path)
    assert missing.returncode == 1 and "no annotation" in missing.stderr


def test_similar_text_lists_claims_with_verdict_speaker_source_and_score(
    filled: tuple[Path, dict[str, str]],
) -> None:
    path, ids = filled
    statement = "Sanctuary policies were the only reason for the killing"
    result = sourcemark("similar", "--text", statement, "--json", library=path)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert hits[0]["annotation_id"] == ids["claim"]
    assert hits[0]["kind"] == "claim" and hits[0]["verdict"] == "false"
    assert hits[0]["title"] == "Raid" and hits[0]["published"] == "2020-01-18"
    assert all(0 < hit["score"] <= 1 for hit in hits)
    assert [hit["score"] for hit in hits[1:]] == sorted(
        (h["score"] for h in hits[1:]), reverse=True
    )

    shown = sourcemark("similar", "--text", statement, library=path)
    assert shown.returncode == 0, shown.stderr
    first = shown.stdout.splitlines()[0]
    assert first.split()[1] == "False" and ids["claim"][:8] in first

    nothing = sourcemark("similar", "--text", "The weather was mild on Sunday", library=path)
    assert nothing.returncode == 0 and nothing.stdout.strip() == "nothing similar in the library"
    both = sourcemark("similar", ids["claim"][:6], "--text", statement, library=path)
    assert both.returncode == 2


def test_rebuild_index_reports_progress_and_count(filled: tuple[Path, dict[str, str]]) -> None:
    path, _ = filled
    result = sourcemark("rebuild-index", library=path)
    assert result.returncode == 0, result.stderr
    assert "indexing 3/3" in result.stderr
    assert result.stdout.strip() == "rebuilt the search index: 3 documents"


def test_search_works_while_the_desk_holds_the_library(filled: tuple[Path, dict[str, str]]) -> None:
    path, ids = filled
    with open_library(path) as desk:  # the writer lock is taken, as by an open desk
        desk.annotate_quote(ids["echo"], "quote", "Critics repeated", speaker="Union")
        result = sourcemark("search", "speaker:union", "--json", library=path)
    assert result.returncode == 0, result.stderr
    assert [hit["speaker"] for hit in json.loads(result.stdout)["hits"]] == ["Union"]
