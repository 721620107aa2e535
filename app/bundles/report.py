"""report.html: one self-contained page an editor opens in any browser.

No scripts, no external requests (a Content-Security-Policy forbids both), every user string
escaped. Each source shows its passages highlighted by kind with the notes beside them; then a
table of claims with verdicts and rebuttals, and the quotes grouped by speaker.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from html import escape
from importlib import resources
from itertools import pairwise

from sourcemark import __version__
from sourcemark.app.bundles.charts import chart_figure
from sourcemark.app.bundles.content import BundleContent, StoryRecord
from sourcemark.app.bundles.tables import quotes_by_speaker
from sourcemark.app.models import Annotation, Article, Kind, Verdict
from sourcemark.app.overview import charts
from sourcemark.app.palette import css_variables
from sourcemark.app.wording import count, ocr_notice

CSS = resources.files("sourcemark.resources").joinpath("report.css")
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
# When passages overlap, the segment is coloured by the first of these kinds it belongs to.
_KIND_ORDER = (Kind.CLAIM, Kind.REBUTTAL, Kind.QUOTE)
_NEXT_PARAGRAPH = re.compile(r"\n(?=[^\n]*\S)")


def report_html(content: BundleContent, exported_at: str) -> bytes:
    numbers = {annotation.id: n for n, annotation in enumerate(content.annotations, 1)}
    page = _Page(content, numbers)
    story = content.story
    title = (
        story.story.name
        if story is not None
        else f"Annotated bundle: {count(len(content.articles), 'source')}"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{css_variables()}\n{CSS.read_text(encoding='utf-8')}</style>",
        "</head><body>",
        page.header(title, exported_at),
        page.story(story) if story is not None else "",
        page.claims(),
        page.quotes(),
        page.sources(),
        "</body></html>",
    ]
    return "\n".join(parts).encode("utf-8")


class _Page:
    def __init__(self, content: BundleContent, numbers: dict[str, int]) -> None:
        self.content = content
        self.numbers = numbers

    def ref(self, annotation: Annotation) -> str:
        """A link to the passage in its source, shown as its number."""
        return f'<a href="#a-{annotation.id}">[{self.numbers[annotation.id]}]</a>'

    def source_ref(self, article: Article) -> str:
        label = article.title or "Untitled source"
        return f'<a href="#s-{article.id}">{escape(label)}</a>'

    def page_label(self, annotation: Annotation, before: str = "") -> str:
        """ "p. 4" or "pp. 4–5" for a passage of a source with pages, else nothing."""
        pages = self.content.pages_of(annotation)
        return f"{before}{escape(pages.label)}" if pages else ""

    def header(self, title: str, exported_at: str) -> str:
        counts = {kind: len(self.content.of_kind(kind)) for kind in Kind}
        contents = "".join(
            f"<li>{self.source_ref(a)} <span class='count'>{escape(_byline(a))}</span></li>"
            for a in self.content.articles
        )
        return (
            f"<header><h1>{escape(title)}</h1>"
            f"<p class='meta'>Exported {escape(exported_at[:10])} with Sourcemark {__version__} · "
            f"{count(counts[Kind.CLAIM], 'claim')}, {count(counts[Kind.QUOTE], 'quote')}, "
            f"{count(counts[Kind.REBUTTAL], 'rebuttal')}</p>"
            "<p class='legend'><mark class='claim'>claim</mark> <mark class='quote'>quote</mark> "
            "<mark class='rebuttal'>rebuttal</mark></p>"
            f"<nav><ol>{contents}</ol></nav></header>"
        )

    def story(self, record: StoryRecord) -> str:
        """A story's description, status and charts, before the claims."""
        story = record.story
        published = {a.id: a.published for a in self.content.articles}
        figures = "".join(
            chart_figure(chart, number)
            for number, chart in enumerate(charts(published, self.content.annotations), 1)
        )
        description = (
            f"<p class='description'>{escape(story.description)}</p>" if story.description else ""
        )
        return (
            f"<section id='story'><p class='meta'>Story · status: "
            f"<span class='badge status-{story.status.value}'>{escape(story.status.value)}"
            f"</span></p>{description}<h2>At a glance</h2>{figures}</section>"
        )

    def claims(self) -> str:
        rows = []
        for claim in self.content.of_kind(Kind.CLAIM):
            article = self.content.article_by_id[claim.article_id]
            rebuttals = "".join(
                f"<li>{self.ref(r)} {escape(r.quote)} "
                f"<cite>{escape(self.content.article_by_id[r.article_id].title)}</cite></li>"
                for r in self.content.rebuttals_of(claim.id)
            )
            # data-label names each cell where a narrow screen lays the row out as a card.
            rows.append(
                f"<tr><td class='num'>{self.ref(claim)}</td>"
                f"<td class='claim-text' data-label='Claim'>{escape(claim.quote)}"
                f"{_note(claim.note)}{self.made_by(claim)}</td>"
                f"<td data-label='Speaker'>{escape(claim.speaker) or '—'}</td>"
                f"<td data-label='Verdict'>{_verdict(claim.verdict)}</td>"
                f"<td data-label='Rebuttals'>{f'<ul>{rebuttals}</ul>' if rebuttals else '—'}</td>"
                f"<td data-label='Source'>{self.source_ref(article)}"
                f"{self.page_label(claim, ', ')}</td></tr>"
            )
        if not rows:
            return "<section id='claims'><h2>Claims</h2><p>No claims in this bundle.</p></section>"
        return (
            "<section id='claims'><h2>Claims</h2><table class='claims'><thead><tr>"
            "<th class='num'>#</th><th>Claim</th>"
            "<th>Speaker</th><th>Verdict</th><th>Rebuttals</th><th>Source</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )

    def made_by(self, annotation: Annotation) -> str:
        """Who made an annotation (its current version), where the library knows."""
        creator = self.content.creators.get(annotation.id)
        return f"<p class='by'>by {escape(creator)}</p>" if creator else ""

    def quotes(self) -> str:
        groups = []
        for speaker, quotes in quotes_by_speaker(self.content):
            items = "".join(
                f"<li><blockquote>{escape(q.quote)}</blockquote><cite>{self.ref(q)} "
                f"{escape(_citation(self.content.article_by_id[q.article_id]))}"
                f"{self.page_label(q, ', ')}</cite>"
                f"{_note(q.note)}{self.made_by(q)}</li>"
                for q in quotes
            )
            groups.append(f"<h3>{escape(speaker)}</h3><ul>{items}</ul>")
        body = "".join(groups) or "<p>No quotes in this bundle.</p>"
        return f"<section id='quotes'><h2>Quotes by speaker</h2>{body}</section>"

    def sources(self) -> str:
        articles = "".join(self.source(a) for a in self.content.articles)
        return f"<section id='sources'><h2>Sources</h2>{articles}</section>"

    def source(self, article: Article) -> str:
        blocks = _blocks(article.text)
        starts = [start for start, _ in blocks]
        touching: dict[int, list[Annotation]] = defaultdict(list)
        opening: dict[int, list[Annotation]] = defaultdict(list)
        for annotation in self.content.annotations_by_article.get(article.id, []):
            first = bisect.bisect_right(starts, annotation.start) - 1
            last = bisect.bisect_right(starts, annotation.end - 1) - 1
            opening[first].append(annotation)
            for index in range(first, last + 1):
                touching[index].append(annotation)
        rows = [
            f"<div class='row'><p>{self.marked(article.text, start, end, touching[index])}</p>"
            f"<aside>{''.join(self.margin_note(a) for a in opening[index])}</aside></div>"
            for index, (start, end) in enumerate(blocks)
        ]
        url = f"<br>{escape(article.url)}" if article.url else ""
        ocr = self.content.ocr_pages(article.id)
        notice = f"<p class='meta'>{escape(ocr_notice(ocr))}</p>" if ocr else ""
        return (
            f"<article class='source' id='s-{article.id}'>"
            f"<h3>{escape(article.title or 'Untitled source')}</h3>"
            f"<p class='meta'>{escape(_byline(article))}{url}</p>{notice}{''.join(rows)}</article>"
        )

    def marked(self, text: str, start: int, end: int, annotations: list[Annotation]) -> str:
        """`text[start:end]` with each passage of an annotation wrapped in a <mark>."""
        cuts = {start, end}
        for a in annotations:
            cuts.update(x for x in (a.start, a.end) if start < x < end)
        bounds = sorted(cuts)
        out = []
        for lo, hi in pairwise(bounds):
            out += [
                f"<sup class='ref' id='a-{a.id}'>{self.numbers[a.id]}</sup>"
                for a in annotations
                if a.start == lo
            ]
            covering = [a for a in annotations if a.start < hi and a.end > lo]
            if covering:
                kinds = {a.kind for a in covering}
                kind = next(k for k in _KIND_ORDER if k in kinds)
                overlap = " overlap" if len(covering) > 1 else ""
                out.append(_mark(text[lo:hi], f"{kind.value}{overlap}"))
            else:
                out.append(escape(text[lo:hi]))
        return "".join(out)

    def margin_note(self, annotation: Annotation) -> str:
        links = "".join(
            f"<span class='text'>{escape(link.relation.value.replace('_', ' '))} "
            f"{self.ref(self.content.annotation_by_id[link.to_id])}</span>"
            for link in self.content.links_from(annotation.id)
        )
        return (
            f"<div class='note {annotation.kind.value}'><b>{self.numbers[annotation.id]}</b> "
            f"{self.page_label(annotation)} "
            f"<span class='badge {annotation.kind.value}'>{annotation.kind.value}</span> "
            f"{_verdict(annotation.verdict)} {escape(annotation.speaker)}"
            f"{_note(annotation.note)}{links}{self.made_by(annotation)}</div>"
        )


def _blocks(text: str) -> list[tuple[int, int]]:
    """Cut the whole text, gap-free, into blocks that each start at a line holding more than
    white space; the blank lines after a paragraph stay with it (they render as spacing)."""
    starts = [0] + [m.end() for m in _NEXT_PARAGRAPH.finditer(text)]
    return list(pairwise([*starts, len(text)]))


def _mark(piece: str, classes: str) -> str:
    """Highlight a piece line by line, so blank lines inside a passage stay unmarked."""
    return "\n".join(
        f"<mark class='{classes}'>{escape(line)}</mark>" if line.strip() else escape(line)
        for line in piece.split("\n")
    )


def _note(note: str) -> str:
    return f"<span class='text'>{escape(note)}</span>" if note else ""


def _verdict(verdict: Verdict | None) -> str:
    if verdict is None:
        return ""
    return f"<span class='badge verdict-{verdict.value}'>{escape(verdict.label)}</span>"


def _byline(article: Article) -> str:
    return " · ".join(x for x in (article.outlet, article.author, article.published) if x)


def _citation(article: Article) -> str:
    parts = (article.title, article.outlet, article.published or "undated")
    return ", ".join(x for x in parts if x)
