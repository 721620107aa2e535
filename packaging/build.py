"""Build Sourcemark for people without Python: `python packaging/build.py [--out DIR]`.

1. A build environment (build/env) gets Sourcemark installed from this checkout the way
   `pip install` installs it (a wheel, not the checkout), plus PyInstaller.
2. PyInstaller runs packaging/sourcemark.spec: one folder, build/pyinstaller/dist/sourcemark/
   (on macOS also Sourcemark.app next to it).
3. On Linux that folder becomes, in DIR (default dist/), sourcemark-VERSION-linux-ARCH.tar.gz
   and sourcemark_VERSION_ARCH.deb, built with dpkg-deb: the folder in /opt/sourcemark, a
   `sourcemark` launcher in /usr/bin, the menu entry (which opens .zip bundles) and the icons.

Run as a script (`packaging` is also the name of a PyPI package: never import this folder).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
ENV = BUILD / "env"
WORK = BUILD / "pyinstaller"
SPEC = ROOT / "packaging" / "sourcemark.spec"
DESKTOP_ENTRY = ROOT / "packaging" / "linux" / "sourcemark.desktop"
ICONS = ROOT / "resources" / "icons"
INSTALL_DIR = "opt/sourcemark"
ICON_SIZE = re.compile(r"sourcemark-(\d+)\.png")
# Shared libraries the frozen Qt loads from the system (the rest travel in the folder), as
# Debian and Ubuntu name their packages; `a | b` where Ubuntu 24.04 renamed one (t64).
DEB_DEPENDS = (
    "libc6",
    "libegl1",
    "libgl1",
    "libopengl0",
    "libfontconfig1",
    "libfreetype6",
    "libglib2.0-0t64 | libglib2.0-0",
    "libdbus-1-3",
    "libx11-6",
    "libx11-xcb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "fonts-dejavu-core | fonts-liberation2 | fonts-noto-core",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where packages go")
    parser.add_argument(
        "--reuse-env", action="store_true", help="keep build/env and what it holds (faster)"
    )
    args = parser.parse_args()
    started = time.monotonic()
    python = prepare_environment(reuse=args.reuse_env)
    version = run_output([python, "-c", "import sourcemark; print(sourcemark.__version__)"])
    folder = freeze(python)
    print(f"built {folder} ({megabytes(folder)} MB)")
    if sys.platform.startswith("linux"):
        args.out.mkdir(parents=True, exist_ok=True)
        arch = run_output(["dpkg", "--print-architecture"])
        stage = stage_debian_tree(folder, version, arch)
        tarball = make_tarball(stage, version, args.out)
        deb = args.out / f"sourcemark_{version}_{arch}.deb"
        step(f"dpkg-deb → {deb.name}")
        run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(deb)])
        for package in (tarball, deb):
            print(f"wrote {package} ({package.stat().st_size / 2**20:.1f} MB)")
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


def prepare_environment(*, reuse: bool) -> Path:
    """build/env with Sourcemark installed from this checkout, as a user would install it."""
    python = ENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not reuse or not python.exists():
        step("build environment")
        shutil.rmtree(ENV, ignore_errors=True)
        run([sys.executable, "-m", "venv", str(ENV)])
        run([python, "-m", "pip", "install", "-q", "-U", "pip"])
    step("install this checkout")
    run([python, "-m", "pip", "install", "-q", f"{ROOT}[build]"])  # and any new dependency
    # A fresh wheel of the code as it is now, whatever version number it carries.
    run([python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(ROOT)])
    return python


def freeze(python: Path) -> Path:
    """Run PyInstaller on the spec; returns the one-folder build."""
    step("PyInstaller")
    WORK.mkdir(parents=True, exist_ok=True)
    command = [python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN"]
    command += ["--distpath", str(WORK / "dist"), "--workpath", str(WORK / "work"), str(SPEC)]
    # From WORK, not the checkout: PyInstaller must find the installed `sourcemark` package.
    run(command, cwd=WORK)
    return WORK / "dist" / "sourcemark"


def stage_debian_tree(folder: Path, version: str, arch: str) -> Path:
    """The file tree the .deb installs, with its DEBIAN/control."""
    stage = BUILD / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(folder, stage / INSTALL_DIR, symlinks=True)
    launcher = stage / "usr" / "bin" / "sourcemark"
    launcher.parent.mkdir(parents=True)
    # Relative, so the launcher also works in a tree unpacked elsewhere (`dpkg-deb -x`).
    launcher.symlink_to(Path("../..") / INSTALL_DIR / "sourcemark")
    share = stage / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(DESKTOP_ENTRY, share / "applications" / DESKTOP_ENTRY.name)
    for png in ICONS.glob("sourcemark-*.png"):
        size = ICON_SIZE.fullmatch(png.name)
        if size:
            apps = share / "icons" / "hicolor" / f"{size[1]}x{size[1]}" / "apps"
            apps.mkdir(parents=True)
            shutil.copy2(png, apps / "sourcemark.png")
    (share / "icons" / "hicolor" / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(ICONS / "sourcemark.svg", share / "icons/hicolor/scalable/apps/sourcemark.svg")
    normalise_modes(stage)
    control = stage / "DEBIAN" / "control"
    control.parent.mkdir(mode=0o755)
    control.write_text(
        f"Package: sourcemark\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: Sourcemark developers <sourcemark@users.noreply.invalid>\n"
        f"Installed-Size: {installed_kib(stage)}\n"
        f"Depends: {', '.join(DEB_DEPENDS)}\n"
        f"Recommends: tesseract-ocr, tesseract-ocr-eng\n"  # reads scanned PDF pages
        f"Section: text\n"
        f"Priority: optional\n"
        f"Description: annotation desk for journalists\n"
        f" Import sources (web pages, PDFs, text), tag passages as claims, quotes and\n"
        f" rebuttals, search every annotation, and share annotated bundles.\n"
        f" Self-contained: Python and Qt are included in /{INSTALL_DIR}.\n",
        encoding="utf-8",
    )
    control.chmod(0o644)
    return stage


def normalise_modes(tree: Path) -> None:
    """Folders 755, programs 755, other files 644, whatever the builder's umask."""
    for path in [tree, *tree.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.stat().st_mode & 0o111
        path.chmod(0o755 if executable else 0o644)


def installed_kib(tree: Path) -> int:
    files = (p for p in tree.rglob("*") if p.is_file() and not p.is_symlink())
    return sum((p.stat().st_size + 1023) // 1024 for p in files)


def make_tarball(stage: Path, version: str, out: Path) -> Path:
    """The folder (plus its menu entry and icons in share/) for other distributions."""
    machine = os.uname().machine
    tarball = out / f"sourcemark-{version}-linux-{machine}.tar.gz"
    step(f"tar → {tarball.name}")
    top = f"sourcemark-{version}"
    with tarfile.open(tarball, "w:gz", compresslevel=6) as archive:
        archive.add(stage / INSTALL_DIR, arcname=top)
        archive.add(stage / "usr" / "share", arcname=f"{top}/share")
    return tarball


def megabytes(folder: Path) -> int:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return round(sum(p.stat().st_size for p in files) / 2**20)


def step(name: str) -> None:
    print(f"--- {name}", flush=True)


def run(command: list[str | Path], cwd: Path | None = None) -> None:
    subprocess.run([str(part) for part in command], cwd=cwd, check=True)


def run_output(command: list[str | Path]) -> str:
    return subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, text=True
    ).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
