"""Turning imported bytes into the one normalised string annotations point into."""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Share of undecodable bytes up to which a file is still taken as (damaged) UTF-8.
_MAX_BAD_UTF8_SHARE = 0.01


class NotText(ValueError):
    """The bytes are not text in any encoding we can trust."""


def decode(data: bytes) -> str:
    """Decode bytes: a BOM wins, then strict UTF-8, then mostly-UTF-8, then charset detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if bad <= max(1, len(data) * _MAX_BAD_UTF8_SHARE) and _looks_like_utf8(data):
        return lenient
    best = from_bytes(data).best()
    if best is None:
        raise NotText("the bytes are not text in any known encoding")
    return str(best)


def _looks_like_utf8(data: bytes) -> bool:
    """True when the file holds real multi-byte UTF-8 sequences or is plain ASCII around the damage."""
    valid_multibyte = sum(1 for ch in data.decode("utf-8", errors="ignore") if ord(ch) > 0x7F)
    return valid_multibyte > 0 or all(b < 0x80 for b in data.replace(b"\xff", b"").replace(b"\xfe", b""))


def normalise(text: str) -> str:
    """Line endings to '\\n' and Unicode NFC: the stored text never changes after this."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def looks_binary(text: str) -> bool:
    """NUL and other C0 control characters mean the 'text' is really a binary file."""
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\t\f\v")
    return "\x00" in text or controls > max(8, len(text[:65536]) // 100)
