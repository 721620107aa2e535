"""The worker process: limit itself, then answer one job after another until its input ends.

Started by `app.workers.pool` (through `app.children.child_command`). Each request frame names
a job, its parameters and its limits; the job's module is imported on first use, so a worker
that only extracts HTML never loads pypdf. Every request gets exactly one reply frame: the
job's result, or {"error": message}. After a MemoryError or an unexpected exception the worker
replies and exits: its state can no longer be trusted.
"""

from __future__ import annotations

import importlib
import os
import resource
import sys
import traceback
from collections.abc import Callable
from typing import Any

from sourcemark.app.errors import ImportFailed
from sourcemark.app.workers.protocol import Frame, encode, read_frame

JobFunction = Callable[[dict[str, Any], list[bytes]], tuple[dict[str, Any], list[bytes]]]

CRASHED = "the extractor crashed on this file: it is malformed or too large"
JOBS = {
    "html": "sourcemark.app.importers.html:extract_job",
    "pdf": "sourcemark.app.importers.pdf:extract_job",
    "reflow": "sourcemark.app.importers.reflow:reflow_job",
    "ocr": "sourcemark.app.importers.ocr:ocr_job",
    "render": "sourcemark.app.importers.rendering:render_job",
}


def main() -> None:
    requests = sys.stdin.buffer
    # The reply channel is a private copy of standard output; whatever a library or a program
    # it starts prints to file descriptor 1 goes to standard error instead.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    while (request := read_frame(requests)) is not None:
        header, blobs, keep_going = answer(request)
        replies.write(encode(header, blobs))
        replies.flush()
        if not keep_going:
            break


def answer(request: Frame) -> tuple[dict[str, Any], list[bytes], bool]:
    """The reply to one request, and whether this worker may take another job."""
    memory_bytes = int(request.header["memory_bytes"])
    _limit(resource.RLIMIT_AS, memory_bytes)
    # CPU time adds up over the worker's life: allow this job its own share. The pool's wall
    # clock is the real limit; this stops a job whose parent has gone.
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _limit(resource.RLIMIT_CPU, int(spent + float(request.header["seconds"])) + 2)
    try:
        job = _job(str(request.header["job"]))
        result, blobs = job(request.header.get("params", {}), request.blobs)
    except ImportFailed as error:
        return {"error": str(error)}, [], True
    except MemoryError:
        message = f"needs more than the {memory_bytes // 2**20:,} MB memory limit"
        return {"error": message}, [], False
    except Exception:  # a bug or a library's unexpected failure: reply, then leave
        traceback.print_exc()
        return {"error": CRASHED}, [], False
    return result, blobs, True


def _job(name: str) -> JobFunction:
    module_name, function_name = JOBS[name].split(":")
    function: JobFunction = getattr(importlib.import_module(module_name), function_name)
    return function


def _limit(which: int, limit: int) -> None:
    """Set a soft resource limit, never above the hard limit in force."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(which, (limit, hard))


if __name__ == "__main__":
    main()
