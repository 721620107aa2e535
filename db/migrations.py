"""Versioned schema migrations. A schema change is a new entry at the end, never an edit."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from sourcemark.db.connection import write_transaction

_INDEX_TRIGGERS = """
CREATE TRIGGER {table}_outbox_insert AFTER INSERT ON {table} BEGIN
    INSERT INTO index_outbox (doc_type, doc_id, op) VALUES ('{doc}', NEW.id, 'upsert');
END;
CREATE TRIGGER {table}_outbox_update AFTER UPDATE ON {table} BEGIN
    INSERT INTO index_outbox (doc_type, doc_id, op) VALUES ('{doc}', NEW.id, 'upsert');
END;
CREATE TRIGGER {table}_outbox_delete AFTER DELETE ON {table} BEGIN
    INSERT INTO index_outbox (doc_type, doc_id, op) VALUES ('{doc}', OLD.id, 'delete');
END;
"""

# The anchoring invariant, enforced by the database itself: SQLite's substr() and length()
# count code points, exactly like Python string offsets.
_ANCHOR_GUARD = """
CREATE TRIGGER annotations_anchor_{event} BEFORE {event} ON annotations
WHEN NEW."end" > (SELECT length(text) FROM articles WHERE id = NEW.article_id)
  OR (SELECT substr(text, NEW.start + 1, NEW."end" - NEW.start) FROM articles
      WHERE id = NEW.article_id) IS NOT NEW.quote
BEGIN
    SELECT RAISE(ABORT, 'annotation quote does not match its article text');
END;
"""

V1 = (
    """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    outlet TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    source_format TEXT NOT NULL,
    original_sha256 TEXT NOT NULL,
    text_sha256 TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL CHECK (length(text) > 0)
);

CREATE TABLE originals (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content BLOB NOT NULL
);

CREATE TABLE annotations (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('claim', 'quote', 'rebuttal')),
    start INTEGER NOT NULL CHECK (start >= 0),
    "end" INTEGER NOT NULL CHECK ("end" > start),
    quote TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    speaker TEXT NOT NULL DEFAULT '',
    verdict TEXT CHECK (verdict IS NULL OR kind = 'claim'),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX annotations_by_article ON annotations (article_id, start);

CREATE TABLE links (
    from_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    to_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    relation TEXT NOT NULL CHECK (relation IN ('rebuts', 'supports', 'same_claim')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id, relation),
    CHECK (from_id <> to_id)
);
CREATE INDEX links_by_target ON links (to_id);

CREATE TABLE index_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_type TEXT NOT NULL CHECK (doc_type IN ('article', 'annotation')),
    doc_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
);

CREATE TRIGGER articles_text_is_immutable BEFORE UPDATE OF text ON articles
WHEN NEW.text IS NOT OLD.text
BEGIN
    SELECT RAISE(ABORT, 'article text never changes once stored');
END;
"""
    + _INDEX_TRIGGERS.format(table="articles", doc="article")
    + _INDEX_TRIGGERS.format(table="annotations", doc="annotation")
    + _ANCHOR_GUARD.format(event="INSERT")
    + _ANCHOR_GUARD.format(event="UPDATE")
)

# Version 2: earlier versions of annotations (edits, merge conflicts), so nothing is lost.
V2 = """
CREATE TABLE annotation_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    annotation_id TEXT NOT NULL,
    record TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('edited', 'deleted', 'merge_conflict')),
    saved_at TEXT NOT NULL
);
CREATE INDEX annotation_history_by_annotation ON annotation_history (annotation_id);
"""

# Version 3: annotations an imported bundle carried that could not be re-anchored in the local
# text of their source; kept (with their links) instead of dropped, one row per annotation id.
V3 = """
CREATE TABLE orphaned_annotations (
    annotation_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    record TEXT NOT NULL,
    found_at TEXT NOT NULL
);
"""

# Version 4: rules bundle import checks, now enforced where every write passes, so no path can
# make a library that would export into a bundle no Sourcemark accepts.
_REBUTS_JOINS_A_REBUTTAL_TO_A_CLAIM = """
CREATE TRIGGER links_rebuts_kinds_{event} BEFORE {event} ON links
WHEN NEW.relation = 'rebuts' AND (
    (SELECT kind FROM annotations WHERE id = NEW.from_id) IS NOT 'rebuttal'
    OR (SELECT kind FROM annotations WHERE id = NEW.to_id) IS NOT 'claim')
BEGIN
    SELECT RAISE(ABORT, 'a rebuts link joins a rebuttal to a claim');
END;
"""
_CLAIMS_AND_ONLY_CLAIMS_HAVE_VERDICTS = """
CREATE TRIGGER annotations_verdicts_{event} BEFORE {event} ON annotations
WHEN (NEW.kind = 'claim') IS NOT (NEW.verdict IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'claims, and only claims, carry a verdict');
END;
"""
V4 = (
    _REBUTS_JOINS_A_REBUTTAL_TO_A_CLAIM.format(event="INSERT")
    + _REBUTS_JOINS_A_REBUTTAL_TO_A_CLAIM.format(event="UPDATE")
    + _CLAIMS_AND_ONLY_CLAIMS_HAVE_VERDICTS.format(event="INSERT")
    + _CLAIMS_AND_ONLY_CLAIMS_HAVE_VERDICTS.format(event="UPDATE")
    + """
CREATE TRIGGER annotations_kind_keeps_links BEFORE UPDATE OF kind ON annotations
WHEN EXISTS (
    SELECT 1 FROM links WHERE relation = 'rebuts' AND (
        (from_id = NEW.id AND NEW.kind <> 'rebuttal') OR (to_id = NEW.id AND NEW.kind <> 'claim')))
BEGIN
    SELECT RAISE(ABORT, 'a rebuts link needs this annotation to stay a rebuttal or a claim');
END;
"""
)

# Version 5: page maps. For a source from a PDF, each page's code-point range of the text, gap-
# free and in order (page n + 1 starts where page n ends), and whether OCR read it from a scan.
# Like the text, a page map never changes once stored.
V5 = """
CREATE TABLE article_pages (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    page INTEGER NOT NULL CHECK (page >= 1),
    start INTEGER NOT NULL CHECK (start >= 0),
    "end" INTEGER NOT NULL CHECK ("end" >= start),
    ocr INTEGER NOT NULL DEFAULT 0 CHECK (ocr IN (0, 1)),
    PRIMARY KEY (article_id, page)
) WITHOUT ROWID;

CREATE TRIGGER article_pages_fit_their_text BEFORE INSERT ON article_pages
WHEN NEW."end" > (SELECT length(text) FROM articles WHERE id = NEW.article_id)
  OR NEW.start IS NOT coalesce(
      (SELECT "end" FROM article_pages
       WHERE article_id = NEW.article_id AND page = NEW.page - 1),
      CASE WHEN NEW.page = 1 THEN 0 END)
BEGIN
    SELECT RAISE(ABORT, 'a page must start where the page before it ends, within the text');
END;

CREATE TRIGGER article_pages_are_immutable BEFORE UPDATE ON article_pages
BEGIN
    SELECT RAISE(ABORT, 'a page map never changes once stored');
END;
"""

# Version 6: versions of a source and the captures that gave them (issue 12).
# `article_versions` holds every version's text, immutable; `articles.text` stays the current
# version's text (what the reader, search and exports read), and SQLite keeps the two equal.
# An annotation's offsets point into one version (`annotations.version`), checked there.
# A version's page text (the whole page's visible text, for web pages) is filled in once.
# `captures` keeps each fetch of a page as evidence: what was asked, what came back, and the
# request and response as a gzipped WARC file.
_ANCHOR_GUARD_PER_VERSION = """
CREATE TRIGGER annotations_anchor_{event} BEFORE {event} ON annotations
WHEN NEW."end" > (SELECT length(text) FROM article_versions
                  WHERE article_id = NEW.article_id AND number = NEW.version)
  OR (SELECT substr(text, NEW.start + 1, NEW."end" - NEW.start) FROM article_versions
      WHERE article_id = NEW.article_id AND number = NEW.version) IS NOT NEW.quote
BEGIN
    SELECT RAISE(ABORT, 'annotation quote does not match its article text');
END;
"""
# An edited passage keeps the wording it was annotated with; one that reads the same has none.
_EDITED_KEEPS_ITS_WORDING = """
CREATE TRIGGER annotations_status_wording_{event} BEFORE {event} ON annotations
WHEN (NEW.status = 'edited' AND NEW.annotated_quote IS NULL)
  OR (NEW.status = 'same' AND NEW.annotated_quote IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'an edited passage keeps the wording it was annotated with');
END;
"""
V6 = (
    """
CREATE TABLE article_versions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    number INTEGER NOT NULL CHECK (number >= 1),
    text TEXT NOT NULL CHECK (length(text) > 0),
    text_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    page_text TEXT,
    UNIQUE (article_id, number)
);
INSERT INTO article_versions (article_id, number, text, text_sha256, created_at)
    SELECT id, 1, text, text_sha256, imported_at FROM articles;

CREATE TABLE captures (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version INTEGER,
    requested_url TEXT NOT NULL,
    final_url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    payload_sha256 TEXT NOT NULL,
    warc BLOB NOT NULL,
    FOREIGN KEY (article_id, version) REFERENCES article_versions (article_id, number)
);
CREATE INDEX captures_by_article ON captures (article_id, fetched_at);

ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE articles ADD COLUMN extraction_warning TEXT NOT NULL DEFAULT '';
ALTER TABLE annotations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE annotations ADD COLUMN status TEXT NOT NULL DEFAULT 'same'
    CHECK (status IN ('same', 'edited', 'removed'));
ALTER TABLE annotations ADD COLUMN annotated_quote TEXT;

CREATE TRIGGER article_versions_are_immutable BEFORE UPDATE ON article_versions
WHEN NEW.article_id IS NOT OLD.article_id OR NEW.number IS NOT OLD.number
  OR NEW.text IS NOT OLD.text OR NEW.text_sha256 IS NOT OLD.text_sha256
  OR NEW.created_at IS NOT OLD.created_at OR OLD.page_text IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a version of a source never changes once stored');
END;
CREATE TRIGGER article_versions_stay BEFORE DELETE ON article_versions
WHEN EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id)
BEGIN
    SELECT RAISE(ABORT, 'a version of a source stays as long as its source');
END;
CREATE TRIGGER articles_first_version AFTER INSERT ON articles
BEGIN
    INSERT INTO article_versions (article_id, number, text, text_sha256, created_at)
    VALUES (NEW.id, NEW.version, NEW.text, NEW.text_sha256, NEW.imported_at);
END;

DROP TRIGGER articles_text_is_immutable;
CREATE TRIGGER articles_text_is_its_latest_version BEFORE UPDATE OF text, version ON articles
WHEN NEW.version < OLD.version
  OR NEW.text IS NOT (SELECT text FROM article_versions
                      WHERE article_id = NEW.id AND number = NEW.version)
  OR EXISTS (SELECT 1 FROM article_versions WHERE article_id = NEW.id AND number > NEW.version)
BEGIN
    SELECT RAISE(ABORT, 'an article text changes only to its newest stored version');
END;

DROP TRIGGER annotations_anchor_INSERT;
DROP TRIGGER annotations_anchor_UPDATE;
"""
    + _ANCHOR_GUARD_PER_VERSION.format(event="INSERT")
    + _ANCHOR_GUARD_PER_VERSION.format(event="UPDATE")
    + _EDITED_KEEPS_ITS_WORDING.format(event="INSERT")
    + _EDITED_KEEPS_ITS_WORDING.format(event="UPDATE")
)


# Version 7: stories, tags and the trash.
# A deletion is a tombstone (a row of its own, with a unique id, who and when), never a DELETE:
# the trashed rows stay where they are, pointing at their tombstone, so every table that refers
# to a source (originals, annotations, links, stories, tags...) stays whole and a restore is one
# UPDATE. Only emptying the trash destroys rows; the tombstone outlives them (purged_at), so a
# bundle or a sync that still carries the item puts it back in the trash, not in the library.
# A restoration keeps the tombstone (restored_at), so restorations travel as deletions do.
V7 = """
CREATE TABLE tombstones (
    id TEXT PRIMARY KEY,
    target_type TEXT NOT NULL CHECK (target_type IN ('article', 'annotation', 'story')),
    target_id TEXT NOT NULL,
    article_id TEXT,
    deleted_at TEXT NOT NULL,
    deleted_by TEXT NOT NULL,
    restored_at TEXT,
    restored_by TEXT,
    purged_at TEXT,
    CHECK ((restored_at IS NULL) = (restored_by IS NULL)),
    CHECK (restored_at IS NULL OR purged_at IS NULL),
    CHECK ((target_type = 'story') = (article_id IS NULL))
);
CREATE INDEX tombstones_by_target ON tombstones (target_id, restored_at);
CREATE INDEX tombstones_by_article ON tombstones (article_id);

ALTER TABLE articles ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
UPDATE articles SET updated_at = imported_at;
ALTER TABLE articles ADD COLUMN tombstone_id TEXT REFERENCES tombstones(id);
ALTER TABLE annotations ADD COLUMN tombstone_id TEXT REFERENCES tombstones(id);
CREATE INDEX articles_by_url ON articles (url) WHERE url <> '';

CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    folded_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'published', 'archived')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    tombstone_id TEXT REFERENCES tombstones(id)
);
CREATE UNIQUE INDEX stories_by_name ON stories (folded_name) WHERE tombstone_id IS NULL;

CREATE TABLE story_articles (
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    PRIMARY KEY (story_id, article_id)
) WITHOUT ROWID;
CREATE INDEX story_articles_by_article ON story_articles (article_id);

CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 64 AND tag NOT GLOB '*[ :"()]*'),
    added_at TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
) WITHOUT ROWID;
CREATE INDEX article_tags_by_tag ON article_tags (tag);

CREATE TABLE article_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    record TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('edited', 'merge_conflict')),
    saved_at TEXT NOT NULL
);
CREATE INDEX article_history_by_article ON article_history (article_id);

CREATE TRIGGER annotations_live_on_a_live_source_insert BEFORE INSERT ON annotations
WHEN NEW.tombstone_id IS NULL
  AND (SELECT tombstone_id FROM articles WHERE id = NEW.article_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the source is in the trash: restore it before annotating it');
END;
CREATE TRIGGER annotations_live_on_a_live_source_update
BEFORE UPDATE OF tombstone_id, article_id ON annotations
WHEN NEW.tombstone_id IS NULL
  AND (SELECT tombstone_id FROM articles WHERE id = NEW.article_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the source is in the trash: restore it before annotating it');
END;

-- A source's annotations go to the trash with it, and come back with it (save those with a
-- deletion of their own).
CREATE TRIGGER articles_trash_their_annotations AFTER UPDATE OF tombstone_id ON articles
WHEN NEW.tombstone_id IS NOT NULL AND OLD.tombstone_id IS NULL
BEGIN
    UPDATE annotations SET tombstone_id = NEW.tombstone_id
    WHERE article_id = NEW.id AND tombstone_id IS NULL;
END;
CREATE TRIGGER articles_restore_their_annotations AFTER UPDATE OF tombstone_id ON articles
WHEN NEW.tombstone_id IS NULL AND OLD.tombstone_id IS NOT NULL
BEGIN
    UPDATE annotations SET tombstone_id = (
        SELECT t.id FROM tombstones t
        WHERE t.target_type = 'annotation' AND t.target_id = annotations.id
          AND t.restored_at IS NULL
        ORDER BY t.deleted_at, t.id LIMIT 1)
    WHERE article_id = NEW.id AND tombstone_id = OLD.tombstone_id;
END;

-- A rebuts link binds its two live ends: a kind change or a restoration that would leave a
-- live link between the wrong kinds is refused (a link whose other end is in the trash waits).
DROP TRIGGER annotations_kind_keeps_links;
CREATE TRIGGER annotations_kind_keeps_links BEFORE UPDATE OF kind, tombstone_id ON annotations
WHEN NEW.tombstone_id IS NULL AND EXISTS (
    SELECT 1 FROM links l JOIN annotations o
      ON o.id = (CASE WHEN l.from_id = NEW.id THEN l.to_id ELSE l.from_id END)
    WHERE l.relation = 'rebuts' AND (l.from_id = NEW.id OR l.to_id = NEW.id)
      AND o.tombstone_id IS NULL
      AND ((l.from_id = NEW.id AND (NEW.kind <> 'rebuttal' OR o.kind <> 'claim'))
        OR (l.to_id = NEW.id AND (NEW.kind <> 'claim' OR o.kind <> 'rebuttal'))))
BEGIN
    SELECT RAISE(ABORT, 'a rebuts link needs this annotation to stay a rebuttal or a claim');
END;
"""

# Version 8: the language each source is written in (ISO 639 code), which picks the stemmer
# its text and annotations are indexed with. Sources stored before it are taken as English.
V8 = """
ALTER TABLE articles ADD COLUMN language TEXT NOT NULL DEFAULT 'en'
    CHECK (language GLOB '[a-z][a-z]' OR language GLOB '[a-z][a-z][a-z]');
CREATE INDEX articles_by_language ON articles (language);
"""

# Version 9: the newsroom's sync (docs/newsroom.md). While the library has joined a team,
# triggers write a `sync_outbox` row in the same transaction as each change to a record that
# may be shared; the sync pushes those of shared stories (the others are dropped: private
# stories never leave the laptop). Changes the sync applies from the server are not queued
# again (`sync_control.applying`). Annotations record who made them (`creator`).
_SYNC_TRIGGERS = """
CREATE TRIGGER {table}_sync_{event} AFTER {event} ON {table}
WHEN (SELECT joined AND NOT applying FROM sync_control WHERE id = 1)
BEGIN
    INSERT INTO sync_outbox (change_id, kind, record_id, made_at)
    VALUES (lower(hex(randomblob(16))), '{kind}', {key},
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"""
_SYNCED = (
    ("stories", "story", "{row}.id"),
    ("story_articles", "story_article", "{row}.story_id || '/' || {row}.article_id"),
    ("article_tags", "article_tag", "{row}.article_id || '/' || {row}.tag"),
    ("articles", "article", "{row}.id"),
    ("article_versions", "version", "{row}.article_id || '/' || {row}.number"),
    ("annotations", "annotation", "{row}.id"),
    ("links", "link", "{row}.from_id || '/' || {row}.to_id || '/' || {row}.relation"),
    ("tombstones", "tombstone", "{row}.id"),
)
V9 = """
CREATE TABLE sync_control (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    joined INTEGER NOT NULL DEFAULT 0 CHECK (joined IN (0, 1)),
    applying INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1))
);
INSERT INTO sync_control (id) VALUES (1);

CREATE TABLE sync_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    made_at TEXT NOT NULL
);

CREATE TABLE sync_shares (
    story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    desk TEXT NOT NULL,
    shared_at TEXT NOT NULL
);

-- Records pulled before what they need (a link before its annotations, say): applied later.
CREATE TABLE sync_pending (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    desk TEXT NOT NULL,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    PRIMARY KEY (kind, record_id)
);

-- Concurrent edits the merge met: the version that lost, kept and reported.
CREATE TABLE sync_conflicts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    label TEXT NOT NULL,
    kept TEXT NOT NULL,
    winner TEXT NOT NULL,
    found_at TEXT NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0 CHECK (seen IN (0, 1))
);

ALTER TABLE annotations ADD COLUMN creator TEXT NOT NULL DEFAULT '';
""" + "".join(
    _SYNC_TRIGGERS.format(
        table=table,
        event=event,
        kind=kind,
        key=key.format(row="OLD" if event == "DELETE" else "NEW"),
    )
    for table, kind, key in _SYNCED
    for event in ("INSERT", "UPDATE", "DELETE")
)

# Version 10: partial indexes of the live rows, so what a library reads each time it opens
# (how many documents its search index must hold, the sources list in its order) and each
# time a source opens (the speakers) comes from indexes, not from every row: an article's
# columns lie beside its text on disk, and its trash mark past it. 10,000 articles: the count
# 143 -> 3 ms, the speakers 94 -> 8 ms; 100,000 articles: the sources list 600 -> 45-130 ms.
V10 = """
CREATE INDEX articles_live_by_date ON articles (published DESC, imported_at DESC, id)
    WHERE tombstone_id IS NULL;
CREATE INDEX articles_live_by_title ON articles (title COLLATE NOCASE, published DESC, id)
    WHERE tombstone_id IS NULL;
CREATE INDEX articles_live_by_outlet ON articles (outlet COLLATE NOCASE, published DESC, id)
    WHERE tombstone_id IS NULL;
CREATE INDEX articles_trashed ON articles (id) WHERE tombstone_id IS NOT NULL;
CREATE INDEX annotations_live ON annotations (article_id) WHERE tombstone_id IS NULL;
CREATE INDEX annotations_live_speakers ON annotations (speaker)
    WHERE tombstone_id IS NULL AND speaker <> '';
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6, V7, V8, V9, V10)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, *, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"library schema version {current} is newer than this Sourcemark ({SCHEMA_VERSION})"
        )
    for version in range(current + 1, target + 1):
        with write_transaction(db):
            for statement in _statements(MIGRATIONS[version - 1]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")
    return schema_version(db)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if buffer.strip() and sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return statements
