"""The child-process side of `app.importers.isolation`: limit itself, extract, reply in JSON.

Arguments: KIND MEMORY_BYTES CPU_SECONDS; the file's bytes arrive on standard input, and one
JSON object (the fields, or {"error": message}) leaves on standard output.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys

from sourcemark.app.errors import ImportFailed

_EXTRACTORS = {"html": "sourcemark.app.importers.html", "pdf": "sourcemark.app.importers.pdf"}


def main() -> None:
    kind, memory_bytes, cpu_seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    _limit_resources(memory_bytes, cpu_seconds)
    data = sys.stdin.buffer.read()
    # Anything a library prints must not corrupt the one JSON reply.
    reply_channel, sys.stdout = sys.stdout, sys.stderr
    try:
        extract_fields = importlib.import_module(_EXTRACTORS[kind]).extract_fields
        reply: dict[str, str] = extract_fields(data)
    except ImportFailed as error:
        reply = {"error": str(error)}
    except MemoryError:
        reply = {"error": f"needs more than the {memory_bytes // 2**20:,} MB memory limit"}
    reply_channel.write(json.dumps(reply))


def _limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    _lower(resource.RLIMIT_AS, memory_bytes)
    # The parent's wall-clock limit is the real one; this stops a child the parent lost.
    _lower(resource.RLIMIT_CPU, cpu_seconds + 1)
    _lower(resource.RLIMIT_CORE, 0)


def _lower(which: int, limit: int) -> None:
    """Set a resource limit, never above the hard limit already in force."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(which, (limit, limit))


if __name__ == "__main__":
    main()
