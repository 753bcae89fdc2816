"""The CPU-bound steps of a refresh, as plain functions a worker process can run.

They take and return picklable values only, so refresh can hand them to a process pool and keep
both cores busy while the event loop keeps fetching.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any

from civicreader.model import Council, Mention, ParsedFeed, ParsedItem, TagRow, tag_rows

POOL_THRESHOLD = 4  # fewer feeds than this are parsed in-process: a pool would cost more
Tags = list[Mention]
# A parsed feed as plain tuples, for the trip back from a worker: pickling a frozen dataclass
# runs Python code per field, and the feed's ~30 items cost 2.5x as much that way.
WireFeed = tuple[str, str | None, bool, str | None, list[tuple[Any, ...]]]
_ITEM_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(ParsedItem)))


def tag_item(item: ParsedItem, newsroom: Council | None = None) -> Tags:
    return tag_text(item.title, item.text, item.published, newsroom)


def tag_text(title: str, text: str, published: object, newsroom: Council | None = None) -> Tags:
    """Councils of one story; a council's own newsroom is always about that council."""
    from civicreader.councils.tagger import tag

    mentions = tag(title, text, published)  # type: ignore[arg-type]
    if newsroom is not None and all(m.council.code != newsroom.code for m in mentions):
        mentions = [*mentions, Mention(council=newsroom, salience=0.5, in_lead=True, count=0)]
    return mentions


def parse_and_tag(
    data: bytes, url: str, content_type: str | None, newsroom: Council | None = None
) -> tuple[ParsedFeed, list[Tags]]:
    from civicreader.parse import parse_feed  # feedparser is a worker's import, not the parent's

    parsed = parse_feed(data, url, content_type)
    return parsed, [tag_item(item, newsroom) for item in parsed.items]


def parse_and_tag_rows(
    data: bytes, url: str, content_type: str | None, newsroom: Council | None = None
) -> tuple[WireFeed, list[list[TagRow]]]:
    """``parse_and_tag`` for a process pool: the feed (``unpack_feed`` makes it whole again)
    and its tags come back as plain tuples."""
    parsed, tags = parse_and_tag(data, url, content_type, newsroom)
    return pack_feed(parsed), [tag_rows(mentions) for mentions in tags]


def pack_feed(parsed: ParsedFeed) -> WireFeed:
    items = [_ITEM_FIELDS(item) for item in parsed.items]
    return parsed.title, parsed.link, parsed.is_feed, parsed.error, items


def unpack_feed(wire: WireFeed) -> ParsedFeed:
    title, link, is_feed, error, items = wire
    return ParsedFeed(title, link, tuple(ParsedItem(*fields) for fields in items), is_feed, error)


def extract_and_tag(
    body: bytes, url: str, title: str, published: object, charset: str | None = None
) -> tuple[str | None, Tags]:
    """Article text from a page (``charset``: the HTTP header's, which beats ``<meta>``), and
    the councils it names (with the item's title)."""
    from civicreader.councils.tagger import tag
    from civicreader.extract import extract_article

    text = extract_article(body, url, charset=charset)
    if not text:
        return None, []
    return text, tag(title, text, published)  # type: ignore[arg-type]
