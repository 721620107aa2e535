"""Hand-built PDF files for the importer tests: valid ones, scans and hostile ones."""

from __future__ import annotations

import zlib


def assemble(objects: list[bytes], *, info: int | None = None) -> bytes:
    """A PDF whose object n (1-based) is objects[n-1]; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info_entry = b" /Info %d 0 R" % info if info else b""
    size = len(objects) + 1
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (size, info_entry)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(content: bytes, *, compress: bool = False, extra: bytes = b"") -> bytes:
    if compress:
        content = zlib.compress(content)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def _content(lines: list[str]) -> bytes:
    shown = b" T*\n".join(_pdf_string(line) + b" Tj" for line in lines)
    return b"BT /F1 12 Tf 14 TL 72 720 Td\n" + shown + b"\nET"


def text_pdf(
    pages: list[list[str]],
    *,
    title: str = "",
    author: str = "",
    created: str = "",
    compress: bool = False,
) -> bytes:
    """A PDF with one page per list of lines, in Helvetica, with optional metadata."""
    count = len(pages)
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (first_page + 2 * i + 1)
        )
        objects.append(stream(_content(lines), compress=compress))
    info = None
    if title or author or created:
        entries = b"".join(
            b"/%s %s " % (key, _pdf_string(value))
            for key, value in ((b"Title", title), (b"Author", author), (b"CreationDate", created))
            if value
        )
        objects.append(b"<< " + entries + b">>")
        info = len(objects)
    return assemble(objects, info=info)


def scanned_pdf() -> bytes:
    """One page that only paints a grey image: what a scanner makes."""
    pixels = stream(
        bytes(range(256)) * 16,
        extra=b" /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8",
    )
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
            pixels,
        ]
    )


def _catalog_and_one_page(contents: bytes, resources: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << %s >> "
        b"/Contents 4 0 R >>" % resources,
        contents,
    ]


def looping_page_tree() -> bytes:
    """The page tree lists itself as its own child."""
    return assemble(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]
    )


def exponential_page_tree(levels: int = 9, fan_out: int = 10) -> bytes:
    """Each level of the page tree lists the next level `fan_out` times: fan_out**levels pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        kids = b" %d 0 R" % (3 + level) * fan_out
        pages = fan_out ** (levels - level)
        objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages))
    last_level, contents = 1 + levels, 3 + levels
    objects.append(b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>" % (last_level, contents))
    objects.append(stream(_content(["leaf"])))
    return assemble(objects)


def self_drawing_form() -> bytes:
    """A form XObject whose content draws itself: naive extraction would recurse for ever."""
    form = stream(
        b"/Fm1 Do",
        extra=b" /Type /XObject /Subtype /Form /BBox [0 0 10 10]"
        b" /Resources << /XObject << /Fm1 5 0 R >> >>",
    )
    return assemble(
        _catalog_and_one_page(stream(b"/Fm1 Do"), b"/XObject << /Fm1 5 0 R >>") + [form]
    )


def decompression_bomb(megabytes: int = 400) -> bytes:
    """A tiny content stream that inflates to `megabytes` of one huge text-showing operator."""
    return _inflating_page(b"BT /F1 12 Tf (" + b"A" * (1024 * 1024 - 40) + b") Tj ET\n", megabytes)


def operator_flood(megabytes: int = 40) -> bytes:
    """A content stream of millions of tiny operators, under pypdf's inflation limit: slow."""
    operators = b"(A) Tj " * (1024 * 1024 // 7 - 3)
    return _inflating_page(b"BT /F1 12 Tf " + operators + b"ET\n", megabytes)


def _inflating_page(megabyte_chunk: bytes, megabytes: int) -> bytes:
    compressor = zlib.compressobj(9)
    packed = b"".join(compressor.compress(megabyte_chunk) for _ in range(megabytes))
    packed += compressor.flush()
    contents = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
    contents += packed + b"\nendstream"
    return assemble(
        _catalog_and_one_page(contents, b"/Font << /F1 5 0 R >>")
        + [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    )


def self_referencing_length() -> bytes:
    """A stream whose /Length is an indirect object that refers to itself."""
    contents = b"<< /Length 5 0 R >>\nstream\nBT (x) Tj ET\nendstream"
    return assemble(_catalog_and_one_page(contents) + [b"5 0 R"])


def deeply_nested_arrays(depth: int = 100_000) -> bytes:
    """An object nested `depth` arrays deep: recursive parsers overflow."""
    nested = b"/Deep " + b"[" * depth + b"]" * depth
    return assemble(_catalog_and_one_page(stream(_content(["x"])), nested))


def xref_loop() -> bytes:
    """A trailer whose /Prev points back at its own cross-reference table."""
    good = text_pdf([["Loop"]])
    start = int(good.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return good.replace(b"/Root 1 0 R", b"/Root 1 0 R /Prev %d" % start)


def password_protected() -> bytes:
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(text_pdf([["Secret text"]]))))
    writer.encrypt("s3cret", algorithm="RC4-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
