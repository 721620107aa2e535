"""Spreadsheet and story-draft views: claims.csv, quotes.csv and the quotes.md quote sheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from sourcemark.app.bundles.content import BundleContent
from sourcemark.app.models import Annotation, Kind

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
UNATTRIBUTED = "Unattributed"

CLAIM_COLUMNS = (
    "claim_id",
    "claim",
    "speaker",
    "verdict",
    "rating",
    "note",
    "rebuttals",
    "source",
    "outlet",
    "published",
    "url",
    "pages",
    "start",
    "end",
    "updated_at",
)
QUOTE_COLUMNS = (
    "quote_id",
    "speaker",
    "quote",
    "note",
    "source",
    "outlet",
    "published",
    "url",
    "pages",
    "start",
    "end",
    "updated_at",
)


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: formula-like strings get a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def claims_csv(content: BundleContent) -> bytes:
    rows = []
    for claim in content.of_kind(Kind.CLAIM):
        article = content.article_by_id[claim.article_id]
        rebuttals = " | ".join(r.quote for r in content.rebuttals_of(claim.id))
        rating = claim.verdict.rating if claim.verdict else None
        rows.append(
            (
                claim.id,
                claim.quote,
                claim.speaker,
                claim.verdict.label if claim.verdict else "",
                "" if rating is None else rating,
                claim.note,
                rebuttals,
                article.title,
                article.outlet,
                article.published,
                article.url,
                _pages(content, claim),
                claim.start,
                claim.end,
                claim.updated_at,
            )
        )
    return _csv(CLAIM_COLUMNS, rows)


def quotes_csv(content: BundleContent) -> bytes:
    rows = []
    for quote in content.of_kind(Kind.QUOTE):
        article = content.article_by_id[quote.article_id]
        rows.append(
            (
                quote.id,
                quote.speaker,
                quote.quote,
                quote.note,
                article.title,
                article.outlet,
                article.published,
                article.url,
                _pages(content, quote),
                quote.start,
                quote.end,
                quote.updated_at,
            )
        )
    return _csv(QUOTE_COLUMNS, rows)


def _pages(content: BundleContent, annotation: Annotation) -> str:
    pages = content.pages_of(annotation)
    return pages.label if pages else ""


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    # A byte-order mark so spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def quotes_by_speaker(content: BundleContent) -> list[tuple[str, list[Annotation]]]:
    """Quotes grouped by speaker (alphabetical, unattributed last), each in source order."""
    groups: dict[str, list[Annotation]] = {}
    for quote in content.of_kind(Kind.QUOTE):
        groups.setdefault(quote.speaker or UNATTRIBUTED, []).append(quote)
    return sorted(groups.items(), key=lambda item: (item[0] == UNATTRIBUTED, item[0].casefold()))


def quotes_markdown(content: BundleContent) -> bytes:
    lines = ["# Quote sheet", ""]
    for speaker, quotes in quotes_by_speaker(content):
        lines += [f"## {_md(speaker)}", ""]
        for quote in quotes:
            article = content.article_by_id[quote.article_id]
            lines += [f"> {_md(line)}" if line.strip() else ">" for line in quote.quote.split("\n")]
            source = ", ".join(
                part
                for part in (
                    f"*{_md(article.title)}*" if article.title else "",
                    _md(article.outlet),
                    article.published or "undated",
                    _pages(content, quote),
                )
                if part
            )
            lines += [">", f"> — {_md(speaker)}, {source}", ""]
            if quote.note:
                lines += [f"Note: {_md(' '.join(quote.note.split()))}", ""]
    if len(lines) == 2:
        lines += ["No quotes in this bundle.", ""]
    return "\n".join(lines).encode("utf-8")


def _md(text: str) -> str:
    """Escape Markdown syntax in a user string so it reads as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
