"""What every engine is asked to do: the query mix and the new-annotation markers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.bench.measure import Stopwatch

# (class, query): the same strings go to Sourcemark, raw Whoosh and FTS5.
QUERY_MIX: tuple[tuple[str, str], ...] = (
    ("one word", "housing"),
    ("one word", "wildfire"),
    ("two words", "police budget"),
    ("two words", "election turnout"),
    ("phrase", '"city council"'),
    ("phrase", '"prime minister"'),
    ("field filter", "kind:claim"),
    ("field filter", "kind:claim housing"),
)
SEARCH_ROUNDS = 15
SNIPPET_HITS = 10
NEW_ANNOTATION_REPEATS = 40

Search = Callable[[str], tuple[int, Any]]
"""Runs one query, snippets for the top hits included; returns (total hits, anything)."""


def marker_word(attempt: int) -> str:
    """A word that occurs nowhere in the generated corpus, to find a new annotation by."""
    return f"zqbench{attempt:05d}"


def run_query_mix(search: Search, rounds: int) -> dict[str, Any]:
    """Run the mix once (each query's first run, cold caches), then `rounds` times; the hit
    totals, the first runs' timings and the later runs' timings per query."""
    totals, first_ms = {}, {}
    for _, text in QUERY_MIX:
        clock = Stopwatch()
        totals[text] = search(text)[0]
        first_ms[text] = clock.ms()
    samples: dict[str, list[float]] = {text: [] for _, text in QUERY_MIX}
    for _ in range(rounds):
        for _, text in QUERY_MIX:
            clock = Stopwatch()
            search(text)
            samples[text].append(clock.ms())
    return {"samples_ms": samples, "totals": totals, "first_ms": first_ms}
