"""`python -m tests.bench [--sizes 1000,10000] [--out results.json]`: run the benchmarks."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.generator import DEFAULT_SEED
from tests.bench.report import machine, render, write
from tests.bench.suite import Options, run_suite


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="library sizes, comma-separated")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"), help="JSON results")
    parser.add_argument("--markdown", type=Path, help="Markdown table (default: --out with .md)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "sourcemark-bench",
        help="where the generated corpus and libraries are kept (0.8 GB at 10,000 articles)",
    )
    parser.add_argument(
        "--render",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="measure nothing: write the Markdown report of earlier runs' JSON files",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the steps an earlier (killed) run of the same sizes finished in --workdir",
    )
    parser.add_argument(
        "--sizes-only",
        action="store_true",
        help="measure only the figures of each library size, not those of any size",
    )
    parser.add_argument("--cli-files", type=int, default=10_000, help="files for figure 8")
    parser.add_argument("--cli-batch", type=int, default=2_500, help="files per import command")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--import-repeats", type=int, default=3)
    parser.add_argument("--cold-repeats", type=int, default=5)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    markdown = args.markdown or args.out.with_suffix(".md")
    if args.render:
        render(args.render, markdown)
        print(markdown.read_text(encoding="utf-8"))
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    options = Options(
        workdir=args.workdir.resolve(),
        seed=args.seed,
        resume=args.resume,
        sizes_only=args.sizes_only,
        cli_files=args.cli_files,
        cli_batch=args.cli_batch,
        import_repeats=args.import_repeats,
        cold_repeats=args.cold_repeats,
    )
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)

    results = {"machine": machine(), "command": "python -m tests.bench " + " ".join(argv)}
    results.update(run_suite(sizes, options, say))
    write(results, args.out, markdown)
    print(markdown.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
