"""Figures beside their baselines: ratios, goals, a Markdown table and JSON."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench.measure import Stat
from tests.bench.workload import QUERY_MIX

WHOOSH_DEFAULTS, WHOOSH, FTS5 = "whoosh_defaults", "whoosh", "fts5"
TRAFILATURA, PYPDF, TESSERACT = "trafilatura", "pypdf", "tesseract"
_ALONE = {
    TRAFILATURA: "trafilatura alone",
    PYPDF: "pypdf alone (layout mode)",
    TESSERACT: "pypdfium2 + tesseract alone",
}
QUERY_CLASSES = {query: kind for kind, query in QUERY_MIX}


@dataclass
class Figure:
    key: str
    label: str
    unit: str  # "articles/s", "ms" or "MB"
    sourcemark: Stat | None
    baselines: dict[str, Stat] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def ratio(self, baseline: str) -> float | None:
        """Sourcemark's median over the baseline's (for articles/s, above 1 is faster)."""
        other = self.baselines.get(baseline)
        if self.sourcemark is None or other is None or other.median == 0:
            return None
        return self.sourcemark.median / other.median


@dataclass(frozen=True)
class Goal:
    text: str
    met: Callable[[Figure], bool]


def _within(limit_ms: float, *, p95: bool = False) -> Callable[[Figure], bool]:
    def check(figure: Figure) -> bool:
        assert figure.sourcemark is not None
        value = figure.sourcemark.p95 if p95 else figure.sourcemark.median
        return value <= limit_ms

    return check


def _import_goal(figure: Figure) -> bool:
    ratio = figure.ratio(WHOOSH_DEFAULTS)
    return ratio is not None and ratio >= 1


def _search_goal(p50_ms: float, p95_ms: float) -> Callable[[Figure], bool]:
    def check(figure: Figure) -> bool:
        ratio = figure.ratio(WHOOSH)
        assert figure.sourcemark is not None
        return (
            ratio is not None
            and ratio <= 1.3
            and figure.sourcemark.median <= p50_ms
            and figure.sourcemark.p95 <= p95_ms
        )

    return check


def _flat_and_fast(figure: Figure) -> bool:
    """Every batch at least 80% of the first one's rate, and overall ≥ raw Whoosh's writer."""
    rates = figure.details["batch_rates"]
    return _import_goal(figure) and min(rates) >= 0.8 * rates[0]


GOALS: dict[str, Goal] = {
    "import": Goal("≥ raw Whoosh default writer", _import_goal),
    "search": Goal("p50 ≤ 1.3× Whoosh and ≤ 15 ms; p95 ≤ 50 ms", _search_goal(15, 50)),
    "new_annotation": Goal("p95 ≤ 100 ms", _within(100, p95=True)),
    "open_large_source": Goal("≤ 100 ms to first paint", _within(100)),
    "cold_start_window": Goal("≤ 1.5 s", _within(1500)),
    "memory": Goal("≤ 400 MB", _within(400)),
    "similar_text": Goal("p95 ≤ 100 ms", _within(100, p95=True)),
    "cli_import": Goal(
        "≥ raw Whoosh default writer, no batch below 0.8× the first", _flat_and_fast
    ),
    "claims": Goal("MAP@5 ≥ plain BM25", lambda figure: (figure.ratio("bm25") or 0) >= 1),
    "html_bulk": Goal(
        "≥ 15 pages/s",
        lambda figure: figure.sourcemark is not None and figure.sourcemark.median >= 15,
    ),
}
# From 100,000 articles (a regional newsroom's archive) the goals are these.
LARGE_LIBRARY = 100_000
GOALS_LARGE: dict[str, Goal] = {
    **GOALS,
    "search": Goal("p50 ≤ 1.3× Whoosh and ≤ 60 ms; p95 ≤ 150 ms", _search_goal(60, 150)),
    "cold_search_desk": Goal("≤ 2 s", _within(2000)),
    "memory": Goal("≤ 500 MB", _within(500)),
}


def goal_for(key: str, size: int | None) -> Goal | None:
    goals = GOALS_LARGE if size is not None and size >= LARGE_LIBRARY else GOALS
    return goals.get(key)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory_gb = None
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory_gb = round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def _number(value: float, unit: str) -> str:
    if unit in ("ms", "s") and value < 10:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def _pair(stat: Stat | None, unit: str) -> str:
    if stat is None:
        return "—"
    if stat.n == 1:
        return _number(stat.median, unit)
    return f"{_number(stat.median, unit)} / {_number(stat.p95, unit)}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _peaks(figure: Figure) -> str:
    stats = [figure.sourcemark, *(figure.baselines.get(k) for k in (WHOOSH, FTS5))]
    return " / ".join("—" if s is None or s.peak_mb is None else f"{s.peak_mb:,.0f}" for s in stats)


def _goal(figure: Figure, size: int | None) -> str:
    goal = goal_for(figure.key, size)
    if goal is None or figure.sourcemark is None:
        return ""
    return f"{'met' if goal.met(figure) else '**missed**'}: {goal.text}"


def markdown(heading: str, figures: list[Figure], size: int | None = None) -> str:
    """One table: p50 / p95 of each figure, baselines and ratios."""
    lines = [
        f"### {heading}",
        "",
        "| figure | Sourcemark p50 / p95 | raw Whoosh, default writer "
        "| raw Whoosh, fastest writer | SQLite FTS5 "
        "| ÷ Whoosh | ÷ FTS5 | peak MB (Sourcemark / Whoosh / FTS5) | goal |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        if f.key == "claims":
            continue  # a table of its own, below
        lines.append(
            f"| {f.label} ({f.unit}) | {_pair(f.sourcemark, f.unit)} "
            f"| {_pair(f.baselines.get(WHOOSH_DEFAULTS), f.unit)} "
            f"| {_pair(f.baselines.get(WHOOSH), f.unit)} | {_pair(f.baselines.get(FTS5), f.unit)} "
            f"| {_ratio(_main_ratio(f))} | {_ratio(f.ratio(FTS5))} | {_peaks(f)} "
            f"| {_goal(f, size)} |"
        )
    matching = next((f for f in figures if f.key == "claims"), None)
    if matching is not None:
        lines += ["", *_claims_table(matching)]
    search = next((f for f in figures if f.key == "search"), None)
    if search is not None and search.details.get("per_query"):
        lines += [
            "",
            "Search latency per query, p50 / p95 ms (hits in brackets):",
            "",
            "| query | kind | Sourcemark | raw Whoosh | SQLite FTS5 |",
            "|---|---|---|---|---|",
        ]
        for query, engines in search.details["per_query"].items():
            cells = [
                f"{_pair(Stat(**e['stat']), 'ms')} ({e['total']:,})" if e else "—"
                for e in (engines.get(k) for k in ("sourcemark", WHOOSH, FTS5))
            ]
            lines.append(f"| `{query}` | {QUERY_CLASSES.get(query, '')} | {' | '.join(cells)} |")
        disagreements = _hit_count_disagreements(search.details["per_query"])
        if disagreements:
            lines += ["", f"**Hit counts differ from raw Whoosh** for {disagreements}."]
    return "\n".join(lines)


def _claims_table(figure: Figure) -> list[str]:
    d = figure.details
    m = d["metrics"]
    bm25, whoosh = m["bm25"], m["whoosh_or"]
    rows = [
        ("Sourcemark `similar --text`, ranking", m["sourcemark_unthresholded"]),
        ("Sourcemark, what is shown (threshold applied)", m["sourcemark"]),
        ("plain BM25 (`rank_bm25`, words as written)", bm25),
        ("raw Whoosh, the statement's words joined by OR", whoosh),
    ]
    lines = [
        f"{figure.label}: {d['pairs']} statement-claim pairs and {d['near_misses']} near misses "
        "(tests/fixtures/claims/):",
        "",
        "| ranker | MAP@5 | recall@5 | MAP@5 ÷ BM25 | MAP@5 ÷ Whoosh OR |",
        "|---|---|---|---|---|",
    ]
    for name, found in rows:
        lines.append(
            f"| {name} | {found['map5']:.3f} | {found['recall5']:.3f} "
            f"| {found['map5'] / bm25['map5']:.2f}× | {found['map5'] / whoosh['map5']:.2f}× |"
        )
    used, learnt = d["threshold"], d["learnt_threshold"]
    latency = Stat(**d["latency_ms"])
    lines += [
        "",
        f"Threshold {used['threshold']}: {used['right_shown']:.0%} of right matches shown, "
        f"{used['near_misses_rejected']:.0%} of near misses answered with nothing. The highest "
        f"threshold showing 90% of right matches on this set is {learnt['threshold']} "
        f"({learnt['near_misses_rejected']:.0%} of near misses rejected). "
        f"`similar --text` on this library: {_pair(latency, 'ms')} ms.",
    ]
    return lines


def _main_ratio(figure: Figure) -> float | None:
    """Against raw Whoosh's fastest settings, or its default writer where that is the baseline."""
    ratio = figure.ratio(WHOOSH)
    return ratio if ratio is not None else figure.ratio(WHOOSH_DEFAULTS)


def documents_markdown(figures: list[Figure]) -> str:
    """Importing documents: Sourcemark's pool beside the parser alone in one process."""
    lines = [
        "### Importing documents (pages/s, p50 / p95; the worker pool beside the parser alone)",
        "",
        "| figure | Sourcemark | parser alone, one process | ÷ alone | goal |",
        "|---|---|---|---|---|",
    ]
    for f in figures:
        (name, alone), *_ = f.baselines.items()
        lines.append(
            f"| {f.label} | {_rate(f.sourcemark)} | {_ALONE.get(name, name)}: {_rate(alone)} "
            f"| {_ratio(f.ratio(name))} | {_goal(f, None)} |"
        )
    return "\n".join(lines)


def _rate(stat: Stat | None) -> str:
    """pages/s, with two decimals below ten (OCR reads a page in seconds)."""
    if stat is None:
        return "—"
    values = [stat.median] if stat.n == 1 else [stat.median, stat.p95]
    return " / ".join(f"{v:.2f}" if v < 10 else f"{v:,.0f}" for v in values)


def _hit_count_disagreements(per_query: dict[str, dict[str, Any]]) -> str:
    """Queries whose Sourcemark total is not the raw engines' (which find the same documents)."""
    differing = [
        f"`{query}` ({engines['sourcemark']['total']:,} against {engines[WHOOSH]['total']:,})"
        for query, engines in per_query.items()
        if engines["sourcemark"]["total"] != engines[WHOOSH]["total"]
    ]
    return ", ".join(differing)


def document(runs: list[dict[str, Any]]) -> str:
    """The Markdown report of one or more runs: how to read it, then each run's tables."""
    parts = [
        "# Benchmarks",
        "",
        "`python -m tests.bench --sizes 1000,10000 --out results.json` generates a seeded "
        "news-like corpus (600-1,200 words an article, Zipf-like vocabulary, about five "
        "annotations an article) and measures, each figure in fresh child processes: "
        "Sourcemark through `app/` (`Library.import_many`, `library.index.search` with "
        "snippets for the top 10) and through the real window offscreen (`ui/`); raw Whoosh "
        "on the same documents (its `StemmingAnalyzer`, article bodies stored for its "
        "highlighter; default `writer()` and the fastest `writer(procs=<cores, up to 4>, "
        "multisegment=True, limitmb=256)`); SQLite FTS5 through sqlite-utils "
        "(`enable_fts(tokenize='porter')`, "
        "`search`, `snippet()`). Every engine answers the same query strings with the same "
        "hit counts.",
        "",
        "Each cell is the median / 95th percentile over the runs (one value: a single run). "
        "`÷` columns: Sourcemark's median divided by the baseline's (for articles/s above 1 "
        "is faster, for ms below 1 is faster). Peak memory is each child process's maximum "
        "resident set (`ru_maxrss` from `wait4`). Cold starts count from just before the "
        "process is spawned to the first paint of the sources list (the window) or of the "
        "results list (the first search).",
        "",
    ]
    for results in runs:
        m = results["machine"]
        load = ", ".join(f"{x:.1f}" for x in m["load_average_at_start"] or [])
        parts += [
            f"## Run of {results['finished']}",
            "",
            f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['system']}, "
            f"Python {m['python']} (load average at start {load}). "
            f"Corpus seed {results['seed']}; `{results['command']}`.",
            "",
        ]
        for size, figures in results["sizes"].items():
            heading = f"{int(size):,} articles"
            parts += [markdown(heading, [figure_from_dict(f) for f in figures], int(size)), ""]
        if results["any_size"]:
            any_size = [figure_from_dict(f) for f in results["any_size"]]
            parts += [markdown("Any library size", any_size), ""]
        if results.get("documents"):
            figures = [figure_from_dict(f) for f in results["documents"]]
            parts += [documents_markdown(figures), ""]
    return "\n".join(parts)


def figure_to_dict(figure: Figure, size: int | None = None) -> dict[str, Any]:
    goal = goal_for(figure.key, size)
    return {
        "key": figure.key,
        "label": figure.label,
        "unit": figure.unit,
        "sourcemark": figure.sourcemark.to_dict() if figure.sourcemark else None,
        "baselines": {name: stat.to_dict() for name, stat in figure.baselines.items()},
        "ratios": {name: figure.ratio(name) for name in figure.baselines},
        "goal": goal.text if goal else None,
        "goal_met": goal.met(figure) if goal and figure.sourcemark else None,
        "details": figure.details,
    }


def figure_from_dict(data: dict[str, Any]) -> Figure:
    return Figure(
        key=data["key"],
        label=data["label"],
        unit=data["unit"],
        sourcemark=Stat(**data["sourcemark"]) if data["sourcemark"] else None,
        baselines={name: Stat(**stat) for name, stat in data["baselines"].items()},
        details=data["details"],
    )


def write(results: dict[str, Any], json_path: Path, markdown_path: Path) -> None:
    results["finished"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown_path.write_text(document([results]), encoding="utf-8")


def render(json_paths: list[Path], markdown_path: Path) -> None:
    """One Markdown report from the JSON files of several runs (e.g. 1k and 10k)."""
    runs = [json.loads(path.read_text(encoding="utf-8")) for path in json_paths]
    markdown_path.write_text(document(runs), encoding="utf-8")
