"""Saved web pages: what must survive extraction, what must not, and the sanitising allowlist."""

from __future__ import annotations

import codecs
import json
import socket
from pathlib import Path
from typing import Any

import pytest

import sourcemark.app.importers.html as html_importer
from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers.documents import extract_html
from sourcemark.app.importers.html import decode_html, extract_fields, sanitise_html

PAGES = sorted((Path(__file__).parent / "fixtures" / "html").glob("*.html"))


def _expected(page: Path) -> dict[str, Any]:
    expected: dict[str, Any] = json.loads(
        page.with_suffix(".expected.json").read_text(encoding="utf-8")
    )
    return expected


def test_there_are_several_publishers_pages() -> None:
    assert len(PAGES) >= 4


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_article_text_and_metadata_survive_and_boilerplate_does_not(page: Path) -> None:
    expected = _expected(page)
    source = extract_html(page.read_bytes(), page.name)
    flowing = " ".join(source.text.split())
    for paragraph in expected["paragraphs"]:
        assert paragraph in flowing
    for boilerplate in expected["absent"]:
        assert boilerplate not in source.text
    metadata = {name: getattr(source, name) for name in ("author", "outlet", "url", "published")}
    assert metadata == {name: expected[name] for name in metadata}
    assert source.title == expected["title"]
    assert source.source_format == "html" and source.original == page.read_bytes()


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_sanitising_does_not_change_what_is_extracted(
    page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sanitised = extract_fields(page.read_bytes())
    monkeypatch.setattr(html_importer, "clean_markup", lambda markup: markup)
    assert extract_fields(page.read_bytes()) == sanitised


def test_extraction_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during HTML extraction")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    fields = extract_fields(PAGES[0].read_bytes())
    assert fields["text"] and fields["outlet"]


HOSTILE_MARKUP = """
<p onclick="steal()" style="color:red">Kept <b>text</b></p>
<script>alert('script body')</script><style>@import url(https://evil.example/x.css);</style>
<img src="https://tracker.example/pixel.gif"><img src="file:///etc/passwd">
<iframe src="https://evil.example/frame">frame text</iframe>
<form action="https://evil.example/post"><input name="q"><button>Go</button></form>
<svg><image href="https://evil.example/svg.png"/><text>svg text</text></svg>
<object data="x.swf">object text</object><embed src="x.swf">
<link rel="stylesheet" href="https://evil.example/s.css"><base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<a href="javascript:alert(1)">js link</a> <a href="file:///home/user/notes.txt">file link</a>
<a href="//evil.example/protocol-relative">pr link</a> <a href="../relative/path">rel link</a>
<a href=" JaVaScRiPt:alert(2)">spaced js</a> <a href="data:text/html,hi">data link</a>
<a href="https://news.example/story">web link</a> <a href="mailto:desk@news.example">mail</a>
<table class="results"><tr><td colspan="2">cell</td></tr></table>
"""


def test_sanitising_keeps_structure_and_web_links_only() -> None:
    clean = sanitise_html(HOSTILE_MARKUP)
    for banned in (
        "<script",
        "<style",
        "<img",
        "<iframe",
        "<form",
        "<input",
        "<button",
        "<svg",
        "<object",
        "<embed",
        "<link",
        "<base",
        "<meta",
        "onclick",
        "style=",
        "javascript",
        "JaVaScRiPt",
        "file:",
        "//evil.example",
        "../relative",
        "data:",
        "alert",
        "@import",
        "frame text",
        "svg text",
        "object text",
    ):
        assert banned not in clean
    for kept in (
        "<p>Kept <b>text</b></p>",
        '<a href="https://news.example/story">web link</a>',
        '<a href="mailto:desk@news.example">mail</a>',
        "<a>pr link</a>",
        "<a>rel link</a>",
        '<table class="results">',
        '<td colspan="2">cell</td>',
    ):
        assert kept in clean


def test_sanitising_a_deeply_nested_page_caps_the_nesting() -> None:
    clean = sanitise_html("<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000)
    assert 0 < clean.count("<div>") <= 2048  # the outer levels are kept, down to the cap


def test_a_meta_charset_decodes_the_page() -> None:
    page = PAGES[[p.name for p in PAGES].index("harbour-gazette-quota-cp1252.html")]
    assert "Marie-Thérèse Lefèvre" in decode_html(page.read_bytes())


def test_a_latin1_label_means_windows_1252() -> None:
    data = '<meta charset="iso-8859-1"><p>“Déjà vu”</p>'.encode("cp1252")
    assert "“Déjà vu”" in decode_html(data)


def test_a_false_utf8_declaration_falls_back_to_detection() -> None:
    text = "<p>Müller sagte: »Wir zahlen für alle anderen, und das ist nicht gerecht.«</p>" * 3
    data = ('<meta charset="utf-8">' + text).encode("cp1252")
    assert text in decode_html(data)


def test_a_bom_beats_the_declared_charset() -> None:
    text = '<meta charset="windows-1252"><p>Ελληνικά and 日本語</p>'
    assert decode_html(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text


def test_a_page_with_no_article_is_refused() -> None:
    page = b"<html><body><img src='a.png'><script>var article = 'text';</script></body></html>"
    with pytest.raises(ImportFailed, match="^no article text found in the page$"):
        extract_html(page, "empty.html")


def test_a_page_with_too_many_elements_is_refused() -> None:
    page = b"<html><body><article>" + b"<span>w</span>" * 60_000 + b"</article></body></html>"
    with pytest.raises(ImportFailed, match="60,00[0-9] HTML elements, over the 50,000"):
        extract_fields(page)


def test_a_data_table_in_an_article_is_kept() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the election report describes turnout across the wards.</p>"
        for n in range(1, 5)
    )
    table = (
        "<table><tr><th>Ward</th><th>Turnout</th></tr>"
        "<tr><td>Ward 3</td><td>61.4%</td></tr><tr><td>Ward 7</td><td>48.9%</td></tr></table>"
    )
    page = f"<html><body><article><h1>Results</h1>{paragraphs}{table}</article></body></html>"
    text = extract_fields(page.encode())["text"]
    assert "Ward 3" in text and "61.4%" in text and "Paragraph 4" in text
