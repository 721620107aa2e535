"""The newsroom server's schema, versioned like the library's: new entries at the end only.

Everything lives in the `sourcemark` schema of the newsroom's database, owned by the
administrator's role, which alone migrates it. Reporters log in with roles of their own, members
of `sourcemark_reporter`, which may read the schema's tables and add changes, nothing more; row-
level security shows each reporter only the rows of the desks they belong to.

- `records`: the current version of every shared record (a story, a source, an annotation...),
  one row per desk, kind and id; the body is the record as the laptops hold it (JSON).
- `changes`: every change any laptop pushed, append-only, unique by its change id (so a push
  repeated after a crash applies nothing twice) and ordered by (txid, seq): the pushing
  transaction's id, and a number within it. Pulls read after a cursor up to the oldest
  transaction still running (`pg_snapshot_xmin`), so a change that commits late is never passed.
"""

from __future__ import annotations

REPORTER_GROUP = "sourcemark_reporter"
"""The role every reporter's login role belongs to; it holds their privileges."""

RECORD_KINDS = (
    "story",
    "story_article",
    "article_tag",
    "article",
    "version",
    "annotation",
    "link",
    "tombstone",
)

_MY_DESKS = "(SELECT m.desk_id FROM sourcemark.memberships m WHERE m.role = current_user)"

V1 = f"""
CREATE TABLE sourcemark.meta (key text PRIMARY KEY, value text NOT NULL);

CREATE TABLE sourcemark.desks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sourcemark.reporters (
    role name PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sourcemark.memberships (
    desk_id bigint NOT NULL REFERENCES sourcemark.desks (id),
    role name NOT NULL REFERENCES sourcemark.reporters (role),
    PRIMARY KEY (desk_id, role)
);
CREATE INDEX memberships_by_role ON sourcemark.memberships (role);

CREATE TABLE sourcemark.records (
    desk_id bigint NOT NULL REFERENCES sourcemark.desks (id),
    kind text NOT NULL CHECK (kind IN ({", ".join(f"'{k}'" for k in RECORD_KINDS)})),
    id text NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
    body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
    updated_at text NOT NULL,
    author name NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (desk_id, kind, id)
);

CREATE TABLE sourcemark.changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid xid8 NOT NULL,
    change_id uuid NOT NULL UNIQUE,
    desk_id bigint NOT NULL REFERENCES sourcemark.desks (id),
    kind text NOT NULL,
    record_id text NOT NULL,
    body jsonb NOT NULL,
    author name NOT NULL,
    pushed_at timestamptz NOT NULL
);
CREATE INDEX changes_in_commit_order ON sourcemark.changes (txid, seq);

-- Who made a change is the role that pushed it, whatever the laptop said: the server stamps it,
-- and the creator of an annotation or a version is that reporter.
CREATE FUNCTION sourcemark.stamp_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.author := current_user;
    NEW.changed_at := now();
    IF NEW.body ? 'creator' THEN
        NEW.body := jsonb_set(NEW.body, '{{creator}}', to_jsonb(current_user::text));
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION sourcemark.stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.author := current_user;
    NEW.txid := pg_current_xact_id();
    NEW.pushed_at := now();
    IF NEW.body ? 'creator' THEN
        NEW.body := jsonb_set(NEW.body, '{{creator}}', to_jsonb(current_user::text));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER records_stamp BEFORE INSERT OR UPDATE ON sourcemark.records
    FOR EACH ROW EXECUTE FUNCTION sourcemark.stamp_record();
CREATE TRIGGER changes_stamp BEFORE INSERT ON sourcemark.changes
    FOR EACH ROW EXECUTE FUNCTION sourcemark.stamp_change();
CREATE FUNCTION sourcemark.changes_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the change log is append-only';
END $$;
CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON sourcemark.changes
    FOR EACH ROW EXECUTE FUNCTION sourcemark.changes_are_append_only();

-- Least privilege: reporters read, add changes and update the current records; no DDL, no
-- deletes (a deletion is a tombstone record), nothing outside this schema.
REVOKE ALL ON SCHEMA sourcemark FROM PUBLIC;
GRANT USAGE ON SCHEMA sourcemark TO {REPORTER_GROUP};
GRANT SELECT ON sourcemark.meta, sourcemark.desks, sourcemark.reporters, sourcemark.memberships
    TO {REPORTER_GROUP};
GRANT SELECT ON sourcemark.records, sourcemark.changes TO {REPORTER_GROUP};
GRANT INSERT (desk_id, kind, id, body, updated_at) ON sourcemark.records TO {REPORTER_GROUP};
GRANT UPDATE (body, updated_at) ON sourcemark.records TO {REPORTER_GROUP};
GRANT INSERT (change_id, desk_id, kind, record_id, body) ON sourcemark.changes
    TO {REPORTER_GROUP};

-- Row-level security on every table, keyed by desk membership.
ALTER TABLE sourcemark.meta ENABLE ROW LEVEL SECURITY;
CREATE POLICY anyone_reads ON sourcemark.meta FOR SELECT USING (true);
ALTER TABLE sourcemark.reporters ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_row ON sourcemark.reporters FOR SELECT USING (role = current_user);
ALTER TABLE sourcemark.memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON sourcemark.memberships FOR SELECT USING (role = current_user);
ALTER TABLE sourcemark.desks ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_reads ON sourcemark.desks FOR SELECT USING (id IN {_MY_DESKS});
ALTER TABLE sourcemark.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_reads ON sourcemark.records FOR SELECT USING (desk_id IN {_MY_DESKS});
CREATE POLICY member_adds ON sourcemark.records FOR INSERT WITH CHECK (desk_id IN {_MY_DESKS});
CREATE POLICY member_updates ON sourcemark.records FOR UPDATE
    USING (desk_id IN {_MY_DESKS}) WITH CHECK (desk_id IN {_MY_DESKS});
ALTER TABLE sourcemark.changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_reads ON sourcemark.changes FOR SELECT USING (desk_id IN {_MY_DESKS});
CREATE POLICY member_adds ON sourcemark.changes FOR INSERT
    WITH CHECK (desk_id IN {_MY_DESKS} AND author = current_user);
"""

# Version 2: full-text search over the shared records (English stemming), and the lookups the
# search needs: a source's or an annotation's stories, and live deletions.
V2 = f"""
ALTER TABLE sourcemark.records ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(body->>'title', '') || ' '
        || coalesce(body->>'name', '')), 'A')
    || setweight(to_tsvector('english', coalesce(body->>'quote', '') || ' '
        || coalesce(body->>'note', '') || ' ' || coalesce(body->>'speaker', '')), 'B')
    || setweight(to_tsvector('english', coalesce(body->>'outlet', '') || ' '
        || coalesce(body->>'author', '') || ' ' || coalesce(body->>'description', '')), 'C')
    || setweight(to_tsvector('english', left(coalesce(body->>'text', ''), 500000)), 'D')
) STORED;
CREATE INDEX records_search ON sourcemark.records USING gin (search);
CREATE INDEX records_by_article ON sourcemark.records (desk_id, (body->>'article_id'))
    WHERE kind IN ('annotation', 'story_article', 'version');
CREATE INDEX records_by_target ON sourcemark.records (desk_id, (body->>'target_id'))
    WHERE kind = 'tombstone';

-- Row-level security keeps the planner from using the GIN index for `@@` (the operator is not
-- leakproof, so it may not run before the policy), and a scan that reads every record's
-- tsvector from TOAST is slow (the planner does not count that cost: measured 208 ms against
-- 16 ms through the index at 20,000 sources, so the function turns sequential scans off).
-- The function applies the policy's rule itself: only the desks of the logged-in reporter
-- (session_user, which a reporter cannot change).
CREATE FUNCTION sourcemark.matching(query tsquery)
RETURNS TABLE (desk_id bigint, kind text, id text, rank real)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS $$
    SELECT r.desk_id, r.kind, r.id, ts_rank_cd(r.search, query)
    FROM sourcemark.records r
    WHERE r.search @@ query AND r.kind IN ('article', 'annotation', 'story')
      AND r.desk_id IN (SELECT m.desk_id FROM sourcemark.memberships m
                        WHERE m.role = session_user)
$$;
REVOKE ALL ON FUNCTION sourcemark.matching(tsquery) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sourcemark.matching(tsquery) TO {REPORTER_GROUP};
"""

# Version 3: a push announces itself when it commits, on a channel per desk (NOTIFY, with the
# pushing reporter's name and nothing of the content), so the other laptops of the desk pull
# within seconds instead of at their next timed round. Reading the changes is still row-level
# security's business; a reporter listening on another desk's channel learns only when it pushed.
V3 = """
CREATE FUNCTION sourcemark.announce_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    desk bigint;
BEGIN
    FOR desk IN SELECT DISTINCT desk_id FROM pushed LOOP
        PERFORM pg_notify('sourcemark_desk_' || desk, current_user);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER changes_announced AFTER INSERT ON sourcemark.changes
    REFERENCING NEW TABLE AS pushed
    FOR EACH STATEMENT EXECUTE FUNCTION sourcemark.announce_changes();
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3)
SCHEMA_VERSION = len(MIGRATIONS)
