"""Opening the database: WAL, busy timeout, migrations, and mapping rows to model objects."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from civicreader.model import Council, ItemRow
from civicreader.store.schema import migrate

if TYPE_CHECKING:
    import sqlite_utils

CouncilResolver = Callable[[str], Council | None]

BUSY_TIMEOUT_MS = 10_000
MMAP_BYTES = 1 << 30
# A refresh commits its writes in groups (``group_writes``): a commit per feed rewrote the same
# date-index, tag-index and last pages of the item table ~500 times and cost a 15,000-item
# refresh ~30% of its store time. A group ends after this many writes or seconds, whichever
# comes first, so readers see new stories within a moment and a killed refresh loses at most
# that much work, which the next refresh fetches again (feed state is in the same commit).
GROUP_WRITES = 96
GROUP_SECONDS = 0.3
GROUP_CACHE_KB = 32_768  # page cache while grouping: a group's dirty pages stay in memory
BULK_CHECKPOINT_PAGES = 8_192  # WAL pages between checkpoints while a refresh writes


class StoreError(Exception):
    """The database cannot be opened or written (read-only directory, full disk, corruption)."""


def default_resolver() -> CouncilResolver:
    """Council lookup by register code from the packaged gazetteer (imported only when needed)."""
    from civicreader.councils.gazetteer import load_gazetteer

    return load_gazetteer().by_code


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode with WAL and a busy timeout; creates and migrates."""
    target = Path(path)
    try:
        if str(path) != ":memory:":
            target.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Reads through a memory map: random row lookups (related stories, search pages) skip a
        # read() and a copy per page, ~40% off related-story queries at 300,000 stories.
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        migrate(conn)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    return conn


class StoreBase:
    """Connection, transactions and row mapping shared by the store's parts."""

    def __init__(self, path: Path | str, councils: CouncilResolver | None = None) -> None:
        self.path = path
        self.conn = connect(path)
        self._resolver = councils
        self._council_cache: dict[str, Council | None] = {}
        self._bulk = False
        self._unindexed = 0  # items this connection left in fts_pending
        self._grouping = False
        self._group_writes = 0
        self._group_started = 0.0
        self._group_failed: StoreError | None = None  # a failed commit fails every later write
        self.index_pending()  # after a refresh that was killed between two batches

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils view of the connection, made on first use: importing sqlite_utils costs
        about 30 ms, paid by every command and by the reader's start-up when made eagerly."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def bulk_writes(self) -> None:
        """Let the WAL grow to ~32 MB between checkpoints while this connection writes a
        refresh: SQLite's checkpoint every 4 MB copied the same index and full-text pages over
        and over and synced the file each time (~0.5 s of a 15,000-item refresh), while one
        checkpoint of the whole refresh at the end (~130 MB) held its last 0.35 s up with
        both parsing workers idle. Every commit is as durable as before."""
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        self.conn.execute("PRAGMA journal_size_limit = 67108864")  # then shrink the WAL file
        self._bulk = True

    def group_writes(self) -> None:
        """Commit writes in groups (see GROUP_WRITES) until ``end_bulk_writes``. Each write
        still applies whole or not at all: one that fails rolls back its group and raises
        StoreError, so a group never commits part of a write."""
        self.conn.execute(f"PRAGMA cache_size = -{GROUP_CACHE_KB}")
        self._grouping = True

    def commit_group(self, older_than: float = 0.0) -> None:
        """Commit the open group of writes (only if it began ``older_than`` seconds ago)."""
        if not self._group_writes or time.monotonic() - self._group_started < older_than:
            return
        self._group_writes = 0
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._group_failed = StoreError(f"write to {self.path} failed: {exc}")
            raise self._group_failed from exc

    def end_bulk_writes(self) -> None:
        """Commit the last group, index what is left for search, then checkpoint what is left
        in the WAL (readers in the way just leave it for later)."""
        self.commit_group()
        self._grouping = False
        self._bulk = False
        self.index_pending()
        with contextlib.suppress(sqlite3.Error):  # busy or unwritable: a later write does it
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.conn.execute("PRAGMA wal_autocheckpoint = 1000")

    def index_pending(self) -> int:
        """Add the stored items still waiting in ``fts_pending`` to the search index, reading
        their current title and text; returns how many. A database that cannot be written
        (a reader's read-only copy) keeps them for a later writer."""
        if self.conn.execute("SELECT 1 FROM fts_pending LIMIT 1").fetchone() is None:
            self._unindexed = 0
            return 0

        def apply(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO items_fts (rowid, title, text) SELECT i.id, i.title, i.text"
                " FROM fts_pending p JOIN items i ON i.id = p.id ORDER BY p.id"
            )
            conn.execute("DELETE FROM fts_pending")
            return cur.rowcount

        self.commit_group()  # indexed in a transaction of its own (see FTS_BATCH)
        try:
            count = self._write(apply, alone=True)
        except StoreError:
            return 0
        self._unindexed = 0
        assert isinstance(count, int)
        return count

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def council(self, code: str) -> Council | None:
        if code not in self._council_cache:
            if self._resolver is None:
                self._resolver = default_resolver()
            self._council_cache[code] = self._resolver(code)
        return self._council_cache[code]

    def _write(
        self, statements: Callable[[sqlite3.Connection], object], alone: bool = False
    ) -> object:
        """Run ``statements`` in one IMMEDIATE transaction (``alone`` or not grouping) or in
        the open group's; any error rolls it all back."""
        if self._grouping and not alone:
            return self._grouped_write(statements)
        self._begin()
        try:
            result = statements(self.conn)
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"write to {self.path} failed: {exc}") from exc
        except BaseException:
            self._rollback()
            raise
        return result

    def _begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"database {self.path} is not writable: {exc}") from exc

    def _grouped_write(self, statements: Callable[[sqlite3.Connection], object]) -> object:
        if self._group_failed is not None:  # e.g. the idle commit found the disk full
            raise self._group_failed
        if not self._group_writes:
            self._begin()
            self._group_started = time.monotonic()
        self._group_writes += 1  # before the statements: a failure must roll the group back
        try:
            result = statements(self.conn)
        except Exception as exc:  # no savepoint per write (they cost ~15% of the store's time)
            self._group_writes = 0
            self._rollback()
            raise StoreError(f"write to {self.path} failed: {exc}") from exc
        except BaseException:
            self._group_writes = 0
            self._rollback()
            raise
        if self._group_writes >= GROUP_WRITES:
            self.commit_group()
        else:
            self.commit_group(older_than=GROUP_SECONDS)
        return result

    def _rollback(self) -> None:
        """Roll back if a transaction is still open: SQLite ends it by itself on some errors
        (SQLITE_FULL, SQLITE_IOERR), and a failing ROLLBACK must not hide the first error."""
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _councils_of(self, ids: list[int]) -> dict[int, tuple[Council, ...]]:
        if not ids:
            return {}
        out: dict[int, list[Council]] = {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT item_id, council FROM item_councils WHERE item_id IN ({marks})"
            " ORDER BY item_id, salience DESC, council",
            ids,
        )
        for item_id, code in rows:
            council = self.council(code)
            if council is not None:
                out.setdefault(item_id, []).append(council)
        return {k: tuple(v) for k, v in out.items()}

    ITEM_COLUMNS = (
        "i.id, f.url, COALESCE(NULLIF(f.custom_title, ''), NULLIF(f.title, ''), f.url),"
        " i.title, i.link, i.published, i.read, i.starred"
    )

    def _item_rows(self, rows: list[tuple]) -> list[ItemRow]:
        councils = self._councils_of([r[0] for r in rows])
        return [
            ItemRow(
                id=r[0],
                feed_url=r[1],
                feed_title=r[2],
                title=r[3],
                link=r[4],
                published=parse_iso(r[5]),
                read=bool(r[6]),
                starred=bool(r[7]),
                councils=councils.get(r[0], ()),
            )
            for r in rows
        ]
