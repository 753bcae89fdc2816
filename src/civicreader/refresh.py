"""Headless refresh: fetch every due feed concurrently, parse and tag in worker processes, and
commit the writes in groups of feeds a fraction of a second apart (each feed's items with its
fetch state), so an interrupted refresh loses nothing stored before and the feeds of its last
moment are simply fetched again by the next one."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civicreader.fetch import Fetcher, Limits, Response
from civicreader.fulltext import fetch_full_texts
from civicreader.locking import RefreshBusy, refresh_lock
from civicreader.model import Config, Council, FeedConfig
from civicreader.pipeline import parse_and_tag_rows, unpack_feed
from civicreader.sanitize import clean_line
from civicreader.store import FetchRecord, Store, StoreError
from civicreader.store.database import GROUP_SECONDS, now_iso, parse_iso
from civicreader.workers import start_pool

if TYPE_CHECKING:
    from concurrent.futures import Executor

BACKOFF_BASE = 300.0
BACKOFF_MAX = 86_400.0


@dataclass(slots=True)
class FeedOutcome:
    """One feed's part of a refresh, as the summary and ``--json`` report it."""

    url: str
    title: str
    result: str  # "ok", "not_modified", "failed", "deferred", "gone"
    new: int = 0
    updated: int = 0
    status: int | None = None
    error: str | None = None
    full_text: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "result": self.result,
            "new": self.new,
            "updated": self.updated,
            "status": self.status,
            "error": self.error,
            "full_text": self.full_text,
        }


@dataclass(slots=True)
class RefreshReport:
    outcomes: list[FeedOutcome]
    seconds: float = 0.0

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def new(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def updated(self) -> int:
        return sum(o.updated for o in self.outcomes)

    @property
    def failed(self) -> int:
        return self.count("failed") + self.count("gone")

    def summary(self) -> str:
        return (
            f"{self.count('ok')} ok, {self.count('not_modified')} not modified,"
            f" {self.failed} failed, {self.count('deferred')} deferred;"
            f" {self.new} new, {self.updated} updated items in {self.seconds:.1f} s"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.count("ok"),
            "not_modified": self.count("not_modified"),
            "failed": self.failed,
            "deferred": self.count("deferred"),
            "new": self.new,
            "updated": self.updated,
            "seconds": round(self.seconds, 3),
            "feeds": [o.as_json() for o in self.outcomes],
        }


Progress = Callable[[FeedOutcome, int, int], None]


def limits_of(config: Config) -> Limits:
    s = config.settings
    return Limits(
        timeout=float(s.timeout_seconds),
        max_bytes=int(s.max_feed_mb * 1024 * 1024),
        concurrency=s.concurrency,
        per_host=s.per_host,
    )


def backoff_until(failures: int, retry_after: float | None) -> str:
    delay = min(BACKOFF_BASE * 2 ** max(0, failures - 1), BACKOFF_MAX)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return (datetime.now(UTC) + timedelta(seconds=delay)).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Run:
    """The state of one refresh in progress (one event loop, one store connection)."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        pool: Executor | None,
        total: int,
        progress: Progress | None,
        cancel: threading.Event | None,
        newsrooms: dict[str, Council | None],
        on_moved: Callable[[str, str], None] | None,
        force: bool,
    ) -> None:
        self.store, self.fetcher, self.pool = store, fetcher, pool
        self.total, self.done = total, 0
        self.progress, self.cancel = progress, cancel
        self.newsrooms, self.on_moved, self.force = newsrooms, on_moved, force
        self.outcomes: list[FeedOutcome] = []

    def _finish(self, outcome: FeedOutcome) -> FeedOutcome:
        self.done += 1
        self.outcomes.append(outcome)
        if self.progress is not None:
            self.progress(outcome, self.done, self.total)
        return outcome

    async def feed(self, feed: FeedConfig) -> FeedOutcome:
        """One feed, start to finish. A fault in one feed is that feed's failure, not the run's:
        only a database that cannot be written (StoreError) stops the whole refresh."""
        try:
            outcome = await self._attempt(feed)
        except StoreError:
            raise
        except Exception as exc:  # e.g. a tagger bug met by this feed's text, a broken pool
            outcome = self._crashed(feed, exc)
        return self._finish(outcome)

    def _crashed(self, feed: FeedConfig, exc: Exception) -> FeedOutcome:
        error = clean_line(f"internal error: {exc.__class__.__name__}: {exc}", 300)
        state = self.store.feed_state(feed.url)
        if state is not None:
            failures = state.failures + 1
            self.store.record_fetch(
                state.id,
                FetchRecord(
                    None,
                    error,
                    now_iso(),
                    backoff_until(failures, None),
                    failures,
                    keep_validators=True,
                ),
            )
        return FeedOutcome(feed.url, feed.title or feed.url, "failed", error=error)

    async def _attempt(self, feed: FeedConfig) -> FeedOutcome:
        state = self.store.ensure_feed(feed.url)
        title = feed.title or feed.url
        if self.cancel is not None and self.cancel.is_set():
            return FeedOutcome(feed.url, title, "deferred", error="cancelled")
        due = parse_iso(state.next_due)
        if not self.force and (state.gone or (due and due > datetime.now(UTC))):
            result = "gone" if state.gone else "deferred"
            gone = "gone (HTTP 410); 'refresh --feed URL' checks it again"
            why = gone if state.gone else "backing off"
            return FeedOutcome(feed.url, title, result, error=why)
        resp = await self.fetcher.get(feed.url, state.etag, state.last_modified)
        return await self._handle(feed, state.id, state.failures, state.body_hash, resp, title)

    async def _handle(
        self,
        feed: FeedConfig,
        feed_id: int,
        failures: int,
        old_hash: str | None,
        resp: Response,
        title: str,
    ) -> FeedOutcome:
        checked = now_iso()
        if self.cancel is not None and self.cancel.is_set():
            return FeedOutcome(feed.url, title, "deferred", error="cancelled")
        if resp.error is not None or resp.body is None and not resp.not_modified:
            failures += 1
            gone = resp.status == 410
            error = resp.error or "empty response"
            self.store.record_fetch(
                feed_id,
                FetchRecord(
                    resp.status,
                    error,
                    checked,
                    backoff_until(failures, resp.retry_after),
                    failures,
                    gone=gone,
                    keep_validators=True,
                ),
            )
            return FeedOutcome(
                feed.url, title, "gone" if gone else "failed", status=resp.status, error=error
            )
        if resp.moved_to and self.on_moved is not None:
            self.store.rename_feed(feed.url, resp.moved_to)
            self.on_moved(feed.url, resp.moved_to)
        digest = hashlib.sha1(resp.body).hexdigest() if resp.body is not None else old_hash
        if resp.not_modified or digest == old_hash:
            self.store.record_fetch(
                feed_id,
                FetchRecord(
                    resp.status,
                    None,
                    checked,
                    None,
                    0,
                    resp.etag,
                    resp.last_modified,
                    digest,
                    keep_validators=resp.not_modified,
                ),
            )
            extracted = 0
            if feed.full_text:  # older items, when full text was just turned on; due retries
                extracted = await fetch_full_texts(self.store, self.fetcher, self.pool, feed_id)
            return FeedOutcome(
                feed.url, title, "not_modified", status=resp.status, full_text=extracted
            )
        assert resp.body is not None
        newsroom = self.newsrooms.get(feed.url)
        args = (resp.body, resp.final_url, resp.content_type, newsroom)
        if self.pool is None:
            wire, tags = await asyncio.to_thread(parse_and_tag_rows, *args)
        else:
            loop = asyncio.get_running_loop()
            wire, tags = await loop.run_in_executor(self.pool, parse_and_tag_rows, *args)
        parsed = unpack_feed(wire)
        if not parsed.is_feed:
            error = parsed.error or "not a feed"
            self.store.record_fetch(
                feed_id,
                FetchRecord(
                    resp.status,
                    error,
                    checked,
                    backoff_until(failures + 1, None),
                    failures + 1,
                    keep_validators=True,
                ),
            )
            return FeedOutcome(feed.url, title, "failed", status=resp.status, error=error)
        saved = self.store.save_item_rows(feed_id, parsed.items, tags)
        self.store.record_fetch(
            feed_id,
            FetchRecord(
                resp.status,
                None,
                checked,
                None,
                0,
                resp.etag,
                resp.last_modified,
                digest,
                title=parsed.title or None,
                site_url=parsed.link,
            ),
        )
        extracted = 0
        if feed.full_text:
            extracted = await fetch_full_texts(self.store, self.fetcher, self.pool, feed_id)
        return FeedOutcome(
            feed.url,
            feed.title or parsed.title or feed.url,
            "ok",
            saved.new,
            saved.updated,
            resp.status,
            full_text=extracted,
        )


def _newsrooms(feeds: Sequence[FeedConfig]) -> dict[str, Council | None]:
    wanted = {f.url: f.council for f in feeds if f.council}
    if not wanted:
        return {}
    from civicreader.councils.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    return {url: gaz.lookup(name) for url, name in wanted.items()}


def run_refresh(
    config: Config,
    db_path: Path | str,
    only: Sequence[str] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    workers: int | None = None,
    on_moved: Callable[[str, str], None] | None = None,
    pool: Executor | None = None,
) -> RefreshReport:
    """Refresh the enabled feeds (or just ``only``); raises RefreshBusy if another is running.

    ``pool``: parsing workers the caller started early (``workers.start_pool``), which this
    refresh uses and shuts down; otherwise it starts its own if there are enough feeds."""
    started = datetime.now(UTC)
    try:
        outcomes = _locked_refresh(config, db_path, only, progress, cancel, workers, on_moved, pool)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    order = {f.url: i for i, f in enumerate(config.feeds)}
    outcomes.sort(key=lambda o: order.get(o.url, len(order)))
    return RefreshReport(outcomes, (datetime.now(UTC) - started).total_seconds())


def _locked_refresh(
    config: Config,
    db_path: Path | str,
    only: Sequence[str] | None,
    progress: Progress | None,
    cancel: threading.Event | None,
    workers: int | None,
    on_moved: Callable[[str, str], None] | None,
    given: Executor | None,
) -> list[FeedOutcome]:
    with refresh_lock(db_path) as lock_fd:
        store = Store(db_path)
        try:
            store.bulk_writes()
            store.group_writes()
            store.sync_feeds(config.feeds)
            targets = config.refresh_targets(only)
            pool = given if given is not None else start_pool(len(targets), workers, lock_fd)
            try:
                outcomes = asyncio.run(
                    _run_all(store, config, targets, pool, progress, cancel, on_moved, bool(only))
                )
            except BaseException:  # stopped early (Ctrl-C, a store error): keep whole writes
                with contextlib.suppress(StoreError):
                    store.commit_group()
                raise
            finally:
                if pool is not None and pool is not given:
                    pool.shutdown(wait=True, cancel_futures=True)
            store.end_bulk_writes()
        finally:
            store.close()
    return outcomes


async def _run_all(
    store: Store,
    config: Config,
    targets: list[FeedConfig],
    pool: Executor | None,
    progress: Progress | None,
    cancel: threading.Event | None,
    on_moved: Callable[[str, str], None] | None,
    force: bool,
) -> list[FeedOutcome]:
    async with Fetcher(limits_of(config)) as fetcher:
        run = _Run(
            store,
            fetcher,
            pool,
            len(targets),
            progress,
            cancel,
            _newsrooms(targets),
            on_moved,
            force,
        )
        flusher = asyncio.create_task(_commit_idle_writes(store))
        try:
            await asyncio.gather(*(run.feed(f) for f in targets))
        finally:
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher  # raises the StoreError of a failed idle commit
    return run.outcomes


async def _commit_idle_writes(store: Store) -> None:
    """Commit a group of writes that has waited GROUP_SECONDS while feeds are still coming in
    (slow servers), so readers are never kept from new stories or the write lock for long."""
    while True:
        await asyncio.sleep(GROUP_SECONDS / 2)
        store.commit_group(older_than=GROUP_SECONDS)


__all__ = ["FeedOutcome", "RefreshBusy", "RefreshReport", "run_refresh"]
