"""The frames the pool and its workers exchange over pipes: a small JSON header and blobs.

A frame is a 4-byte big-endian length, that many bytes of a JSON object, then each blob the
object announces (its `blobs` list of sizes) back to back. Large strings (a page's text, a PNG)
travel as blobs, so the JSON stays small; nothing is ever unpickled. Standard library only:
both sides import it.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

_LENGTH = struct.Struct(">I")
MAX_HEADER_BYTES = 16 * 1024 * 1024
# A reply carries at most a document's text (50 M characters, up to 4 bytes each) or a few
# page images; anything larger comes from a worker gone wrong.
MAX_FRAME_BYTES = 256 * 1024 * 1024


class BadFrame(ValueError):
    """The bytes are not a well-formed frame within the size limits."""


@dataclass(frozen=True, slots=True)
class Frame:
    header: dict[str, Any]
    blobs: list[bytes] = field(default_factory=list)


def encode(header: dict[str, Any], blobs: list[bytes] | tuple[bytes, ...] = ()) -> bytes:
    body = json.dumps({**header, "blobs": [len(blob) for blob in blobs]}).encode("utf-8")
    return b"".join([_LENGTH.pack(len(body)), body, *blobs])


def decode(buffer: bytes | bytearray) -> tuple[Frame, int] | None:
    """The first complete frame in `buffer` and its length in bytes; None while incomplete."""
    if len(buffer) < _LENGTH.size:
        return None
    (header_size,) = _LENGTH.unpack_from(buffer)
    if header_size > MAX_HEADER_BYTES:
        raise BadFrame(f"a header of {header_size:,} bytes")
    end = _LENGTH.size + header_size
    if len(buffer) < end:
        return None
    header = _header(bytes(buffer[_LENGTH.size : end]))
    sizes = header.pop("blobs")
    if sum(sizes) + end > MAX_FRAME_BYTES:
        raise BadFrame("a frame over the size limit")
    if len(buffer) < end + sum(sizes):
        return None
    blobs = []
    for size in sizes:
        blobs.append(bytes(buffer[end : end + size]))
        end += size
    return Frame(header, blobs), end


def _header(data: bytes) -> dict[str, Any]:
    try:
        header = json.loads(data)
    except (ValueError, RecursionError):
        raise BadFrame("a header that is not JSON") from None
    sizes = header.get("blobs") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or not all(
        isinstance(size, int) and not isinstance(size, bool) and size >= 0 for size in sizes
    ):
        raise BadFrame("a header without a list of blob sizes")
    checked: dict[str, Any] = header
    return checked


def read_frame(stream: BinaryIO) -> Frame | None:
    """The next frame from a blocking stream (the worker's side); None at a clean end."""
    prefix = _read_exactly(stream, _LENGTH.size)
    if prefix is None:
        return None
    (header_size,) = _LENGTH.unpack(prefix)
    if header_size > MAX_HEADER_BYTES:
        raise BadFrame(f"a header of {header_size:,} bytes")
    body = _read_exactly(stream, header_size)
    if body is None:
        raise BadFrame("a frame cut short")
    header = _header(body)
    sizes = header.pop("blobs")
    blobs = []
    for size in sizes:
        blob = _read_exactly(stream, size)
        if blob is None:
            raise BadFrame("a frame cut short")
        blobs.append(blob)
    return Frame(header, blobs)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks, missing = [], size
    while missing:
        chunk = stream.read(missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)
