"""Documents made for the tests: PDFs laid out line by line (fpdf2) and scans (Pillow).

Every line is placed where the test says, so line breaks, hyphens, gaps, columns, tables,
running headers and footnotes are exactly those of the test, not those of a layout engine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_LINE_MM = 5.5
_LEFT_MM = 20.0
_TOP_MM = 28.0


@dataclass
class Page:
    """One page: lines of body text ("" leaves a paragraph gap), optionally two columns of
    lines below the body, table rows, footnotes (small type at the foot of the page), and
    a running header and footer ("{n}" is the page number, "{count}" the number of pages)."""

    lines: Sequence[str] = ()
    columns: tuple[Sequence[str], Sequence[str]] | None = None
    table: Sequence[Sequence[str]] = ()
    footnotes: Sequence[str] = ()
    header: str = ""
    footer: str = ""
    indents: dict[int, float] = field(default_factory=dict)
    """Extra left indent (mm) of some body lines, by their index."""


def pdf(pages: Sequence[Page], *, title: str = "", created: str = "") -> bytes:
    """A letter-size PDF with a text layer, one `Page` a page."""
    document = FPDF(format="letter", unit="mm")
    document.set_auto_page_break(False)
    document.add_font("DejaVu", "", str(FONT_FILE))
    if title:
        document.set_title(title)
    if created:
        document.set_creation_date(_date(created))
    for number, page in enumerate(pages, 1):
        document.add_page()
        _running(document, page.header, 12, number, len(pages))
        _running(document, page.footer, 262, number, len(pages))
        document.set_font("DejaVu", size=11)
        y = _TOP_MM
        for index, line in enumerate(page.lines):
            if line:
                document.text(_LEFT_MM + page.indents.get(index, 0.0), y, line)
            y += _LINE_MM
        if page.columns is not None:
            y += _LINE_MM
            for column, lines in enumerate(page.columns):
                for row, line in enumerate(lines):
                    document.text(_LEFT_MM + 92 * column, y + row * _LINE_MM, line)
            y += _LINE_MM * (max(len(lines) for lines in page.columns) + 1)
        for cells in page.table:
            for place, cell in enumerate(cells):
                document.text(_LEFT_MM + 55 * place, y, cell)
            y += _LINE_MM
        document.set_font("DejaVu", size=8)
        for index, note in enumerate(page.footnotes):
            document.text(_LEFT_MM, 245 + index * 4, note)
    return bytes(document.output())


def _running(document: FPDF, template: str, y: float, number: int, count: int) -> None:
    if template:
        document.set_font("DejaVu", size=8)
        document.text(_LEFT_MM, y, template.format(n=number, count=count))


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def scan(pages: Sequence[Sequence[str]], *, dpi: int = 300) -> bytes:
    """A PDF of page images with no text layer, as a scanner makes: each page's lines drawn
    in 12-point DejaVu Sans on a white letter-size page at `dpi`."""
    font = ImageFont.truetype(str(FONT_FILE), size=round(12 * dpi / 72))
    images = []
    for lines in pages:
        image = Image.new("L", (round(8.5 * dpi), round(11 * dpi)), 255)
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines):
            draw.text((dpi, dpi + row * round(0.25 * dpi)), line, font=font, fill=0)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def character_error_rate(expected: str, found: str) -> float:
    """Edit distance between the two texts (white space collapsed) over the expected length."""
    a, b = " ".join(expected.split()), " ".join(found.split())
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        previous = current
    return previous[-1] / max(1, len(a))
