"""Timing statistics and child processes that report their own peak memory.

Every measured run happens in a fresh child process, so one figure's caches and memory never
colour another's. The child prints one JSON object on its last stdout line; the parent reaps
it with `os.wait4`, whose resource usage gives that child's peak resident memory.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_S = 3 * 3600


@dataclass(frozen=True, slots=True)
class Stat:
    """Median and 95th percentile of a figure over `n` runs, with the runs' peak memory."""

    median: float
    p95: float
    n: int
    peak_mb: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(samples: Sequence[float], peak_mb: float | None = None) -> Stat:
    if not samples:
        raise ValueError("no samples to summarize")
    ordered = sorted(samples)
    if len(ordered) == 1:
        p95 = ordered[0]
    else:
        p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18]
    return Stat(statistics.median(ordered), p95, len(ordered), peak_mb)


class Stopwatch:
    """Milliseconds since creation (`time.perf_counter`)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000


@dataclass(frozen=True, slots=True)
class ChildResult:
    result: dict[str, Any]
    peak_mb: float
    started_monotonic: float


class ChildFailed(RuntimeError):
    pass


def run_child(
    argv: Sequence[str], *, env: dict[str, str] | None = None, timeout_s: float = CHILD_TIMEOUT_S
) -> ChildResult:
    """Run `python argv...` from the repository root; return its JSON result and peak memory."""
    with tempfile.TemporaryFile() as stderr:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, *argv],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        assert process.stdout is not None
        output = _read_until_exit(process, timeout_s)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            tail = stderr.read().decode("utf-8", "replace")[-4000:]
            raise ChildFailed(f"{' '.join(argv)} exited with {process.returncode}:\n{tail}")
    lines = output.decode("utf-8").strip().splitlines()
    if not lines:
        raise ChildFailed(f"{' '.join(argv)} printed no result")
    return ChildResult(json.loads(lines[-1]), _max_rss_mb(usage.ru_maxrss), started)


def _read_until_exit(process: subprocess.Popen[bytes], timeout_s: float) -> bytes:
    """All of the child's stdout; kills it if it runs past the timeout (without reaping it)."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout_s
    chunks = []
    os.set_blocking(process.stdout.fileno(), False)
    while True:
        chunk = process.stdout.read()
        if chunk:
            chunks.append(chunk)
        elif chunk == b"":
            break
        if time.monotonic() > deadline:
            process.kill()
            raise ChildFailed(f"child {process.args!r} ran over {timeout_s:.0f} s")
        time.sleep(0.005)
    return b"".join(chunks)


def _max_rss_mb(max_rss: int) -> float:
    """ru_maxrss is in kilobytes on Linux and in bytes on macOS."""
    return max_rss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def emit(result: dict[str, Any]) -> None:
    """A child's answer: one JSON line on stdout."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
