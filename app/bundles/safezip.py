"""Reading an untrusted zip in memory: every entry checked, nothing extracted, sizes capped."""

from __future__ import annotations

import re
import stat
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sourcemark.app.errors import BundleError
from sourcemark.app.wording import sizes

_MIB = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1024 * 1024

# Members that must never come in from outside: a Whoosh index (its table of contents is a
# pickle that runs code when opened), pickles, and programs.
_WHOOSH_SUFFIXES = (".toc", ".seg", ".trm", ".pst", ".vps", ".col")
_FORBIDDEN_SUFFIXES = {
    **dict.fromkeys(_WHOOSH_SUFFIXES, "a Whoosh index file"),
    ".pkl": "a pickle",
    ".pickle": "a pickle",
    ".pyc": "compiled Python",
    ".exe": "an executable",
    ".dll": "an executable",
    ".so": "an executable",
    ".dylib": "an executable",
    ".com": "an executable",
    ".msi": "an executable",
    ".bat": "a script",
    ".cmd": "a script",
    ".ps1": "a script",
    ".sh": "a script",
    ".jar": "an executable",
}
_FORBIDDEN_MAGIC = (
    (b"\x7fELF", "an executable"),
    (b"\xcf\xfa\xed\xfe", "an executable"),
    (b"\xce\xfa\xed\xfe", "an executable"),
    (b"\xca\xfe\xba\xbe", "an executable"),
    (b"#!", "a script"),
)
_PICKLE = re.compile(rb"\A\x80[\x02-\x05]")


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep a zip bomb from exhausting memory or disk."""

    members: int = 100_000
    member_bytes: int = 64 * _MIB
    total_bytes: int = 512 * _MIB
    # Only members above `ratio_floor` bytes must respect the compression-ratio cap.
    ratio: int = 100
    ratio_floor: int = _MIB
    name_chars: int = 512


DEFAULT_LIMITS = Limits()


def forbidden_kind(name: str, head: bytes = b"") -> str | None:
    """What a member is if it must be refused (by its name or its first bytes), else None."""
    suffix = Path(name).suffix.lower()
    if suffix in _FORBIDDEN_SUFFIXES:
        return _FORBIDDEN_SUFFIXES[suffix]
    if _PICKLE.match(head):
        return "a pickle"
    if head.startswith(b"MZ") and b"PE\0\0" in head[:4096]:
        return "an executable"
    for magic, kind in _FORBIDDEN_MAGIC:
        if head.startswith(magic):
            return kind
    return None


def check_name(name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse any member name that could point outside the folder it names."""
    if not name or len(name) > limits.name_chars:
        raise BundleError(f"member name {name[:60]!r} is empty or too long")
    if "\\" in name:
        raise BundleError(f"member {name!r} has a backslash in its path")
    if name.startswith("/"):
        raise BundleError(f"member {name!r} has an absolute path")
    if _DRIVE.match(name):
        raise BundleError(f"member {name!r} has a drive letter")
    if any(ord(char) < 32 or char == "\x7f" for char in name):
        raise BundleError(f"member {name!r} has a control character in its name")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise BundleError(f"member {name!r} has '..' in its path")
    if any(part in ("", ".") for part in parts):
        raise BundleError(f"member {name!r} has an empty or '.' path component")


class SafeZip:
    """A zip whose entries all passed the checks; members are read into memory on request."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._read_total = 0
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise BundleError(f"{path}: no such file") from None
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise BundleError(f"{path}: not a readable zip file ({error})") from None
        try:
            self.files = self._checked_entries()
        except BaseException:
            self._zip.close()
            raise

    def _checked_entries(self) -> dict[str, zipfile.ZipInfo]:
        entries = self._zip.infolist()
        if len(entries) > self.limits.members:
            raise BundleError(
                f"the bundle has {len(entries):,} members (at most {self.limits.members:,})"
            )
        names = Counter(info.filename.casefold() for info in entries)
        files: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in entries:
            name = info.filename
            check_name(name, self.limits)
            if names[name.casefold()] > 1:
                raise BundleError(f"member {name!r} appears more than once")
            _check_type(info)
            if info.is_dir():
                continue
            kind = forbidden_kind(name)
            if kind:
                raise BundleError(f"member {name!r} is {kind}, which a bundle never holds")
            self._check_size(info)
            declared += info.file_size
            files[name] = info
        if declared > self.limits.total_bytes:
            raise BundleError(
                "the bundle unpacks to {} (at most {})".format(
                    *sizes(declared, self.limits.total_bytes)
                )
            )
        return files

    def _check_size(self, info: zipfile.ZipInfo) -> None:
        if info.file_size > self.limits.member_bytes:
            raise BundleError(
                f"member {info.filename!r} is {{}} (at most {{}})".format(
                    *sizes(info.file_size, self.limits.member_bytes)
                )
            )
        if info.file_size > self.limits.ratio_floor and info.file_size > self.limits.ratio * max(
            1, info.compress_size
        ):
            raise BundleError(
                f"member {info.filename!r} is compressed more than {self.limits.ratio}:1 "
                "(a zip bomb?)"
            )

    def read(self, name: str) -> bytes:
        """A member's bytes, read in memory and never past the declared size or the caps."""
        info = self.files[name]
        chunks, size = [], 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > min(info.file_size, self.limits.member_bytes):
                        raise BundleError(f"member {name!r} is larger than its header says")
                    if self._read_total > self.limits.total_bytes:
                        raise BundleError("the bundle unpacks to more than the size cap")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
            raise BundleError(f"member {name!r} cannot be read ({error})") from None
        data = b"".join(chunks)
        kind = forbidden_kind(name, data[:4096])
        if kind:
            raise BundleError(f"member {name!r} is {kind}, which a bundle never holds")
        return data

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_type(info: zipfile.ZipInfo) -> None:
    """Only plain files and folders: no symlinks, devices, pipes or sockets; no encryption."""
    if info.flag_bits & 0x1:
        raise BundleError(f"member {info.filename!r} is encrypted")
    mode = info.external_attr >> 16
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        what = "a symbolic link" if stat.S_ISLNK(mode) else "a device, pipe or socket"
        raise BundleError(f"member {info.filename!r} is {what}")
