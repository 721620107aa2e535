"""Saved web pages: the article's main text and metadata, from HTML that is never trusted.

Pipeline, in a worker process (see `app.workers`; `documents.extract_html` sends the job):
1. decode: a BOM, then the page's <meta> charset if the bytes fit it, then as any text;
2. parse with lxml (no network, no entities; nesting stops at 2,048 levels; at most
   `MAX_ELEMENTS` elements);
3. metadata from the whole page: <head> meta tags and JSON-LD, which sanitising would remove;
4. tables that lay out the whole page turned into plain blocks;
5. the body sanitised with nh3 to a strict allowlist that still carries what trafilatura's
   boilerplate detection uses (sections, class, id, role, itemprop), so scripts, styles, forms,
   frames, media and their text never reach extraction; a test shows the text is unchanged;
6. trafilatura's plain settings extract the main text, without comments.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
import nh3
import trafilatura
from lxml import etree
from lxml.etree import ParserError
from trafilatura.metadata import extract_metadata
from trafilatura.settings import set_date_params

from sourcemark.app.errors import ImportFailed
from sourcemark.app.text import NotText, decode, drop_control_characters

# huge_tree: libxml2's default limits silently drop the whole page when one attribute (an inline
# image saved with the page) is over 10 MB; the element cap and the child's limits bound the work.
# Nesting still stops at 2,048 levels.
_PARSER = lxml.html.HTMLParser(huge_tree=True)
# A real article page has a few thousand elements; extraction time grows faster than linearly.
MAX_ELEMENTS = 50_000

_PRESCAN_BYTES = 8192
# An XML declaration (lxml refuses it in str input) and a DOCTYPE, with any internal subset of
# entity definitions, which the HTML parser would otherwise show as text.
_PROLOGUE = re.compile(
    r"\A\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!DOCTYPE[^\[>]{0,1000}(?:\[.*?\])?\s*>)?", re.I | re.S
)
_META_CHARSET = re.compile(rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.I)
# WHATWG encoding rules: these labels mean windows-1252, and a UTF-16 label found by an
# ASCII-compatible prescan cannot be true.
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}

SAFE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "address",
        "article",
        "aside",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "i",
        "ins",
        "kbd",
        "li",
        "main",
        "mark",
        "nav",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "section",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
    }
)
# Dropped together with everything inside them: active content, embeds, forms and media.
_DROPPED_WITH_CONTENT = frozenset(
    {
        "audio",
        "button",
        "canvas",
        "embed",
        "form",
        "frame",
        "frameset",
        "iframe",
        "math",
        "noscript",
        "object",
        "picture",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
        "title",
        "video",
    }
)
_SAFE_ATTRIBUTES = {
    "*": {"class", "id", "lang", "dir", "role", "itemprop"},
    "a": {"href"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
}
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def extract_job(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    """Worker job: the page's bytes in; its metadata, its text and the whole page's visible
    text (two UTF-8 blobs) out."""
    fields = extract_fields(blobs[0])
    text, page_text = fields.pop("text"), fields.pop("page_text")
    return fields, [text.encode("utf-8"), page_text.encode("utf-8")]


def extract_fields(data: bytes) -> dict[str, str]:
    """The page's main text and metadata."""
    # Control characters are parse errors in HTML, and lxml refuses them in text it is given.
    tree = _parse(drop_control_characters(decode_html(data)))
    metadata = _metadata(tree)
    body = _body(tree)
    page_text = visible_text(body)
    _unwrap_layout_tables(body)
    markup = clean_markup(lxml.html.tostring(body, encoding="unicode"))
    text = trafilatura.extract(
        f"<html><body>{markup}</body></html>",
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    lines = (line.strip() for line in (text or "").splitlines())
    return {"text": "\n".join(lines), "page_text": page_text, **metadata}


# Elements whose text a browser lays out as blocks of their own.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "summary",
        "details",
    }
)


def visible_text(root: lxml.html.HtmlElement) -> str:
    """All the text a reader of the page would see, as plain lines: the whole page, not only
    the article, to compare the extracted text with. Scripts, styles, forms, media and
    comments are left out. Iterative: pages nest thousands of levels deep."""
    parts: list[str] = []
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)  # their tails stay
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if not tag or tag in _DROPPED_WITH_CONTENT:
                walker.skip_subtree()
                continue
            if tag in _BLOCKS:
                parts.append("\n")
            parts.append(element.text or "")
        else:
            if tag in _BLOCKS:
                parts.append("\n")
            parts.append(element.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def decode_html(data: bytes) -> str:
    """Decode a page: a BOM wins, then its <meta> charset if the bytes fit, then as any text."""
    try:
        return decode(data, declared=_declared_charset(data[:_PRESCAN_BYTES]))
    except NotText:
        raise ImportFailed("the file is not text (binary data or an unknown encoding)") from None


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", errors="replace").lower()
    return _LABEL_ALIASES.get(label, label)


def _parse(html: str) -> lxml.html.HtmlElement:
    html = _PROLOGUE.sub("", html, count=1)
    try:
        tree = lxml.html.document_fromstring(html, parser=_PARSER)
    except (ParserError, ValueError):
        raise ImportFailed("not an HTML page (no markup could be parsed)") from None
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise ImportFailed(
            f"the page has {elements:,} HTML elements, over the {MAX_ELEMENTS:,} this importer "
            "handles"
        )
    return tree


def _unwrap_layout_tables(root: lxml.html.HtmlElement) -> None:
    """Turn tables used for page layout (holding paragraphs or headings) into plain blocks.

    Old sites lay whole pages out in tables; extracted as a table, the navigation cells end up
    glued to the article. As blocks, the article is prose and the rest is boilerplate."""
    layout = _tables_around_blocks(root)
    for table in list(root.iter("table")):
        # A table inside a layout table has already been turned into blocks with it.
        if table.tag == "table" and table in layout:
            for part in table.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
                part.tag = "div"


def _tables_around_blocks(root: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """Every table with a paragraph or heading inside, in one walk up from each block."""
    visited: set[lxml.html.HtmlElement] = set()
    tables = set()
    for block in root.iter("p", "h1", "h2", "h3"):
        for ancestor in block.iterancestors():
            if ancestor in visited:
                break
            visited.add(ancestor)
            if ancestor.tag == "table":
                tables.add(ancestor)
    return tables


def _metadata(tree: lxml.html.HtmlElement) -> dict[str, str]:
    # Dates come from the markup only: the extensive search runs regular expressions over all
    # of the page's text (5.7 s for a 7 MB page), and article pages date themselves in markup.
    found = extract_metadata(tree, date_config=set_date_params(extensive=False))
    return {
        "title": found.title or "",
        "author": found.author or "",
        "outlet": found.sitename or "",
        "url": found.url or "",
        "published": found.date or "",
        "language": tree.get("lang") or "",
    }


def sanitise_html(html: str) -> str:
    """A safe subset of an untrusted page's body: text structure and web links only, nothing
    that loads or runs. Raises ImportFailed for a page over `MAX_ELEMENTS` elements."""
    return clean_markup(lxml.html.tostring(_body(_parse(html)), encoding="unicode"))


def _body(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    body = tree.find("body")
    return body if body is not None else tree


def clean_markup(markup: str) -> str:
    """The nh3 allowlist applied to markup of bounded nesting, as lxml writes it.

    nh3 takes time quadratic in nesting depth (32 s for 100,000 levels): raw pages go through
    `sanitise_html`, whose parser caps the depth."""
    return nh3.clean(
        markup,
        tags=set(SAFE_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes=_SAFE_ATTRIBUTES,
        attribute_filter=_only_web_links,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


def _only_web_links(tag: str, attribute: str, value: str) -> str | None:
    """Keep an href only when it is an absolute http, https or mailto address."""
    if attribute != "href":
        return value
    return value if value.strip().lower().startswith(_SAFE_SCHEMES) else None
