"""A benchmark child process: `python -m tests.bench.child TASK JSON_KEYWORD_ARGUMENTS`.

Tasks are imported lazily, so a child pays only for the modules its task needs (which is
what a cold start measures).
"""

from __future__ import annotations

import importlib
import json
import sys

from tests.bench.measure import emit

TASKS = {
    "sourcemark.import": "tests.bench.sourcemark:import_articles",
    "sourcemark.annotate": "tests.bench.sourcemark:annotate_library",
    "sourcemark.search": "tests.bench.sourcemark:search",
    "sourcemark.new_annotation": "tests.bench.sourcemark:new_annotation",
    "sourcemark.cold_search": "tests.bench.sourcemark:cold_search",
    "sourcemark.rebuild": "tests.bench.sourcemark:rebuild",
    "whoosh.import_files": "tests.bench.cli_import:whoosh_import_files",
    "claims.build": "tests.bench.claims:build_library",
    "claims.evaluate": "tests.bench.claims:evaluate",
    "claims.similar_text": "tests.bench.claims:similar_text",
    "desk.cold_start": "tests.bench.desk:cold_start",
    "desk.searches": "tests.bench.desk:searches",
    "desk.open_large_source": "tests.bench.desk:open_large_source",
    "whoosh.build": "tests.bench.baselines:whoosh_build",
    "whoosh.search": "tests.bench.baselines:whoosh_search",
    "whoosh.new_document": "tests.bench.baselines:whoosh_new_document",
    "whoosh.cold_search": "tests.bench.baselines:whoosh_cold_search",
    "fts5.build": "tests.bench.baselines:fts5_build",
    "fts5.search": "tests.bench.baselines:fts5_search",
    "fts5.new_document": "tests.bench.baselines:fts5_new_document",
    "fts5.cold_search": "tests.bench.baselines:fts5_cold_search",
    "documents.sourcemark": "tests.bench.documents:sourcemark_extract",
    "documents.trafilatura": "tests.bench.documents:trafilatura_alone",
    "documents.pypdf": "tests.bench.documents:pypdf_alone",
    "documents.tesseract": "tests.bench.documents:tesseract_alone",
}


def main(argv: list[str]) -> None:
    task, arguments = argv
    module_name, function_name = TASKS[task].split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    emit(function(**json.loads(arguments)))


if __name__ == "__main__":
    main(sys.argv[1:])
