"""Helpers for the bundle tests: a small annotated library, and rewriting a bundle's members."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sourcemark.app.bundles import export_bundle
from sourcemark.app.bundles.bag import make_bag
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library

STORY = (
    "City Hall says crime fell 40% last year.\n\n"
    "\u201cWe have never been safer,\u201d the mayor said on Monday. 😀\n\n"
    "Police data show the drop was 4%, not 40%."
)
STATEMENT = "Statement from the union\n\nThe figures are simply wrong. Crime rose in five boroughs."


def annotated_library(library: Library) -> dict[str, str]:
    """Two sources with a claim, a quote and two rebuttals linked to the claim; returns ids."""
    story = library.import_source(
        from_pasted_text(STORY, "story.html").with_metadata(
            title="Crime <b>falls</b>", outlet="Daily", published="2025-03-01"
        )
    ).value.article
    statement = library.import_source(from_pasted_text(STATEMENT, "statement.txt")).value.article
    claim = library.annotate_quote(
        story.id,
        "claim",
        "crime fell 40% last year",
        speaker="City Hall",
        verdict="false",
        note="Check the police data",
    ).value
    quote = library.annotate_quote(
        story.id, "quote", "\u201cWe have never been safer,\u201d", speaker="Mayor Adams"
    ).value
    rebuttal = library.annotate_quote(story.id, "rebuttal", "the drop was 4%, not 40%").value
    union = library.annotate_quote(statement.id, "rebuttal", "The figures are simply wrong.").value
    library.link(rebuttal.id, claim.id)
    library.link(union.id, claim.id)
    return {
        "story": story.id,
        "statement": statement.id,
        "claim": claim.id,
        "quote": quote.id,
        "rebuttal": rebuttal.id,
        "union": union.id,
    }


def exported(library: Library, out: Path) -> Path:
    export_bundle(library, out)
    return out


def members(bundle: Path) -> dict[str, bytes]:
    """Every member of a bundle, keyed by its path inside the bag folder."""
    with zipfile.ZipFile(bundle) as archive:
        return {
            info.filename.split("/", 1)[1]: archive.read(info)
            for info in archive.infolist()
            if not info.is_dir()
        }


def payload(bundle: Path) -> dict[str, bytes]:
    return {name[5:]: data for name, data in members(bundle).items() if name.startswith("data/")}


def rebag(payload: Mapping[str, bytes]) -> dict[str, bytes]:
    """A bag with correct manifests around a (tampered) payload: only the payload is wrong."""
    return make_bag(payload, {"Bag-Software-Agent": "test"})


def write_raw(out: Path, files: Mapping[str, bytes], root: str = "bag") -> Path:
    """Write members exactly as named (prefixed with `root/` unless root is empty)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(f"{root}/{name}" if root else name), data)
    return out


def snapshot(library: Library) -> dict[str, list[Any]]:
    """Every row of every table that import may touch."""
    tables = (
        "articles",
        "originals",
        "annotations",
        "links",
        "annotation_history",
        "orphaned_annotations",
        "index_outbox",
    )
    return {t: library.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
