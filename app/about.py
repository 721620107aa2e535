"""What Sourcemark is built from: its version and the licences of the libraries it bundles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

from sourcemark import __version__

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SHORT_LICENCE = 60


@dataclass(frozen=True, slots=True)
class Library:
    name: str
    version: str
    licence: str


def version() -> str:
    return __version__


def bundled_libraries() -> list[Library]:
    """The libraries Sourcemark runs on (its declared requirements, test tools left out),
    each with the version installed and the licence it declares."""
    names: dict[str, None] = {}
    for requirement in metadata.requires("sourcemark") or []:
        if "extra ==" in requirement:
            continue
        match = _NAME.match(requirement)
        if match:
            names[match.group(0)] = None
    found = []
    for name in names:
        try:
            declared = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(Library(name, declared["Version"], _licence(declared)))
    return sorted(found, key=lambda library: library.name.lower())


def _licence(declared: metadata.PackageMetadata) -> str:
    expression = _field(declared, "License-Expression")
    if expression:
        return expression
    text = _field(declared, "License").strip()
    if text and len(text) <= _SHORT_LICENCE and "\n" not in text:
        return text
    classifiers = [c for c in declared.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return str(classifiers[0]).rsplit(" :: ", 1)[-1]
    return "see the package's licence file"


def _field(declared: metadata.PackageMetadata, name: str) -> str:
    values = declared.get_all(name) or []
    return str(values[0]) if values else ""
