"""A pass over feedparser's and newsboat's test feeds: nothing crashes, and well-formed feeds
have their titles and links stored (links absolute)."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest

from civicreader.model import ItemQuery
from civicreader.parse import parse_feed
from civicreader.readable import html_to_markdown
from civicreader.sanitize import clean_line
from civicreader.store import Store

from conftest import SHARED, shared_path

BASE = "http://example.org/feeds/feed.xml"
CORPORA = [
    "feedparser-tests/wellformed",
    "feedparser-tests/illformed",
    "feedparser-tests/encoding",
    "feedparser-tests/entities",
    "feedparser-tests/http",
    "feedparser-tests/compression",
    "newsboat-fixtures",
]


def _files(corpus: str) -> list[Path]:
    root = SHARED / "corpora" / corpus
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix != ".opml" and p.name not in ("LICENSE", "README.md")
    )


@pytest.mark.parametrize("corpus", CORPORA)
def test_corpus_parses_and_stores(corpus: str, tmp_path: Path) -> None:
    shared_path("corpora", corpus)
    store = Store(tmp_path / "corpus.db", councils=lambda code: None)
    checked = 0
    for n, path in enumerate(_files(corpus)):
        data = path.read_bytes()
        parsed = parse_feed(data, BASE)  # must never raise
        feed = store.ensure_feed(f"{BASE}?{n}")
        store.save_items(feed.id, parsed.items, [[] for _ in parsed.items])
        reference = feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-location": BASE, "content-type": "application/xml"},
        )
        if reference.bozo or not parsed.items:
            continue
        stored = store.list_items(ItemQuery(feed=f"{BASE}?{n}", limit=0))
        assert len(stored) == len(parsed.items), path
        titles = {i.title for i in parsed.items}
        links = {i.link for i in parsed.items}
        ids = [e.get("id") for e in reference.entries]
        for entry in reference.entries:
            if entry.get("id") and ids.count(entry.get("id")) > 1:
                continue  # entries sharing an id are one item: the first is kept
            title = (entry.get("title") or "").strip()
            if title and "<" not in title and "&" not in title:
                assert clean_line(title) in titles, path
            if entry.get("link"):
                assert urljoin(BASE, clean_line(entry["link"])) in links, path
                checked += 1
        assert all(link is None or urlsplit(link).scheme for link in links), path
    store.close()
    if corpus.endswith("wellformed"):
        assert checked > 50  # the pass really looked at links


def test_relative_links_resolve_against_the_response_url() -> None:
    data = (
        b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
        b"<link>/news/a.html</link></item><item><title>b</title><link>b.html</link>"
        b"</item></channel></rss>"
    )
    parsed = parse_feed(data, "https://council.example/feeds/rss.xml")
    assert [i.link for i in parsed.items] == [
        "https://council.example/news/a.html",
        "https://council.example/feeds/b.html",
    ]


def test_items_without_guid_or_link_get_a_content_identity() -> None:
    data = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>same</title><description>x</description></item>"
        b"<item><title>other</title><description>y</description></item>"
        b"</channel></rss>"
    )
    first = parse_feed(data, BASE)
    again = parse_feed(data, BASE)
    assert [i.key for i in first.items] == [i.key for i in again.items]
    assert len({i.key for i in first.items}) == 2
    assert all(i.key.startswith("hash:") for i in first.items)


def test_html_bodies_become_plain_text_and_markdown_and_markup_stays_text() -> None:
    data = (
        b'<rss version="2.0"><channel><title>t</title><item><title>[bold red]ALERT[/]'
        b"</title><guid>g</guid><description>&lt;p&gt;One &lt;b&gt;two&lt;/b&gt;&lt;/p&gt;"
        b"&lt;ul&gt;&lt;li&gt;three&lt;/li&gt;&lt;/ul&gt;\x1b[2J</description></item>"
        b"</channel></rss>"
    )
    item = parse_feed(data, BASE).items[0]
    assert item.title == "[bold red]ALERT[/]"
    assert item.text == "One two\n\nthree\n\n[2J"  # plain words for search and tagging
    assert item.body_format == "html" and "\x1b" not in item.body and "\x1b" not in item.text
    markdown = html_to_markdown(item.body)  # what the reader shows
    assert "**two**" in markdown and "* three" in markdown


def test_not_a_feed_is_reported() -> None:
    parsed = parse_feed(b"<!doctype html><html><body>Hello</body></html>", BASE, "text/html")
    assert not parsed.is_feed and parsed.error == "an HTML page, not a feed"
    assert not parse_feed(b"", BASE).is_feed


def test_identity_is_guid_else_absolute_link_else_content_hash() -> None:
    doc = (
        b'<rss version="2.0"><channel><title>t</title>'
        b'<item><guid isPermaLink="false">12345</guid><link>/a.html</link><title>a</title></item>'
        b"<item><link>/b.html</link><title>b</title></item>"
        b"<item><title>c</title><description>only text</description></item>"
        b"</channel></rss>"
    )
    keys = [i.key for i in parse_feed(doc, "https://council.example/feeds/rss.xml").items]
    assert keys[:2] == ["guid:12345", "link:https://council.example/b.html"]
    assert keys[2].startswith("hash:")
    edited = doc.replace(b"<title>a</title>", b"<title>A!</title>").replace(
        b"<title>b</title>", b"<title>B!</title>"
    )
    again = [i.key for i in parse_feed(edited, "https://council.example/feeds/rss.xml").items]
    assert again == keys  # a new title is an edit of the same item, not a new one
