"""BagIt (RFC 8493) bags held in memory: written as one zip, read back with every check."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from sourcemark.app.bundles.safezip import SafeZip, check_name
from sourcemark.app.errors import BundleError

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
TAG_FILES = ("bagit.txt", "bag-info.txt", MANIFEST)
PAYLOAD_DIR = "data/"
_MANIFEST_LINE = re.compile(r"^([0-9a-fA-F]{64})[ \t]+(\S.*)$")

Progress = Callable[[int, int], None]


def make_bag(payload: Mapping[str, bytes], info: Mapping[str, str]) -> dict[str, bytes]:
    """Every file of a bag (tag files and `data/...`) for a payload keyed by path under data/."""
    files = {PAYLOAD_DIR + name: content for name, content in sorted(payload.items())}
    octets = sum(len(content) for content in payload.values())
    bag_info = {**info, "Payload-Oxum": f"{octets}.{len(payload)}"}
    files["bagit.txt"] = BAGIT_TXT
    files["bag-info.txt"] = "".join(f"{k}: {_one_line(v)}\n" for k, v in bag_info.items()).encode()
    files[MANIFEST] = _manifest({n: c for n, c in files.items() if n.startswith(PAYLOAD_DIR)})
    files[TAG_MANIFEST] = _manifest({n: files[n] for n in TAG_FILES})
    return files


def write_zip(files: Mapping[str, bytes], out: Path, root: str, *, replace: bool = False) -> int:
    """Write the bag under one top-level folder `root`; atomic: a failed write leaves no file.

    The file gets the user's usual permissions (the umask, as for any file they save), so
    colleagues on a shared drive can read it. An existing `out` is kept (FileExistsError)
    unless `replace`.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    if not replace and out.exists():
        raise FileExistsError(out)
    temporary, handle = _new_file(out.parent)
    try:
        with (
            os.fdopen(handle, "wb") as stream,
            zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for name, content in files.items():
                archive.writestr(f"{root}/{name}", content)
        if replace:
            os.replace(temporary, out)
        else:
            _move_unless_taken(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return out.stat().st_size


def _new_file(folder: Path) -> tuple[Path, int]:
    """A new hidden file in `folder`, created like any file the user saves (mode 0666 less
    the umask; `tempfile` would make it 0600, readable by its owner alone)."""
    while True:
        path = folder / f".bundle-{secrets.token_hex(8)}.zip"
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _move_unless_taken(source: Path, target: Path) -> None:
    """Give `source` the name `target` unless a file took that name meanwhile."""
    try:
        os.link(source, target)  # fails if `target` exists: no check-then-write race
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (some network drives)
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(source, target)


def read_bag(archive: SafeZip, progress: Progress | None = None) -> dict[str, bytes]:
    """The verified payload (keyed by path under data/) of the bag in a checked zip.

    Refuses a bag with more than one top-level folder, a missing tag file, a member the
    manifests do not list, a listed file that is missing, or any checksum mismatch.
    """
    root = _single_root(archive.files)
    names = {name[len(root) :] for name in archive.files}
    tags = {name: archive.read(root + name) for name in (*TAG_FILES, TAG_MANIFEST) if name in names}
    missing = [name for name in (*TAG_FILES, TAG_MANIFEST) if name not in tags]
    if missing:
        raise BundleError(f"not a Sourcemark bundle: the bag has no {', '.join(missing)}")
    if not tags["bagit.txt"].startswith(b"BagIt-Version:"):
        raise BundleError("bagit.txt does not declare a BagIt version")
    _verify(_parse_manifest(tags[TAG_MANIFEST], TAG_MANIFEST), tags)
    listed = _parse_manifest(tags[MANIFEST], MANIFEST)
    if any(not name.startswith(PAYLOAD_DIR) for name in listed):
        raise BundleError(f"{MANIFEST} lists a file outside data/")
    unlisted = sorted(names - set(listed) - set(tags))
    if unlisted:
        raise BundleError(f"member {unlisted[0]!r} is not in the bag's manifest")
    absent = sorted(set(listed) - names)
    if absent:
        raise BundleError(f"{absent[0]!r} is in the manifest but not in the bundle")
    payload = {}
    for done, name in enumerate(sorted(listed), 1):
        content = archive.read(root + name)
        _verify({name: listed[name]}, {name: content})
        payload[name[len(PAYLOAD_DIR) :]] = content
        if progress:
            progress(done, len(listed))
    _check_oxum(tags["bag-info.txt"], payload)
    return payload


def _single_root(names: Mapping[str, object]) -> str:
    roots = {name.split("/", 1)[0] for name in names}
    if len(roots) != 1 or any("/" not in name for name in names):
        raise BundleError("the bundle must hold exactly one top-level folder (the bag)")
    return roots.pop() + "/"


def _manifest(files: Mapping[str, bytes]) -> bytes:
    lines = (f"{hashlib.sha256(content).hexdigest()}  {name}\n" for name, content in files.items())
    return "".join(lines).encode()


def _parse_manifest(data: bytes, label: str) -> dict[str, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(f"{label} is not UTF-8 text") from None
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _MANIFEST_LINE.match(line)
        if match is None:
            raise BundleError(f"{label} line {number} is not 'checksum path'")
        digest, name = match.group(1).lower(), match.group(2)
        if "%" in name:
            raise BundleError(f"{label} line {number}: encoded path {name!r} is not expected")
        check_name(name)
        if name in entries:
            raise BundleError(f"{label} lists {name!r} twice")
        entries[name] = digest
    return entries


def _verify(expected: Mapping[str, str], contents: Mapping[str, bytes]) -> None:
    for name, digest in expected.items():
        if name not in contents:
            raise BundleError(f"{name!r} is in the tag manifest but not in the bundle")
        if hashlib.sha256(contents[name]).hexdigest() != digest:
            raise BundleError(f"checksum mismatch for {name!r}: the bundle is damaged or altered")


def _check_oxum(bag_info: bytes, payload: Mapping[str, bytes]) -> None:
    for line in bag_info.decode("utf-8", errors="replace").splitlines():
        label, _, value = line.partition(":")
        if label.strip().lower() == "payload-oxum":
            expected = f"{sum(len(c) for c in payload.values())}.{len(payload)}"
            if value.strip() != expected:
                raise BundleError(f"Payload-Oxum {value.strip()} does not match the payload")


def _one_line(value: str) -> str:
    return " ".join(value.split())
