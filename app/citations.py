"""Citations: a passage of a source as a ready-to-paste quotation with its attribution.

Three styles a desk uses: AP (attribution in the sentence, as a news story quotes), Chicago
(a note) and APA (an in-text citation, then the reference entry). Hand-written rather than
through citeproc-py: its style collection has no AP style, and a news article needs only
these few fields. The page (from a PDF's page map) goes where each style puts a locator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sourcemark.app.errors import SourcemarkError
from sourcemark.app.library import Library
from sourcemark.app.models import Article

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# AP abbreviates the months of more than five letters, spelled out when standing alone.
_AP_MONTHS = (
    *("Jan.", "Feb.", "March", "April", "May", "June"),
    *("July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."),
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_NAME_WORD = re.compile(r"^[A-Z][\w'’.-]*$")


class CitationStyle(StrEnum):
    AP = "ap"
    CHICAGO = "chicago"
    APA = "apa"


@dataclass(frozen=True, slots=True)
class Passage:
    """What a citation needs: the words, who said them, the source, and its pages if known."""

    quote: str
    speaker: str
    article: Article
    pages: tuple[int, int] | None = None


def parse_style(style: CitationStyle | str) -> CitationStyle:
    try:
        return CitationStyle(str(style).strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in CitationStyle)
        raise SourcemarkError(f"unknown citation style {style!r} (choose {choices})") from None


def cite_annotation(
    library: Library, annotation_id: str, style: CitationStyle | str = CitationStyle.AP
) -> str:
    """An annotation's passage as a citation, with its speaker."""
    annotation = library.annotation(annotation_id)
    article = library.article(annotation.article_id)
    pages = _pages(library, article.id, annotation.start, annotation.end)
    return cite(Passage(annotation.quote, annotation.speaker, article, pages), parse_style(style))


def cite_span(
    library: Library,
    article_id: str,
    start: int,
    end: int,
    style: CitationStyle | str = CitationStyle.AP,
) -> str:
    """A passage of a source (code-point offsets), not annotated, as a citation."""
    article = library.article(article_id)
    if not 0 <= start < end <= len(article.text):
        raise SourcemarkError(f"offsets {start}-{end} are outside the text")
    pages = _pages(library, article.id, start, end)
    return cite(Passage(article.text[start:end], "", article, pages), parse_style(style))


def _pages(library: Library, article_id: str, start: int, end: int) -> tuple[int, int] | None:
    """The first and last page of a passage, for a source from a PDF (its page map)."""
    found = library.pages_of(article_id, start, end)
    return (found.first, found.last) if found is not None else None


def cite(passage: Passage, style: CitationStyle) -> str:
    return {CitationStyle.AP: _ap, CitationStyle.CHICAGO: _chicago, CitationStyle.APA: _apa}[style](
        passage
    )


def _ap(p: Passage) -> str:
    """“Words,” Speaker said, according to “Title” (Outlet, Jan. 18, 2020, p. 4). URL"""
    details = _join(
        p.article.outlet,
        _authors(p.article.author, inverted=False),
        _ap_date(p.article.published),
        _page(p),
    )
    source = f"“{_title(p.article)}”" + (f" ({details})" if details else "")
    if p.speaker:
        line = f"“{_inner(p.quote, ending=',')}” {p.speaker} said, according to {source}."
    else:
        line = f"“{_inner(p.quote, ending='')}” — {source}."
    return _with_url(line, p.article.url)


def _chicago(p: Passage) -> str:
    """“Words” — Speaker, then the note: Author, “Title,” Outlet, January 18, 2020, 4, URL."""
    quote = f"“{_inner(p.quote, ending='')}”" + (f" — {p.speaker}" if p.speaker else "")
    page = str(p.pages[0]) if p.pages and p.pages[0] == p.pages[1] else _page_range(p)
    note = _join(
        _authors(p.article.author, inverted=False),
        f"“{_title(p.article)},”",
        p.article.outlet,
        _long_date(p.article.published),
        page,
        p.article.url,
    )
    return f"{quote}\n{note.replace(',”,', ',”')}."


def _apa(p: Passage) -> str:
    """“Words” (Speaker, as cited in Smith, 2020, p. 4). Then: Smith, J. (2020, January 18).
    Title. Outlet. URL"""
    a = p.article
    year = a.published[:4] or "n.d."
    who = _surnames(a.author) or f"“{_title(a)}”"
    cited = _join(who, year, _page(p))
    words = _inner(p.quote, ending="")
    in_text = (
        f"“{words}” ({p.speaker}, as cited in {cited})" if p.speaker else f"“{words}” ({cited})"
    )
    date = _apa_date(a.published)
    authors = _authors(a.author, inverted=True)
    head = f"{authors} ({date}). {_title(a)}." if authors else f"{_title(a)}. ({date})."
    reference = " ".join(x for x in (head, f"{a.outlet}." if a.outlet else "", a.url) if x)
    return f"{in_text}.\n{reference}"


def _title(article: Article) -> str:
    """The title on one line, without a closing full stop (the style adds its punctuation),
    its own quotation marks made single (it is set inside double ones)."""
    title = " ".join(article.title.split()).rstrip(".") or "Untitled source"
    return title.replace("“", "‘").replace("”", "’").replace('"', "'")


def _inner(quote: str, *, ending: str) -> str:
    """The words on one line, quotation marks inside them made single, a closing full stop
    replaced by `ending` (the comma before an AP attribution; nothing before a parenthesis)."""
    text = " ".join(quote.split())
    text = text.replace("“", "‘").replace("”", "’").replace('"', "'")
    if text.endswith(("?", "!")):
        return text
    return text.removesuffix(".") + ending


def _join(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _with_url(line: str, url: str) -> str:
    return f"{line} {url}" if url else line


def _page(p: Passage) -> str:
    if p.pages is None:
        return ""
    first, last = p.pages
    return f"p. {first}" if first == last else f"pp. {first}–{last}"


def _page_range(p: Passage) -> str:
    return f"{p.pages[0]}–{p.pages[1]}" if p.pages else ""


def _date_parts(published: str) -> tuple[int | None, int | None, int | None]:
    parts = [int(x) for x in published.split("-") if x.isdigit()]
    year, month, day = (parts + [None, None, None])[:3]
    return year, month, day


def _ap_date(published: str) -> str:
    year, month, day = _date_parts(published)
    if year is None:
        return ""
    if month is None:
        return str(year)
    if day is None:
        return f"{_MONTHS[month - 1]} {year}"
    return f"{_AP_MONTHS[month - 1]} {day}, {year}"


def _long_date(published: str) -> str:
    year, month, day = _date_parts(published)
    if year is None:
        return ""
    if month is None:
        return str(year)
    return f"{_MONTHS[month - 1]} {day}, {year}" if day else f"{_MONTHS[month - 1]} {year}"


def _apa_date(published: str) -> str:
    year, month, day = _date_parts(published)
    if year is None:
        return "n.d."
    if month is None:
        return str(year)
    return f"{year}, {_MONTHS[month - 1]}" + (f" {day}" if day else "")


def _names(author: str) -> list[str]:
    text = re.sub(r"^\s*by\s+", "", author.strip(), flags=re.IGNORECASE)
    return [name for name in _AUTHOR_SPLIT.split(text) if name]


def _is_personal(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words)


def _invert(name: str) -> str:
    """'Jane Q. Smith' as 'Smith, J. Q.'; a name that is not a person's stays as it is."""
    if not _is_personal(name):
        return name
    *given, surname = name.split()
    return f"{surname}, " + " ".join(f"{word[0]}." for word in given)


def _authors(author: str, *, inverted: bool) -> str:
    names = [_invert(n) if inverted else n for n in _names(author)]
    if len(names) <= 1:
        return names[0] if names else ""
    if inverted:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _surnames(author: str) -> str:
    surnames = [n.split()[-1] if _is_personal(n) else n for n in _names(author)]
    if len(surnames) > 2:
        return f"{surnames[0]} et al."
    return " & ".join(surnames)
