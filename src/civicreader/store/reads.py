"""Reading items back: filtered, paged lists, single articles, counts and full-text search."""

from __future__ import annotations

import re
from dataclasses import replace

from civicreader.model import Article, ItemQuery, ItemRow, iso_utc
from civicreader.store.database import StoreBase

_WORD = re.compile(r"\w+", re.UNICODE)
FEW_MATCHES = 200  # at most this many search matches are sorted directly


def fts_query(text: str, prefix_last: bool = True) -> str | None:
    """User words -> a safe FTS5 query: every word must match, the last one as a prefix.

    Each word is quoted, so FTS5 syntax typed by the user (or found in a title) is never
    interpreted as operators.
    """
    words = _WORD.findall(text.lower())[:32]
    if not words:
        return None
    parts = [f'"{w}"' for w in words]
    if prefix_last:
        parts[-1] += "*"
    return " ".join(parts)


def query_words(text: str, limit: int = 24) -> list[str]:
    """The distinct longer words of a text, for topical closeness between two stories."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) > 3 and not word.isdigit():
            seen.setdefault(word, None)
        if len(seen) >= limit:
            break
    return list(seen)


class ReadsMixin(StoreBase):
    def _few_matches(self, search: str) -> list[int] | None:
        """The ids matching ``search`` when there are at most FEW_MATCHES of them, else None.

        Few matches are fetched and sorted directly: walking the date index for them probes
        every story when there are none (~30 ms at 300,000 stories)."""
        match = fts_query(search)
        if match is None:
            return []
        rows = self.conn.execute(
            "SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?", (match, FEW_MATCHES + 1)
        ).fetchall()
        return [r[0] for r in rows] if len(rows) <= FEW_MATCHES else None

    def _where(self, q: ItemQuery, ids: list[int] | None = None) -> tuple[str, list[object], str]:
        """The query's joins, arguments and WHERE; ``ids``, when given, are the search matches."""
        joins = "JOIN feeds f ON f.id = i.feed_id"
        clauses: list[str] = []
        args: list[object] = []
        if q.feed:
            clauses.append("f.url = ?")
            args.append(q.feed)
        if q.council:
            clauses.append("i.id IN (SELECT item_id FROM item_councils WHERE council = ?)")
            args.append(q.council)
        if q.search and ids is not None:
            clauses.append(f"i.id IN ({','.join('?' * len(ids))})" if ids else "0")
            args.extend(ids)
        elif q.search:
            match = fts_query(q.search)
            if match is None:
                clauses.append("0")
            else:
                clauses.append("i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
                args.append(match)
        if q.unread:
            clauses.append("i.read = 0")
        if q.starred:
            clauses.append("i.starred = 1")
        if q.since:
            clauses.append("i.sort_date >= ?")
            args.append(iso_utc(q.since))
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return joins, args, where

    def list_items(self, q: ItemQuery) -> list[ItemRow]:
        """Items newest first, one page at a time (``limit`` 0 = all)."""
        ids = self._few_matches(q.search) if q.search else None
        joins, args, where = self._where(q, ids)
        page = ""
        if q.limit:
            page = " LIMIT ? OFFSET ?"
            args += [q.limit, q.offset]
        # A search is read newest first straight off the date index, probing the set of matches:
        # left to itself SQLite sorts every match (100,000 of them for a common word), which
        # took 120 ms at 300,000 stories; the walk stops after a page (worst case ~20 ms).
        source = "items i INDEXED BY items_sort" if q.search and ids is None else "items i"
        rows = self.conn.execute(
            f"SELECT {self.ITEM_COLUMNS} FROM {source} {joins} {where}"
            f" ORDER BY i.sort_date DESC, i.id DESC{page}",
            args,
        ).fetchall()
        return self._item_rows(rows)

    def count_items(self, q: ItemQuery) -> int:
        if q.search and replace(q, search=None, limit=0, offset=0) == ItemQuery(limit=0):
            match = fts_query(q.search)  # a search alone is counted by the index alone
            if match is None:
                return 0
            row = self.conn.execute(
                "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?", (match,)
            ).fetchone()
            return int(row[0])
        joins, args, where = self._where(q)
        return int(
            self.conn.execute(f"SELECT count(*) FROM items i {joins} {where}", args).fetchone()[0]
        )

    def item_ids(self, q: ItemQuery) -> list[int]:
        joins, args, where = self._where(q)
        return [r[0] for r in self.conn.execute(f"SELECT i.id FROM items i {joins} {where}", args)]

    def get_items(self, ids: list[int]) -> list[ItemRow]:
        """Items by id, in the order given (missing ids are left out)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT {self.ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id"
            f" WHERE i.id IN ({marks})",
            ids,
        ).fetchall()
        by_id = {r.id: r for r in self._item_rows(rows)}
        return [by_id[i] for i in ids if i in by_id]

    def article(self, item_id: int) -> Article | None:
        rows = self.get_items([item_id])
        if not rows:
            return None
        body, body_format, summary, full, author, note = self.conn.execute(
            "SELECT body, body_format, summary, full_text, author, extract_note FROM items"
            " WHERE id = ?",
            (item_id,),
        ).fetchone()
        return Article(
            item=rows[0],
            text=body,
            summary=summary,
            full_text=bool(full),
            author=author,
            note=note,
            body_format=body_format,
        )

    def council_counts(self) -> list[tuple[str, int]]:
        """(register code, stories) for every council with at least one story, most first.

        Counted from the council index alone, so it stays quick on large databases.
        """
        return self.conn.execute(
            "SELECT council, count(*) FROM item_councils GROUP BY council"
            " ORDER BY count(*) DESC, council"
        ).fetchall()

    def total_items(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM items").fetchone()[0])

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._write(
            lambda c: c.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
            )
        )
