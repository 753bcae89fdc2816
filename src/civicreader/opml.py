"""OPML import and export.

Real OPML files are often not well-formed XML (most often a raw ``&`` in a description), so
import goes strict parse -> repaired text -> regex scan of ``<outline>`` tags, keeping as much
as it can. It never expands entities (a DOCTYPE is refused or stripped first) and never runs
anything: newsboat's ``|command``, ``exec:`` and ``filter:`` entries and every other non-http(s)
address are skipped and reported.
"""

from __future__ import annotations

import codecs
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.entities import html5
from typing import NoReturn
from xml.parsers import expat

from civicreader.config import normalise_url, url_problem
from civicreader.model import FeedConfig
from civicreader.sanitize import clean_line

MAX_OPML_BYTES = 20 * 1024 * 1024
MAX_TITLE = 300

_DOCTYPE = re.compile(r"<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.I | re.S)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ENTITY = re.compile(r"&(#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAG = re.compile(r"<(/?)outline\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>", re.I)
_ATTR = re.compile(r"([A-Za-z_][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_COMMANDISH = re.compile(r"^\s*(\||exec:|filter:|query:)", re.I)


class OpmlError(ValueError):
    """The file cannot be imported at all (too large)."""


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """An outline that was not imported, and why."""

    title: str
    url: str
    reason: str


@dataclass(slots=True)
class OpmlImport:
    """What an OPML file yielded: feeds in file order, skipped entries, file-level notes."""

    feeds: list[FeedConfig] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _Refused(Exception):
    """A DOCTYPE or entity declaration: never parsed, whatever it says."""


class _Collector:
    """Turns a stream of outline open/close events into feeds, with folder titles as tags."""

    def __init__(self) -> None:
        self.result = OpmlImport()
        self.folders: list[str | None] = []  # one per open outline; None for a feed outline
        self.seen: set[str] = set()
        self.root: str | None = None

    def start(self, attrs: dict[str, str]) -> None:
        get = {k.lower(): v for k, v in attrs.items()}.get
        name = _clean(get("text")) or _clean(get("title"))
        url = (get("xmlurl") or "").strip()
        if not url:
            self.folders.append(name or None)
            return
        self.folders.append(None)
        problem = _url_reason(url)
        if problem:
            self.result.skipped.append(SkippedEntry(name, url[:200], problem))
            return
        key = normalise_url(url)
        if key in self.seen:
            self.result.skipped.append(SkippedEntry(name, url, "duplicate of an earlier entry"))
            return
        self.seen.add(key)
        tags = [f for f in self.folders if f]
        for cat in (get("category") or "").split(","):
            cat = _clean(cat.strip().strip("/"))
            if cat:
                tags.append(cat)
        if get("filtercmd"):
            self.result.problems.append(f"{url}: filter command ignored (never run)")
        title = name if name and name != url else None
        self.result.feeds.append(FeedConfig(url=url, title=title, tags=tuple(dict.fromkeys(tags))))

    def end(self) -> None:
        if self.folders:
            self.folders.pop()


def _clean(value: str | None) -> str:
    return clean_line(value, MAX_TITLE)


def _url_reason(url: str) -> str | None:
    if _COMMANDISH.match(url):
        return "a command, not a feed URL (never run)"
    return url_problem(url, allow_file=False)


def _expat(data: bytes, collector: _Collector) -> None:
    """Strict, non-expanding parse: any DOCTYPE or entity declaration aborts it."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> NoReturn:
        raise _Refused("DOCTYPE or entity declarations are not accepted")

    def start(tag: str, attrs: dict[str, str]) -> None:
        if collector.root is None:
            collector.root = tag
        if tag.lower() == "outline":
            collector.start(attrs)

    def end(tag: str) -> None:
        if tag.lower() == "outline":
            collector.end()

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.Parse(data, True)


def _decode(data: bytes) -> str:
    """Best-effort text: BOM, then declared encoding, then UTF-8, then Windows-1252."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    candidates = ["utf-8", "cp1252"]
    m = _ENCODING.match(data)
    if m:
        try:
            candidates.insert(0, codecs.lookup(m.group(1).decode("ascii")).name)
        except LookupError:
            pass
    for enc in candidates:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _repair_entity(m: re.Match[str]) -> str:
    ref = m.group(1)
    if ref is None:
        return "&amp;"
    if ref.startswith("#") or ref[:-1] in ("amp", "lt", "gt", "quot", "apos"):
        return m.group(0)
    char = html5.get(ref)
    return html.escape(char) if char else "&amp;" + ref


def _repair(text: str) -> str:
    """Text an XML parser will accept if the only faults are the usual ones."""
    text = _XML_DECL.sub("", _DOCTYPE.sub("", text), count=1)
    return _ENTITY.sub(_repair_entity, _XML_ILLEGAL.sub("", text))


def _scan_tags(text: str, collector: _Collector) -> None:
    """Last resort: read outline tags with a regex, nesting from open/close tags."""
    text = _DOCTYPE.sub("", text)
    for m in _TAG.finditer(text):
        if m.group(1):
            collector.end()
            continue
        attrs = {a.group(1): html.unescape(a.group(2) or a.group(3) or "") for a in
                 _ATTR.finditer(m.group(2))}  # fmt: skip
        collector.start(attrs)
        if m.group(3):
            collector.end()


def _attempt(fn: Callable[[_Collector], None]) -> _Collector | None:
    collector = _Collector()
    try:
        fn(collector)
    except (expat.ExpatError, _Refused, ValueError):
        return None
    return collector


def parse_opml(data: bytes) -> OpmlImport:
    """Read subscriptions from OPML bytes, tolerating the malformed files found in the wild."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"OPML file too large ({len(data):,} bytes; limit {MAX_OPML_BYTES:,})")
    collector = _attempt(lambda c: _expat(data, c))
    notes: list[str] = []
    if collector is None:
        text = _decode(data)
        if _DOCTYPE.search(text):
            notes.append("DOCTYPE ignored; entities are never expanded")
        repaired = _repair(text).encode("utf-8")
        collector = _attempt(lambda c: _expat(repaired, c))
        if collector is None:
            collector = _Collector()
            _scan_tags(text, collector)
            notes.append("not well-formed XML; outlines read by a tolerant scan")
        else:
            notes.append("not well-formed XML; repaired (e.g. bare '&') before reading")
    result = collector.result
    if collector.root is not None and collector.root.lower() != "opml":
        notes.append(f"root element is <{collector.root}>, not <opml>; outlines read anyway")
    if not result.feeds and not result.skipped:
        notes.append("no feeds found")
    result.problems[:0] = notes
    return result


def export_opml(feeds: Sequence[FeedConfig], title: str = "civicreader subscriptions") -> str:
    """OPML 2.0: each feed under a folder named after its first tag, other tags in ``category``."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_safe(title)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.tags:
            tag = _xml_safe(feed.tags[0])
            if tag not in folders:
                folders[tag] = ET.SubElement(body, "outline", text=tag, title=tag)
            parent = folders[tag]
        name = _xml_safe(feed.title or "") or feed.url
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": _xml_safe(feed.url)}
        if len(feed.tags) > 1:
            attrs["category"] = ",".join(_xml_safe(t) for t in feed.tags[1:])
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _xml_safe(value: str) -> str:
    """Characters XML 1.0 cannot carry at all are dropped rather than breaking the file."""
    return _XML_ILLEGAL.sub("", value)
