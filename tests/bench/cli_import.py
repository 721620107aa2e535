"""Import as users do it: short text files on disk, through `python main.py import`, in batches.

Each batch is one `import` command (a fresh process, as a user or a script runs it) into the
same library; the figure is the rate of each batch as the library grows, which must stay flat.
The baseline indexes the same files with raw Whoosh's default writer, one writer and commit
per batch (its default merge policy), in one process.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.bench.generator import CorpusGenerator
from tests.bench.measure import REPO, Stopwatch


def write_files(directory: Path, count: int, seed: int) -> list[Path]:
    """`count` short sources (a headline and one claim sentence each); files already written
    by an earlier run are kept, so an interrupted run resumes."""
    directory.mkdir(parents=True, exist_ok=True)
    generator = CorpusGenerator(seed)
    paths = []
    for number in range(count):
        path = directory / f"claim-{number:06d}.txt"
        if not path.exists():
            article = generator.article(number)
            first = article.annotations[0]
            sentence = article.text[first.start : first.end]
            path.write_text(f"{article.title}\n\n{sentence}\n", encoding="utf-8")
        paths.append(path)
    return paths


def batches(paths: list[Path], size: int) -> list[list[Path]]:
    return [paths[at : at + size] for at in range(0, len(paths), size)]


def import_through_cli(library: Path, paths: list[Path], batch_size: int) -> list[float]:
    """Files per second of each `import` command, in order."""
    rates = []
    for batch in batches(paths, batch_size):
        command = [sys.executable, "main.py", "--library", str(library), "import"]
        started = time.monotonic()
        subprocess.run(
            [*command, *map(str, batch)], cwd=REPO, check=True, stdout=subprocess.DEVNULL
        )
        rates.append(len(batch) / (time.monotonic() - started))
    return rates


def whoosh_import_files(index_dir: str, files: str, batch_size: int) -> dict[str, Any]:
    """Raw Whoosh, default writer: each batch read from disk, added and committed."""
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    paths = sorted(Path(files).glob("claim-*.txt"))
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    schema = fields.Schema(
        id=fields.ID(unique=True, stored=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        text=fields.TEXT(analyzer=StemmingAnalyzer()),
    )
    ix = index.create_in(index_dir, schema)
    rates = []
    for batch in batches(paths, batch_size):
        clock = Stopwatch()
        writer = ix.writer()
        for path in batch:
            title, _, text = path.read_text(encoding="utf-8").partition("\n\n")
            writer.add_document(id=path.name, title=title, text=text)
        writer.commit()
        rates.append(len(batch) / (clock.ms() / 1000))
    ix.close()
    return {"rates": rates}
