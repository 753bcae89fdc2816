"""Feed bytes -> cleaned ``ParsedItem`` objects: identity, dates, links and plain text.

Plain RSS 2.0 / Atom 1.0 goes through ``fastfeed``; the rest through feedparser, given a byte
stream (never a string, which it could take for a path or URL) and the response URL as the base
for relative links. Its HTML sanitiser and relative URI rewriting are switched off because we never
render HTML: bodies are kept raw for ``readable`` (Markdown when shown) and made plain text here,
and item links are resolved here.

feedparser is hardened where hostile documents hurt it (see ``_harden``, which runs inside it on the
document already converted to UTF-8): internal entity declarations are dropped (a "quadratic
blowup" entity of 50 KB used 20,000 times took 36 s and 3 GB), long runs of whitespace before the
root element are folded (its DOCTYPE regexes are quadratic there: 100 KB of newlines took 39 s),
an element with over 1,000 attributes is refused (its strict parser is quadratic in them), and
numeric character references that name no character become U+FFFD (they made feedparser give up
on the whole document).
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import feedparser.api

from civicreader.fastfeed import join_url, read_fast
from civicreader.model import ParsedFeed, ParsedItem
from civicreader.plaintext import html_to_plain
from civicreader.sanitize import clean_line, clean_text

MAX_ITEMS = 20_000  # entries kept per document (the first ones: feeds list newest first)
MAX_TITLE_HTML = 16_000  # raw title markup converted; the stored title is capped far below this
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_EARLIEST = 1990
_LATEST_SKEW_DAYS = 2


_HEAD_END = re.compile(rb"<\w")
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>?")
_SPACE_RUN = re.compile(rb"\s{2,}")
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
MAX_ATTRIBUTES = 1_000
_CROWDED_TAG = re.compile(
    rb"<[A-Za-z_][\w:.-]*(?:\s+[\w:.-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*')){%d}" % MAX_ATTRIBUTES
)
_CROWDED = f"an element with more than {MAX_ATTRIBUTES:,} attributes"
_feedparser_replace_doctype = getattr(
    feedparser.api.replace_doctype, "__wrapped__", feedparser.api.replace_doctype
)


class Refused(ValueError):
    """A document built to exhaust the parser; refused whole, with the reason."""


def _crowded(data: bytes) -> bool:
    """Whether an element has MAX_ATTRIBUTES attributes or more. Each needs an "=": counting
    them is ~50x cheaper than the pattern, which tries every "<" of the document."""
    return data.count(b"=") >= MAX_ATTRIBUTES and _CROWDED_TAG.search(data) is not None


def _one_space(m: re.Match[bytes]) -> bytes:
    return b"\n" if b"\n" in m.group(0) else b" "


def _valid_char_ref(m: re.Match[bytes]) -> bytes:
    hex_digits, digits = m.group(1), m.group(2)
    code = int(hex_digits, 16) if hex_digits else int(digits)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xFFFD;"
    return m.group(0)


def _harden(data: bytes) -> tuple[str | None, bytes, dict[str, str]]:
    """feedparser's DOCTYPE step, run on a document it can no longer be made to choke on.

    feedparser calls this after converting the document to UTF-8, so it holds whatever the
    original encoding. With no entity declarations left, feedparser neither hands entities to
    expat nor expands them in its loose parser; an undeclared reference stays literal text.
    """
    if _crowded(data):
        raise Refused(_CROWDED)
    data = _CHAR_REF.sub(_valid_char_ref, data)
    head = _HEAD_END.search(data)
    cut = head.start() if head else len(data)
    prolog = _SPACE_RUN.sub(_one_space, _ENTITY_DECL.sub(b" ", data[:cut]))
    return _feedparser_replace_doctype(prolog + data[cut:])  # type: ignore[no-any-return]


_harden.__wrapped__ = _feedparser_replace_doctype  # type: ignore[attr-defined]
feedparser.api.replace_doctype = _harden  # type: ignore[assignment]


def safe_link(value: str | None, base: str | None) -> str | None:
    """An absolute link resolved against the feed URL; any scheme is kept (shown, never opened)."""
    if not value:
        return None
    value = clean_line(value, 4_000)
    if not value:
        return None
    try:
        return join_url(base, value) if base else value
    except ValueError:
        return value


def _date(entry: Any, now: datetime) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # ``in`` first: feedparser's get() maps a missing updated_parsed to published_parsed,
        # with a DeprecationWarning per entry.
        parsed = entry[key] if key in entry else None
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


def _is_html(detail: Any) -> bool:
    kind = (detail or {}).get("type") or "text/html"
    return "html" in kind


def _body(entry: Any) -> tuple[str, bool, str, bool]:
    """(summary, summary is HTML, fullest body, body is HTML) of an entry."""
    summary = entry.get("summary") or ""
    summary_html = _is_html(entry.get("summary_detail"))
    best: Any = None
    for content in entry.get("content") or []:
        if best is None or len(content.get("value") or "") > len(best.get("value") or ""):
            best = content
    if best is not None and len(best.get("value") or "") > len(summary):
        return summary, summary_html, best.get("value") or "", _is_html(best)
    return summary, summary_html, summary, summary_html


def _plain(value: str, is_html: bool) -> str:
    return clean_text(html_to_plain(value) if is_html else value)


def _identity(guid: str | None, link: str | None, title: str, text: str) -> str:
    if guid:
        return "guid:" + guid
    if link:
        return "link:" + link
    return "hash:" + hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()


def parse_feed(
    data: bytes, url: str, content_type: str | None = None, *, fast: bool = True
) -> ParsedFeed:
    """Parse one feed document. Never raises for bad input; ``is_feed`` tells if it was one.

    Plain RSS 2.0 / Atom 1.0 documents are read by ``fastfeed`` (the same entries, ~10x
    faster); everything else, and every document when ``fast`` is False, by feedparser.
    """
    if _crowded(data):  # refused on either path, as documented
        return ParsedFeed("", None, (), False, f"refused: {_CROWDED}")
    doc = read_fast(data, url, content_type) if fast else None
    if doc is not None:
        title, link, version, entries = doc.title, doc.link, "fast", doc.entries
    else:
        try:
            title, link, version, entries = _feedparser(data, url, content_type)
        except Refused as exc:
            return ParsedFeed("", None, (), False, f"refused: {exc}")
        except Exception as exc:  # hostile bytes must not stop a refresh
            return ParsedFeed("", None, (), False, f"unreadable feed: {exc.__class__.__name__}")
    now = datetime.now(UTC)
    items: dict[str, ParsedItem] = {}
    for entry in entries[:MAX_ITEMS]:
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
        title=clean_line(title),
        link=safe_link(link, url),
        items=tuple(items.values()),
        is_feed=is_feed,
        error=error,
    )


def _feedparser(data: bytes, url: str, content_type: str | None) -> tuple[str, Any, str, Any]:
    """(title, link, version, entries) as feedparser reads the document."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    doc = feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    feed = doc.get("feed", {})
    return feed.get("title"), feed.get("link"), doc.get("version") or "", doc.get("entries", [])


def _scheme(value: str) -> str | None:
    try:
        return urlsplit(value).scheme
    except ValueError:  # e.g. an unclosed "[" read as an IPv6 host
        return None


def _item(entry: Any, base: str, now: datetime) -> ParsedItem:
    link = safe_link(entry.get("link"), base)
    guid = clean_line(entry.get("id"), 2_000) or None
    raw_title = (entry.get("title") or "")[:MAX_TITLE_HTML]
    title = clean_line(_plain(raw_title, _is_html(entry.get("title_detail"))))
    summary_raw, summary_is_html, body_raw, body_is_html = _body(entry)
    summary = _plain(summary_raw, summary_is_html)
    text = summary if body_raw is summary_raw else _plain(body_raw, body_is_html)
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
        body=clean_text(body_raw),
        body_format="html" if body_is_html else "text",
    )
