"""Subscriptions in the database: syncing from feeds.toml and remembering each fetch's outcome."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from civicreader.model import FeedConfig, FeedStatus
from civicreader.sanitize import clean_line
from civicreader.store.database import StoreBase, parse_iso


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the fetcher needs to know about a feed before asking for it again."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    next_due: str | None
    failures: int
    gone: bool


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """The outcome of one fetch, to remember for the next one and to show the user."""

    status: int | None
    error: str | None
    checked: str
    next_due: str | None
    failures: int
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    title: str | None = None
    site_url: str | None = None
    gone: bool = False
    moved_to: str | None = None
    keep_validators: bool = False


class FeedsMixin(StoreBase):
    def sync_feeds(self, feeds: Sequence[FeedConfig]) -> None:
        """Make the feeds table match the subscription list; items of dropped feeds are kept."""

        def apply(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE feeds SET subscribed = 0")
            for feed in feeds:
                conn.execute(
                    "INSERT INTO feeds (url, custom_title, tags, council, full_text, subscribed)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                    " custom_title = excluded.custom_title, tags = excluded.tags,"
                    " council = excluded.council,"
                    " full_text = excluded.full_text, subscribed = excluded.subscribed",
                    (
                        feed.url,
                        feed.title,
                        ",".join(feed.tags),
                        feed.council,
                        int(feed.full_text),
                        int(feed.enabled),
                    ),
                )

        self._write(apply)

    def feed_state(self, url: str) -> FeedState | None:
        row = self.conn.execute(
            "SELECT id, url, etag, last_modified, body_hash, next_due, failures, gone"
            " FROM feeds WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        return FeedState(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))

    def ensure_feed(self, url: str) -> FeedState:
        state = self.feed_state(url)
        if state is None:
            self._write(lambda c: c.execute("INSERT OR IGNORE INTO feeds (url) VALUES (?)", (url,)))
            state = self.feed_state(url)
        assert state is not None
        return state

    def record_fetch(self, feed_id: int, rec: FetchRecord) -> None:
        sets = [
            "last_status = ?",
            "last_error = ?",
            "last_checked = ?",
            "next_due = ?",
            "failures = ?",
            "gone = ?",
            "moved_to = COALESCE(?, moved_to)",
        ]
        values: list[object] = [
            rec.status,
            clean_line(rec.error, 500) if rec.error else None,  # shown in `feeds list` as is
            rec.checked,
            rec.next_due,
            rec.failures,
            int(rec.gone),
            rec.moved_to,
        ]
        if not rec.keep_validators:
            sets += ["etag = ?", "last_modified = ?", "body_hash = ?"]
            values += [rec.etag, rec.last_modified, rec.body_hash]
        if rec.title:
            sets.append("title = ?")
            values.append(rec.title)
        if rec.site_url:
            sets.append("site_url = ?")
            values.append(rec.site_url)
        values.append(feed_id)
        self._write(lambda c: c.execute(f"UPDATE feeds SET {', '.join(sets)} WHERE id = ?", values))

    def rename_feed(self, old: str, new: str) -> None:
        """A permanent redirect: the feed (and its items) now live at ``new``."""

        def apply(conn: sqlite3.Connection) -> None:
            if conn.execute("SELECT 1 FROM feeds WHERE url = ?", (new,)).fetchone():
                return
            conn.execute("UPDATE feeds SET url = ?, moved_to = NULL WHERE url = ?", (new, old))

        self._write(apply)

    def feed_statuses(self, subscribed_only: bool = True) -> list[FeedStatus]:
        where = "WHERE f.subscribed = 1" if subscribed_only else ""
        rows = self.conn.execute(
            "SELECT f.url, COALESCE(NULLIF(f.custom_title, ''), NULLIF(f.title, ''), f.url),"
            " (SELECT count(*) FROM items i WHERE i.feed_id = f.id AND i.read = 0),"
            " (SELECT count(*) FROM items i WHERE i.feed_id = f.id),"
            " f.last_status, f.last_error, f.last_checked, f.next_due, f.gone"
            f" FROM feeds f {where} ORDER BY f.id"
        ).fetchall()
        return [
            FeedStatus(
                url=r[0],
                title=r[1],
                unread=r[2],
                total=r[3],
                last_status=r[4],
                last_error=r[5],
                last_checked=parse_iso(r[6]),
                next_due=parse_iso(r[7]),
                gone=bool(r[8]),
            )
            for r in rows
        ]
