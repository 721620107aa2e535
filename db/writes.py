"""Small write statements over a library database, run inside the caller's write transaction."""

from __future__ import annotations

from typing import Any

import sqlite_utils

Row = dict[str, Any]


def set_meta_once(db: sqlite_utils.Database, key: str, value: str) -> None:
    """Record `key` unless it is already set."""
    db.table("meta").insert({"key": key, "value": value}, ignore=True)


def _insert(db: sqlite_utils.Database, table: str, row: Row) -> None:
    """One row, by a plain INSERT: sqlite-utils' `insert` reads the table's columns and
    builds its statement again each call (0.2 ms a row, twice per imported file)."""
    columns = ", ".join(f'"{column}"' for column in row)
    places = ", ".join(f":{column}" for column in row)
    db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({places})', row)


def insert_article(
    db: sqlite_utils.Database, article: Row, original: tuple[str, bytes] | None
) -> None:
    """Insert an article and the file it came from (name and bytes), if known."""
    _insert(db, "articles", article)
    if original is not None:
        filename, content = original
        _insert(
            db, "originals", {"article_id": article["id"], "filename": filename, "content": content}
        )


def set_article_language(db: sqlite_utils.Database, article_id: str, language: str) -> None:
    db.execute("UPDATE articles SET language = ? WHERE id = ?", (language, article_id))


def insert_page_map(db: sqlite_utils.Database, article_id: str, pages: list[Row]) -> None:
    """Insert a new article's page map: rows of page, start, end and ocr."""
    db.table("article_pages").insert_all(
        {**page, "article_id": article_id, "ocr": int(page["ocr"])} for page in pages
    )


def insert_annotation(db: sqlite_utils.Database, annotation: Row) -> None:
    _insert(db, "annotations", annotation)


def update_annotation(db: sqlite_utils.Database, annotation_id: str, changes: Row) -> None:
    db.table("annotations").update(annotation_id, changes)


def delete_annotation(db: sqlite_utils.Database, annotation_id: str) -> None:
    """Delete an annotation; its links go with it (ON DELETE CASCADE)."""
    db.table("annotations").delete(annotation_id)


def insert_link(db: sqlite_utils.Database, link: Row) -> int:
    """Insert a link unless it exists; returns 1 if it was new, else 0."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO links (from_id, to_id, relation, created_at) "
        "VALUES (:from_id, :to_id, :relation, :created_at)",
        link,
    )
    return cursor.rowcount


def delete_link(db: sqlite_utils.Database, from_id: str, to_id: str, relation: str) -> int:
    cursor = db.execute(
        "DELETE FROM links WHERE from_id = ? AND to_id = ? AND relation = ?",
        (from_id, to_id, relation),
    )
    return cursor.rowcount


def record_history(
    db: sqlite_utils.Database, annotation_id: str, record: str, reason: str, saved_at: str
) -> None:
    db.table("annotation_history").insert(
        {"annotation_id": annotation_id, "record": record, "reason": reason, "saved_at": saved_at}
    )


def keep_orphan(
    db: sqlite_utils.Database, annotation_id: str, article_id: str, record: str, found_at: str
) -> None:
    """Keep an annotation that could not be placed in its text (once per annotation id)."""
    db.table("orphaned_annotations").insert(
        {
            "annotation_id": annotation_id,
            "article_id": article_id,
            "record": record,
            "found_at": found_at,
        },
        ignore=True,
    )


def prune_outbox(db: sqlite_utils.Database, applied: int) -> None:
    """Drop the index outbox rows up to `applied`, which the index holds."""
    db.execute("DELETE FROM index_outbox WHERE seq <= ?", (applied,))


def update_article(db: sqlite_utils.Database, article_id: str, changes: Row) -> None:
    db.table("articles").update(article_id, changes)


def record_article_history(
    db: sqlite_utils.Database, article_id: str, record: str, reason: str, saved_at: str
) -> None:
    db.table("article_history").insert(
        {"article_id": article_id, "record": record, "reason": reason, "saved_at": saved_at}
    )


# --- stories and tags ------------------------------------------------------------------------


def insert_story(db: sqlite_utils.Database, story: Row) -> None:
    db.table("stories").insert(story)


def update_story(db: sqlite_utils.Database, story_id: str, changes: Row) -> None:
    db.table("stories").update(story_id, changes)


def add_to_story(db: sqlite_utils.Database, story_id: str, article_id: str, at: str) -> int:
    """File a source in a story unless it is there; returns 1 if it was new, else 0."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO story_articles (story_id, article_id, added_at) VALUES (?, ?, ?)",
        (story_id, article_id, at),
    )
    return cursor.rowcount


def remove_from_story(db: sqlite_utils.Database, story_id: str, article_id: str) -> int:
    cursor = db.execute(
        "DELETE FROM story_articles WHERE story_id = ? AND article_id = ?", (story_id, article_id)
    )
    return cursor.rowcount


def add_tag(db: sqlite_utils.Database, article_id: str, tag: str, at: str) -> int:
    cursor = db.execute(
        "INSERT OR IGNORE INTO article_tags (article_id, tag, added_at) VALUES (?, ?, ?)",
        (article_id, tag, at),
    )
    return cursor.rowcount


def remove_tag(db: sqlite_utils.Database, article_id: str, tag: str) -> int:
    cursor = db.execute(
        "DELETE FROM article_tags WHERE article_id = ? AND tag = ?", (article_id, tag)
    )
    return cursor.rowcount


# --- the trash ---------------------------------------------------------------------------------

_TRASHABLE = ("articles", "annotations", "stories")


def insert_tombstone(db: sqlite_utils.Database, tombstone: Row) -> int:
    """Record a deletion unless its id is known; returns 1 if it was new, else 0."""
    columns = ", ".join(tombstone)
    marks = ", ".join(f":{name}" for name in tombstone)
    cursor = db.execute(f"INSERT OR IGNORE INTO tombstones ({columns}) VALUES ({marks})", tombstone)
    return cursor.rowcount


def mark_restored(db: sqlite_utils.Database, tombstone_id: str, at: str, by: str) -> None:
    """Undo a deletion (the tombstone stays, restored); an earlier restoration time wins, so
    that two libraries that each restored it agree."""
    db.execute(
        "UPDATE tombstones SET restored_at = ?, restored_by = ?, purged_at = NULL WHERE id = ? "
        "AND (restored_at IS NULL OR restored_at > ?)",
        (at, by, tombstone_id, at),
    )


def set_trash_pointer(
    db: sqlite_utils.Database, table: str, row_id: str, tombstone_id: str | None
) -> None:
    """Put a row in the trash under a tombstone, or (None) take it out."""
    if table not in _TRASHABLE:
        raise ValueError(table)
    db.execute(f"UPDATE {table} SET tombstone_id = ? WHERE id = ?", (tombstone_id, row_id))


def purge(db: sqlite_utils.Database, table: str, tombstone_id: str, at: str) -> int:
    """Destroy the rows in the trash under a tombstone (an emptied trash); returns how many.
    Their history goes with them; the tombstone stays, marked purged."""
    if table not in _TRASHABLE:
        raise ValueError(table)
    if table == "articles":
        db.execute(
            "DELETE FROM annotation_history WHERE annotation_id IN "
            "(SELECT n.id FROM annotations n JOIN articles a ON a.id = n.article_id "
            "WHERE a.tombstone_id = ?)",
            (tombstone_id,),
        )
        db.execute(
            "UPDATE tombstones SET purged_at = ? WHERE target_type = 'annotation' "
            "AND restored_at IS NULL AND target_id IN (SELECT n.id FROM annotations n "
            "JOIN articles a ON a.id = n.article_id WHERE a.tombstone_id = ?)",
            (at, tombstone_id),
        )
    if table == "annotations":
        db.execute(
            "DELETE FROM annotation_history WHERE annotation_id IN "
            "(SELECT id FROM annotations WHERE tombstone_id = ?)",
            (tombstone_id,),
        )
    cursor = db.execute(f"DELETE FROM {table} WHERE tombstone_id = ?", (tombstone_id,))
    db.execute("UPDATE tombstones SET purged_at = ? WHERE id = ?", (at, tombstone_id))
    return cursor.rowcount


def insert_capture(db: sqlite_utils.Database, capture: Row) -> None:
    """Keep one fetch of a page (its WARC file in `capture['warc']`)."""
    db.table("captures").insert(capture)


def set_page_text(db: sqlite_utils.Database, article_id: str, number: int, page_text: str) -> None:
    """Record a version's full page text (once: the trigger keeps versions immutable)."""
    db.execute(
        "UPDATE article_versions SET page_text = ? "
        "WHERE article_id = ? AND number = ? AND page_text IS NULL",
        (page_text, article_id, number),
    )


def add_version(db: sqlite_utils.Database, version: Row) -> None:
    """Store a new version of a source and make its text the article's current text."""
    db.table("article_versions").insert(version)
    db.execute(
        "UPDATE articles SET text = :text, text_sha256 = :text_sha256, version = :number "
        "WHERE id = :article_id",
        version,
    )


def set_extraction_warning(db: sqlite_utils.Database, article_id: str, warning: str) -> None:
    db.execute("UPDATE articles SET extraction_warning = ? WHERE id = ?", (warning, article_id))
