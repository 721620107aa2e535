"""The worker pool: jobs in long-lived sandboxed workers, recycled after N jobs or any failure;
a crash or a time-out is one clear failure, never a hang; bulk extraction keeps order."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers import ExtractedSource, extract_files
from sourcemark.app.workers.pool import Limits, WorkerPool
from tests import documents, pdf_bytes
from tests.documents import Page

FIXTURES = Path(__file__).parent / "fixtures" / "html"


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(2, jobs_per_worker=3) as workers:
        yield workers


def _reflow(pool: WorkerPool, text: str) -> str:
    return pool.run("reflow", blobs=[text.encode()], limits=Limits(seconds=20)).blobs[0].decode()


def _idle_pids(pool: WorkerPool) -> set[int]:
    return {worker.process.pid for worker in pool._idle}


def test_a_worker_serves_several_jobs_then_is_recycled(pool: WorkerPool) -> None:
    assert _reflow(pool, "one") == "one"
    (first,) = _idle_pids(pool)
    _reflow(pool, "two")
    assert _idle_pids(pool) == {first}
    _reflow(pool, "three")  # the third job of that worker: it is retired
    assert first not in _idle_pids(pool)


def test_a_failure_retires_the_worker_and_the_next_job_gets_a_fresh_one(pool: WorkerPool) -> None:
    _reflow(pool, "warm")
    (worker,) = pool._idle
    with pytest.raises(ImportFailed, match="the extractor crashed"):
        pool.run("no-such-job")
    assert worker.process.poll() is not None
    assert _reflow(pool, "after") == "after"


def test_a_time_out_kills_the_worker_and_costs_one_job(pool: WorkerPool) -> None:
    with pytest.raises(ImportFailed, match="gave up after 1 s"):
        pool.run("pdf", blobs=[pdf_bytes.operator_flood()], limits=Limits(seconds=1))
    assert _reflow(pool, "still working") == "still working"


def test_closing_the_pool_ends_its_workers() -> None:
    pool = WorkerPool(1)
    _reflow(pool, "x")
    (worker,) = pool._idle
    pool.close()
    assert worker.process.poll() is not None
    with pytest.raises(ImportFailed, match="closed"):
        _reflow(pool, "y")


def test_bulk_extraction_keeps_the_order_and_the_failures_in_place(
    tmp_path: Path, pool: WorkerPool
) -> None:
    pages = sorted(FIXTURES.glob("*.html"))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing")
    report = tmp_path / "report.pdf"
    report.write_bytes(documents.pdf([Page(lines=["A report of one page."])]))
    paths = [pages[0], broken, pages[1], tmp_path / "missing.html", report, *pages[2:]]
    results = list(extract_files(paths, pool=pool, in_flight=3))
    assert [path for path, _ in results] == paths
    kinds = [type(outcome) for _, outcome in results]
    assert kinds == [ExtractedSource, ImportFailed, ExtractedSource, ImportFailed] + [
        ExtractedSource
    ] * (len(paths) - 4)
    assert "no such file" in str(results[3][1])


def test_stopping_a_bulk_extraction_early_leaves_the_rest(pool: WorkerPool) -> None:
    pages = sorted(FIXTURES.glob("*.html")) * 4
    found = extract_files(pages, pool=pool, in_flight=2)
    _, first = next(found)
    del found  # e.g. the import was cancelled: the files not yet started are left alone
    assert isinstance(first, ExtractedSource)


def test_dispatching_never_loads_a_parser_in_the_app_process(tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(documents.pdf([Page(lines=["A report."])]))
    page = sorted(FIXTURES.glob("*.html"))[0]
    script = (
        "import sys; from pathlib import Path; "
        "from sourcemark.app.importers import extract_files; "
        f"list(extract_files([Path({str(report)!r}), Path({str(page)!r})])); "
        "print(sorted(m for m in ('trafilatura', 'pypdf', 'pypdfium2', 'lxml', 'nh3') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
