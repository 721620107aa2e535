"""Small read queries over a library database; each returns plain rows (dicts)."""

from __future__ import annotations

from typing import Any

import sqlite_utils

Row = dict[str, Any]

_ANNOTATION_COLUMNS = (
    'id, article_id, kind, start, "end", quote, prefix, suffix, note, speaker, verdict, '
    "created_at, updated_at, version, status, annotated_quote"
)


def _rows(db: sqlite_utils.Database, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def article(db: sqlite_utils.Database, article_id: str) -> Row | None:
    found = _rows(db, "SELECT * FROM articles WHERE id = ?", (article_id,))
    return found[0] if found else None


def article_by_text_hash(db: sqlite_utils.Database, text_sha256: str) -> Row | None:
    found = _rows(db, "SELECT * FROM articles WHERE text_sha256 = ?", (text_sha256,))
    return found[0] if found else None


_SUMMARY_SELECT = """
        SELECT a.id, a.title, a.outlet, a.author, a.published, a.imported_at,
               count(n.id) FILTER (WHERE n.kind = 'claim') AS claims,
               count(n.id) FILTER (WHERE n.kind = 'quote') AS quotes,
               count(n.id) FILTER (WHERE n.kind = 'rebuttal') AS rebuttals
        FROM articles a LEFT JOIN annotations n ON n.article_id = a.id
"""
_ARTICLE_ORDERS = {
    "published": "published DESC, imported_at DESC, id",
    "title": "title COLLATE NOCASE, published DESC, id",
    "outlet": "outlet COLLATE NOCASE, published DESC, id",
}


def article_summaries(db: sqlite_utils.Database) -> list[Row]:
    """Every article without its text, with counts per annotation kind, newest first."""
    return _rows(
        db, _SUMMARY_SELECT + "GROUP BY a.id ORDER BY a.published DESC, a.imported_at DESC, a.id"
    )


def article_summaries_for(db: sqlite_utils.Database, ids: list[str]) -> list[Row]:
    """The summaries of the given articles (at most a few hundred ids), in no particular order."""
    marks = ", ".join("?" * len(ids))
    return _rows(db, _SUMMARY_SELECT + f"WHERE a.id IN ({marks}) GROUP BY a.id", tuple(ids))


def article_ids(
    db: sqlite_utils.Database, contains: str = "", order: str = "published"
) -> list[str]:
    """Ids of the articles whose title, outlet or author contains `contains`, sorted by `order`."""
    escaped = contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    cursor = db.execute(
        "SELECT id FROM articles WHERE title LIKE :p ESCAPE '\\' OR outlet LIKE :p ESCAPE '\\' "
        f"OR author LIKE :p ESCAPE '\\' ORDER BY {_ARTICLE_ORDERS[order]}",
        {"p": pattern},
    )
    return [row[0] for row in cursor.fetchall()]


def original(db: sqlite_utils.Database, article_id: str) -> Row | None:
    found = _rows(db, "SELECT * FROM originals WHERE article_id = ?", (article_id,))
    return found[0] if found else None


def annotation(db: sqlite_utils.Database, annotation_id: str) -> Row | None:
    found = _rows(
        db, f"SELECT {_ANNOTATION_COLUMNS} FROM annotations WHERE id = ?", (annotation_id,)
    )
    return found[0] if found else None


def annotations_by_ids(db: sqlite_utils.Database, annotation_ids: list[str]) -> list[Row]:
    marks = ", ".join("?" * len(annotation_ids))
    return _rows(
        db,
        f"SELECT {_ANNOTATION_COLUMNS} FROM annotations WHERE id IN ({marks})",
        tuple(annotation_ids),
    )


def annotations_in(
    db: sqlite_utils.Database, article_id: str | None = None, kind: str | None = None
) -> list[Row]:
    """Annotations in text order, optionally of one article and one kind."""
    where, params = [], []
    if article_id is not None:
        where.append("article_id = ?")
        params.append(article_id)
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return _rows(
        db,
        f"SELECT {_ANNOTATION_COLUMNS} FROM annotations {clause} "
        'ORDER BY article_id, start, "end", id',
        tuple(params),
    )


def links_touching(db: sqlite_utils.Database, annotation_id: str) -> list[Row]:
    return _rows(
        db,
        "SELECT * FROM links WHERE from_id = ? OR to_id = ? ORDER BY created_at",
        (annotation_id, annotation_id),
    )


def link(db: sqlite_utils.Database, from_id: str, to_id: str, relation: str) -> Row | None:
    found = _rows(
        db,
        "SELECT * FROM links WHERE from_id = ? AND to_id = ? AND relation = ?",
        (from_id, to_id, relation),
    )
    return found[0] if found else None


def all_links(db: sqlite_utils.Database) -> list[Row]:
    return _rows(db, "SELECT * FROM links ORDER BY from_id, to_id, relation")


def ids_with_prefix(
    db: sqlite_utils.Database, table: str, prefix: str, limit: int = 3
) -> list[str]:
    if table not in ("articles", "annotations"):
        raise ValueError(table)
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    cursor = db.execute(
        f"SELECT id FROM {table} WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
        (escaped + "%", limit),
    )
    return [row[0] for row in cursor.fetchall()]


def speakers(db: sqlite_utils.Database) -> list[str]:
    cursor = db.execute(
        "SELECT speaker FROM annotations WHERE speaker <> '' "
        "GROUP BY speaker ORDER BY count(*) DESC, speaker"
    )
    return [row[0] for row in cursor.fetchall()]


def counts(db: sqlite_utils.Database) -> Row:
    return _rows(
        db,
        """
        SELECT (SELECT count(*) FROM articles) AS articles,
               (SELECT count(*) FROM annotations) AS annotations,
               (SELECT count(*) FROM links) AS links
        """,
    )[0]


def meta_value(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def history(db: sqlite_utils.Database, annotation_id: str) -> list[Row]:
    """Earlier versions of an annotation (record JSON, reason, saved_at), oldest first."""
    return _rows(
        db,
        "SELECT record, reason, saved_at FROM annotation_history "
        "WHERE annotation_id = ? ORDER BY seq",
        (annotation_id,),
    )


def misfitting_links(db: sqlite_utils.Database) -> list[Row]:
    """'rebuts' links that do not join a rebuttal to a claim (made before SQLite refused them)."""
    return _rows(
        db,
        """
        SELECT l.* FROM links l
        JOIN annotations f ON f.id = l.from_id JOIN annotations t ON t.id = l.to_id
        WHERE l.relation = 'rebuts' AND (f.kind <> 'rebuttal' OR t.kind <> 'claim')
        ORDER BY l.from_id, l.to_id
        """,
    )


def integrity_messages(db: sqlite_utils.Database) -> list[str]:
    """`PRAGMA integrity_check`: ['ok'] when the database is whole."""
    return [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]


def foreign_key_violations(db: sqlite_utils.Database) -> int:
    return len(db.execute("PRAGMA foreign_key_check").fetchall())


def misanchored_annotations(db: sqlite_utils.Database) -> int:
    """Annotations whose quote is not the text between their offsets in their version."""
    return _count(
        db,
        """
        SELECT count(*) FROM annotations n LEFT JOIN article_versions v
            ON v.article_id = n.article_id AND v.number = n.version
        WHERE v.text IS NULL OR n."end" > length(v.text)
           OR substr(v.text, n.start + 1, n."end" - n.start) IS NOT n.quote
        """,
    )


def half_imported_articles(db: sqlite_utils.Database) -> int:
    """Articles without their original file, plus originals without their article."""
    return _count(
        db,
        """
        SELECT (SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM originals))
             + (SELECT count(*) FROM originals WHERE article_id NOT IN (SELECT id FROM articles))
        """,
    )


def _count(db: sqlite_utils.Database, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


_CAPTURE_COLUMNS = (
    "id, article_id, version, requested_url, final_url, fetched_at, status, headers, "
    "content_type, payload_sha256"
)


def versions(db: sqlite_utils.Database, article_id: str) -> list[Row]:
    """A source's versions, oldest first, without their texts."""
    return _rows(
        db,
        "SELECT article_id, number, text_sha256, created_at, length(text) AS length "
        "FROM article_versions WHERE article_id = ? ORDER BY number",
        (article_id,),
    )


def version_texts(db: sqlite_utils.Database, article_id: str, number: int) -> Row | None:
    """A version's text and, for a web page, the page's full visible text."""
    found = _rows(
        db,
        "SELECT text, page_text FROM article_versions WHERE article_id = ? AND number = ?",
        (article_id, number),
    )
    return found[0] if found else None


def captures(db: sqlite_utils.Database, article_id: str) -> list[Row]:
    """Every fetch of a source, oldest first, without the WARC files."""
    return _rows(
        db,
        f"SELECT {_CAPTURE_COLUMNS} FROM captures WHERE article_id = ? ORDER BY fetched_at, rowid",
        (article_id,),
    )


def capture_warc(db: sqlite_utils.Database, capture_id: str) -> bytes | None:
    row = db.execute("SELECT warc FROM captures WHERE id = ?", (capture_id,)).fetchone()
    return None if row is None else bytes(row[0])


def superseded_versions(db: sqlite_utils.Database) -> list[Row]:
    """Every version that is not its source's current one, with the source's metadata."""
    return _rows(
        db,
        "SELECT v.article_id, v.number, v.text, a.title, a.outlet, a.author, a.published "
        "FROM article_versions v JOIN articles a ON a.id = v.article_id "
        "WHERE v.number <> a.version ORDER BY v.article_id, v.number",
    )


def article_pages(db: sqlite_utils.Database, article_id: str) -> list[Row]:
    """An article's page map (page, start, end, ocr), in page order; empty without pages."""
    return _rows(
        db,
        'SELECT page, start, "end", ocr FROM article_pages WHERE article_id = ? ORDER BY page',
        (article_id,),
    )
