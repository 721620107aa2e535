"""PDF pages as images, drawn with pypdfium2 in a worker process (see `app.workers`).

Used to show the page beside its text in the desk (PNG) and to read scans with OCR (a
grey-scale bitmap). The number of pixels is capped, so a page that claims to be the size of a
field still renders within the worker's memory limit.
"""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]

from sourcemark.app.errors import ImportFailed

# A letter page at 300 dpi is 8.4 million pixels.
MAX_PIXELS = 40_000_000
# A page image for the desk is at most this wide, and at most this many times as tall.
MAX_TALLNESS = 4


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ImportFailed("the PDF is password-protected") from None
        raise ImportFailed("the PDF is damaged or unreadable") from None


def render(
    document: pdfium.PdfDocument,
    index: int,
    scale: float,
    *,
    grayscale: bool = False,
    width: int | None = None,
) -> pdfium.PdfBitmap:
    """Page `index` (from 0) at `scale` pixels a point, or `width` pixels wide (at most
    MAX_TALLNESS times as tall); never over MAX_PIXELS."""
    if not 0 <= index < len(document):
        raise ImportFailed(f"the PDF has no page {index + 1}")
    page = document[index]
    try:
        page_width, page_height = page.get_size()
        if not (page_width > 0 and page_height > 0):
            raise ImportFailed(f"page {index + 1} has no size")
        if width is not None:
            scale = min(width / page_width, MAX_TALLNESS * width / page_height)
        scale = min(scale, (MAX_PIXELS / (page_width * page_height)) ** 0.5)
        return page.render(scale=scale, grayscale=grayscale)
    except pdfium.PdfiumError:
        raise ImportFailed(f"page {index + 1} could not be drawn") from None
    finally:
        page.close()


def grey_pnm(bitmap: pdfium.PdfBitmap) -> bytes:
    """A grey-scale bitmap as a PGM file (what Tesseract reads without any conversion)."""
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    pixels = bytes(bitmap.buffer)
    if stride != width:
        pixels = b"".join(pixels[row * stride : row * stride + width] for row in range(height))
    return b"P5\n%d %d\n255\n" % (width, height) + pixels


def render_job(params: dict[str, Any], blobs: list[bytes]) -> tuple[dict[str, Any], list[bytes]]:
    """Worker job: the PDF's bytes and a list of pages (from 0) in; a PNG blob a page out (an
    empty blob, with the reason in `errors`, for a page that cannot be drawn)."""
    width = int(params["width"])
    document = open_pdf(blobs[0])
    images: list[bytes] = []
    errors: dict[str, str] = {}
    try:
        for index in params["pages"]:
            try:
                image = render(document, int(index), 1.0, width=width).to_pil()
            except ImportFailed as error:
                images.append(b"")
                errors[str(index)] = str(error)
                continue
            out = io.BytesIO()
            image.save(out, format="PNG", compress_level=3)
            images.append(out.getvalue())
    finally:
        document.close()
    return {"errors": errors}, images
