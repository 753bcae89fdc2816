"""Article page -> main story text as Markdown, for full-text mode.

Pure: no I/O, no logging setup. The page is hostile, so every failure (not HTML, too big, empty,
unparsable, no article) is ``None``, never an exception, and the output carries no control
characters.

Extractor choice (``bench/extract_compare.py``, 8 seed pages, 34 story paragraphs): trafilatura
with ``favor_precision`` kept 34/34 paragraphs and all 8 headlines and leaked no furniture (job
rail, newsletter and promo boxes, comments, "last word"/sidebar rails). Its defaults leak the PSE
comments box; readability-lxml also leaked nothing but dropped the ``<h1>`` on the 5 LocalGov
pages; jusText kept 18/34 paragraphs and leaked the promo, comments and "last word" boxes. All
took about 1-3 ms a page.
"""

from __future__ import annotations

import codecs
import re

import html2text

MAX_BYTES = 5_000_000
MIN_TEXT_CHARS = 80  # shorter than a two-sentence news brief: a stub, an error page or a menu

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Types that sometimes carry HTML mislabelled by servers: decide from the body instead.
_SNIFF_TYPES = ("", "text/plain", "application/octet-stream", "application/x-unknown")
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# WHATWG "rules for identifying an unknown MIME type" (abridged): what an HTML document opens with.
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p"
    rb"|meta|article|main|header|section|!--)[\s>/]",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(
    rb"<meta\b[^>]{0,500}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE
)
# C0/C1 controls (keeping tab and newline), DEL, lone surrogates, BOM/interlinear annotation,
# and bidi overrides/isolates/marks, which can make a terminal line read differently.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
# A table of links is a rail, not data: more than half its cells hold a link.
_LINK_TABLES = (
    "//table[count(.//*[self::td or self::th][.//a]) * 2 > count(.//*[self::td or self::th])]"
)


def is_html(content_type: str | None, body: bytes) -> bool:
    """Whether a response is an HTML page worth extracting.

    A declared HTML type is trusted unless the body is plainly a binary format; a missing or
    generic type is decided by sniffing how the body starts; any other type is not HTML.
    """
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    head = body[:1024]
    if head.startswith(_BINARY_MAGIC):
        return False
    if mime in _HTML_TYPES:
        return True
    if mime not in _SNIFF_TYPES:
        return False
    for bom, _ in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    head = head.lstrip(b" \t\r\n\x0c").lower()
    if head.startswith(b"<?xml"):  # XHTML, but not an RSS/Atom feed or other XML
        return b"<html" in head
    return _HTML_START.match(head) is not None


def extract_article(
    html: bytes | str,
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    charset: str | None = None,
) -> str | None:
    """Return the page's main article as Markdown, or None when there is no usable article.

    ``charset`` is the HTTP Content-Type charset if the caller has one; it beats ``<meta>`` but
    not a byte-order mark. Pages over ``max_bytes`` are refused before decoding or parsing.
    """
    if _too_big(html, max_bytes):
        return None
    text = html if isinstance(html, str) else decode_html(html, charset)
    text = _CONTROL.sub("", _NEWLINES.sub("\n", text))
    probe = text[:1024].encode("utf-8", "replace")
    if not text.strip() or not is_html(None, probe):
        return None
    try:
        markdown = _run_extractor(text, url)
    except Exception:  # noqa: BLE001 - hostile input (incl. RecursionError) must not crash a refresh
        return None
    if not markdown:
        return None
    cleaned = _CONTROL.sub("", _TRAILING_SPACE.sub("", markdown))
    cleaned = _BLANK_RUNS.sub("\n\n", cleaned).strip()
    return cleaned if len(cleaned) >= MIN_TEXT_CHARS else None


def decode_html(body: bytes, charset: str | None = None) -> str:
    """Decode page bytes: BOM, then declared charset, then ``<meta>``, else UTF-8 with U+FFFD."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, "replace")
    for candidate in (charset, _meta_charset(body)):
        codec = _usable_encoding(candidate)
        if codec:
            try:
                return body.decode(codec, "replace")
            except (LookupError, ValueError):  # e.g. a codec that is not a text encoding
                continue
    return body.decode("utf-8", "replace")


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _usable_encoding(name: str | None) -> str | None:
    """Map a declared label to a Python codec, as browsers do for the common mislabels."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    if codec.name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # browsers read these labels as windows-1252
    if codec.name.startswith("utf-16") or codec.name.startswith("utf-32"):
        return "utf-8"  # a <meta> cannot truthfully declare UTF-16 in an ASCII-readable page
    return codec.name


def _too_big(html: bytes | str, max_bytes: int) -> bool:
    if isinstance(html, bytes):
        return len(html) > max_bytes
    if len(html) > max_bytes:  # every character is at least one byte
        return True
    return len(html) * 4 > max_bytes and len(html.encode("utf-8", "replace")) > max_bytes


def _run_extractor(text: str, url: str) -> str | None:
    """trafilatura for precision (no comments, images or link tables), then html2text.

    Rendering trafilatura's clean HTML with html2text (as feed summaries are rendered) keeps
    markup characters in the prose literal; trafilatura's own Markdown backslash-escapes them.
    Links are dropped: reading text stays plain and URLs cannot feed the council tagger.
    """
    import trafilatura  # ~140 ms to import: only when a page is extracted, never per refresh

    body = trafilatura.extract(
        text,
        url=url,
        output_format="html",
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        prune_xpath=_LINK_TABLES,
        include_images=False,
        include_links=False,
        include_formatting=True,
        deduplicate=False,
        with_metadata=False,
    )
    if not body:
        return None
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_links = True
    converter.ignore_images = True
    converter.unicode_snob = True
    return converter.handle(body)
