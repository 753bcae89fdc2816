"""Feed text that tries to drive the terminal: escape sequences, C1 controls, backspaces, bidi
overrides and Rich/Textual markup. After a refresh, nothing the CLI prints may carry a control
character (other than newline and tab), and markup must appear literally."""

from __future__ import annotations

import pytest

from reliability.conftest import CONTROL, Setup, no_controls

from conftest import LoopbackServer

MARKUP = "[bold red]ALARM[/bold red] [link=https://evil.example]x[/link] [@click=app.quit]q[/]"
# In XML 1.0 these characters are not allowed even as references, so the document is not
# well-formed and feedparser's loose parser reads it: the hardest path for sanitising.
NASTY_TITLE = (
    "Clear\x1b[2J screen \x1b]0;owned title\x07 clip\x1b]52;c;ZWNobyBoaQ==\x07 "
    "back\x08\x08\x08spaces C1\u009b31m\u0085 bidi\u202eevil"
)
# Escaped HTML whose own character references decode to controls only when the HTML is read.
NASTY_BODY = (
    "&lt;p&gt;Body \x1b[31mred\x1b[0m and &amp;#27;[2J entity-escaped "
    "&amp;#x9b;6n &amp;#8238;rtl &amp;#7;bell&lt;/p&gt;"
)


def _feed(items: list[tuple[str, str, str]], title: str) -> bytes:
    """RSS with raw (unescaped) control characters, as a hostile server would send it."""
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://127.0.0.1/</link>"
    ]
    for guid, item_title, body in items:
        parts.append(
            f"<item><guid>{guid}</guid><title>{item_title}</title>"
            f"<author>a\x1b[8mhidden</author>"
            f"<description>{body}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


@pytest.fixture
def hostile(server: LoopbackServer, setup: Setup) -> Setup:
    raw = _feed(
        [("esc", NASTY_TITLE, NASTY_BODY), ("markup", MARKUP, f"<p>{MARKUP}</p>")],
        "Feed\x1b]0;x\x07 title",
    )
    # The same text, well-formed: control characters as references feedparser will decode.
    escaped = raw.replace(b"\x1b", b"&#27;").replace(b"\x07", b"&#7;").replace(b"\x08", b"&#8;")
    server.add("/raw.xml", raw)
    server.add("/escaped.xml", escaped)
    setup.write([server.url("/raw.xml"), server.url("/escaped.xml")])
    run = setup.refresh()
    assert run.code == 0, run.err
    return setup


def _clean(text: str) -> None:
    found = CONTROL.search(text)
    assert found is None, f"control character {found.group()!r} near {text[:200]!r}"


def test_listing_and_show_print_no_control_characters(hostile: Setup) -> None:
    listing = hostile.cli("items", "list")
    assert listing.code == 0 and listing.out.count("\n") == 4
    _clean(listing.out)
    ids = [item["id"] for item in hostile.cli("items", "list", "--json").json()]
    for item_id in ids:
        shown = hostile.cli("show", str(item_id))
        assert shown.code == 0
        _clean(shown.out)
        data = hostile.cli("show", str(item_id), "--json").json()
        no_controls(data)
    no_controls(hostile.cli("items", "list", "--json").json())
    _clean(hostile.cli("feeds", "list").out)
    no_controls(hostile.cli("feeds", "list", "--json").json())


def test_escape_sequences_are_defused_not_dropped(hostile: Setup) -> None:
    """The printable remains stay (a reader can see something odd was sent), the ESC is gone."""
    titles = [i["title"] for i in hostile.cli("items", "list", "--json").json()]
    nasty = [t for t in titles if t.startswith("Clear")]
    assert len(nasty) == 2
    for title in nasty:
        assert "[2J screen" in title and "]0;owned title" in title and "bidievil" in title


def test_markup_is_shown_literally(hostile: Setup) -> None:
    listing = hostile.cli("items", "list").out
    assert listing.count(MARKUP) == 2
    for item in hostile.cli("items", "list", "--json").json():
        if item["title"] == MARKUP:
            shown = hostile.cli("show", str(item["id"])).out
            assert shown.startswith(MARKUP + "\n")
            assert "[bold red]ALARM" in shown.split("\n", 3)[-1]  # the body, as text
