"""Statements of the newsroom sync over a library database: the outbox, the shares, records read
and written as plain rows. Writes run inside the caller's write transaction."""

from __future__ import annotations

from typing import Any

import sqlite_utils

Row = dict[str, Any]

TABLES = {
    "story": "stories",
    "story_article": "story_articles",
    "article_tag": "article_tags",
    "article": "articles",
    "version": "article_versions",
    "annotation": "annotations",
    "link": "links",
    "tombstone": "tombstones",
}
KEYS = {
    "story": ("id",),
    "story_article": ("story_id", "article_id"),
    "article_tag": ("article_id", "tag"),
    "article": ("id",),
    "version": ("article_id", "number"),
    "annotation": ("id",),
    "link": ("from_id", "to_id", "relation"),
    "tombstone": ("id",),
}


def _rows(db: sqlite_utils.Database, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def record_row(db: sqlite_utils.Database, kind: str, key: tuple[str, ...]) -> Row | None:
    """The stored row of a record, live or in the trash (None if it is not stored)."""
    where = " AND ".join(f'"{name}" = ?' for name in KEYS[kind])
    found = _rows(db, f"SELECT * FROM {TABLES[kind]} WHERE {where}", key)
    return found[0] if found else None


def insert_row(db: sqlite_utils.Database, kind: str, row: Row) -> None:
    db.table(TABLES[kind]).insert(row)


def update_row(db: sqlite_utils.Database, kind: str, key: tuple[str, ...], changes: Row) -> None:
    sets = ", ".join(f'"{name}" = :{name}' for name in changes)
    where = " AND ".join(f'"{name}" = :key_{name}' for name in KEYS[kind])
    keys = {f"key_{name}": value for name, value in zip(KEYS[kind], key, strict=True)}
    db.execute(f"UPDATE {TABLES[kind]} SET {sets} WHERE {where}", {**changes, **keys})


def delete_row(db: sqlite_utils.Database, kind: str, key: tuple[str, ...]) -> int:
    where = " AND ".join(f'"{name}" = ?' for name in KEYS[kind])
    return db.execute(f"DELETE FROM {TABLES[kind]} WHERE {where}", key).rowcount


def page_map(db: sqlite_utils.Database, article_id: str) -> list[Row]:
    return _rows(
        db,
        'SELECT page, start, "end", ocr FROM article_pages WHERE article_id = ? ORDER BY page',
        (article_id,),
    )


# --- what a shared story holds ----------------------------------------------------------------


def story_articles(db: sqlite_utils.Database, story_id: str) -> list[str]:
    cursor = db.execute(
        "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY added_at, article_id",
        (story_id,),
    )
    return [row[0] for row in cursor.fetchall()]


def article_tags(db: sqlite_utils.Database, article_id: str) -> list[str]:
    cursor = db.execute(
        "SELECT tag FROM article_tags WHERE article_id = ? ORDER BY tag", (article_id,)
    )
    return [row[0] for row in cursor.fetchall()]


def version_numbers(db: sqlite_utils.Database, article_id: str) -> list[int]:
    cursor = db.execute(
        "SELECT number FROM article_versions WHERE article_id = ? ORDER BY number", (article_id,)
    )
    return [row[0] for row in cursor.fetchall()]


def savepoint(db: sqlite_utils.Database) -> None:
    db.execute("SAVEPOINT sync_record")


def release(db: sqlite_utils.Database) -> None:
    db.execute("RELEASE sync_record")


def roll_back_to_savepoint(db: sqlite_utils.Database) -> None:
    db.execute("ROLLBACK TO sync_record")
    db.execute("RELEASE sync_record")


def annotation_ids(db: sqlite_utils.Database, article_id: str) -> list[str]:
    cursor = db.execute(
        "SELECT id FROM annotations WHERE article_id = ? ORDER BY created_at, id", (article_id,)
    )
    return [row[0] for row in cursor.fetchall()]


def links_of_articles(db: sqlite_utils.Database, article_ids: list[str]) -> list[Row]:
    marks = ", ".join("?" * len(article_ids))
    return _rows(
        db,
        "SELECT l.* FROM links l JOIN annotations a ON a.id = l.from_id "
        f"WHERE a.article_id IN ({marks}) ORDER BY l.created_at",
        tuple(article_ids),
    )


def tombstone_ids(
    db: sqlite_utils.Database, article_ids: list[str], story_id: str | None = None
) -> list[str]:
    marks = ", ".join("?" * len(article_ids))
    cursor = db.execute(
        f"SELECT id FROM tombstones WHERE article_id IN ({marks}) OR target_id = ? "
        "ORDER BY deleted_at, id",
        (*article_ids, story_id or ""),
    )
    return [row[0] for row in cursor.fetchall()]


def desks_of_story(db: sqlite_utils.Database, story_id: str) -> list[str]:
    cursor = db.execute("SELECT desk FROM sync_shares WHERE story_id = ?", (story_id,))
    return [row[0] for row in cursor.fetchall()]


def desks_of_article(db: sqlite_utils.Database, article_id: str) -> list[str]:
    cursor = db.execute(
        "SELECT DISTINCT s.desk FROM sync_shares s JOIN story_articles sa "
        "ON sa.story_id = s.story_id WHERE sa.article_id = ? ORDER BY s.desk",
        (article_id,),
    )
    return [row[0] for row in cursor.fetchall()]


def shares(db: sqlite_utils.Database) -> list[Row]:
    return _rows(
        db,
        "SELECT s.story_id, s.desk, s.shared_at, st.name FROM sync_shares s "
        "JOIN stories st ON st.id = s.story_id ORDER BY st.name",
    )


def add_share(db: sqlite_utils.Database, story_id: str, desk: str, at: str) -> int:
    return db.execute(
        "INSERT OR IGNORE INTO sync_shares (story_id, desk, shared_at) VALUES (?, ?, ?)",
        (story_id, desk, at),
    ).rowcount


def shared_story_ids(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT story_id FROM sync_shares").fetchall()]


# --- the outbox -------------------------------------------------------------------------------


def set_joined(db: sqlite_utils.Database, joined: bool) -> None:
    db.execute("UPDATE sync_control SET joined = ? WHERE id = 1", (int(joined),))


def set_applying(db: sqlite_utils.Database, applying: bool) -> None:
    db.execute("UPDATE sync_control SET applying = ? WHERE id = 1", (int(applying),))


def queue(db: sqlite_utils.Database, change_id: str, kind: str, record_id: str, at: str) -> None:
    db.execute(
        "INSERT INTO sync_outbox (change_id, kind, record_id, made_at) VALUES (?, ?, ?, ?)",
        (change_id, kind, record_id, at),
    )


def outbox(db: sqlite_utils.Database, limit: int) -> list[Row]:
    return _rows(db, "SELECT * FROM sync_outbox ORDER BY seq LIMIT ?", (limit,))


def outbox_size(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM sync_outbox").fetchone()[0])


def queued(db: sqlite_utils.Database, kind: str, record_id: str) -> bool:
    """Whether a local change to the record waits to be pushed."""
    row = db.execute(
        "SELECT 1 FROM sync_outbox WHERE kind = ? AND record_id = ? LIMIT 1", (kind, record_id)
    ).fetchone()
    return row is not None


def drop_outbox(db: sqlite_utils.Database, up_to: int) -> None:
    db.execute("DELETE FROM sync_outbox WHERE seq <= ?", (up_to,))


def clear_outbox(db: sqlite_utils.Database) -> None:
    db.execute("DELETE FROM sync_outbox")


# --- pending records and conflicts ------------------------------------------------------------


def keep_pending(db: sqlite_utils.Database, row: Row) -> None:
    db.table("sync_pending").insert(row, replace=True)


def pending(db: sqlite_utils.Database) -> list[Row]:
    return _rows(db, "SELECT * FROM sync_pending ORDER BY rowid")


def drop_pending(db: sqlite_utils.Database, kind: str, record_id: str) -> None:
    db.execute("DELETE FROM sync_pending WHERE kind = ? AND record_id = ?", (kind, record_id))


def record_conflict(db: sqlite_utils.Database, row: Row) -> None:
    db.table("sync_conflicts").insert(row)


def conflicts(db: sqlite_utils.Database, *, unseen_only: bool = False) -> list[Row]:
    where = "WHERE seen = 0" if unseen_only else ""
    return _rows(db, f"SELECT * FROM sync_conflicts {where} ORDER BY seq")


def mark_conflicts_seen(db: sqlite_utils.Database) -> int:
    return db.execute("UPDATE sync_conflicts SET seen = 1 WHERE seen = 0").rowcount


def set_meta(db: sqlite_utils.Database, key: str, value: str | None) -> None:
    if value is None:
        db.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
