"""Schema migrations: a library made by the first schema version upgrades without loss."""

from __future__ import annotations

from pathlib import Path

from sourcemark.app.layout import DATABASE_FILE
from sourcemark.app.opening import open_library
from sourcemark.db.connection import connect
from sourcemark.db.migrations import SCHEMA_VERSION, migrate, schema_version


def test_new_library_is_at_the_latest_version(tmp_path: Path) -> None:
    with open_library(tmp_path, with_index=False) as lib:
        assert schema_version(lib.db) == SCHEMA_VERSION


def test_version_one_library_upgrades_and_keeps_its_data(tmp_path: Path) -> None:
    db = connect(tmp_path / DATABASE_FILE)
    assert migrate(db, target=1) == 1
    db.execute(
        "INSERT INTO articles (id, title, imported_at, source_format, original_sha256, "
        "text_sha256, text) "
        "VALUES ('a1', 'Old', '2024-01-01', 'text', 'x', 'y', 'An old article text.')"
    )
    db.execute(
        'INSERT INTO annotations (id, article_id, kind, start, "end", quote, '
        "created_at, updated_at) "
        "VALUES ('n1', 'a1', 'quote', 3, 6, 'old', '2024-01-01', '2024-01-01')"
    )
    assert "annotation_history" not in db.table_names()
    db.close()

    with open_library(tmp_path, with_index=False) as lib:
        assert schema_version(lib.db) == SCHEMA_VERSION
        assert "annotation_history" in lib.db.table_names()
        assert lib.annotation("n1").quote == "old"
        lib.edit_annotation("n1", note="upgraded")  # the v2 history table is used at once
        assert lib.history("n1")[0]["record"]["note"] == ""


def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    db = connect(tmp_path / DATABASE_FILE)
    migrate(db)
    tables = sorted(db.table_names())
    assert migrate(db) == SCHEMA_VERSION
    assert sorted(db.table_names()) == tables
