"""Run an extractor on untrusted bytes in a child process with a time and a memory limit.

A hostile file can hang a parser or make it allocate without bound; in a child process that
costs a killed child and a clear `ImportFailed`, never a frozen or exhausted app.
"""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import dataclass

from sourcemark.app.children import child_command
from sourcemark.app.errors import ImportFailed

_FIELDS = ("text", "title", "author", "outlet", "url", "published", "page_text")


@dataclass(frozen=True, slots=True)
class ChildLimits:
    """Wall-clock seconds and address-space bytes one extraction may use."""

    seconds: float = 60.0
    memory_bytes: int = 1536 * 1024 * 1024


DEFAULT_LIMITS = ChildLimits()


def run_extractor(kind: str, data: bytes, limits: ChildLimits) -> dict[str, str]:
    """The fields `app.importers.<kind>.extract_fields(data)` returns, computed in a child."""
    command = child_command(
        "sourcemark.app.importers.worker",
        kind,
        str(limits.memory_bytes),
        str(math.ceil(limits.seconds)),
    )
    try:
        child = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError as error:
        raise ImportFailed(f"cannot start the {kind} extractor ({error.strerror})") from None
    try:
        reply, _ = child.communicate(data, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        raise ImportFailed(
            f"gave up after {limits.seconds:g} s: the file is malformed or too complex"
        ) from None
    finally:
        # On a timeout, or if this thread is interrupted, the child must not outlive the import.
        if child.poll() is None:
            child.kill()
            child.communicate()
    return _fields_from(reply, child.returncode)


def _fields_from(reply: bytes, returncode: int) -> dict[str, str]:
    """Check the child's JSON reply as untrusted input and return its fields."""
    try:
        message = json.loads(reply) if returncode == 0 else None
    except ValueError:
        message = None
    if not isinstance(message, dict):
        raise ImportFailed("the extractor crashed on this file: it is malformed or too large")
    if message.get("error") is not None:
        raise ImportFailed(" ".join(str(message["error"]).split())[:300])
    fields = {name: message.get(name, "") for name in _FIELDS}
    if not all(isinstance(value, str) for value in fields.values()):
        raise ImportFailed("the extractor gave an unreadable answer for this file")
    return fields
