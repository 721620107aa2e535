"""Imports flow one way: ui -> app -> db. app/ and db/ never import Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

FORBIDDEN = {
    "db": ("PySide6", "shiboken6", "sourcemark.app", "sourcemark.ui"),
    "app": ("PySide6", "shiboken6", "sourcemark.ui"),
}
LAYERS = ("app", "db", "ui")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_lies_below_it(layer: str) -> None:
    offences = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in sorted((REPO / layer).rglob("*.py"))
        for name in _imported_modules(path)
        if any(name == banned or name.startswith(f"{banned}.") for banned in FORBIDDEN[layer])
    ]
    assert offences == []


def test_code_imports_its_layers_through_the_sourcemark_package() -> None:
    """`from app...` would load a second copy of a module (and fails once installed)."""
    offences = [
        f"{path.relative_to(REPO)} imports {name}"
        for folder in (*LAYERS, "tests")
        for path in sorted((REPO / folder).rglob("*.py"))
        for name in _imported_modules(path)
        if name.split(".")[0] in LAYERS
    ]
    assert offences == []
