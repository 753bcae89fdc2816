"""Full-text mode: fetch each item's page and keep the article extracted from it.

Pages go through the same Fetcher as feeds, so they share its concurrency, per-host and size
limits. An item whose article was extracted is never fetched again; one whose page failed for a
passing reason (a timeout, a 5xx, a 429) is tried again a few times, hours apart, and one that
failed for good (a 404, not HTML, no article) keeps its note.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from civicreader.extract import MAX_BYTES, is_html
from civicreader.fetch import PAGE_ACCEPT, Fetcher
from civicreader.pipeline import extract_and_tag
from civicreader.sanitize import clean_line
from civicreader.store import Store

if TYPE_CHECKING:
    from concurrent.futures import Executor


_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([^\"';\s]+)", re.IGNORECASE)


def _unusable(content_type: str | None, body: bytes) -> str | None:
    """Why a fetched page is not worth extracting (a note for the reader), or None."""
    if not is_html(content_type, body):
        mime = clean_line((content_type or "").split(";", 1)[0], 80) or "no content type"
        return f"not an HTML page ({mime}); showing the feed text"
    if len(body) > MAX_BYTES:
        limit = MAX_BYTES // 1_000_000
        return f"page larger than the {limit} MB extraction limit; showing the feed text"
    return None


# Failures that the same request will meet again: only the others are retried.
_LASTING = ("larger than", "redirect", "more than", "invalid URL", "unsupported", "corrupt")


def _passing(status: int | None, error: str) -> bool:
    """A timeout, a dropped connection, a 5xx or a 429: worth trying again later."""
    if status is not None and status >= 400:
        return status >= 500 or status == 429
    return not error.startswith(_LASTING)


async def _one(
    store: Store,
    fetcher: Fetcher,
    pool: Executor | None,
    item_id: int,
    link: str,
    title: str,
    published: object,
) -> bool:
    resp = await fetcher.get(link, accept=PAGE_ACCEPT)
    if resp.error is not None or resp.body is None:
        passing = _passing(resp.status, resp.error or "")
        note = f"full article not fetched: {resp.error or 'no body'}"
        store.set_extract_note(item_id, note + ("; will try again" if passing else ""), passing)
        return False
    problem = _unusable(resp.content_type, resp.body)
    if problem is not None:
        store.set_extract_note(item_id, problem)
        return False
    found = _CHARSET.search(resp.content_type or "")
    args = (resp.body, resp.final_url, title, published, found.group(1) if found else None)
    if pool is None:
        text, mentions = await asyncio.to_thread(extract_and_tag, *args)
    else:
        text, mentions = await asyncio.get_running_loop().run_in_executor(
            pool, extract_and_tag, *args
        )
    if not text:
        store.set_extract_note(item_id, "no article found on the page; showing the feed text")
        return False
    store.set_full_text(item_id, text, mentions)
    return True


async def fetch_full_texts(
    store: Store, fetcher: Fetcher, pool: Executor | None, feed_id: int
) -> int:
    """Extract the articles of the feed's items that need it (new ones, older ones when full
    text was just turned on, and passing failures due again); returns how many succeeded."""
    jobs = [
        _one(store, fetcher, pool, item_id, link, title, published)
        for item_id, link, title, published in store.items_needing_full_text(feed_id)
    ]
    return sum(await asyncio.gather(*jobs)) if jobs else 0


async def fetch_article_now(store: Store, fetcher: Fetcher, item_id: int) -> bool:
    """On demand (the reader's ``f`` key): extract one item's article, even if tried before."""
    article = store.article(item_id)
    if article is None or not article.item.link:
        return False
    if not article.item.link.startswith(("http://", "https://")):
        store.set_extract_note(item_id, "only http(s) pages are fetched")
        return False
    return await _one(
        store, fetcher, None, item_id, article.item.link, article.item.title, article.item.published
    )
