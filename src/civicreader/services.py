"""Where the store, the gazetteer and the tagger meet: the API the CLI and the reader use.

``Library`` is the read/write facade over one database connection. It resolves council names
for callers, so neither the CLI nor the UI ever sees SQL or register internals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from civicreader.model import (
    Article,
    Config,
    Council,
    FeedStatus,
    ItemQuery,
    ItemRow,
    RelatedItem,
)
from civicreader.readable import html_to_markdown
from civicreader.sanitize import clean_text
from civicreader.store import Store

if TYPE_CHECKING:
    import threading

    from civicreader.refresh import Progress, RefreshReport


@dataclass(frozen=True, slots=True)
class CouncilCount:
    council: Council
    stories: int


class UnknownCouncil(ValueError):
    """A council name or code that the gazetteer does not know."""


def resolve_council(name: str) -> Council:
    """A council from a name, GSS code or register code, or UnknownCouncil."""
    from civicreader.councils.gazetteer import load_gazetteer

    council = load_gazetteer().lookup(name)
    if council is None:
        raise UnknownCouncil(f"unknown council {name!r}")
    return council


class Library:
    """One connection to one database; open one per thread."""

    def __init__(self, db_path: Path | str) -> None:
        self.store = Store(db_path)

    def close(self) -> None:
        self.store.close()

    def interrupt(self) -> None:
        """Stop a query running in another thread (the reader does this when it quits)."""
        self.store.conn.interrupt()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def items(self, query: ItemQuery) -> list[ItemRow]:
        return self.store.list_items(query)

    def count(self, query: ItemQuery) -> int:
        return self.store.count_items(query)

    def article(self, item_id: int) -> Article | None:
        """The story with its body as Markdown (made here, on demand, not at refresh)."""
        article = self.store.article(item_id)
        if article is None or article.body_format == "markdown":
            return article
        text = article.text
        if article.body_format == "html":
            text = clean_text(html_to_markdown(text, article.item.link))
        return replace(article, text=text, body_format="markdown")

    def related(self, item_id: int, limit: int = 20) -> list[RelatedItem]:
        return self.store.related(item_id, limit)

    def feeds(self) -> list[FeedStatus]:
        return self.store.feed_statuses()

    def councils(self) -> list[CouncilCount]:
        out = []
        for code, stories in self.store.council_counts():
            council = self.store.council(code)
            if council is not None:
                out.append(CouncilCount(council, stories))
        return out

    def mark_read(self, ids: Iterable[int], read: bool = True) -> None:
        self.store.set_read(ids, read)

    def mark_query_read(self, query: ItemQuery) -> int:
        """Mark every item matching ``query`` read (not just one page); returns how many."""
        ids = self.store.item_ids(replace(query, limit=0, offset=0))
        self.store.set_read(ids, True)
        return len(ids)

    def star(self, ids: Iterable[int], starred: bool = True) -> None:
        self.store.set_starred(ids, starred)

    def total(self) -> int:
        return self.store.total_items()

    def get_setting(self, key: str) -> str | None:
        return self.store.get_meta(f"ui.{key}")

    def set_setting(self, key: str, value: str) -> None:
        self.store.set_meta(f"ui.{key}", value)


def refresh(
    config: Config,
    db_path: Path | str,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> RefreshReport:
    """Refresh every enabled feed (the reader's ``r`` and timer); raises RefreshBusy when
    another refresh holds the database. The engine is imported on first use."""
    from civicreader.refresh import run_refresh

    return run_refresh(config, db_path, progress=progress, cancel=cancel)


def retag(db_path: Path | str, batch: int = 2_000) -> int:
    """Re-tag every stored item (after a gazetteer change); returns how many were tagged.

    Tags come from the same function refresh uses, so a council's own newsroom keeps its council.
    """
    from civicreader.councils.gazetteer import load_gazetteer
    from civicreader.pipeline import tag_text

    gazetteer = load_gazetteer()
    store = Store(db_path)
    done = 0
    try:
        for rows in store.texts_for_tagging(batch):
            tagged = []
            for item_id, title, text, published, council in rows:
                newsroom = gazetteer.lookup(council) if council else None
                tagged.append((item_id, tag_text(title, text, published, newsroom)))
            store.replace_tags(tagged)
            done += len(rows)
    finally:
        store.close()
    return done


def fetch_full_article(config: Config, db_path: Path | str, item_id: int) -> bool:
    """Fetch one story's page now and keep the article extracted from it (the reader's ``f``).

    Blocking: run it in a worker thread. Uses the same limits as a refresh.
    """
    import asyncio

    from civicreader.fetch import Fetcher
    from civicreader.fulltext import fetch_article_now
    from civicreader.refresh import limits_of

    async def run() -> bool:
        store = Store(db_path)
        try:
            async with Fetcher(limits_of(config)) as fetcher:
                return await fetch_article_now(store, fetcher, item_id)
        finally:
            store.close()

    return asyncio.run(run())
