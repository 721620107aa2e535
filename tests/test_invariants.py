"""Rules a library keeps whatever path writes to it: SQLite refuses what would break them, the
service explains the refusal, and `check` finds what older versions let through."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sourcemark.app.errors import InvalidAnnotation
from sourcemark.app.health import check_library
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.models import Annotation, Kind, Verdict
from sourcemark.app.opening import open_library
from tests.cli import sourcemark

TEXT = "The mayor said crime fell by half. Police data show a drop of four percent."


def claim_and_rebuttal(library: Library) -> tuple[Annotation, Annotation]:
    article = library.import_source(from_pasted_text(TEXT)).value.article
    claim = library.annotate_quote(article.id, "claim", "crime fell by half", verdict="false")
    rebuttal = library.annotate_quote(article.id, "rebuttal", "a drop of four percent")
    library.link(rebuttal.value.id, claim.value.id)
    return claim.value, rebuttal.value


def test_a_claim_answered_by_a_rebuttal_keeps_its_kind_unless_the_link_goes(
    bare_library: Library,
) -> None:
    claim, rebuttal = claim_and_rebuttal(bare_library)
    with pytest.raises(InvalidAnnotation) as refused:
        bare_library.edit_annotation(claim.id, kind="quote")
    assert str(refused.value) == (
        f"cannot make this claim a quote: rebuttal {rebuttal.id[:8]} answers it, and a 'rebuts' "
        f"link needs a claim there; remove the link first "
        f"(sourcemark unlink {rebuttal.id[:8]} {claim.id[:8]})"
    )
    assert bare_library.annotation(claim.id) == claim

    changed = bare_library.edit_annotation(claim.id, kind="quote", drop_links=True)
    assert changed.value.kind is Kind.QUOTE and changed.value.verdict is None
    assert changed.warnings == (
        "the verdict 'False' was dropped: only claims carry a verdict, and this is now a quote",
    )
    assert changed.changes.annotations == {claim.id, rebuttal.id}
    assert bare_library.links() == []
    (earlier,) = bare_library.history(claim.id)
    assert earlier["record"]["kind"] == "claim"
    assert [link["from_id"] for link in earlier["record"]["links"]] == [rebuttal.id]


def test_sqlite_itself_refuses_links_and_verdicts_that_break_the_rules(
    bare_library: Library,
) -> None:
    claim, rebuttal = claim_and_rebuttal(bare_library)
    db = bare_library.db.conn
    with pytest.raises(sqlite3.IntegrityError, match="rebuts link needs this annotation"):
        db.execute(
            "UPDATE annotations SET kind = 'quote', verdict = NULL WHERE id = ?", (claim.id,)
        )
    with pytest.raises(sqlite3.IntegrityError, match="a rebuts link joins a rebuttal to a claim"):
        db.execute(
            "INSERT INTO links VALUES (?, ?, 'rebuts', '2025-01-01T00:00:00Z')",
            (claim.id, rebuttal.id),
        )
    with pytest.raises(sqlite3.IntegrityError, match="claims, and only claims, carry a verdict"):
        db.execute("UPDATE annotations SET verdict = 'true' WHERE id = ?", (rebuttal.id,))
    with pytest.raises(sqlite3.IntegrityError, match="claims, and only claims, carry a verdict"):
        db.execute("UPDATE annotations SET verdict = NULL WHERE id = ?", (claim.id,))


def test_a_verdict_on_a_quote_is_refused_not_dropped(bare_library: Library) -> None:
    article = bare_library.import_source(from_pasted_text(TEXT)).value.article
    with pytest.raises(InvalidAnnotation, match="only claims carry a verdict, and this is a quote"):
        bare_library.annotate_quote(article.id, "quote", "crime fell", verdict="false")
    quote = bare_library.annotate_quote(article.id, "quote", "crime fell").value
    with pytest.raises(InvalidAnnotation, match="only claims carry a verdict"):
        bare_library.edit_annotation(quote.id, verdict=Verdict.TRUE)
    assert bare_library.annotations() == [quote]


def test_the_command_line_explains_each_refusal_in_one_line(tmp_path: Path) -> None:
    with open_library(tmp_path, with_index=False) as library:
        claim, rebuttal = claim_and_rebuttal(library)
        article = claim.article_id
    refused = sourcemark("edit", claim.id[:8], "--kind", "quote", "--library", tmp_path)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "remove the link first" in refused.stderr
    verdict = sourcemark(
        "annotate", article[:8], "--kind", "quote", "--quote", "Police data", "--verdict",
        "false", "--library", tmp_path,
    )  # fmt: skip
    assert verdict.returncode == 1
    assert verdict.stderr == (
        "sourcemark: only claims carry a verdict, and this is a quote "
        "(leave the verdict out, or make it a claim)\n"
    )
    unlinked = sourcemark("unlink", rebuttal.id[:8], claim.id[:8], "--library", tmp_path)
    assert unlinked.returncode == 0, unlinked.stderr
    changed = sourcemark("edit", claim.id[:8], "--kind", "quote", "--library", tmp_path)
    assert changed.returncode == 0
    assert changed.stderr == (
        "sourcemark: warning: the verdict 'False' was dropped: only claims carry a verdict, "
        "and this is now a quote\n"
    )


def test_check_succeeds_on_a_fresh_library_and_only_advises_a_backup(tmp_path: Path) -> None:
    open_library(tmp_path).close()
    result = sourcemark("check", "--library", tmp_path)
    assert result.returncode == 0, result.stdout
    assert "problem:" not in result.stdout
    assert "advice:   the library has never been backed up (run `sourcemark backup`)" in (
        result.stdout
    )
    report = json.loads(sourcemark("check", "--json", "--library", tmp_path).stdout)
    assert report["ok"] and report["problems"] == []


def test_check_names_a_link_an_older_version_let_through(tmp_path: Path) -> None:
    with open_library(tmp_path) as library:
        claim, rebuttal = claim_and_rebuttal(library)
        db = library.db.conn  # as a schema-3 library could hold it: no trigger stopped it
        db.execute("DROP TRIGGER annotations_kind_keeps_links")
        db.execute(
            "UPDATE annotations SET kind = 'quote', verdict = NULL WHERE id = ?", (claim.id,)
        )
        library.sync_index()
    report = check_library(tmp_path)
    assert report.database is not None
    assert report.database.misfitting_links == [(rebuttal.id, claim.id)]
    assert report.problems == [
        "the database fails its checks",
        f"the 'rebuts' link from {rebuttal.id[:8]} to {claim.id[:8]} does not join a rebuttal to "
        f"a claim: remove it with `sourcemark unlink {rebuttal.id[:8]} {claim.id[:8]}`",
    ]
    assert sourcemark("check", "--library", tmp_path).returncode == 1
