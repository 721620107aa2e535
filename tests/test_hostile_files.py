"""Hostile files end in one clear `ImportFailed` line, quickly, with the library unchanged;
fuzzed input to every importer raises nothing but the app's own errors."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sourcemark.app.errors import ImportFailed, SourcemarkError
from sourcemark.app.importers import (
    ExtractedSource,
    extract,
    from_extracted_fields,
    from_pasted_text,
    read_file,
)
from sourcemark.app.importers import html as html_importer
from sourcemark.app.importers import pdf as pdf_importer
from sourcemark.app.importers.reflow import reflow_job
from sourcemark.app.library import Library
from sourcemark.app.workers.pool import Limits, WorkerPool
from tests import hostile, pdf_bytes


@pytest.mark.parametrize("case", sorted(hostile.REFUSED))
def test_hostile_file_is_refused_quickly_and_changes_nothing(
    case: str, bare_library: Library, tmp_path: Path
) -> None:
    filename, make, problem = hostile.REFUSED[case]
    path = tmp_path / filename
    path.write_bytes(make())
    before = bare_library.counts()
    with pytest.raises(ImportFailed) as refused:
        bare_library.import_source(read_file(path))
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "gave up after" not in message  # refused for what it is, not by the time limit
    assert "\n" not in message and len(message) < 300
    assert bare_library.counts() == before


def test_an_entity_bomb_is_not_expanded() -> None:
    source = extract(hostile.entity_bomb(), "laughs.xhtml")
    assert "lol" not in source.text and len(source.text) < 100


def test_an_external_entity_does_not_read_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-7f3a")
    source = extract(hostile.external_entity(str(secret)), "leak.xhtml")
    assert "The council met on Tuesday" in source.text
    assert "CANARY" not in source.text


def test_a_page_with_a_huge_inline_image_still_imports() -> None:
    image = b'<img src="data:image/png;base64,' + b"iVBORw0KGgo" * 1_000_000 + b'">'
    page = b"<html><body><article>" + image + hostile.PARAGRAPH * 5 + b"</article></body></html>"
    assert "shelter plan" in extract(page, "inline.html").text


def test_a_pdf_whose_xref_points_at_itself_still_imports() -> None:
    assert extract(pdf_bytes.xref_loop(), "loop.pdf").text == "Loop"


def test_a_worker_that_fails_without_an_answer_is_a_clear_failure() -> None:
    with WorkerPool(1) as pool, pytest.raises(ImportFailed, match="the extractor crashed"):
        pool.run("no-such-job", blobs=[b"data"], limits=Limits(seconds=20))


# --- fuzzing ------------------------------------------------------------------------------

ANY_TEXT = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])))
HTML_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div class='comments'>",
        "</div>",
        "<article>",
        "<nav>",
        "<script>",
        "</script>",
        "<style>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "&#xD800;",
        "<meta charset='utf-16'>",
        "<meta charset='bogus'>",
        "<?xml version='1.0' encoding='latin1'?>",
        "<!DOCTYPE html [<!ENTITY e 'x'>]>",
        "&e;",
        "<table><tr><td>",
        "<title>",
        "<svg>",
        "<math>",
        "<a href='javascript:x'>",
        "<br>",
        "\x00",
        "\r",
        "\r\n",
        "e\u0301",
        "\u202e",
        "😀",
        "<h1>",
        "<time datetime='2024-02-30'>",
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": [',
        "The council voted on the budget after a long debate. ",
    ]
)
HTML_TEXT = st.lists(st.one_of(HTML_PIECES, ANY_TEXT), max_size=40).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "cp1252", "utf-16", "shift_jis"])


@st.composite
def html_bytes(draw: st.DrawFn) -> bytes:
    return draw(HTML_TEXT).encode(draw(ENCODINGS), errors="replace")


@st.composite
def mutated_pdfs(draw: st.DrawFn) -> bytes:
    """A valid PDF with bytes flipped, inserted, or cut off."""
    data = bytearray(pdf_bytes.text_pdf([["Budget vote", "Nine to four"]], title="Minutes"))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "cut"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[at:]
            data += b"%PDF-" if not data else b""
    return bytes(data)


def _assert_clean(source: ExtractedSource) -> None:
    assert source.text.strip()
    assert "\r" not in source.text
    assert unicodedata.is_normalized("NFC", source.text)
    source.text.encode("utf-8")


def _extracted_or_refused(extract_source: Callable[..., ExtractedSource], *args: object) -> None:
    try:
        source = extract_source(*args)
    except SourcemarkError:
        return
    _assert_clean(source)


@settings(max_examples=150)
@given(st.binary(max_size=4096), st.sampled_from(["note.txt", "note.md", "note"]))
def test_fuzzed_text_and_markdown(data: bytes, filename: str) -> None:
    _extracted_or_refused(extract, data, filename)


@given(ANY_TEXT)
def test_fuzzed_pasted_text(text: str) -> None:
    _extracted_or_refused(from_pasted_text, text)


def _in_process(extract_fields: Callable[[bytes], dict[str, str]], data: bytes) -> ExtractedSource:
    """An importer's extraction without the worker process, so a bug surfaces as itself."""
    fields = extract_fields(data)
    return from_extracted_fields(
        fields, data=data, filename="fuzz", source_format="fuzz", empty="nothing found"
    )


def _pdf_fields(data: bytes) -> dict[str, str]:
    """The PDF worker's jobs (text layer, then reflow) run in this process."""
    _, pages = pdf_importer.extract_job({}, [data])
    _, (text,) = reflow_job({}, pages)
    return {"text": text.decode("utf-8")}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(html_bytes(), st.binary(max_size=2048)))
@example(b"<p><script></script>\x1f")  # a control character crashed lxml inside htmldate
def test_fuzzed_html_in_process(data: bytes) -> None:
    _extracted_or_refused(_in_process, html_importer.extract_fields, data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pdfs())
def test_fuzzed_pdf_in_process(data: bytes) -> None:
    _extracted_or_refused(_in_process, _pdf_fields, data)


@settings(max_examples=8, deadline=None)
@given(st.one_of(html_bytes(), mutated_pdfs()), st.sampled_from(["page.html", "doc.pdf"]))
def test_fuzzed_files_through_the_child_process(data: bytes, filename: str) -> None:
    _extracted_or_refused(extract, data, filename)
