"""Plain text and Markdown import, file-reading guards, extractor output checks, and the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers import (
    MAX_FIELD_CHARS,
    extract,
    from_extracted_fields,
    from_pasted_text,
    read_file,
)
from sourcemark.app.library import Library
from tests import pdf_bytes
from tests.cli import sourcemark
from tests.conftest import REPO

ARTICLE = (
    "Council approves budget\r\n\r\nThe city council approved a $2.1bn budget on Tuesday.\r\n"
    "“This budget puts families first,” said Councillor Ana Ruiz.\r\n"
)


def test_plain_text_is_decoded_normalised_and_titled_by_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "budget.txt"
    path.write_bytes(ARTICLE.encode("cp1252"))
    source = read_file(path)
    assert source.text == ARTICLE.replace("\r\n", "\n")
    assert source.title == "Council approves budget"
    assert (source.source_format, source.filename, source.original) == (
        "text",
        "budget.txt",
        ARTICLE.encode("cp1252"),
    )


def test_markdown_takes_its_title_from_the_first_heading() -> None:
    source = extract(b"# Shelter waitlist hits record\n\nMore than 4,000 families wait.\n", "w.md")
    assert (source.source_format, source.title) == ("markdown", "Shelter waitlist hits record")


def test_text_without_a_short_first_line_is_titled_by_its_file_name() -> None:
    assert extract(("word " * 50).encode(), "long-note.txt").title == "long-note"


def test_pasted_text_with_lone_surrogates_is_stored_with_replacement_characters() -> None:
    assert from_pasted_text("Quote \ud800 end\r\n").text == "Quote \ufffd end\n"


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.md", b" \n\t\r\n", "the file is empty"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 JFIF", "unsupported file type '.jpg'"),
        ("report.docx", b"PK\x03\x04 word document", "unsupported file type '.docx'"),
        ("archive.txt", b"PK\x03\x04\x14\x00\x08\x00 zip bytes", "not text"),
    ],
)
def test_bad_content_is_refused_with_the_reason(name: str, data: bytes, problem: str) -> None:
    with pytest.raises(ImportFailed, match=problem):
        extract(data, name)


def test_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ImportFailed, match=r"^/.*empty\.txt: the file is empty$"):
        read_file(path)


def test_a_folder_a_missing_file_and_a_pipe_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="is a folder, not a file"):
        read_file(tmp_path)
    with pytest.raises(ImportFailed, match="no such file"):
        read_file(tmp_path / "missing.txt")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ImportFailed, match="not a regular file"):
        read_file(fifo)


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(ImportFailed, match="not a regular file"):
        read_file(Path("/dev/zero"))


def test_the_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.txt"
    with sparse.open("wb") as file:
        file.truncate(60 * 1024 * 1024)
    with pytest.raises(ImportFailed, match="62.9 MB is over the size limit of 52.4 MB"):
        read_file(sparse)
    small = tmp_path / "small.txt"
    small.write_text("x" * 101)
    with pytest.raises(ImportFailed, match="101 bytes is over the size limit of 100 bytes"):
        read_file(small, max_bytes=100)


def test_extracted_fields_are_checked_like_input() -> None:
    fields = {
        "text": "Body\r\nwith a bell\x07 and NUL\x00.",
        "title": "A title\non two lines",
        "author": "x" * 1000,
        "url": "javascript:alert(1)",
        "published": "yesterday",
    }
    source = from_extracted_fields(
        fields, data=b"...", filename="page.html", source_format="html", empty="nothing"
    )
    assert source.text == "Body\nwith a bell and NUL."
    assert source.title == "A title on two lines"
    assert len(source.author) == MAX_FIELD_CHARS
    assert (source.url, source.published, source.outlet) == ("", "", "")


def test_extracted_text_with_nothing_in_it_gives_the_importers_message() -> None:
    with pytest.raises(ImportFailed, match="^no text here$"):
        from_extracted_fields(
            {"text": " \x00\n"},
            data=b"",
            filename="a.pdf",
            source_format="pdf",
            empty="no text here",
        )


def test_a_failed_import_writes_nothing(bare_library: Library, tmp_path: Path) -> None:
    before = bare_library.counts()
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02")
    with pytest.raises(ImportFailed):
        bare_library.import_source(read_file(bad))
    assert bare_library.counts() == before


def test_cli_imports_the_good_files_and_lists_the_bad_ones(tmp_path: Path) -> None:
    good, bad, empty = tmp_path / "good.txt", tmp_path / "bad.bin", tmp_path / "empty.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    bad.write_bytes(bytes(range(256)))
    empty.write_bytes(b"")
    lib = tmp_path / "lib"
    result = sourcemark("import", str(good), str(bad), str(empty), library=lib)
    assert result.returncode == 1
    assert "imported" in result.stdout and "good.txt" in result.stdout
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"sourcemark: {bad}: unsupported file type '.bin' "
        "(Sourcemark imports .txt, .md, .html, .htm and .pdf)",
        f"sourcemark: {empty}: the file is empty",
    ]
    articles = json.loads(sourcemark("articles", "--json", library=lib).stdout)
    assert [a["title"] for a in articles] == ["Council approves budget"]


def test_cli_max_size_option(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("A short note that is 45 bytes long, or so.\n")
    result = sourcemark("import", str(note), "--max-size", "10", library=tmp_path / "lib")
    assert result.returncode == 1
    assert "is over the size limit of 10 bytes" in result.stderr


def test_cli_imports_a_saved_page_and_a_pdf_with_their_metadata(tmp_path: Path) -> None:
    page = REPO / "tests" / "fixtures" / "html" / "wire-drought-jsonld.html"
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(pdf_bytes.text_pdf([["Minutes of the council"]], author="City Clerk"))
    lib = tmp_path / "lib"
    result = sourcemark("import", str(page), str(pdf), library=lib)
    assert result.returncode == 0, result.stderr
    articles = json.loads(sourcemark("articles", "--json", library=lib).stdout)
    assert sorted((a["title"], a["outlet"], a["published"]) for a in articles) == [
        (
            "Drought forces water rationing in three southern provinces",
            "Meridian Wire",
            "2024-07-22",
        ),
        ("minutes", "", ""),
    ]
