"""Database schema as an ordered list of migrations, applied once each (PRAGMA user_version)."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: feeds, items, council tags and the full-text index.
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        custom_title TEXT,
        tags TEXT NOT NULL DEFAULT '',
        council TEXT,
        full_text INTEGER NOT NULL DEFAULT 0,
        site_url TEXT,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        last_status INTEGER,
        last_error TEXT,
        last_checked TEXT,
        next_due TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        gone INTEGER NOT NULL DEFAULT 0,
        moved_to TEXT,
        subscribed INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id),
        key TEXT NOT NULL,
        guid TEXT,
        link TEXT,
        title TEXT NOT NULL,
        author TEXT,
        published TEXT,
        sort_date TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        body_format TEXT NOT NULL DEFAULT 'text',
        full_text INTEGER NOT NULL DEFAULT 0,
        extract_note TEXT,
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        UNIQUE (feed_id, key)
    );
    CREATE INDEX items_sort ON items (sort_date DESC, id DESC);
    CREATE INDEX items_feed_sort ON items (feed_id, sort_date DESC, id DESC);
    CREATE INDEX items_feed_read ON items (feed_id, read);
    CREATE INDEX items_unread_sort ON items (read, sort_date DESC, id DESC);
    CREATE INDEX items_starred ON items (starred) WHERE starred = 1;
    CREATE TABLE item_councils (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        council TEXT NOT NULL,
        salience REAL NOT NULL,
        in_title INTEGER NOT NULL DEFAULT 0,
        in_lead INTEGER NOT NULL DEFAULT 0,
        mentions INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (item_id, council)
    ) WITHOUT ROWID;
    CREATE INDEX item_councils_council ON item_councils (council, salience DESC, item_id DESC);
    CREATE VIRTUAL TABLE items_fts USING fts5(
        title, text, content='items', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER items_au AFTER UPDATE OF title, text ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO items_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    """,
    # 2: new items are indexed by the store itself (store/items.py): through a trigger, FTS5
    # flushed its pending terms at every statement and indexing cost twice as much.
    """
    DROP TRIGGER items_ai;
    """,
    # 3: a page that could not be fetched for a passing reason (timeout, 5xx, 429) is tried
    # again later, a few times, instead of never.
    """
    ALTER TABLE items ADD COLUMN extract_retry TEXT;
    ALTER TABLE items ADD COLUMN extract_tries INTEGER NOT NULL DEFAULT 0;
    """,
    # 4: a refresh indexes new items for search in batches of ~1,000 (store/items.py): FTS5
    # indexing per feed's commit cost ~0.4 s more per 15,000 items. fts_pending holds the items
    # stored but not yet indexed, so a refresh killed between batches is healed later; the
    # triggers leave those rows' (absent) index entries alone.
    """
    CREATE TABLE fts_pending (id INTEGER PRIMARY KEY);
    DROP TRIGGER items_ad;
    DROP TRIGGER items_au;
    CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text)
        SELECT 'delete', old.id, old.title, old.text
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);
        DELETE FROM fts_pending WHERE id = old.id;
    END;
    CREATE TRIGGER items_au AFTER UPDATE OF title, text ON items
    WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id) BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO items_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    """,
]


def _statements(script: str) -> list[str]:
    """Split a script into whole statements (trigger bodies hold semicolons of their own)."""
    out: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return [s for s in out if s]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the version now in force.

    The version is read again under a write lock so two processes opening a new database at the
    same moment do not both apply the same migration.
    """
    if conn.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS):
        return len(MIGRATIONS)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)
