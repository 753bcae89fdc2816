"""Full-text mode: fetch each item's page and keep the article extracted from it.

Pages go through the same Fetcher as feeds, so they share its concurrency, per-host and size
limits. An item whose article was extracted (or whose extraction failed, with a note) is never
fetched again.
"""

from __future__ import annotations

import asyncio
import codecs
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from civicreader.extract import MAX_BYTES, decode_html, is_html
from civicreader.fetch import PAGE_ACCEPT, Fetcher
from civicreader.model import ParsedItem
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


def _with_http_charset(body: bytes, content_type: str | None) -> bytes:
    """The page as UTF-8 behind a BOM when only the HTTP header names its charset: extraction
    reads a BOM, then <meta>, then assumes UTF-8, so a windows-1252 page would be garbled."""
    found = _CHARSET.search(content_type or "")
    if found is None:
        return body
    return codecs.BOM_UTF8 + decode_html(body, found.group(1)).encode("utf-8", "replace")


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
        store.set_extract_note(item_id, f"full article not fetched: {resp.error or 'no body'}")
        return False
    problem = _unusable(resp.content_type, resp.body)
    if problem is not None:
        store.set_extract_note(item_id, problem)
        return False
    body = _with_http_charset(resp.body, resp.content_type)
    args = (body, resp.final_url, title, published)
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
    store: Store,
    fetcher: Fetcher,
    pool: Executor | None,
    feed_id: int,
    ids: Sequence[int],
    items: Sequence[ParsedItem],
) -> int:
    """Extract the articles of the given new items; returns how many succeeded."""
    wanted = store.items_needing_full_text(feed_id, list(ids))
    if not wanted:
        return 0
    by_link = {i.link: i for i in items}
    jobs = []
    for item_id, link in wanted:
        source = by_link.get(link)
        title = source.title if source else ""
        published = source.published if source else None
        jobs.append(_one(store, fetcher, pool, item_id, link, title, published))
    results = await asyncio.gather(*jobs)
    return sum(results)


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
