"""`annotations` shows each annotation's links: in --json as link records, in plain text as
one line per link naming the annotation at the other end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcemark.__main__ import main
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.opening import open_library


def test_annotations_carry_their_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib"
    with open_library(lib) as library:
        first = library.import_source(from_pasted_text("Crime is down, the chief said.")).value
        other = library.import_source(from_pasted_text("Police records show it rose.")).value
        claim = library.annotate_quote(first.article.id, "claim", "Crime is down").value
        rebuttal = library.annotate_quote(
            other.article.id, "rebuttal", "Police records show it rose"
        ).value
        quote = library.annotate_quote(first.article.id, "quote", "the chief said").value
        library.link(rebuttal.id, claim.id)

    assert main(["annotations", first.article.id[:8], "--json", "--library", str(lib)]) == 0
    listed = {a["id"]: a for a in json.loads(capsys.readouterr().out)}
    (link,) = listed[claim.id]["links"]
    assert (link["from_id"], link["to_id"], link["relation"]) == (rebuttal.id, claim.id, "rebuts")
    assert link["created_at"]
    assert listed[quote.id]["links"] == []

    assert main(["annotations", "--library", str(lib)]) == 0
    lines = capsys.readouterr().out.splitlines()
    claim_line = next(n for n, line in enumerate(lines) if line.startswith(claim.id[:8]))
    rebuttal_line = next(n for n, line in enumerate(lines) if line.startswith(rebuttal.id[:8]))
    assert lines[claim_line + 1] == (
        f"    rebutted by {rebuttal.id[:8]} rebuttal 'Police records show it rose'"
    )
    assert lines[rebuttal_line + 1] == f"    rebuts {claim.id[:8]} claim 'Crime is down'"
    assert len(lines) == 5  # three annotations, and the link seen from each end
