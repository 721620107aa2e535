"""The slow packaging check, run on demand: `python packaging/check.py [--out DIR]`.

From a clean clone of this repository's HEAD it builds the PyInstaller folder and the .deb
(packaging/build.py), unpacks the .deb into a temporary root with `dpkg-deb -x`, and runs the
packaged `sourcemark` there: `--version`, a command-line import (a web page fetched from a
server on 127.0.0.1 and a PDF, read by the frozen worker processes), searches and a bundle
export on a fresh library, then the desk on a virtual X server (Xvfb) with screenshots: the
demo library on first start, the offer to import a bundle opened from the file manager, and
the same offer in a running desk when the bundle is opened again (a second start hands it
over and exits). It measures the build time, the package sizes and the start-up time of the
packaged app beside `python main.py`.
Needs Linux with git, dpkg-deb, Xvfb, xdotool, xprop and ImageMagick's `import`.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_PAGE = ROOT / "tests" / "fixtures" / "html" / "ledger-council-budget.html"
TIMED_RUNS = 5
NORMAL, DIALOG = "NORMAL", "DIALOG"
WINDOW_TIMEOUT_S = 60.0
QUIT_ATTEMPTS, QUIT_WAIT_S = 6, 10.0
SETTLE_S = 3.0  # the first paint, and the offer dialog when a bundle was given


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "check")
    parser.add_argument("--deb", type=Path, help="check this .deb instead of building one")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="sourcemark-check-") as temporary:
        tmp = Path(temporary)
        if args.deb is None:
            deb, tarball, folder, build_seconds = build_from_clean_clone(tmp)
            results["build_seconds"] = round(build_seconds)
            results["tarball_mb"] = megabytes_of_file(tarball)
            results["folder_mb"] = megabytes_of_tree(folder)
        else:
            deb = args.deb.resolve()
        results["deb_mb"] = megabytes_of_file(deb)
        root = tmp / "root"
        run(["dpkg-deb", "-x", str(deb), str(root)])
        packaged = root / "usr" / "bin" / "sourcemark"
        env = private_environment(tmp / "home")
        results["version"] = check_command_line(packaged, tmp, env)
        checkout = [sys.executable, str(ROOT / "main.py")]
        results["version_seconds"] = {
            "packaged": median_seconds([str(packaged), "--version"], env),
            "python main.py": median_seconds([*checkout, "--version"], env),
        }
        with virtual_display() as display:
            env["DISPLAY"] = display
            env["SOURCEMARK_CHECK_FAILURE_PNG"] = str(out / "failure.png")
            first = desk_screenshot([str(packaged)], env, out / "packaged-desk.png")
            results["first_start_to_window_seconds"] = round(first, 2)
            bundle = tmp / "story.zip"
            desk_screenshot([str(packaged), str(bundle)], env, out / "packaged-bundle-offer.png")
            # Opened again while the desk runs: the bundle goes to the running desk.
            handed = out / "packaged-bundle-handed-over.png"
            desk_screenshot([str(packaged)], env, handed, then=[str(packaged), str(bundle)])
            results["window_seconds"] = {
                "packaged": window_seconds([str(packaged), "--library", str(tmp / "a")], env),
                "python main.py": window_seconds([*checkout, "--library", str(tmp / "b")], env),
            }
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"screenshots: {', '.join(str(png) for png in sorted(out.glob('*.png')))}")
    return 0


def build_from_clean_clone(tmp: Path) -> tuple[Path, Path, Path, float]:
    """Clone HEAD (uncommitted changes are not part of a release) and build it."""
    dirty = run_output(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    if dirty:
        print("note: uncommitted changes are not in the check; it builds HEAD", flush=True)
    source = tmp / "source"
    run(["git", "clone", "--quiet", "--no-local", str(ROOT), str(source)])
    started = time.monotonic()
    run([sys.executable, str(source / "packaging" / "build.py"), "--out", str(tmp / "dist")])
    seconds = time.monotonic() - started
    (deb,) = (tmp / "dist").glob("sourcemark_*.deb")
    (tarball,) = (tmp / "dist").glob("sourcemark-*.tar.gz")
    return deb, tarball, source / "build" / "pyinstaller" / "dist" / "sourcemark", seconds


def check_command_line(packaged: Path, tmp: Path, env: dict[str, str]) -> str:
    """--version, import (web page, PDF), search and export on a fresh library."""
    version = run_output([str(packaged), "--version"], env=env).strip()
    assert version.startswith("Sourcemark "), version
    library = ["--library", str(tmp / "library")]
    pdf = tmp / "statement.pdf"
    pdf.write_bytes(statement_pdf())
    with web_server(WEB_PAGE.parent) as address:  # on 127.0.0.1: nothing reaches the internet
        page = f"{address}/{WEB_PAGE.name}"
        imported = run_output([str(packaged), *library, "import", page, str(pdf)], env=env)
    assert imported.count("imported ") == 2, imported
    for query, expected in (("budget debate", "Council approves"), ("ferry", "Harbour")):
        found = run_output([str(packaged), *library, "search", query, "--json"], env=env)
        hits = json.loads(found)["hits"]
        assert hits and expected in hits[0]["title"], found
    run([str(packaged), *library, "export", "--all", "--out", str(tmp / "story.zip")], env=env)
    print(f"command line ok: {version}; fetched a web page, imported a PDF; searched; exported")
    return version


@contextmanager
def web_server(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 for the duration; yields its address."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def statement_pdf() -> bytes:
    sys.path.insert(0, str(ROOT))
    from tests.pdf_bytes import text_pdf

    lines = ["Harbour Authority statement", "The ferry timetable changes on Monday."]
    return text_pdf([lines], title="Harbour statement")


def private_environment(home: Path) -> dict[str, str]:
    """The user's environment with a fresh home: a first start on an empty machine."""
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCEMARK", "XDG_"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="xcb")
    return env


@contextmanager
def virtual_display() -> Iterator[str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as answer:
        display = f":{answer.readline().strip()}"
    try:
        yield display
    finally:
        server.terminate()
        server.wait(timeout=30)


def desk_screenshot(
    command: list[str], env: dict[str, str], png: Path, then: list[str] | None = None
) -> float:
    """Start the desk, wait for its window, run `then` (to its end), let the desk settle,
    take a screenshot, close it."""
    with desk(command, env) as seconds_to_window:
        if then is not None:
            subprocess.run(then, env=env, check=True, timeout=60)
        time.sleep(SETTLE_S)
        run(["import", "-window", "root", str(png)], env=env)
    return seconds_to_window


def window_seconds(command: list[str], env: dict[str, str]) -> float:
    """Median time from start to the visible window, after one untimed start that seeds
    the library (the operating system's file cache is warm: these are warm starts)."""
    times = []
    for _ in range(1 + TIMED_RUNS):
        with desk(command, env) as seconds:
            times.append(seconds)
    return round(statistics.median(times[1:]), 2)


@contextmanager
def desk(command: list[str], env: dict[str, str]) -> Iterator[float]:
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        window = wait_for_window(process, env)
        yield time.monotonic() - started
        for dialog in visible_windows(process, env, DIALOG):  # the bundle offer: decline
            xdotool("windowfocus", "--sync", dialog, "key", "Escape", env=env)
        quit_desk(process, window, env)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def quit_desk(process: subprocess.Popen[bytes], window: str, env: dict[str, str]) -> None:
    """Ctrl+Q, again if a busy machine lost it; the desk closes (and backs up) on its own."""
    for _ in range(QUIT_ATTEMPTS):
        xdotool("windowfocus", "--sync", window, "key", "ctrl+q", env=env)
        try:
            process.wait(timeout=QUIT_WAIT_S)
            return
        except subprocess.TimeoutExpired:
            continue
    raise RuntimeError("the desk did not quit on Ctrl+Q")


def wait_for_window(process: subprocess.Popen[bytes], env: dict[str, str]) -> str:
    deadline = time.monotonic() + WINDOW_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the desk exited with code {process.returncode}")
        found = visible_windows(process, env, NORMAL)  # not "Opening the library…"
        if found:
            return found[0]
        time.sleep(0.02)
    run(["import", "-window", "root", env["SOURCEMARK_CHECK_FAILURE_PNG"]], env=env)
    names = [xdotool("getwindowname", w, env=env) for w in xdotool("search", ".", env=env).split()]
    raise RuntimeError(f"the desk's window did not appear; windows: {names}")


def visible_windows(process: subprocess.Popen[bytes], env: dict[str, str], kind: str) -> list[str]:
    """The process's visible windows of one kind (NORMAL: the desk; DIALOG: a dialog), found
    by process, as a title with a non-ASCII character escapes xdotool's --name."""
    found = xdotool("search", "--onlyvisible", "--pid", str(process.pid), env=env).split()
    return [window for window in found if _window_type(window, env) == kind]


def _window_type(window: str, env: dict[str, str]) -> str:
    """The window's first (preferred) type: a Qt dialog is "DIALOG, NORMAL"."""
    listed = run_output(["xprop", "-id", window, "_NET_WM_WINDOW_TYPE"], env=env)
    first = listed.partition("=")[2].split(",")[0].strip()
    return first.removeprefix("_NET_WM_WINDOW_TYPE_")


def xdotool(*arguments: str, env: dict[str, str]) -> str:
    """xdotool's output; empty when it found nothing."""
    done = subprocess.run(["xdotool", *arguments], env=env, capture_output=True, text=True)
    return done.stdout


def median_seconds(command: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(TIMED_RUNS):
        started = time.monotonic()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.monotonic() - started)
    return round(statistics.median(times), 3)


def megabytes_of_file(path: Path) -> float:
    return round(path.stat().st_size / 2**20, 1)


def megabytes_of_tree(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(command, env=env, check=True)


def run_output(command: list[str], env: dict[str, str] | None = None) -> str:
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


if __name__ == "__main__":
    sys.exit(main())
