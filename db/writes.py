"""Small write statements over a library database, run inside the caller's write transaction."""

from __future__ import annotations

from typing import Any

import sqlite_utils

Row = dict[str, Any]


def set_meta_once(db: sqlite_utils.Database, key: str, value: str) -> None:
    """Record `key` unless it is already set."""
    db.table("meta").insert({"key": key, "value": value}, ignore=True)


def insert_article(
    db: sqlite_utils.Database, article: Row, original: tuple[str, bytes] | None
) -> None:
    """Insert an article and the file it came from (name and bytes), if known."""
    db.table("articles").insert(article)
    if original is not None:
        filename, content = original
        db.table("originals").insert(
            {"article_id": article["id"], "filename": filename, "content": content}
        )


def insert_page_map(db: sqlite_utils.Database, article_id: str, pages: list[Row]) -> None:
    """Insert a new article's page map: rows of page, start, end and ocr."""
    db.table("article_pages").insert_all(
        {**page, "article_id": article_id, "ocr": int(page["ocr"])} for page in pages
    )


def insert_annotation(db: sqlite_utils.Database, annotation: Row) -> None:
    db.table("annotations").insert(annotation)


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
