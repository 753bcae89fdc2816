"""Writing items: one transaction per feed, stable identity, read state kept across updates."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from civicreader.model import Mention, ParsedItem, TagRow, iso_utc, tag_rows
from civicreader.store.database import StoreBase, now_iso


@dataclass(frozen=True, slots=True)
class SaveResult:
    new: int = 0
    updated: int = 0
    new_ids: tuple[int, ...] = ()


EXTRACT_BACKLOG = 100  # article pages fetched per feed and refresh, newest first
EXTRACT_TRIES = 3  # fetches of a page that failed for a passing reason
# New items a refresh indexes for search at a time: FTS5 merges its segments at every commit, so
# ~1,000 items a batch cost ~0.4 s less per 15,000 than a batch per feed (30 items), and search
# lags the item list by at most one batch while a refresh runs.
FTS_BATCH = 1_000


def _tag_values(
    item_id: int, rows: Sequence[TagRow]
) -> list[tuple[int, str, float, int, int, int]]:
    return [
        (item_id, code, salience, int(in_title), int(in_lead), count)
        for code, salience, in_title, in_lead, count in rows
    ]


def _write_tags(conn: sqlite3.Connection, values: Sequence[tuple[object, ...]]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO item_councils"
        " (item_id, council, salience, in_title, in_lead, mentions) VALUES (?, ?, ?, ?, ?, ?)",
        values,
    )


def _insert_tags(conn: sqlite3.Connection, item_id: int, rows: Sequence[TagRow]) -> None:
    """Replace one item's tags."""
    conn.execute("DELETE FROM item_councils WHERE item_id = ?", (item_id,))
    _write_tags(conn, _tag_values(item_id, rows))


class ItemsMixin(StoreBase):
    def save_items(
        self,
        feed_id: int,
        items: Sequence[ParsedItem],
        tags: Sequence[Sequence[Mention]],
    ) -> SaveResult:
        """Insert new items and update changed ones in place, with their council tags.

        An item already extracted from its page keeps that text when only the feed entry changes.
        """
        return self.save_item_rows(feed_id, items, [tag_rows(m) for m in tags])

    def save_item_rows(
        self,
        feed_id: int,
        items: Sequence[ParsedItem],
        tags: Sequence[Sequence[TagRow]],
    ) -> SaveResult:
        """``save_items`` with each item's tags as (code, salience, in_title, in_lead, count)."""

        def apply(conn: sqlite3.Connection) -> SaveResult:
            known = {
                key: (item_id, digest, full)
                for key, item_id, digest, full in conn.execute(
                    "SELECT key, id, content_hash, full_text FROM items WHERE feed_id = ?",
                    (feed_id,),
                )
            }
            stamp = now_iso()
            new_ids: list[int] = []
            indexed: list[tuple[int, str, str]] = []
            tag_values: list[tuple[object, ...]] = []  # written in one statement at the end
            updated = 0
            for item, rows in zip(items, tags, strict=True):
                published = iso_utc(item.published)
                old = known.get(item.key)
                if old is None:
                    cur = conn.execute(
                        "INSERT INTO items (feed_id, key, guid, link, title, author, published,"
                        " sort_date, summary, text, body, body_format, content_hash, first_seen,"
                        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            feed_id,
                            item.key,
                            item.guid,
                            item.link,
                            item.title,
                            item.author,
                            published,
                            published or stamp,
                            item.summary,
                            item.text,
                            item.body,
                            item.body_format,
                            item.content_hash,
                            stamp,
                            stamp,
                        ),
                    )
                    item_id = int(cur.lastrowid or 0)
                    new_ids.append(item_id)
                    indexed.append((item_id, item.title, item.text))
                    tag_values += _tag_values(item_id, rows)  # a new id has no tags to clear
                    known[item.key] = (item_id, item.content_hash, 0)
                elif old[1] != item.content_hash:
                    item_id, _, full = old
                    conn.execute(
                        "UPDATE items SET guid = ?, link = ?, title = ?, author = ?,"
                        " published = ?, sort_date = COALESCE(?, sort_date), summary = ?,"
                        " text = CASE WHEN full_text = 1 THEN text ELSE ? END,"
                        " body = CASE WHEN full_text = 1 THEN body ELSE ? END,"
                        " body_format = CASE WHEN full_text = 1 THEN body_format ELSE ? END,"
                        " content_hash = ?, updated_at = ? WHERE id = ?",
                        (
                            item.guid,
                            item.link,
                            item.title,
                            item.author,
                            published,
                            published,
                            item.summary,
                            item.text,
                            item.body,
                            item.body_format,
                            item.content_hash,
                            stamp,
                            item_id,
                        ),
                    )
                    updated += 1
                    if full:
                        continue  # tags follow the extracted text, which has not changed
                    conn.execute("DELETE FROM item_councils WHERE item_id = ?", (item_id,))
                    tag_values += _tag_values(item_id, rows)
            if tag_values:
                _write_tags(conn, tag_values)
            if indexed and self._bulk:  # indexed with the next batch (index_pending)
                conn.executemany(
                    "INSERT INTO fts_pending (id) VALUES (?)", [(row[0],) for row in indexed]
                )
            elif indexed:  # one statement for the feed's new items (updates: a trigger)
                conn.executemany(
                    "INSERT INTO items_fts (rowid, title, text) VALUES (?, ?, ?)", indexed
                )
            return SaveResult(len(new_ids), updated, tuple(new_ids))

        result = self._write(apply)
        assert isinstance(result, SaveResult)
        if self._bulk:
            self._unindexed += result.new
            if self._unindexed >= FTS_BATCH:
                self.index_pending()
        return result

    def set_full_text(self, item_id: int, text: str, mentions: Sequence[Mention]) -> None:
        """Store the article extracted from the item's page and the councils found in it."""

        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE items SET text = ?, body = ?, body_format = 'markdown', full_text = 1,"
                " extract_note = NULL, extract_retry = NULL, updated_at = ? WHERE id = ?",
                (text, text, now_iso(), item_id),
            )
            _insert_tags(conn, item_id, tag_rows(mentions))

        self._write(apply)

    def set_extract_note(self, item_id: int, note: str, transient: bool = False) -> None:
        """Extraction failed: the feed text stays, with a note saying why. A ``transient``
        failure is tried again after 1, 2 and 4 hours, then left with its note."""
        self._write(
            lambda c: c.execute(
                "UPDATE items SET extract_note = ?, extract_tries = extract_tries + 1,"
                " extract_retry = CASE WHEN ? AND extract_tries < ? THEN strftime("
                "'%Y-%m-%dT%H:%M:%SZ', 'now', '+' || (60 << extract_tries) || ' minutes')"
                " END WHERE id = ?",
                (note, int(transient), EXTRACT_TRIES, item_id),
            )
        )

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        batch = [(int(read), i) for i in ids]
        self._write(lambda c: c.executemany("UPDATE items SET read = ? WHERE id = ?", batch))

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> None:
        batch = [(int(starred), i) for i in ids]
        self._write(lambda c: c.executemany("UPDATE items SET starred = ? WHERE id = ?", batch))

    def replace_tags(self, batch: Sequence[tuple[int, Sequence[Mention]]]) -> None:
        """Re-tagging: swap the councils of many items in one transaction."""

        def apply(conn: sqlite3.Connection) -> None:
            for item_id, mentions in batch:
                _insert_tags(conn, item_id, tag_rows(mentions))

        self._write(apply)

    def texts_for_tagging(
        self, batch: int = 2_000
    ) -> Iterator[list[tuple[int, str, str, str, str | None]]]:
        """(id, title, text, published, feed's newsroom council) in batches, for retagging."""
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT i.id, i.title, i.text, COALESCE(i.published, i.sort_date), f.council"
                " FROM items i JOIN feeds f ON f.id = i.feed_id"
                " WHERE i.id > ? ORDER BY i.id LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][0]

    def items_needing_full_text(
        self, feed_id: int, limit: int = EXTRACT_BACKLOG
    ) -> list[tuple[int, str, str, str | None]]:
        """(id, link, title, published) of the feed's newest items with an http(s) link and no
        extracted text, never tried or due for another try; at most ``limit`` a refresh, so
        turning full text on for a large feed fills it in over a few refreshes."""
        return self.conn.execute(
            "SELECT id, link, title, published FROM items WHERE feed_id = ? AND full_text = 0"
            " AND (extract_note IS NULL OR extract_retry <= ?)"
            " AND (link LIKE 'http://%' OR link LIKE 'https://%')"
            " ORDER BY sort_date DESC, id DESC LIMIT ?",
            (feed_id, now_iso(), limit),
        ).fetchall()
