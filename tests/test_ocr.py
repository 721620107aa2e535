"""Scans made searchable: pages with no text layer are read with Tesseract in the workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcemark.app import anchoring, settings
from sourcemark.app.errors import ImportFailed, SourcemarkError
from sourcemark.app.importers import extract, read_file
from sourcemark.app.importers.documents import extract_pdf
from sourcemark.app.importers.ocr import TESSERACT_MISSING
from sourcemark.app.library import Library
from sourcemark.app.models import PageRange
from sourcemark.app.workers.pool import WorkerPool
from tests import documents
from tests.documents import Page

PAGE = [
    "The committee reviewed the contracts signed by the",
    "department between January and March. It found that",
    "eleven of them had been awarded without a tender and",
    "that three suppliers shared a director with a member",
    "of the council. The department said the rules had",
    "been followed and that it would publish every contract",
    "on its website by the end of the year.",
]


def test_a_clean_scan_is_read_with_under_two_percent_character_errors() -> None:
    source = extract(documents.scan([PAGE]), "scan.pdf")
    assert documents.character_error_rate(" ".join(PAGE), source.text) < 0.02
    assert [(span.page, span.ocr) for span in source.pages] == [(1, True)]


def test_a_five_page_scan_imports_with_its_pages_marked_as_ocr(library: Library) -> None:
    ordinals = ["first", "second", "third", "fourth", "fifth"]
    pages = [
        [f"These are the {ordinal} minutes.", *PAGE[number:], *PAGE[:number]]
        for number, ordinal in enumerate(ordinals)
    ]
    source = extract(documents.scan(pages), "minutes.pdf")
    assert [span.ocr for span in source.pages] == [True] * 5
    article = library.import_source(source).value.article
    for span, ordinal in zip(library.page_map(article.id), ordinals, strict=True):
        assert f"These are the {ordinal} minutes." in article.text[span.start : span.end]
    quote = "These are the third minutes."
    place = anchoring.locate(article.text, quote, None)
    assert library.pages_of(article.id, place.start, place.end) == PageRange(3, 3)


def test_text_pages_and_scanned_pages_mix(library: Library) -> None:
    text_page = documents.pdf([Page(lines=["This page was typed, not scanned."])])
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in (text_page, documents.scan([PAGE])):
        for page in PdfReader(BytesIO(data)).pages:
            writer.add_page(page)
    out = BytesIO()
    writer.write(out)
    source = extract(out.getvalue(), "mixed.pdf")
    assert [span.ocr for span in source.pages] == [False, True]
    assert source.text.startswith("This page was typed, not scanned.\n\nThe committee")


def test_without_tesseract_a_scan_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # the workers find no tesseract program
    with WorkerPool(1) as pool, pytest.raises(ImportFailed) as refused:
        extract_pdf(documents.scan([PAGE]), "scan.pdf", pool=pool)
    assert str(refused.value) == TESSERACT_MISSING
    assert "apt-get install tesseract-ocr tesseract-ocr-eng" in TESSERACT_MISSING
    assert "\n" not in TESSERACT_MISSING


def test_a_language_without_its_data_says_which_package_to_install() -> None:
    with pytest.raises(ImportFailed, match="sudo apt-get install tesseract-ocr-zzz"):
        extract_pdf(documents.scan([PAGE]), "scan.pdf", ocr_language="zzz")


def test_the_language_comes_from_the_settings_and_is_checked() -> None:
    assert settings.ocr_language() == "eng"
    assert settings.set_ocr_language(" ENG+deu ") == "eng+deu"
    assert settings.ocr_language() == "eng+deu"
    for bad in ("", "english", "eng+", "../eng", "eng deu"):
        with pytest.raises(SourcemarkError, match="not a Tesseract language"):
            settings.checked_ocr_language(bad)


def test_a_scan_imports_from_the_command_line_in_two_languages(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(documents.scan([["Der Ausschuss prüfte die Verträge.", *PAGE]]))
    library = ["--library", str(tmp_path / "library")]
    command = [sys.executable, "main.py", "import", *library, "--json"]
    done = subprocess.run(
        [*command, "--ocr-lang", "deu+eng", str(scan)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    (imported,) = json.loads(done.stdout)["imported"]
    assert imported["pages"][0]["ocr"] is True
    refused = subprocess.run(
        [*command, "--ocr-lang", "en_US", str(scan)], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith(
        "is not a Tesseract language such as eng, deu or eng+deu"
    )


def test_read_file_passes_the_language_on(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(documents.scan([PAGE]))
    assert "committee" in read_file(path, ocr_language="eng").text


def test_the_settings_command_sets_the_default_language() -> None:
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "main.py", "settings", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    assert run("ocr-language", "deu+eng").returncode == 0
    assert run("ocr-language").stdout == "deu+eng\n"
    assert settings.ocr_language() == "deu+eng"
    refused = run("ocr-language", "german")
    assert refused.returncode == 1 and "not a Tesseract language" in refused.stderr
