"""Scanned pages read with Tesseract, in a worker process (see `app.workers`).

Tesseract is called as a program (`tesseract stdin stdout -l LANG`), not through pytesseract:
the page goes in on standard input and the text comes out on standard output, with no
temporary files, and the worker's limits and process group cover it (a time-out kills it with
the worker). pytesseract would add a dependency to do the same with temporary files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from sourcemark.app.errors import ImportFailed
from sourcemark.app.importers.rendering import grey_pnm, open_pdf, render
from sourcemark.app.settings import checked_ocr_language

OCR_DPI = 300
TESSERACT_MISSING = (
    "this PDF is a scan, and reading it needs Tesseract OCR, which is not installed: "
    "install it (Debian/Ubuntu: sudo apt-get install tesseract-ocr tesseract-ocr-eng; "
    "macOS: brew install tesseract; Windows: the UB Mannheim installer) and import again"
)


def ocr_job(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    """Worker job: the PDF's bytes, a page (from 0) and a language in; the page's text out."""
    language = checked_ocr_language(str(params["language"]))
    document = open_pdf(blobs[0])
    try:
        image = grey_pnm(render(document, int(params["page"]), OCR_DPI / 72, grayscale=True))
    finally:
        document.close()
    return {}, [recognise(image, language).encode("utf-8")]


def recognise(image: bytes, language: str) -> str:
    """The text Tesseract reads in an image (any format it reads, e.g. PGM or PNG)."""
    program = shutil.which("tesseract")
    if program is None:
        raise ImportFailed(TESSERACT_MISSING)
    # One thread: the pool already runs a job per core.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        [program, "stdin", "stdout", "-l", language],
        input=image,
        capture_output=True,
        env=environment,
        check=False,
    )
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", errors="replace")
        if "Failed loading language" in problem or "Error opening data file" in problem:
            packages = " ".join(f"tesseract-ocr-{name}" for name in language.split("+"))
            raise ImportFailed(
                f"Tesseract has no data for the OCR language {language!r}: install it "
                f"(Debian/Ubuntu: sudo apt-get install {packages}) or choose another"
            )
        raise ImportFailed("Tesseract could not read this scan")
    return done.stdout.decode("utf-8", errors="replace")
