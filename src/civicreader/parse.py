"""Feed bytes -> cleaned ``ParsedItem`` objects: identity, dates, links and HTML -> Markdown.

feedparser does the reading; it is given a byte stream (never a string, which it could take for a
path or URL) and the response URL as the base for relative links. Its HTML sanitiser and relative
URI rewriting are switched off because we never render HTML: every body goes through html2text,
and item links are resolved here.

Two feedparser weaknesses are closed before it sees a document (see ``_safe_doctype``): internal
entity declarations (a "quadratic blowup" entity of 50 KB used 20,000 times took 36 s and 3 GB)
and long runs of whitespace before the root element (its DOCTYPE regexes are quadratic there).
Numeric character references that name no character (surrogates, > U+10FFFF) would make
feedparser give up on the whole document; they become U+FFFD instead.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import feedparser.api
import html2text

from civicreader.model import ParsedItem
from civicreader.sanitize import clean_line, clean_text

MAX_ITEMS = 20_000  # entries kept per document (the first ones: feeds list newest first)
MAX_TITLE_HTML = 16_000  # raw title markup converted; the stored title is capped far below this
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


_HEAD_END = re.compile(rb"<\w")
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>?")
_SPACE_RUN = re.compile(rb"\s{2,}")
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_feedparser_replace_doctype = getattr(
    feedparser.api.replace_doctype, "__wrapped__", feedparser.api.replace_doctype
)


def _one_space(m: re.Match[bytes]) -> bytes:
    return b"\n" if b"\n" in m.group(0) else b" "


def _safe_doctype(data: bytes) -> tuple[str | None, bytes, dict[str, str]]:
    """feedparser's DOCTYPE step, run on a prolog without entity declarations or long blanks.

    feedparser calls this after converting the document to UTF-8, so it works whatever the
    original encoding. With no declarations left, feedparser neither hands entities to expat nor
    expands them in its loose parser; an undeclared reference stays as literal text.
    """
    head = _HEAD_END.search(data)
    cut = head.start() if head else len(data)
    prolog = _SPACE_RUN.sub(_one_space, _ENTITY_DECL.sub(b" ", data[:cut]))
    return _feedparser_replace_doctype(prolog + data[cut:])  # type: ignore[no-any-return]


_safe_doctype.__wrapped__ = _feedparser_replace_doctype  # type: ignore[attr-defined]
feedparser.api.replace_doctype = _safe_doctype  # type: ignore[assignment]


def _valid_char_ref(m: re.Match[bytes]) -> bytes:
    hex_digits, digits = m.group(1), m.group(2)
    code = int(hex_digits, 16) if hex_digits else int(digits)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xFFFD;"
    return m.group(0)


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
    data = _CHAR_REF.sub(_valid_char_ref, data)
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


def _scheme(value: str) -> str | None:
    try:
        return urlsplit(value).scheme
    except ValueError:  # e.g. an unclosed "[" read as an IPv6 host
        return None


def _item(entry: Any, base: str, now: datetime) -> ParsedItem:
    link = safe_link(entry.get("link"), base)
    guid = clean_line(entry.get("id"), 2_000) or None
    raw_title = (entry.get("title") or "")[:MAX_TITLE_HTML]
    title = clean_line(html_to_markdown(raw_title).replace("\n", " "))
    summary_html, body_html = _body(entry)
    summary = clean_text(html_to_markdown(summary_html, link or base))
    text = summary if body_html is summary_html else clean_text(html_to_markdown(body_html, base))
    if guid and guid.startswith("/") and _scheme(guid) == "":
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
