"""Hostile bundles: each is refused with a clear message, and nothing changes anywhere."""

from __future__ import annotations

import hashlib
import json
import pickle
import stat
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sourcemark.app.bundles import import_bundle
from sourcemark.app.bundles.safezip import Limits
from sourcemark.app.errors import BundleError
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from tests.bundle_support import (
    annotated_library,
    exported,
    members,
    payload,
    rebag,
    snapshot,
    write_raw,
)

Build = Callable[[Path, Path], Path]  # (valid bundle, where to write) -> hostile bundle


def _refused(library: Library, bundle: Path, match: str, limits: Limits | None = None) -> None:
    folder = bundle.parent
    files_before = sorted(folder.rglob("*"))
    rows_before = snapshot(library)
    with pytest.raises(BundleError, match=match):
        if limits is None:
            import_bundle(library, bundle)
        else:
            import_bundle(library, bundle, limits=limits)
    assert snapshot(library) == rows_before
    assert sorted(folder.rglob("*")) == files_before


@pytest.fixture
def valid(bare_library: Library, tmp_path: Path) -> Path:
    """A good bundle made by another library; `bare_library` stays empty for the imports."""
    with open_library(tmp_path / "maker", with_index=False) as maker:
        annotated_library(maker)
        return exported(maker, tmp_path / "good.zip")


def _extra(name: str, data: bytes, *, listed: bool = True) -> Build:
    """The valid bag plus one member under data/ (listed in a correct manifest, or not)."""

    def build(good: Path, out: Path) -> Path:
        if listed:
            return write_raw(out, rebag({**payload(good), name: data}))
        return write_raw(out, {**members(good), f"data/{name}": data})

    return build


def _raw(name: str, data: bytes = b"x", *, root: str = "bag", mode: int = 0) -> Build:
    """The valid bag plus one member written exactly as named, with a file-type mode."""

    def build(good: Path, out: Path) -> Path:
        write_raw(out, members(good), root=root)
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr(info, data)
        return out

    return build


def _members(change: Callable[[dict[str, bytes]], object]) -> Build:
    """The valid bag's members changed in place, manifests left as they were."""

    def build(good: Path, out: Path) -> Path:
        files = members(good)
        change(files)
        return write_raw(out, files)

    return build


def _record_text(change: Callable[[str], str]) -> Build:
    """The native record's JSON text changed, inside a bag whose manifests are correct."""

    def build(good: Path, out: Path) -> Path:
        files = payload(good)
        files["sourcemark.json"] = change(files["sourcemark.json"].decode()).encode()
        return write_raw(out, rebag(files))

    return build


def _record(change: Callable[[dict[str, Any]], None]) -> Build:
    def edit(text: str) -> str:
        record = json.loads(text)
        change(record)
        return json.dumps(record)

    return _record_text(edit)


def _set(section: str, field: str, value: Any) -> Build:
    def change(record: dict[str, Any]) -> None:
        record[section][0][field] = value

    return _record(change)


def _duplicate_member(good: Path, out: Path) -> Path:
    files = members(good)
    write_raw(out, files)
    with warnings.catch_warnings(), zipfile.ZipFile(out, "a") as archive:
        warnings.simplefilter("ignore")
        archive.writestr("bag/data/report.html", files["data/report.html"])
    return out


def _wrong_oxum(good: Path, out: Path) -> Path:
    files = members(good)
    files["bag-info.txt"] = b"Payload-Oxum: 1.1\n"
    files["tagmanifest-sha256.txt"] = "".join(
        f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n"
        for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
    ).encode()
    return write_raw(out, files)


def _two_roots(good: Path, out: Path) -> Path:
    write_raw(out, members(good))
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("other/readme.txt", b"hello")
    return out


def _zip_bomb(good: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in rebag({**payload(good), "zeros.txt": bytes(30 * 1024 * 1024)}).items():
            archive.writestr(f"bag/{name}", data)
    return out


def _original_is_a_pickle(good: Path, out: Path) -> Path:
    files = payload(good)
    original = next(name for name in files if "/original." in name)
    files[original] = pickle.dumps({"run": "os.system"})
    return write_raw(out, rebag(files))


def _first_link_to_nowhere(record: dict[str, Any]) -> None:
    record["links"][0]["to_id"] = "00000000-0000-4000-8000-000000000000"


def _deep(text: str) -> str:
    return text.replace('"links": [', '"links": [' + "[" * 5000 + "]" * 5000 + ", ", 1)


HOSTILE: dict[str, tuple[Build, str]] = {
    "dot-dot path": (_raw("bag/data/../../evil.txt"), r"'\.\.' in its path"),
    "absolute path": (_raw("/etc/evil.txt"), "absolute path"),
    "backslash": (_raw("bag\\data\\evil.txt"), "backslash"),
    "drive letter": (_raw("C:/evil.txt"), "drive letter"),
    "symlink": (_raw("bag/data/link", b"/etc/passwd", mode=stat.S_IFLNK | 0o777), "symbolic link"),
    "device": (_raw("bag/data/dev", mode=stat.S_IFCHR | 0o600), "device"),
    "duplicate name": (_duplicate_member, "more than once"),
    "two top-level folders": (_two_roots, "exactly one top-level folder"),
    "not in manifest": (_extra("notes.txt", b"hi", listed=False), "not in the bag's manifest"),
    "listed but not a bundle file": (_extra("notes.txt", b"hi"), "not part of a Sourcemark"),
    "checksum mismatch": (
        _members(lambda f: f.update({"data/report.html": b"<p>x"})),
        "checksum mismatch for 'data/report.html'",
    ),
    "missing payload file": (
        _members(lambda f: f.pop("data/quotes.md")),
        "in the manifest but not in the bundle",
    ),
    "tag file altered": (
        _members(lambda f: f.update({"bag-info.txt": b"Source: x\n"})),
        "checksum mismatch for 'bag-info.txt'",
    ),
    "wrong payload oxum": (_wrong_oxum, "Payload-Oxum 1.1 does not match"),
    "zip bomb": (_zip_bomb, "compressed more than 100:1"),
    "invalid JSON": (_record_text(lambda t: t[:-5]), "invalid JSON"),
    "deeply nested JSON": (_record_text(_deep), "nested more than"),
    "NaN": (
        _record_text(lambda t: t.replace('"start": ', '"start": NaN, "x": ', 1)),
        "NaN is not a JSON number",
    ),
    "duplicate key": (
        _record_text(lambda t: t.replace("{", '{"format": "x", ', 1)),
        "duplicate key 'format'",
    ),
    "offsets out of range": (_set("annotations", "end", 10**6), "outside its text"),
    "quote not in text": (
        _set("annotations", "quote", "invented words"),
        "quote does not match its text",
    ),
    "boolean offset": (_set("annotations", "start", True), "whole number"),
    "unknown field": (_set("articles", "script", "x"), "unknown field 'script'"),
    "unknown kind": (_set("annotations", "kind", "gossip"), "unknown value 'gossip'"),
    "bad id": (_set("articles", "id", "../../etc"), "not in the expected form"),
    "text hash mismatch": (_set("articles", "text_sha256", "0" * 64), "does not match"),
    "impossible date": (
        _set("annotations", "updated_at", "2025-13-45T10:00:00Z"),
        "not a real date and time",
    ),
    "link to nowhere": (_record(_first_link_to_nowhere), "not in the bundle"),
    "whoosh index": (_extra("index/_MAIN_1.toc", b"\x80\x04x."), "Whoosh index"),
    "whoosh segment": (_extra("index/main_abc.seg", b"data"), "Whoosh index"),
    "pickle by name": (_extra("state.pkl", b"data"), "a pickle"),
    "pickle by content": (_original_is_a_pickle, "a pickle"),
    "executable by name": (_extra("tool.exe", b"MZ"), "an executable"),
    "executable by content": (_extra("report.html", b"\x7fELF\x02\x01\x01"), "an executable"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_bundle_is_refused_and_changes_nothing(
    case: str, bare_library: Library, valid: Path, tmp_path: Path
) -> None:
    build, message = HOSTILE[case]
    folder = tmp_path / "inbox"
    folder.mkdir()
    hostile = build(valid, folder / "bundle.zip")
    _refused(bare_library, hostile, message)


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (Limits(members=5), "members \\(at most 5\\)"),
        (Limits(member_bytes=2_000), "KB \\(at most 2.0 KB\\)"),
        (Limits(total_bytes=12_000), "unpacks to"),
    ],
)
def test_size_caps_refuse_oversized_bundles(
    limits: Limits, message: str, bare_library: Library, valid: Path
) -> None:
    _refused(bare_library, valid, message, limits)


def test_a_file_that_is_not_a_zip_is_refused(bare_library: Library, tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04 not really")
    _refused(bare_library, fake, "not a readable zip file")
    with pytest.raises(BundleError, match="no such file"):
        import_bundle(bare_library, tmp_path / "missing.zip")


def test_the_valid_bundle_itself_imports(bare_library: Library, valid: Path) -> None:
    assert import_bundle(bare_library, valid).value.added == 4
