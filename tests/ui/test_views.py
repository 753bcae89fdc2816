"""Pilot tests: links, search, councils, panes, refresh, errors, persistence and quitting."""

from __future__ import annotations

import webbrowser

import anyio
import pytest

from civicreader.locking import refresh_lock
from civicreader.model import ItemQuery

from conftest import rss
from ui.support import COUNCIL_WATCH, HOSTILE, Reader, notices, screen_text, settle

pytestmark = pytest.mark.anyio

LIFTED = COUNCIL_WATCH[0]["title"]


async def test_o_opens_http_links_only(reader: Reader, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://news.example/cw/blackpool-direction-lifted"]
        items = app.screen.items
        items.move_to(next(i for i, r in enumerate(items.rows) if r.title == HOSTILE))
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://news.example/cw/blackpool-direction-lifted"]
        assert "Only http and https links are opened." in notices(app)


async def test_y_copies_the_link(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard == "https://news.example/cw/blackpool-direction-lifted"


async def test_slash_searches_and_escape_clears(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"acknowledges Blackpool")
        await pilot.press("enter")
        await settle(pilot)
        assert [r.title for r in app.screen.items.rows] == [LIFTED]
        assert "Search: acknowledges Blackpool" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "DfE commissions Essex CC" in screen_text(app)  # its Related section
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen.items.rows) == 6


async def test_saved_search_persists(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ofsted", "enter")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert "/ ofsted" in screen_text(app)
    with reader.library() as lib:
        assert lib.get_setting("searches") == '["ofsted"]'
    again = reader.app()
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "/ ofsted" in screen_text(again)


async def test_sidebar_enter_filters_by_council(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sidebar = app.screen.sidebar
        sidebar.focus()
        sidebar.select_key(
            "council:"
            + next(cc.council.code for cc in app.screen.councils if "Essex" in cc.council.name)
        )
        await pilot.press("enter")
        await settle(pilot)
        titles = {r.title for r in app.screen.items.rows}
        assert titles == {
            "Essex praised in SEND peer review",
            "DfE commissions Essex CC to review Blackpool Council's 'inadequate'"
            " children's services",
        }


async def test_tab_cycles_zoom_and_hide_skipping_hidden_panes(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert screen.focused is screen.items
        await pilot.press("tab")
        assert screen.focused is screen.article
        await pilot.press("z")  # the article alone fills the screen
        assert screen.maximized is screen.article
        assert LIFTED in screen_text(app) and "All stories" not in screen_text(app)
        await pilot.press("z")
        assert screen.maximized is None
        await pilot.press("tab")
        assert screen.focused.id == "related"
        await pilot.press("tab")
        assert screen.focused is screen.sidebar
        await pilot.press("tab", "z")
        assert screen.maximized is screen.items
        await pilot.press("z")
        assert screen.maximized is None
        await pilot.press("h")
        assert not screen.sidebar.display
        await pilot.press("shift+tab", "shift+tab", "shift+tab")  # a hidden pane takes no focus
        assert screen.focused is not screen.sidebar
        await pilot.press("v")
        assert not screen.article.display
        await pilot.press("h", "v")
        assert screen.sidebar.display and screen.article.display


async def test_refresh_adds_stories_without_moving_the_reader(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        items = app.screen.items
        await pilot.press("j", "j")
        chosen = items.current
        new = {
            "title": "Blackpool Council opens new family hub",
            "guid": "cw-9",
            "link": "https://news.example/cw/hub",
            "description": "<p>Blackpool.</p>",
            "pubDate": "Mon, 10 Jun 2024 09:00:00 GMT",
        }
        reader.server.add("/watch.xml", rss([new, *COUNCIL_WATCH], "Council Watch"))
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause(1.3)  # the list reload after progress is debounced
        await settle(pilot)
        assert items.rows[0].title == new["title"]
        assert items.current == chosen or items.current.id == chosen.id  # type: ignore[union-attr]
        text = screen_text(app)
        assert "2/3 feeds fine, 1 new, 1 backing off" in text


async def test_refresh_busy_says_so(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        with refresh_lock(reader.db):
            await pilot.press("r")
            await settle(pilot)
        assert "Another refresh (cron?) is running" in screen_text(app)


async def test_feed_errors_marked_and_shown(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "!Broken Borough" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        text = screen_text(app)
        assert "Feed errors" in text and "HTTP 500" in text
        await pilot.press("escape")
        await pilot.pause()
        assert "Feed errors" not in screen_text(app)


async def test_f_fetches_the_full_article(reader: Reader) -> None:
    page = (
        b"<html><body><article><h1>Direction lifted</h1>"
        + b"".join(
            b"<p>Blackpool Council full story paragraph %d with enough words to be"
            b" kept by the extractor as article text.</p>" % i
            for i in range(8)
        )
        + b"</article></body></html>"
    )
    link = reader.server.add("/story.html", page, headers={"Content-Type": "text/html"})
    item = {
        "title": "Blackpool full text story",
        "guid": "ft-1",
        "link": link,
        "description": "<p>Short summary.</p>",
        "pubDate": "Tue, 11 Jun 2024 09:00:00 GMT",
    }
    reader.server.add("/watch.xml", rss([item, *COUNCIL_WATCH], "Council Watch"))
    from civicreader.refresh import run_refresh

    await anyio.to_thread.run_sync(lambda: run_refresh(reader.config, reader.db, workers=1))
    app = reader.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot, rounds=6)
        with reader.library() as lib:
            article = lib.article(reader.id_of("Blackpool full text story"))
        assert article is not None and article.full_text
        await pilot.press("space")  # page past the header and the Related section
        await pilot.pause()
        assert "full story paragraph 1" in screen_text(app)
        assert "Full article stored." in notices(app)


async def test_position_and_theme_are_remembered(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")
        chosen = app.screen.items.current
        app.theme = "nord"
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0
    with reader.library() as lib:
        assert lib.get_setting("theme") == "nord"
    again = reader.app()
    assert again.theme == "nord"
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert again.screen.items.current.id == chosen.id  # type: ignore[union-attr]


async def test_help_lists_the_keys(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "jump to a council" in text and "read the next / previous related story" in text
        await pilot.press("escape")
        await pilot.pause()
        assert "jump to a council" not in screen_text(app)


async def test_q_quits_with_status_zero(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0
    with reader.library() as lib:
        assert lib.count(ItemQuery()) == 6
