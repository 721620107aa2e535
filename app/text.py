"""Turning imported bytes into the one normalised string annotations point into."""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes
from charset_normalizer.constant import IANA_SUPPORTED

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Share of bad bytes up to which a file with real multi-byte UTF-8 is still taken as UTF-8.
_MAX_BAD_UTF8_SHARE = 0.01
# Charset detection reads this much of a file: enough to be sure, and it is slow on 50 MB.
_DETECTION_SAMPLE_BYTES = 1024 * 1024
# C0 controls (and DEL) that are never text; tab and line breaks are kept.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotText(ValueError):
    """The bytes are not text in any encoding we can trust."""


def _bom_encoding(data: bytes) -> str | None:
    """The encoding named by the byte-order mark `data` starts with, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode bytes: a BOM wins, then the `declared` encoding if the bytes fit it, then strict
    UTF-8, then UTF-8 with a little damage, then charset detection."""
    encoding = _bom_encoding(data)
    if encoding is not None:
        return data.decode(encoding, errors="replace").removeprefix("\ufeff")
    if b"\x00" in data:
        raise NotText("NUL bytes and no byte-order mark: binary data")
    encoding = _charset(declared) if declared else None
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    if _cut_off_mid_character(data) or _damaged_utf8(data, lenient):
        return lenient
    return _detected(data)


def _charset(label: str) -> str | None:
    """The codec for a declared charset label, if it is a real character set.

    Python also has codecs such as punycode (quadratic time) and unicode_escape that a hostile
    page could name; UTF-7 is refused as browsers refuse it."""
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    return name if name in IANA_SUPPORTED and name != "utf_7" else None


def _cut_off_mid_character(data: bytes) -> bool:
    """Valid UTF-8 except for an incomplete character at the very end (a truncated download)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _damaged_utf8(data: bytes, lenient: str) -> bool:
    """At least as many valid multi-byte characters as bad bytes, and few bad bytes overall."""
    bad = lenient.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(lenient) - len(lenient.encode("ascii", errors="ignore"))
    valid_multibyte = non_ascii - bad
    return bad <= valid_multibyte and bad <= max(1, int(len(data) * _MAX_BAD_UTF8_SHARE))


def _detected(data: bytes) -> str:
    """Charset detection on a sample, preferring windows-1252 (the commonest legacy encoding)
    on a tie; the whole file is then decoded with the encoding found."""
    sample = data[:_DETECTION_SAMPLE_BYTES]
    if len(sample) < len(data):
        # Cut at a line break so the sample does not end inside a multi-byte character.
        sample = sample.rpartition(b"\n")[0] or sample
    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        raise NotText("the bytes are not text in any known encoding")
    least_chaos = min(match.chaos for match in matches)
    tied = (match for match in matches if match.chaos == least_chaos)
    if any("cp1252" in match.could_be_from_charset for match in tied):
        return data.decode("cp1252", errors="replace")
    return data.decode(best.encoding, errors="replace")


def normalise(text: str) -> str:
    """Line endings to '\\n', lone surrogates to U+FFFD, Unicode NFC: stored text never changes."""
    text = without_lone_surrogates(text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)


def without_lone_surrogates(text: str) -> str:
    """Lone surrogates (which no encoding can store) as U+FFFD; a pair given as two code points
    becomes its character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def drop_control_characters(text: str) -> str:
    """Remove C0 control characters other than tab and line breaks (noise from extractors)."""
    return _CONTROLS.sub("", text)


def looks_binary(text: str) -> bool:
    """NUL and other C0 control characters mean the 'text' is really a binary file."""
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return "\x00" in text or controls > max(8, len(text[:65536]) // 100)
