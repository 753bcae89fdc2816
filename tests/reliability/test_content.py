"""Hostile or broken documents: each is a clear per-feed error or is stored sanely, bounded in time
and memory, and never stored twice."""

from __future__ import annotations

import random
import time
import tracemalloc

import pytest

from civicreader import pipeline
from civicreader.parse import parse_feed
from reliability.conftest import Setup

from conftest import LoopbackServer, rss

HEAD = b'<?xml version="1.0"?>\n'
CHANNEL = b'<rss version="2.0"><channel><title>t</title><item><guid>one</guid><title>x</title>'
END = b"</item></channel></rss>"


def _doc(body: bytes, prolog: bytes = b"") -> bytes:
    return HEAD + prolog + CHANNEL + b"<description>" + body + b"</description>" + END


def _errors(server: LoopbackServer, setup: Setup, bodies: dict[str, bytes]) -> dict[str, str]:
    urls = {
        name: server.add(
            f"/{name}", body, headers={"Content-Type": "text/html"} if name == "html" else {}
        )
        for name, body in bodies.items()
    }
    setup.write(list(urls.values()))
    run = setup.refresh("--json")
    assert run.code == 1
    result = {f["url"]: f for f in run.json()["feeds"]}
    return {name: result[url]["error"] for name, url in urls.items()}


def test_things_that_are_not_feeds(server: LoopbackServer, setup: Setup) -> None:
    noise = random.Random(7).randbytes(64 * 1024)
    errors = _errors(
        server,
        setup,
        {
            "html": b"<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>",
            "empty": b"",
            "noise": noise,
        },
    )
    assert errors == {
        "html": "an HTML page, not a feed",
        "empty": "not a feed",
        "noise": "not a feed",
    }
    assert setup.rows("SELECT count(*) FROM items") == [(0,)]


def _peak(data: bytes) -> tuple[object, int]:
    tracemalloc.start()
    try:
        parsed = parse_feed(data, "http://127.0.0.1/feed")
        return parsed, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_billion_laughs_is_not_expanded() -> None:
    decls = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    parsed, peak = _peak(_doc(b"&lol9;", b"<!DOCTYPE rss [" + decls + b"]>"))
    assert parsed.is_feed and "lollol" not in parsed.items[0].text  # type: ignore[attr-defined]
    assert peak < 20 * 1024 * 1024


def test_quadratic_blowup_is_not_expanded() -> None:
    """One 50 KB entity used 20,000 times: 1 GB if expanded (it once took 36 s and 3 GB)."""
    prolog = b'<!DOCTYPE rss [<!ENTITY a "' + b"A" * 50_000 + b'">]>'
    parsed, peak = _peak(_doc(b"&a;" * 20_000, prolog))
    item = parsed.items[0]  # type: ignore[attr-defined]
    assert "AAAA" not in item.text and item.text.startswith("&a;&a;")
    assert peak < 50 * 1024 * 1024


def test_whitespace_before_the_root_is_not_quadratic() -> None:
    """feedparser's DOCTYPE regexes were quadratic here: 100 KB of newlines took 39 s."""
    started = time.monotonic()
    parsed = parse_feed(_doc(b"ok", b"\n" * 400_000 + b"<!ENTITY" * 50_000), "http://x/")
    assert parsed.is_feed and len(parsed.items) == 1
    assert time.monotonic() - started < 10


def test_element_with_thousands_of_attributes_is_refused() -> None:
    """feedparser's strict parser is quadratic in attributes: 50,000 would take minutes."""
    attrs = b" ".join(b"a%d='1'" % i for i in range(50_000))
    data = HEAD + CHANNEL.replace(b"<item>", b"<item " + attrs + b">") + END
    started = time.monotonic()
    parsed = parse_feed(data, "http://x/")
    assert (
        not parsed.is_feed and parsed.error == "refused: an element with more than 1,000 attributes"
    )
    assert time.monotonic() - started < 10


def test_encodings(server: LoopbackServer, setup: Setup) -> None:
    text = rss([{"title": "Cyngor Sir Ynys Môn", "guid": "m"}]).decode()
    utf16 = text.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    mislabelled = rss([{"title": "Café for Ynys Môn", "guid": "c"}]).decode().encode("latin-1")
    a = server.add("/utf16.xml", utf16, headers={"Content-Type": "application/xml"})
    b = server.add(
        "/latin1.xml", mislabelled, headers={"Content-Type": "application/rss+xml; charset=utf-8"}
    )
    setup.write([a, b])
    assert setup.refresh().code == 0
    titles = {t for (t,) in setup.rows("SELECT title FROM items")}
    assert titles == {"Cyngor Sir Ynys Môn", "Café for Ynys Môn"}


def test_items_without_identity_are_stored_once(server: LoopbackServer, setup: Setup) -> None:
    plain = [
        {"title": "No id or link", "description": "Budget agreed."},
        {"title": "Another", "description": "Libraries reviewed."},
    ]
    shared = [{"title": f"Version {i}", "guid": "same-guid"} for i in range(10)]
    a = server.add("/plain.xml", rss(plain), etag=False)
    b = server.add("/shared.xml", rss(shared), etag=False)
    setup.write([a, b])
    for round_ in range(3):
        server.add("/plain.xml", rss(plain, f"Plain {round_}"), etag=False)  # body changes
        server.add("/shared.xml", rss(shared, f"Shared {round_}"), etag=False)
        assert setup.refresh().code == 0
    counts = dict(
        setup.rows(
            "SELECT f.url, count(*) FROM items i JOIN feeds f ON f.id = i.feed_id GROUP BY f.url"
        )
    )
    assert counts == {a: 2, b: 1}
    assert setup.rows("SELECT title FROM items WHERE guid LIKE '%same-guid'") == [("Version 0",)]


def test_impossible_dates(server: LoopbackServer, setup: Setup) -> None:
    dates = [
        "Mon, 01 Jan 0001 00:00:00 +0000",
        "Fri, 31 Dec 9999 23:59:59 +0000",
        "Fri, 30 Feb 2024 09:00:00 +0000",
        "yesterday-ish",
        "Tue, 04 Jun 2024 09:00:00 +0000",
    ]
    items = [{"title": f"D{i}", "guid": f"d{i}", "pubDate": d} for i, d in enumerate(dates)]
    url = server.add("/dates.xml", rss(items))
    setup.write([url])
    assert setup.refresh().code == 0
    listed = {i["title"]: i["published"] for i in setup.cli("items", "list", "--json").json()}
    assert listed == {"D0": None, "D1": None, "D2": None, "D3": None, "D4": "2024-06-04T09:00:00Z"}


def test_odd_links_are_stored_and_never_fetched(server: LoopbackServer, setup: Setup) -> None:
    secret = setup.root / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    items = [
        {"title": "JS", "guid": "js", "link": "javascript:alert(document.cookie)"},
        {"title": "File", "guid": "file", "link": secret.as_uri()},
        {"title": "Data", "guid": "data", "link": "data:text/html,<script>x</script>"},
    ]
    url = server.add("/links.xml", rss(items))
    setup.write([url], full_text=True)  # full-text mode fetches item pages: never these
    run = setup.refresh()
    assert run.code == 0, run.err
    stored = dict(setup.rows("SELECT title, link FROM items"))
    assert stored["JS"] == "javascript:alert(document.cookie)"
    assert stored["Data"] == "data:text/html,<script>x</script>"
    assert stored["File"].startswith("file:") and stored["File"].endswith("/secret.txt")
    for item in setup.cli("items", "list", "--json").json():
        shown = setup.cli("show", str(item["id"]), "--json").json()
        assert "TOP-SECRET" not in str(shown) and shown["full_text"] is False
    assert set(server.hits) == {"/links.xml"}


@pytest.mark.parametrize("ref", [b"&#xD800;", b"&#55296;", b"&#x110000;", b"&#0;"])
def test_character_references_to_nothing_do_not_lose_the_feed(ref: bytes) -> None:
    parsed = parse_feed(_doc(b"before " + ref + b" after"), "http://x/")
    assert parsed.is_feed and parsed.items[0].text in ("before \ufffd after", "before  after")


def test_a_feed_that_crashes_the_pipeline_fails_alone(
    server: LoopbackServer, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug met by one feed's text is that feed's failure; the others are stored."""
    real = pipeline.tag_item

    def fragile(item, newsroom=None):  # type: ignore[no-untyped-def]
        if "BOOM" in item.title:
            raise RuntimeError("tagger tripped")
        return real(item, newsroom)

    monkeypatch.setattr(pipeline, "tag_item", fragile)
    bad = server.add("/bad.xml", rss([{"title": "BOOM", "guid": "b"}]))
    good = server.add("/good.xml", rss([{"title": "Fine", "guid": "g"}]))
    setup.write([bad, good])
    run = setup.refresh()
    assert run.code == 1
    assert f"failed: {bad}: internal error: RuntimeError: tagger tripped" in run.err
    status = setup.feed_json()
    assert status[good]["items"] == 1 and status[good]["last_error"] is None
    assert status[bad]["last_error"] == "internal error: RuntimeError: tagger tripped"
    assert status[bad]["next_attempt"] is not None
