"""Generated corpora of hostile source files.

`REFUSED` maps a case name to (file name, maker of the file's bytes, the problem the error
names): each must end in a clear `ImportFailed`. The makers at the end build files that are
hostile but may import, as long as nothing they ask for happens.
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable

from tests import pdf_bytes

Maker = Callable[[], bytes]

_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
PARAGRAPH = b"<p>The council met on Tuesday to discuss the budget and the shelter plan.</p>"


def _random_bytes(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def _nested(open_tag: bytes, close_tag: bytes, depth: int) -> bytes:
    return b"<html><body>" + open_tag * depth + PARAGRAPH + close_tag * depth + b"</body></html>"


def entity_bomb() -> bytes:
    """XHTML whose one entity would expand to a billion "lol"s."""
    entities = b'<!ENTITY a0 "lol lol lol lol lol lol lol lol lol lol">'
    entities += b"".join(
        b'<!ENTITY a%d "%s">' % (level, b"&a%d;" % (level - 1) * 10) for level in range(1, 10)
    )
    return (
        b'<?xml version="1.0"?><!DOCTYPE html [' + entities + b"]>"
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&a9;</p></body></html>'
    )


TEXT: dict[str, tuple[str, Maker, str]] = {
    "empty": ("empty.txt", lambda: b"", "the file is empty"),
    "only-whitespace": ("blank.md", lambda: b" \t\r\n" * 10_000, "the file is empty"),
    "nul-bytes": ("nul.txt", lambda: b"Council budget \x00 vote\x00" * 500, "not text"),
    "png-named-txt": ("photo.txt", lambda: _PNG, "not text"),
    "random-bytes": ("noise.txt", lambda: _random_bytes(100_000), "not text"),
    "control-characters": ("controls.md", lambda: bytes(range(1, 32)) * 500, "binary"),
    "utf16-unpaired-surrogates": (
        "surrogates.txt",
        lambda: codecs.BOM_UTF16_LE + b"\x00\xd8" * 5000,
        "cannot be decoded",
    ),
    "utf32-out-of-range": (
        "wide.txt",
        lambda: codecs.BOM_UTF32_LE + b"\xff\xff\xff\x7f" * 5000,
        "cannot be decoded",
    ),
    "utf8-bom-then-garbage": (
        "bom.txt",
        lambda: codecs.BOM_UTF8 + b"\xc0\xaf\xff\xfe" * 5000,
        "cannot be decoded",
    ),
    "gigantic-line-text": ("line.txt", lambda: b"word " * 1_000_000, "a line of 5,000,000"),
    "gigantic-line-markdown": ("line.md", lambda: b"# T\n" + b"x" * 3_000_000, "a line of"),
    "executable": ("tool.exe", lambda: b"MZ\x90\x00" + _random_bytes(4096), "unsupported"),
}

HTML: dict[str, tuple[str, Maker, str]] = {
    "deeply-nested-divs": (
        "deep.html",
        lambda: _nested(b"<div>", b"</div>", 100_000),
        "no article text",
    ),
    "deeply-nested-inline": ("inline.html", lambda: _nested(b"<b><i>", b"", 100_000), "no article"),
    "deeply-nested-tables": (
        "tables.html",
        lambda: _nested(b"<table><tr><td>", b"", 20_000),
        "no article text",
    ),
    "too-many-elements": (
        "wide.html",
        lambda: b"<html><body>" + b"<span>w</span>" * 200_000,
        "HTML elements",
    ),
    "nul-bytes": ("nul.html", lambda: PARAGRAPH.replace(b" ", b"\x00"), "not text"),
    "png-named-html": ("photo.html", lambda: _PNG, "not text"),
    "scripts-only": (
        "scripts.html",
        lambda: b"<html><head><script>" + b"var a = 'text';" * 10_000 + b"</script></head></html>",
        "no article text",
    ),
    "huge-comment": (
        "comment.html",
        lambda: b"<html><body><!--" + b"hidden " * 1_000_000,
        "no article text",
    ),
    "unterminated-tag": ("open.html", lambda: b"<html><body><p" + b"a" * 5_000_000, "no article"),
    "gigantic-line": (
        "line.html",
        lambda: b"<html><body><p>" + b"word " * 300_000 + b"</p>",
        "a line of",
    ),
}

PDF: dict[str, tuple[str, Maker, str]] = {
    "empty": ("empty.pdf", lambda: b"", "the file is empty"),
    "png-named-pdf": ("photo.pdf", lambda: _PNG, "not a PDF file"),
    "header-only": ("header.pdf", lambda: b"%PDF-1.7", "damaged or unreadable"),
    "truncated": ("cut.pdf", lambda: pdf_bytes.text_pdf([["Cut"]] * 3)[:400], "damaged"),
    "garbage-body": ("junk.pdf", lambda: b"%PDF-1.4\n" + _random_bytes(50_000), "damaged"),
    "looping-page-tree": ("loop.pdf", pdf_bytes.looping_page_tree, "damaged or unreadable"),
    "exponential-page-tree": ("pages.pdf", pdf_bytes.exponential_page_tree, "safety limit"),
    "self-drawing-form": ("form.pdf", pdf_bytes.self_drawing_form, "no extractable text"),
    "decompression-bomb": ("bomb.pdf", pdf_bytes.decompression_bomb, "safety limit"),
    "self-referencing-length": ("len.pdf", pdf_bytes.self_referencing_length, "no extractable"),
    "deeply-nested-arrays": ("arrays.pdf", pdf_bytes.deeply_nested_arrays, "no extractable"),
    "password-protected": ("secret.pdf", pdf_bytes.password_protected, "password-protected"),
    "scan-of-nothing": ("scan.pdf", pdf_bytes.scanned_pdf, "OCR found no text in this scan"),
}

REFUSED = {
    f"{kind}-{name}": case
    for kind, corpus in (("text", TEXT), ("html", HTML), ("pdf", PDF))
    for name, case in corpus.items()
}


def external_entity(secret: str) -> bytes:
    """XHTML that asks the parser to include a local file."""
    return (
        b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY leak SYSTEM "file://%s">]>'
        b"<html><body><p>Leaked: &leak;</p>%s</body></html>" % (secret.encode(), PARAGRAPH)
    )
