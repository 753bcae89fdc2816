"""Feed bytes -> cleaned ``ParsedItem`` objects: identity, dates, links and HTML -> Markdown.

feedparser does the reading; it is given a byte stream (never a string, which it could take for a
path or URL) and the response URL as the base for relative links. Its HTML sanitiser and relative
URI rewriting are switched off because we never render HTML: every body goes through html2text,
and item links are resolved here.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import html2text

from civicreader.model import ParsedItem
from civicreader.sanitize import clean_line, clean_text

MAX_ITEMS = 5_000
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_EARLIEST = 1990
_LATEST_SKEW_DAYS = 2


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed document held: its own title and link, its items, and whether it was a feed."""

    title: str
    link: str | None
    items: tuple[ParsedItem, ...]
    is_feed: bool
    error: str | None = None


def _converter() -> html2text.HTML2Text:
    conv = html2text.HTML2Text()
    conv.body_width = 0
    conv.ignore_images = True
    conv.unicode_snob = True
    conv.protect_links = True
    conv.single_line_break = False
    conv.inline_links = True
    return conv


def html_to_markdown(value: str, base: str | None = None) -> str:
    """Readable Markdown from an HTML fragment; plain text passes through untouched."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value
    conv = _converter()
    if base:
        conv.baseurl = base
    try:
        return conv.handle(value)
    except Exception:  # html2text on hostile markup: fall back to the raw text, never fail a feed
        return value


def safe_link(value: str | None, base: str | None) -> str | None:
    """An absolute link resolved against the feed URL; any scheme is kept (shown, never opened)."""
    if not value:
        return None
    value = clean_line(value, 4_000)
    if not value:
        return None
    try:
        return urljoin(base, value) if base else value
    except ValueError:
        return value


def _date(entry: Any, now: datetime) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if not parsed:
            continue
        try:
            when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
        except (OverflowError, ValueError, OSError):
            continue
        if when.year < _EARLIEST or (when - now).days > _LATEST_SKEW_DAYS:
            continue  # impossible dates: better unknown than wrong
        return when
    return None


def _body(entry: Any) -> tuple[str, str]:
    """(summary html, fullest content html) of an entry."""
    summary = entry.get("summary") or ""
    contents = entry.get("content") or []
    best = max((c.get("value") or "" for c in contents), key=len, default="")
    return summary, best if len(best) > len(summary) else summary


def _identity(guid: str | None, link: str | None, title: str, text: str) -> str:
    if guid:
        return "guid:" + guid
    if link:
        return "link:" + link
    return "hash:" + hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse one feed document. Never raises for bad input; ``is_feed`` tells if it was one."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        doc = feedparser.parse(
            io.BytesIO(data),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser is tolerant, but hostile bytes must not stop a refresh
        return ParsedFeed("", None, (), False, f"unreadable feed: {exc.__class__.__name__}")
    feed = doc.get("feed", {})
    version = doc.get("version") or ""
    entries = doc.get("entries", [])[:MAX_ITEMS]
    now = datetime.now(UTC)
    items: dict[str, ParsedItem] = {}
    for entry in entries:
        item = _item(entry, url, now)
        items.setdefault(item.key, item)  # several entries sharing an id: the first one wins
    is_feed = bool(version) or bool(items)
    error = None
    if not is_feed:
        looks_html = (content_type or "").split(";")[0].strip() in _HTML_TYPES or data[
            :512
        ].lstrip().lower().startswith((b"<!doctype html", b"<html"))
        error = "an HTML page, not a feed" if looks_html else "not a feed"
    return ParsedFeed(
        title=clean_line(feed.get("title")),
        link=safe_link(feed.get("link"), url),
        items=tuple(items.values()),
        is_feed=is_feed,
        error=error,
    )


def _item(entry: Any, base: str, now: datetime) -> ParsedItem:
    link = safe_link(entry.get("link"), base)
    guid = clean_line(entry.get("id"), 2_000) or None
    title = clean_line(html_to_markdown(entry.get("title") or "").replace("\n", " "))
    summary_html, body_html = _body(entry)
    summary = clean_text(html_to_markdown(summary_html, link or base))
    text = summary if body_html is summary_html else clean_text(html_to_markdown(body_html, base))
    if guid and urlsplit(guid).scheme == "" and guid.startswith("/"):
        guid = urljoin(base, guid)  # a root-relative permalink guid names the same page as the link
    content_hash = hashlib.sha1(f"{title}\n{link}\n{text}".encode()).hexdigest()
    return ParsedItem(
        key=_identity(guid, link, title, text),
        title=title or "(untitled)",
        link=link,
        guid=guid,
        published=_date(entry, now),
        author=clean_line(entry.get("author")) or None,
        summary=summary,
        text=text,
        content_hash=content_hash,
    )
