"""A 100-article run of the benchmark suite, so it cannot rot. Checks figures, not timings."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from tests.bench.generator import CorpusGenerator
from tests.bench.report import FTS5, WHOOSH, machine, write
from tests.bench.suite import Options, run_suite
from tests.bench.workload import QUERY_MIX

SIZE = 100


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("bench")
    options = Options(
        workdir=workdir,
        seed=7,
        import_repeats=1,
        cold_repeats=1,
        reader_repeats=2,
        new_annotation_repeats=3,
        desk_searches=3,
        search_rounds=2,
        large_source_chars=50_000,
        large_source_annotations=100,
        cli_files=40,
        cli_batch=20,
        claims_noise_articles=60,
        saved_pages=3,
        pdf_files=1,
        pdf_pages=2,
        scan_pages=1,
        document_repeats=1,
    )
    found = {"machine": machine(), "command": "smoke"} | run_suite([SIZE], options, lambda _: None)
    write(found, workdir / "results.json", workdir / "results.md")
    found["markdown"] = (workdir / "results.md").read_text(encoding="utf-8")
    found["json"] = json.loads((workdir / "results.json").read_text(encoding="utf-8"))
    return found


def _figures(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    figures = results["sizes"][str(SIZE)] + results["any_size"] + results["documents"]
    return {figure["key"]: figure for figure in figures}


def test_every_figure_is_measured(results: dict[str, Any]) -> None:
    assert set(_figures(results)) == {
        "import",
        "search",
        "search_desk",
        "new_annotation",
        "cold_start_window",
        "cold_search_desk",
        "cold_search",
        "memory",
        "memory_headless",
        "open_large_source",
        "search_first",
        "rebuild",
        "cli_import",
        "similar_text",
        "claims",
        "html_bulk",
        "pdf_text",
        "pdf_ocr",
    }


def test_figures_are_positive_and_ordered(results: dict[str, Any]) -> None:
    for figure in _figures(results).values():
        for stat in [figure["sourcemark"], *figure["baselines"].values()]:
            assert math.isfinite(stat["median"]) and stat["median"] > 0, figure["key"]
            assert stat["p95"] >= stat["median"], figure["key"]


def test_import_reports_every_engine_and_its_memory(results: dict[str, Any]) -> None:
    figure = _figures(results)["import"]
    assert set(figure["baselines"]) == {"whoosh_defaults", WHOOSH, FTS5}
    assert figure["sourcemark"]["peak_mb"] > 10
    assert all(ratio > 0 for ratio in figure["ratios"].values())


def test_every_engine_finds_the_same_documents(results: dict[str, Any]) -> None:
    per_query = _figures(results)["search"]["details"]["per_query"]
    assert set(per_query) == {query for _, query in QUERY_MIX}
    for query, engines in per_query.items():
        assert engines[WHOOSH]["total"] == engines[FTS5]["total"] > 0, query
        assert engines["sourcemark"]["total"] > 0, query


def test_command_line_import_reports_each_batch(results: dict[str, Any]) -> None:
    figure = _figures(results)["cli_import"]
    assert (
        len(figure["details"]["batch_rates"]) == len(figure["details"]["whoosh_batch_rates"]) == 2
    )
    assert figure["goal"] is not None and figure["goal_met"] in (True, False)


def test_claim_matching_is_scored_beside_its_baselines(results: dict[str, Any]) -> None:
    figure = _figures(results)["claims"]
    metrics = figure["details"]["metrics"]
    assert figure["details"]["pairs"] > 50  # the smoke run's library holds a part of the set
    for name in ("sourcemark", "sourcemark_unthresholded", "bm25", "whoosh_or"):
        assert 0 < metrics[name]["map5"] <= metrics[name]["recall5"] <= 1
    assert set(figure["ratios"]) == {"bm25", "whoosh_or"}
    assert "MAP@5 ÷ BM25" in results["markdown"]


def test_the_claim_matching_set_holds_at_least_200_pairs() -> None:
    from tests.bench.claims import FIXTURES

    corpus = json.loads((FIXTURES / "corpus.json").read_text(encoding="utf-8"))["pairs"]
    written = json.loads((FIXTURES / "written.json").read_text(encoding="utf-8"))
    sample = json.loads((FIXTURES / "sample.json").read_text(encoding="utf-8"))
    assert len(corpus) + len(written) + len(sample) >= 200
    assert all(item["paraphrase"] and item["near_miss"] for item in written + sample)


def test_the_reader_shows_every_highlight(results: dict[str, Any]) -> None:
    details = _figures(results)["open_large_source"]["details"]
    assert details["highlight_selections"] >= 100


def test_documents_are_measured_beside_their_parser_alone(results: dict[str, Any]) -> None:
    figures = _figures(results)
    assert set(figures["html_bulk"]["baselines"]) == {"trafilatura"}
    assert set(figures["pdf_text"]["baselines"]) == {"pypdf"}
    assert set(figures["pdf_ocr"]["baselines"]) == {"tesseract"}
    assert "Importing documents" in results["markdown"]


def test_the_report_has_a_row_per_figure(results: dict[str, Any]) -> None:
    markdown = results["markdown"]
    assert f"### {SIZE} articles" in markdown
    for figure in _figures(results).values():
        assert figure["label"] in markdown
    assert results["json"]["sizes"][str(SIZE)][0]["key"] == "import"


def test_the_generator_is_deterministic_and_news_sized() -> None:
    first, again = CorpusGenerator(7).article(3), CorpusGenerator(7).article(3)
    assert first == again
    assert 600 <= len(first.text.split()) <= 1_200
    for planned in first.annotations:
        passage = first.text[planned.start : planned.end]
        assert passage and passage == passage.strip()
        assert (planned.verdict is not None) == (planned.kind == "claim")
