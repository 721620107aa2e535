"""The benchmark run: build each library size, measure every figure in child processes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcemark.app.search.claims import THRESHOLD
from tests.bench import claims, documents
from tests.bench.cli_import import import_through_cli, write_files
from tests.bench.generator import CorpusGenerator, write_corpus
from tests.bench.measure import ChildResult, Stat, run_child, summarize
from tests.bench.report import (
    FTS5,
    PYPDF,
    TESSERACT,
    TRAFILATURA,
    WHOOSH,
    WHOOSH_DEFAULTS,
    Figure,
    figure_from_dict,
    figure_to_dict,
)
from tests.bench.workload import NEW_ANNOTATION_REPEATS, QUERY_MIX, SEARCH_ROUNDS

Say = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    workdir: Path
    seed: int
    resume: bool = False  # keep each size's finished steps (and libraries) from a killed run
    sizes_only: bool = False  # leave out the figures that do not depend on the library size
    import_repeats: int = 3
    cold_repeats: int = 5
    reader_repeats: int = 7
    desk_searches: int = 100
    search_rounds: int = SEARCH_ROUNDS
    large_source_chars: int = 1_000_000
    large_source_annotations: int = 1_000
    new_annotation_repeats: int = NEW_ANNOTATION_REPEATS
    cli_files: int = 10_000
    cli_batch: int = 2_500
    claims_noise_articles: int = 1_000
    saved_pages: int = 120
    pdf_files: int = 10
    pdf_pages: int = 30
    scan_pages: int = 6
    document_repeats: int = 3


def child(task: str, *, env: dict[str, str] | None = None, **params: Any) -> ChildResult:
    return run_child(["-m", "tests.bench.child", task, json.dumps(params)], env=env)


def desk_env(workdir: Path) -> dict[str, str]:
    """The window offscreen, with its own QSettings (never the user's)."""
    return {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(workdir / "qt-config")}


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


class SizeRun:
    """Every figure for one library size; the libraries live under `workdir/<size>/`."""

    def __init__(self, size: int, corpus: Path, options: Options, say: Say) -> None:
        self.size = size
        self.corpus = str(corpus)
        self.options = options
        self.say = say
        self.dir = options.workdir / str(size)
        if not options.resume:
            _remove(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.library = self.dir / "library"
        self.whoosh = self.dir / "whoosh"
        self.fts5 = self.dir / "fts5.db"

    def figures(self) -> list[Figure]:
        imported = self.step("import", lambda: [self.bulk_import()])
        setup = self.step("fixtures", lambda: [self.build_fixtures()])[0]
        search, memory_headless, first = self.step("search", lambda: list(self.search(setup)))
        search_desk, memory = self.step(
            "desk", lambda: list(self.desk_searches(search, memory_headless.baselines))
        )
        return [
            *imported,
            search,
            first,
            search_desk,
            *self.step("new_annotation", lambda: [self.new_annotation()]),
            *self.step("cold_start", self.cold_start),
            memory,
            memory_headless,
            *self.step("rebuild", lambda: [self.rebuild()]),
            *self.step("similar_text", lambda: [self.similar_text()]),
        ]

    def step(self, name: str, measure: Callable[[], list[Figure]]) -> list[Figure]:
        return step(self.dir / "steps" / f"{name}.json", self.options, self.say, measure)

    # --- 1. bulk import ---------------------------------------------------------------------

    def bulk_import(self) -> Figure:
        """Each repeat imports into fresh stores; the last Sourcemark library is kept."""
        engines: dict[str, tuple[str, dict[str, Any]]] = {
            "sourcemark": ("sourcemark.import", {"library_dir": "{path}"}),
            WHOOSH_DEFAULTS: (
                "whoosh.build",
                {"index_dir": "{path}", "fastest": False, "annotations": False},
            ),
            WHOOSH: (
                "whoosh.build",
                {"index_dir": "{path}", "fastest": True, "annotations": False},
            ),
            FTS5: ("fts5.build", {"db_path": "{path}", "annotations": False}),
        }
        rates: dict[str, list[float]] = {name: [] for name in engines}
        peaks: dict[str, float] = {name: 0.0 for name in engines}
        for repeat in range(self.options.import_repeats):
            for name, (task, params) in engines.items():
                target = self.dir / f"import-{name}"
                _remove(target)
                filled: dict[str, Any] = {
                    k: str(target) if v == "{path}" else v for k, v in params.items()
                }
                run = child(task, corpus=self.corpus, count=self.size, **filled)
                rate = run.result["articles"] / run.result["seconds"]
                self.say(
                    f"  import {name} #{repeat + 1}: {rate:,.0f} articles/s, {run.peak_mb:,.0f} MB"
                )
                rates[name].append(rate)
                peaks[name] = max(peaks[name], run.peak_mb)
        _remove(self.library)  # a killed run's, when resuming
        (self.dir / "import-sourcemark").rename(self.library)
        for name in engines:
            _remove(self.dir / f"import-{name}")
        stats = {name: summarize(rates[name], peaks[name]) for name in engines}
        return Figure(
            "import",
            "1. bulk import of plain-text articles",
            "articles/s",
            stats.pop("sourcemark"),
            stats,
        )

    # --- fixtures: the same annotated corpus in each engine ---------------------------------

    def build_fixtures(self) -> Figure:
        for stale in (self.whoosh, self.fts5):  # a killed run's, when resuming
            _remove(stale)
        annotated = child(
            "sourcemark.annotate",
            library_dir=str(self.library),
            corpus=self.corpus,
            count=self.size,
        )
        whoosh = child(
            "whoosh.build",
            index_dir=str(self.whoosh),
            corpus=self.corpus,
            count=self.size,
            fastest=True,
            annotations=True,
        )
        fts5 = child(
            "fts5.build",
            db_path=str(self.fts5),
            corpus=self.corpus,
            count=self.size,
            annotations=True,
        )
        setup = {
            "annotations": annotated.result["annotations"],
            "sourcemark_index_catch_up_s": annotated.result["index_catch_up_s"],
            "whoosh_build_with_annotations_s": whoosh.result["seconds"],
            "fts5_build_with_annotations_s": fts5.result["seconds"],
        }
        self.say(f"  fixtures: {json.dumps(setup)}")
        return Figure("fixtures", "fixtures", "s", None, details=setup)

    # --- 2. search latency and 6. memory after the searches ---------------------------------

    def search(self, setup: Figure) -> tuple[Figure, Figure, Figure]:
        rounds = self.options.search_rounds
        runs = {
            "sourcemark": child("sourcemark.search", library_dir=str(self.library), rounds=rounds),
            WHOOSH: child("whoosh.search", index_dir=str(self.whoosh), rounds=rounds),
            FTS5: child("fts5.search", db_path=str(self.fts5), rounds=rounds),
        }
        per_query: dict[str, dict[str, Any]] = {}
        pooled: dict[str, Stat] = {}
        first: dict[str, Stat] = {}
        for name, run in runs.items():
            first[name] = summarize(list(run.result["first_ms"].values()))
            samples = run.result["samples_ms"]
            pooled[name] = summarize(
                [ms for query in samples.values() for ms in query], run.peak_mb
            )
            for _, query in QUERY_MIX:
                per_query.setdefault(query, {})[name] = {
                    "stat": summarize(samples[query]).to_dict(),
                    "total": run.result["totals"][query],
                }
            self.say(f"  search {name}: {pooled[name]}")
        searches = sum(len(s) for s in runs["sourcemark"].result["samples_ms"].values()) + len(
            QUERY_MIX
        )
        search = Figure(
            "search",
            "2. search, query mix with snippets for the top 10",
            "ms",
            pooled.pop("sourcemark"),
            pooled,
            {"per_query": per_query, "setup": setup.details},
        )
        first_search = Figure(
            "search_first",
            "2. search, each query's first run (cold caches), snippets for the top 10",
            "ms",
            first.pop("sourcemark"),
            first,
        )
        memory = Figure(
            "memory_headless",
            f"6. peak memory, library open after {searches} searches (app/, no window)",
            "MB",
            _single(runs["sourcemark"].peak_mb),
            {name: _single(runs[name].peak_mb) for name in (WHOOSH, FTS5)},
        )
        return search, memory, first_search

    # --- 3. a new annotation becoming searchable --------------------------------------------

    def new_annotation(self) -> Figure:
        repeats = self.options.new_annotation_repeats
        runs = {
            "sourcemark": child(
                "sourcemark.new_annotation", library_dir=str(self.library), repeats=repeats
            ),
            WHOOSH: child("whoosh.new_document", index_dir=str(self.whoosh), repeats=repeats),
            FTS5: child("fts5.new_document", db_path=str(self.fts5), repeats=repeats),
        }
        stats = {
            name: summarize(run.result["samples_ms"], run.peak_mb) for name, run in runs.items()
        }
        self.say(f"  new annotation: {stats}")
        return Figure(
            "new_annotation",
            "3. new annotation: create, then first query that finds it",
            "ms",
            stats.pop("sourcemark"),
            stats,
            {"queries_needed": runs["sourcemark"].result["queries_needed"]},
        )

    # --- 4. cold start ------------------------------------------------------------------------

    def cold_start(self) -> list[Figure]:
        """Process start to the window, and to the first search result, in fresh processes."""
        tasks = {
            "desk": ("desk.cold_start", {"library_dir": str(self.library)}),
            "sourcemark": ("sourcemark.cold_search", {"library_dir": str(self.library)}),
            WHOOSH: ("whoosh.cold_search", {"index_dir": str(self.whoosh)}),
            FTS5: ("fts5.cold_search", {"db_path": str(self.fts5)}),
        }
        samples: dict[str, list[float]] = {name: [] for name in tasks}
        window: list[float] = []
        peaks: dict[str, float] = {name: 0.0 for name in tasks}
        for _ in range(self.options.cold_repeats):
            for name, (task, params) in tasks.items():
                run = child(task, env=desk_env(self.options.workdir), **params)
                samples[name].append((run.result["first_result_at"] - run.started_monotonic) * 1000)
                if name == "desk":
                    window.append((run.result["window_at"] - run.started_monotonic) * 1000)
                peaks[name] = max(peaks[name], run.peak_mb)
        stats = {name: summarize(samples[name], peaks[name]) for name in tasks}
        self.say(f"  cold start: window {summarize(window)}, first search {stats}")
        baselines = {WHOOSH: stats[WHOOSH], FTS5: stats[FTS5]}
        return [
            Figure(
                "cold_start_window",
                "4. cold start to the window showing the library",
                "ms",
                summarize(window, peaks["desk"]),
            ),
            Figure(
                "cold_search_desk",
                "4. cold start to the first search result shown",
                "ms",
                stats["desk"],
                baselines,
            ),
            Figure(
                "cold_search",
                "4. cold start to the first search result (app/, no window)",
                "ms",
                stats["sourcemark"],
                baselines,
            ),
        ]

    # --- 7. rebuilding the index ------------------------------------------------------------

    def rebuild(self) -> Figure:
        """`rebuild-index`: the whole index again from SQLite (articles and annotations)."""
        run = child("sourcemark.rebuild", library_dir=str(self.library))
        stat = summarize([run.result["seconds"]], run.peak_mb)
        self.say(f"  rebuild-index: {stat}")
        return Figure(
            "rebuild",
            "7. rebuild-index, every article and annotation",
            "s",
            stat,
            details={"documents": run.result["documents"]},
        )

    # --- 9. claim matching's speed ----------------------------------------------------------

    def similar_text(self) -> Figure:
        """`similar --text` for the evaluation set's written statements, on this library."""
        run = child(
            "claims.similar_text", library_dir=str(self.library), statements=claims.statements()
        )
        stat = summarize(run.result["samples_ms"], run.peak_mb)
        self.say(f"  similar --text: {stat}")
        return Figure("similar_text", "9. `similar --text`, a statement checked", "ms", stat)

    # --- 6. the desk's memory after searching -----------------------------------------------

    def desk_searches(
        self, search: Figure, memory_baselines: dict[str, Stat]
    ) -> tuple[Figure, Figure]:
        """Searches typed into the window: Enter to results painted, and the peak memory
        after them (baselines: each engine's process after its query mix)."""
        count = self.options.desk_searches
        run = child(
            "desk.searches",
            env=desk_env(self.options.workdir),
            library_dir=str(self.library),
            count=count,
        )
        shown = summarize(run.result["samples_ms"], run.peak_mb)
        self.say(f"  desk after {count} searches: {shown}")
        return (
            Figure(
                "search_desk",
                "2. search in the window: Enter to the results painted",
                "ms",
                shown,
                search.baselines,
            ),
            Figure(
                "memory",
                f"6. peak memory of the desk, library open after {count} searches",
                "MB",
                _single(run.peak_mb),
                memory_baselines,
            ),
        )


def any_size_figures(options: Options, say: Say) -> dict[str, Any]:
    steps = options.workdir / "steps"
    say("reader")
    reader = step(steps / "reader.json", options, say, lambda: [reader_figure(options, say)])
    say("command-line import")
    cli = step(steps / "cli_import.json", options, say, lambda: [cli_import_figure(options, say)])
    say("claim matching")
    matching = step(steps / "claims.json", options, say, lambda: [claims_figure(options, say)])
    say("documents")
    documents_done = step(
        steps / "documents.json", options, say, lambda: document_figures(options, say)
    )
    return {
        "any_size": [figure_to_dict(f) for f in [*reader, *cli, *matching]],
        "documents": [figure_to_dict(f) for f in documents_done],
    }


def step(
    done: Path, options: Options, say: Say, measure: Callable[[], list[Figure]]
) -> list[Figure]:
    """Measure a step, or (resuming) read what an earlier run of it measured."""
    if options.resume and done.exists():
        say(f"  {done.stem}: measured by an earlier run")
        return [figure_from_dict(f) for f in json.loads(done.read_text(encoding="utf-8"))]
    figures = measure()
    done.parent.mkdir(parents=True, exist_ok=True)
    done.write_text(json.dumps([figure_to_dict(f) for f in figures]), encoding="utf-8")
    return figures


def _single(value: float) -> Stat:
    return summarize([value])


def reader_figure(options: Options, say: Say) -> Figure:
    """5. Open a large source (1 MB, 1,000 annotations) in the reader, whatever the library size."""
    generator = CorpusGenerator(options.seed)
    corpus = options.workdir / "large-source.jsonl"
    corpus.write_text(
        generator.large_article(
            0, min_chars=options.large_source_chars, annotations=options.large_source_annotations
        ).to_json()
        + f"\n{generator.article(0).to_json()}\n",
        encoding="utf-8",
    )
    library = options.workdir / "large-source-library"
    _remove(library)
    child("sourcemark.import", library_dir=str(library), corpus=str(corpus), count=2)
    child("sourcemark.annotate", library_dir=str(library), corpus=str(corpus), count=2)
    run = child(
        "desk.open_large_source",
        env=desk_env(options.workdir),
        library_dir=str(library),
        repeats=options.reader_repeats,
    )
    stat = summarize(run.result["samples_ms"], run.peak_mb)
    say(f"  reader: {stat}")
    return Figure(
        "open_large_source",
        f"5. open a {options.large_source_chars / 1e6:g} MB source with "
        f"{options.large_source_annotations:,} annotations: text, highlights, first paint",
        "ms",
        stat,
        details={
            "text_and_highlights_set_ms": summarize(run.result["set_ms"]).to_dict(),
            "highlight_selections": run.result["extra_selections"],
        },
    )


def cli_import_figure(options: Options, say: Say) -> Figure:
    """8. Short files on disk through `python main.py import`, one command per batch."""
    files = write_files(options.workdir / "cli-files", options.cli_files, options.seed)
    library = options.workdir / "cli-library"
    _remove(library)
    rates = import_through_cli(library, files, options.cli_batch)
    _remove(library)
    whoosh = child(
        "whoosh.import_files",
        index_dir=str(options.workdir / "cli-whoosh"),
        files=str(options.workdir / "cli-files"),
        batch_size=options.cli_batch,
    )
    _remove(options.workdir / "cli-whoosh")
    baseline = whoosh.result["rates"]
    say(f"  command-line import, files/s per batch: {rates}; raw Whoosh {baseline}")
    overall = len(files) / sum(options.cli_batch / rate for rate in rates)
    return Figure(
        "cli_import",
        f"8. `import` of {len(files):,} short files, {options.cli_batch:,} a command",
        "files/s",
        summarize([overall]),
        {WHOOSH_DEFAULTS: summarize([len(files) / sum(options.cli_batch / r for r in baseline)])},
        {"batch_rates": rates, "whoosh_batch_rates": baseline},
    )


def claims_figure(options: Options, say: Say) -> Figure:
    """10. Claim matching's quality on the evaluation set (tests/fixtures/claims/)."""
    library = options.workdir / "claims" / "library"
    _remove(library.parent)
    built = child(
        "claims.build",
        library_dir=str(library),
        noise_articles=options.claims_noise_articles,
    )
    run = child("claims.evaluate", library_dir=str(library), queries=built.result["queries"])
    result = run.result
    metrics = result["metrics"]
    learnt = claims.learnt_threshold(result["right_similarity"])
    say(f"  claims: {json.dumps(metrics)}; threshold keeping 90% of right matches: {learnt}")
    return Figure(
        "claims",
        "10. claim matching on the evaluation set",
        "MAP@5",
        summarize([metrics["sourcemark_unthresholded"]["map5"]]),
        {name: summarize([metrics[name]["map5"]]) for name in ("bm25", "whoosh_or")},
        {
            "metrics": metrics,
            "pairs": result["pairs"],
            "near_misses": result["near_misses"],
            "latency_ms": summarize(result["samples_ms"], run.peak_mb).to_dict(),
            "threshold": claims.operating_point(result, THRESHOLD),
            "learnt_threshold": claims.operating_point(result, learnt),
        },
    )


def document_figures(options: Options, say: Say) -> list[Figure]:
    """7. Importing documents: saved pages, text PDFs and scans, pages/s through the worker
    pool beside their parser alone in one process (trafilatura, pypdf, pypdfium2 + tesseract)."""
    folder = options.workdir / "documents"
    html = documents.write_saved_pages(folder / "html", options.saved_pages, options.seed)
    pdfs = documents.write_text_pdfs(
        folder / "pdf", options.pdf_files, options.pdf_pages, options.seed
    )
    scan = documents.write_scan(folder / "scan", options.scan_pages, options.seed)
    cases = [
        ("html_bulk", "7. saved news pages extracted (HTML import)", html, TRAFILATURA),
        ("pdf_text", "7. text PDF pages extracted (paragraphs, page map)", pdfs, PYPDF),
        ("pdf_ocr", "7. scanned PDF pages read with OCR", [scan], TESSERACT),
    ]
    figures = []
    for key, label, paths, baseline in cases:
        files = [str(path) for path in paths]
        rates: dict[str, list[float]] = {"sourcemark": [], baseline: []}
        peaks = {"sourcemark": 0.0, baseline: 0.0}
        repeats = 1 if key == "pdf_ocr" else options.document_repeats
        for _ in range(repeats):
            for name, task in (
                ("sourcemark", "documents.sourcemark"),
                (baseline, baseline_task(baseline)),
            ):
                run = child(task, files=files)
                if run.result.get("failed"):
                    raise RuntimeError(f"{key}: {run.result['failed']} files failed to import")
                rates[name].append(run.result["pages"] / run.result["seconds"])
                peaks[name] = max(peaks[name], run.peak_mb)
        stats = {name: summarize(rates[name], peaks[name]) for name in rates}
        say(f"  {key}: {stats}")
        figures.append(
            Figure(key, label, "pages/s", stats.pop("sourcemark"), stats, {"files": len(files)})
        )
    return figures


def baseline_task(baseline: str) -> str:
    return f"documents.{baseline}"


def run_suite(sizes: list[int], options: Options, say: Say) -> dict[str, Any]:
    """Generate the corpus once (the largest size; smaller sizes read its first articles)."""
    options.workdir.mkdir(parents=True, exist_ok=True)
    corpus = options.workdir / f"corpus-{options.seed}-{max(sizes)}.jsonl"
    if not corpus.exists():
        say(f"generating {max(sizes):,} articles -> {corpus}")
        partial = corpus.with_suffix(".partial")
        write_corpus(partial, max(sizes), options.seed)
        partial.rename(corpus)  # a killed run leaves no half corpus behind
    results: dict[str, Any] = {"seed": options.seed, "any_size": [], "sizes": {}}
    if not options.sizes_only:
        results.update(any_size_figures(options, say))
    for size in sizes:
        say(f"{size:,} articles")
        figures = SizeRun(size, corpus, options, say).figures()
        results["sizes"][str(size)] = [figure_to_dict(f, size) for f in figures]
    return results
