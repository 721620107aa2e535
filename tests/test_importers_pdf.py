"""PDF import: text and metadata, scans, damaged files, and the child process's limits."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers import extract
from sourcemark.app.importers.documents import extract_pdf
from sourcemark.app.models import PageSpan
from sourcemark.app.workers.pool import Limits
from tests import pdf_bytes

FAST = Limits(seconds=20, memory_bytes=512 * 1024 * 1024)


def test_text_of_every_page_the_metadata_and_the_page_map() -> None:
    data = pdf_bytes.text_pdf(
        [["Council approves budget", "The vote was 9 to 4 (after six hours)."], ["Page two."]],
        title="Budget minutes",
        author="City Clerk",
        created="D:20240305120000Z",
        compress=True,
    )
    source = extract(data, "minutes.pdf")
    assert source.text == (
        "Council approves budget\n\nThe vote was 9 to 4 (after six hours).\n\nPage two."
    )
    # The file's CreationDate says when the file was made, not when the document came out.
    assert (source.title, source.author, source.published) == ("Budget minutes", "City Clerk", "")
    assert (source.source_format, source.original) == ("pdf", data)
    second = source.text.index("Page two.")
    assert source.pages == (
        PageSpan(1, 0, second),
        PageSpan(2, second, len(source.text)),
    )


def test_without_metadata_the_file_name_is_the_title() -> None:
    source = extract_pdf(pdf_bytes.text_pdf([["Some words"]]), "statement.pdf", limits=FAST)
    assert (source.title, source.author, source.published) == ("statement", "", "")


def test_malformed_metadata_is_left_out() -> None:
    data = pdf_bytes.text_pdf([["Words"]], title="T", created="D:2024-99-99 not a date")
    source = extract_pdf(data, "a.pdf", limits=FAST)
    assert (source.title, source.published) == ("T", "")


def test_a_scan_with_nothing_legible_is_reported_not_imported_empty() -> None:
    with pytest.raises(ImportFailed, match="OCR found no text in this scan"):
        extract_pdf(pdf_bytes.scanned_pdf(), "scan.pdf", limits=FAST)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: b"GIF89a not a pdf at all", "not a PDF file"),
        (lambda: pdf_bytes.text_pdf([["Cut short"]])[:150], "damaged or unreadable"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "damaged or unreadable"),
        (pdf_bytes.password_protected, "password-protected"),
        (lambda: pdf_bytes.decompression_bomb(100), "safety limit"),
    ],
    ids=["not-a-pdf", "truncated", "garbage", "password", "bomb"],
)
def test_bad_pdfs_are_refused_with_the_reason(make: Callable[[], bytes], problem: str) -> None:
    with pytest.raises(ImportFailed, match=problem):
        extract_pdf(make(), "bad.pdf", limits=FAST)


def test_a_pdf_that_takes_too_long_is_killed() -> None:
    with pytest.raises(ImportFailed, match="gave up after 2 s"):
        extract_pdf(pdf_bytes.operator_flood(), "slow.pdf", limits=Limits(seconds=2))


def test_a_pdf_that_needs_too_much_memory_is_stopped() -> None:
    limits = Limits(seconds=20, memory_bytes=64 * 1024 * 1024)
    with pytest.raises(ImportFailed, match="needs more than the 64 MB memory limit"):
        extract_pdf(pdf_bytes.decompression_bomb(100), "bomb.pdf", limits=limits)
