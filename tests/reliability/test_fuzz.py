"""A bounded fuzz pass over parse -> tag -> store with hypothesis: random and structured feed
bytes never raise, never store a control character, and saving the same parse twice changes
nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.pipeline import parse_and_tag
from civicreader.store import Store
from reliability.conftest import no_controls

PIECES = [
    "\x1b[2J",
    "\x1b]0;t\x07",
    "\x1b]52;c;aGk=\x07",
    "\x9b",
    "\x85",
    "\x08",
    "\x00",
    "\u202e",
    "\ufeff",
    "&#27;",
    "&#x9b;",
    "&#xD800;",
    "&#1114112;",
    "&#0;",
    "&bogus;",
    "&amp;",
    "&lt;b&gt;",
    "<b>",
    "</p>",
    "<script>x</script>",
    "]]>",
    "<![CDATA[",
    "[bold]x[/bold]",
    "Blackpool Council",
    "Ynys Môn",
    "\r\n",
    "\t",
    "javascript:alert(1)",
    "http://[::1",
    "/relative",
    "file:///etc/x",
]
TEXT = st.lists(
    st.one_of(
        st.sampled_from(PIECES), st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
    ),
    max_size=8,
).map("".join)
DATES = st.one_of(
    st.sampled_from(
        [
            "Mon, 01 Jan 0001 00:00:00 +0000",
            "Fri, 31 Dec 9999 23:59:59 +0000",
            "Fri, 30 Feb 2024 09:00:00 +0000",
            "2024-06-04T09:00:00Z",
            "",
        ]
    ),
    TEXT,
)


def _wrap(value: str, how: str) -> str:
    if how == "cdata":
        return f"<![CDATA[{value}]]>"
    if how == "escaped":
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value  # raw: often not well-formed, so the loose parser reads it


@st.composite
def entries(draw: st.DrawFn, atom: bool) -> str:
    how = draw(st.sampled_from(["raw", "cdata", "escaped"]))
    fields = {
        "title": _wrap(draw(TEXT), how),
        "link": _wrap(draw(st.one_of(st.sampled_from(PIECES[-4:]), TEXT)), "escaped"),
        "guid": _wrap(draw(st.sampled_from(["same", "", "g1", "/p/1"]) | TEXT), "escaped"),
        "description": _wrap(draw(TEXT), how),
        "date": _wrap(draw(DATES), "escaped"),
    }
    keep = draw(st.sets(st.sampled_from(sorted(fields))))
    if atom:
        names = {
            "title": "title",
            "link": "link",
            "guid": "id",
            "description": "content",
            "date": "updated",
        }
        parts = [
            f'<link href="{fields[k]}"/>'
            if k == "link"
            else f"<{names[k]}>{fields[k]}</{names[k]}>"
            for k in sorted(keep)
        ]
        return "<entry>" + "".join(parts) + "</entry>"
    names = {
        "title": "title",
        "link": "link",
        "guid": "guid",
        "description": "description",
        "date": "pubDate",
    }
    return "<item>" + "".join(f"<{names[k]}>{fields[k]}</{names[k]}>" for k in keep) + "</item>"


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["rss", "atom", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2_000))
    atom = kind == "atom"
    body = "".join(draw(st.lists(entries(atom), max_size=6)))
    title = _wrap(draw(TEXT), "escaped")
    if atom:
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{body}</feed>'
    else:
        doc = f'<rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "ascii"]))
    declared = draw(st.sampled_from([encoding, "utf-8", "bogus-charset"]))
    data = f'<?xml version="1.0" encoding="{declared}"?>{doc}'.encode(encoding, "replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # truncated mid-document
    return data


COLUMNS = "key, guid, link, title, author, summary, text"


def test_parse_and_store_never_fail(tmp_path: Path) -> None:
    store = Store(tmp_path / "fuzz.db", councils=lambda code: None)
    counter = iter(range(1_000_000))

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=documents(), content_type=st.sampled_from([None, "text/html", "text/xml"]))
    def check(data: bytes, content_type: str | None) -> None:
        parsed, tags = parse_and_tag(data, "http://127.0.0.1/feed.xml", content_type)
        no_controls([parsed.title, parsed.link, parsed.error])
        feed_id = store.ensure_feed(f"http://127.0.0.1/f{next(counter)}").id
        first = store.save_items(feed_id, parsed.items, tags)
        assert first.new == len(parsed.items)
        again = store.save_items(feed_id, parsed.items, tags)
        assert (again.new, again.updated) == (0, 0)
        rows = store.conn.execute(f"SELECT {COLUMNS} FROM items WHERE feed_id = ?", (feed_id,))
        no_controls([list(r) for r in rows])

    try:
        check()
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "fuzz.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
