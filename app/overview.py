"""A story at a glance: its sources, and the numbers behind its charts.

Both faces draw the same `Chart`s: the desk with QPainter, report.html as inline SVG; each
chart's numbers are also a table (for screen readers and for copying). `stories --json`
carries the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Kind, StorySummary, Verdict
from sourcemark.app.palette import KIND_COLOURS, VERDICT_COLOURS
from sourcemark.app.stories import find_story, story_summary
from sourcemark.db import queries

TOP_SPEAKERS = 10
UNDATED = "undated"
# Over this many days between the first and last publication dates, count by month.
DAYS_BY_DAY = 62


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    colour: str


@dataclass(frozen=True, slots=True)
class Chart:
    """Bars per category, one per series; `rows` hold the numbers, as its table shows them."""

    title: str
    category: str
    """What the categories are (the table's first column)."""
    series: tuple[Series, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    bar_colours: tuple[str, ...] = ()
    """One colour per category, for a one-series chart coloured by category (verdicts)."""

    @property
    def largest(self) -> int:
        return max((max(values) for _, values in self.rows if values), default=0)

    def table(self) -> list[list[str]]:
        """The chart as a table: a header row, then one row per category."""
        return [
            [self.category, *(s.name for s in self.series)],
            *([label, *map(str, values)] for label, values in self.rows),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "rows": [
                {self.category.lower(): label, **dict(zip(self.names, values, strict=True))}
                for label, values in self.rows
            ],
        }

    @property
    def names(self) -> list[str]:
        return [s.name.lower() for s in self.series]


@dataclass(frozen=True, slots=True)
class SourceLine:
    id: str
    title: str
    outlet: str
    published: str
    claims: int
    quotes: int
    rebuttals: int


@dataclass(frozen=True, slots=True)
class StoryOverview:
    summary: StorySummary
    sources: list[SourceLine]
    verdicts: Chart
    speakers: Chart
    timeline: Chart

    @property
    def charts(self) -> tuple[Chart, Chart, Chart]:
        return (self.verdicts, self.speakers, self.timeline)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "verdicts": self.verdicts.to_dict()["rows"],
            "speakers": self.speakers.to_dict()["rows"],
            "timeline": self.timeline.to_dict()["rows"],
        }


def story_overview(library: Library, reference: str) -> StoryOverview:
    """A story's sources and charts, by the story's name or id."""
    story = find_story(library, reference)
    summary = story_summary(library, story.id)
    ids = queries.story_members(library.db, story.id)
    found = library.article_summaries(ids)
    sources = [
        SourceLine(s.id, s.title, s.outlet, s.published, s.claims, s.quotes, s.rebuttals)
        for s in (found[i] for i in ids)
    ]
    sources.sort(key=lambda s: (s.published or "9999", s.title.casefold()))
    annotations = library.annotations(story_id=story.id)
    published = {s.id: s.published for s in sources}
    verdicts, speakers, timeline = charts(published, annotations)
    return StoryOverview(summary, sources, verdicts, speakers, timeline)


def charts(
    published: Mapping[str, str], annotations: Sequence[Annotation]
) -> tuple[Chart, Chart, Chart]:
    """The three charts of a story: its sources' publication dates (by id), its annotations."""
    return (
        verdict_chart(annotations),
        speaker_chart(annotations),
        timeline_chart(published, annotations),
    )


def verdict_chart(annotations: Sequence[Annotation]) -> Chart:
    """Claims by verdict: a bar per verdict, in the scale's order and colours."""
    counts = Counter(a.verdict for a in annotations if a.kind is Kind.CLAIM)
    return Chart(
        "Claims by verdict",
        "Verdict",
        (Series("Claims", KIND_COLOURS[Kind.CLAIM]),),
        tuple((v.label, (counts[v],)) for v in Verdict),
        tuple(VERDICT_COLOURS[v] for v in Verdict),
    )


def speaker_chart(annotations: Sequence[Annotation]) -> Chart:
    """Claims and quotes by speaker, the ten most quoted."""
    counts: dict[str, Counter[Kind]] = {}
    for a in annotations:
        if a.speaker and a.kind in (Kind.CLAIM, Kind.QUOTE):
            counts.setdefault(a.speaker, Counter())[a.kind] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1].total(), item[0].casefold()))
    return Chart(
        f"Claims and quotes by speaker (top {TOP_SPEAKERS})",
        "Speaker",
        (Series("Claims", KIND_COLOURS[Kind.CLAIM]), Series("Quotes", KIND_COLOURS[Kind.QUOTE])),
        tuple(
            (speaker, (kinds[Kind.CLAIM], kinds[Kind.QUOTE]))
            for speaker, kinds in ranked[:TOP_SPEAKERS]
        ),
    )


def timeline_chart(published: Mapping[str, str], annotations: Sequence[Annotation]) -> Chart:
    """Annotations over the sources' publication dates: by day, or by month over a long span
    or when some dates have no day; undated sources last."""
    dates = [d for d in published.values() if d]
    by_month = _span_days(dates) > DAYS_BY_DAY or any(len(d) < 10 for d in dates)
    buckets: dict[str, int] = {(d[:7] if by_month else d): 0 for d in dates}
    undated = 0
    for a in annotations:
        date_of = published.get(a.article_id, "")
        if date_of:
            key = date_of[:7] if by_month else date_of
            buckets[key] += 1
        else:
            undated += 1
    rows = [(key, (value,)) for key, value in sorted(buckets.items())]
    if undated or len(dates) < len(published) or not rows:
        rows.append((UNDATED, (undated,)))
    return Chart(
        "Annotations by publication date",
        "Month" if by_month else "Date",
        (Series("Annotations", "#5F6B7A"),),
        tuple(rows),
    )


def _span_days(dates: list[str]) -> int:
    full = sorted(d for d in dates if len(d) == 10)
    if len(full) < 2:
        return 0
    return (date.fromisoformat(full[-1]) - date.fromisoformat(full[0])).days
