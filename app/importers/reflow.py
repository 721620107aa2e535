"""Reading order and paragraphs for text laid out on pages.

The input is one string per page: a fixed-width picture of the page as pypdf's layout mode
draws it (columns side by side, blank lines for vertical gaps) or as Tesseract reads a scan.
The output is the document's text as it reads:
- running headers, footers and page numbers (the same first or last lines on many pages, any
  numbers in them aside) are dropped;
- two or more columns of prose, found by a gutter of blank space running down the page, are
  read one after the other;
- table rows (cells apart by wide gaps) stay one to a line, their cells split by tabs;
- other lines are joined into paragraphs: a blank line, a short line, a list item or a first-line
  indent after a full stop starts a new one;
- a word hyphenated across a line end is joined, unless the hyphen belongs to it: the hyphenated
  form occurs elsewhere in the document, the joined form does not and the first part is a
  prefix that keeps its hyphen ("self-"), or the second part starts with a capital or a digit;
- a paragraph cut by a column or page break is joined again when it plainly goes on.
It also gives where each page's text starts, so passages can be cited by page.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sourcemark.app.text import drop_control_characters, normalise

PARAGRAPH_BREAK = "\n\n"
# The lines at the top and at the bottom of a page where running headers and footers live.
_EDGE_LINES = 2
# A running line appears on at least this share of the pages (alternating headers: ~half).
_RUNNING_SHARE = 0.4
_GAP = re.compile(r"\S( {3,})\S")
_CELL_SEPARATOR = re.compile(r" {2,}")
_DIGITS = re.compile(r"\d+")
_PAGE_WORD = re.compile(r"\b(page|pages|p|pp|seite|página|pagina|pag)\b")
_LETTERS = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")
_LEADING_WORD = re.compile(r"[^\W\d_]+")
_TRAILING_WORD = re.compile(r"[^\W\d_]+$")
_LIST_ITEM = re.compile(
    r"([•\u2022\u25aa\u25cf*–-]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\))\s"
)
_ENDS_SENTENCE = (".", "!", "?", "…", ":", ";", '"', "”", "’", ")", "]")
_LINE_END_HYPHENS = ("-", "\u2010")
_SOFT_HYPHEN = "\u00ad"
_UNSPACED_DASHES = ("\u2013", "\u2014")
# Prefixes that keep their hyphen when a line break falls after them ("self-reported").
_HYPHENATED_PREFIXES = frozenset(
    {"all", "cross", "ex", "half", "non", "quasi", "self", "semi", "vice", "well"}
)
# A line this much shorter than the column ends its paragraph.
_SHORT_LINE_SHARE = 0.7
_MIN_COLUMN_LINES = 3
_MIN_COLUMN_CHARS = 12
_MAX_TABULAR_SHARE = 0.25
# Column detection looks at lines of ordinary width only (a hostile page can be very wide).
_MAX_LAYOUT_WIDTH = 1000


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, or the rows of a table (one a line)."""

    text: str
    table: bool = False


@dataclass(frozen=True, slots=True)
class Reflowed:
    text: str
    page_starts: list[int]
    """Where each page's text starts; page i runs to the start of page i + 1 (or the end)."""


def reflow_job(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    """Worker job: page texts (UTF-8 blobs) in, the document's text and page starts out."""
    result = reflow([blob.decode("utf-8", errors="replace") for blob in blobs])
    return {"page_starts": result.page_starts}, [result.text.encode("utf-8")]


def reflow(pages: Sequence[str]) -> Reflowed:
    page_lines = [_clean_lines(page) for page in pages]
    _drop_running_lines(page_lines)
    hyphens = Hyphenation(page_lines)
    return _assemble([_page_blocks(lines, hyphens) for lines in page_lines], hyphens)


def _clean_lines(page: str) -> list[str]:
    text = normalise(drop_control_characters(page)).replace("\t", "    ")
    return [line.rstrip() for line in text.split("\n")]


# --- running headers and footers -------------------------------------------------------------


def _drop_running_lines(pages: list[list[str]]) -> None:
    """Blank the lines that repeat at the top or at the bottom of many pages, peeling from
    the edge inwards (a second line counts only below or above a running one). Lines that
    differ only in their numbers count as one when a number keeps step with the page."""
    if len(pages) < 2:
        return
    threshold = max(2, math.ceil(_RUNNING_SHARE * len(pages)))
    for from_top in (True, False):
        edges = {
            number: [i for i, line in enumerate(lines) if line.strip()][
                slice(None, _EDGE_LINES) if from_top else slice(None, -_EDGE_LINES - 1, -1)
            ]
            for number, lines in enumerate(pages)
        }
        peeling = set(edges)
        for level in range(_EDGE_LINES):
            seen: dict[str, list[tuple[int, int, tuple[int, ...]]]] = {}
            for number in sorted(peeling):
                if level < len(edges[number]):
                    index = edges[number][level]
                    flat = " ".join(pages[number][index].split()).casefold()
                    numbers = tuple(int(digits) for digits in _DIGITS.findall(flat)[:8])
                    seen.setdefault(_DIGITS.sub("#", flat), []).append((number, index, numbers))
            peeling = set()
            for key, places in seen.items():
                if len(places) >= threshold and _numbered_alike(key, places):
                    for number, index, _ in places:
                        pages[number][index] = ""
                        peeling.add(number)


def _numbered_alike(key: str, places: list[tuple[int, int, tuple[int, ...]]]) -> bool:
    """The same numbers on every page, or a page number: one that keeps step with the page,
    in a line that names it ("Page 4 of 30", "Seite 4") or holds little else ("- 4 -")."""
    if len({numbers for _, _, numbers in places}) == 1:
        return True
    if not _PAGE_WORD.search(key) and len(_LETTERS.findall(key)) > 3:
        return False
    width = min(len(numbers) for _, _, numbers in places)
    return any(len({numbers[k] - page for page, _, numbers in places}) == 1 for k in range(width))


# --- hyphenation -----------------------------------------------------------------------------


class Hyphenation:
    """Decides how two lines join, knowing the words the whole document uses."""

    def __init__(self, pages: Sequence[Sequence[str]]) -> None:
        self.words: set[str] = set()
        for lines in pages:
            for line in lines:
                body = line.rstrip()
                if body.endswith(_LINE_END_HYPHENS):
                    body = body[:-1].rstrip()
                    body = body[: len(body) - len(_last_word(body))]
                self.words.update(word.casefold() for word in _WORD.findall(body))

    def boundary(self, before: str, after: str) -> tuple[int, str]:
        """How the text `before` joins the text `after` that follows it on the next line:
        how many characters to drop from the end of `before`, and what goes between."""
        if before.endswith(_SOFT_HYPHEN):
            return 1, ""
        if before.endswith(_UNSPACED_DASHES):
            return 0, ""
        if not before.endswith(_LINE_END_HYPHENS):
            return 0, " "
        left, right = _last_word(before[:-1]), _first_word(after)
        if not left or not right:
            return 0, "" if before[-2:-1].strip() else " "
        return (0, "") if self.keeps_hyphen(left, right) else (1, "")

    def keeps_hyphen(self, left: str, right: str) -> bool:
        if right[0].isupper():
            return True
        compound = f"{left}-{right}".casefold()
        if compound in self.words or f"{left}\u2010{right}".casefold() in self.words:
            return True
        if (left + right).casefold() in self.words:
            return False
        return left.casefold() in _HYPHENATED_PREFIXES


def _last_word(text: str) -> str:
    match = _TRAILING_WORD.search(text)
    return match.group() if match else ""


def _first_word(text: str) -> str:
    match = _LEADING_WORD.match(text)
    return match.group() if match else ""


# --- columns -----------------------------------------------------------------------------------


def _reading_order(lines: list[str]) -> list[list[str]]:
    """The page cut into runs of lines read one after the other: each column of a
    multi-column stretch becomes its own run, left before right."""
    runs: list[list[str]] = []
    current: list[str] = []
    index = 0
    while index < len(lines):
        found = _column_stretch(lines, index)
        if found is None:
            current.append(lines[index])
            index += 1
            continue
        end, gutter = found
        if current:
            runs.append(current)
            current = []
        stretch = lines[index:end]
        runs += _reading_order([line[:gutter].rstrip() for line in stretch])
        runs += _reading_order([line[gutter:].rstrip() for line in stretch])
        index = end
    if current:
        runs.append(current)
    return runs


def _gap_ranges(line: str) -> list[set[int]]:
    """For each gap of three spaces or more between two pieces of text, the positions inside
    it with a space on either side of them."""
    return [set(range(m.start(1) + 1, m.end(1) - 1)) for m in _GAP.finditer(line)]


def _clear_at(line: str, position: int) -> bool:
    return not line[max(0, position - 1) : position + 2].strip()


def _column_stretch(lines: list[str], start: int) -> tuple[int, int] | None:
    """(end, gutter position) of a stretch of columns of prose starting at `start`: a line
    with one wide gap, then the lines that leave blank some of the same positions and have no
    other wide gap (a table row ends the stretch)."""
    first = lines[start]
    gaps = _gap_ranges(first) if len(first) <= _MAX_LAYOUT_WIDTH else []
    if len(gaps) != 1:
        return None
    candidates = gaps[0]
    end = start + 1
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if len(line) > _MAX_LAYOUT_WIDTH:
            break
        remaining = {position for position in candidates if _clear_at(line, position)}
        if not remaining or any(not gap & remaining for gap in _gap_ranges(line)):
            break
        candidates, end = remaining, index + 1
    gutter = _middle_of_widest_range(candidates)
    return (end, gutter) if _columns_of_prose(lines[start:end], gutter) else None


def _middle_of_widest_range(positions: set[int]) -> int:
    ordered = sorted(positions)
    best_start, best_length, run_start = ordered[0], 1, ordered[0]
    for previous, position in zip(ordered, ordered[1:], strict=False):
        if position != previous + 1:
            run_start = position
        if position - run_start + 1 > best_length:
            best_start, best_length = run_start, position - run_start + 1
    return best_start + best_length // 2


def _columns_of_prose(lines: list[str], gutter: int) -> bool:
    """Several lines hold text on both sides of the gutter, both sides are as wide as prose,
    and few of them are table cells."""
    both = [
        (line[:gutter].strip(), line[gutter:].strip())
        for line in lines
        if line[:gutter].strip() and line[gutter:].strip()
    ]
    if len(both) < _MIN_COLUMN_LINES:
        return False
    left = sum(len(text) for text, _ in both) / len(both)
    right = sum(len(text) for _, text in both) / len(both)
    tabular = sum(1 for pair in both if any(_GAP.search(side) for side in pair))
    return min(left, right) >= _MIN_COLUMN_CHARS and tabular <= _MAX_TABULAR_SHARE * len(both)


# --- paragraphs ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    indent: int
    width: int


def _page_blocks(lines: list[str], hyphens: Hyphenation) -> list[Block]:
    blocks: list[Block] = []
    for run in _reading_order(lines):
        for block in _paragraphs(run, hyphens):
            if blocks and _continues(blocks[-1], block):
                blocks[-1] = _joined(blocks[-1], block, hyphens)
            else:
                blocks.append(block)
    return blocks


def _paragraphs(run: list[str], hyphens: Hyphenation) -> list[Block]:
    filled = [line for line in run if line.strip()]
    if not filled:
        return []
    margin = min(len(line) - len(line.lstrip()) for line in filled)
    column = max(len(line) - margin for line in filled)
    blocks: list[Block] = []
    paragraph: list[_Line] = []
    rows: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block(_join_lines([line.text for line in paragraph], hyphens)))
            paragraph.clear()

    def end_table() -> None:
        if rows:
            blocks.append(Block("\n".join(rows), table=True))
            rows.clear()

    for raw in run:
        text = raw.strip()
        if not text:
            end_paragraph()
            end_table()
            continue
        if _GAP.search(text):
            end_paragraph()
            rows.append("\t".join(_CELL_SEPARATOR.split(text)))
            continue
        end_table()
        line = _Line(text, len(raw) - len(raw.lstrip()) - margin, len(raw) - margin)
        if paragraph and _starts_paragraph(paragraph[-1], line, column):
            end_paragraph()
        paragraph.append(line)
    end_paragraph()
    end_table()
    return blocks


def _starts_paragraph(previous: _Line, line: _Line, column: int) -> bool:
    if _LIST_ITEM.match(line.text):
        return True
    if previous.width < _SHORT_LINE_SHARE * column:
        return True
    return line.indent > previous.indent + 1 and previous.text.endswith(_ENDS_SENTENCE)


def _join_lines(lines: list[str], hyphens: Hyphenation) -> str:
    pieces = [lines[0]]
    for line in lines[1:]:
        drop, between = hyphens.boundary(pieces[-1], line)
        if drop:
            pieces[-1] = pieces[-1][:-drop]
        pieces += [between, line]
    return "".join(pieces)


def _continues(before: Block, after: Block) -> bool:
    """Whether `after` plainly goes on with the paragraph `before` (cut by a column or page
    break): `before` does not end a sentence and `after` starts in lower case."""
    if before.table or after.table or before.text.endswith(_ENDS_SENTENCE):
        return False
    return after.text[:1].islower() or before.text.endswith((",", _SOFT_HYPHEN, *_LINE_END_HYPHENS))


def _joined(before: Block, after: Block, hyphens: Hyphenation) -> Block:
    return Block(_join_lines([before.text, after.text], hyphens))


# --- the document ------------------------------------------------------------------------------


def _assemble(pages: list[list[Block]], hyphens: Hyphenation) -> Reflowed:
    pieces: list[str] = []
    length = 0
    starts: list[int] = []
    last: Block | None = None
    last_page = -1
    for number, blocks in enumerate(pages):
        for index, block in enumerate(blocks):
            if (
                index == 0
                and last is not None
                and last_page == number - 1
                and _continues(last, block)
            ):
                drop, between = hyphens.boundary(last.text, block.text)
                if drop:
                    pieces[-1] = pieces[-1][:-drop]
                    length -= drop
                pieces.append(between)
                length += len(between)
            elif pieces:
                pieces.append(PARAGRAPH_BREAK)
                length += len(PARAGRAPH_BREAK)
            if index == 0:
                starts.append(length)
            pieces.append(block.text)
            length += len(block.text)
            last, last_page = block, number
        if not blocks:
            starts.append(length)
    text = "".join(pieces)
    if not unicodedata.is_normalized("NFC", text):  # a join put a combining mark after a letter
        starts = [len(normalise(text[:start])) for start in starts]
        text = normalise(text)
    return Reflowed(text, starts)
