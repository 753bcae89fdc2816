"""Pilot tests: the command palette, unsafe links, auto-refresh, progress, the mouse, panes,
themes and live counts, on databases filled from loopback feeds."""

from __future__ import annotations

import threading
import time
import webbrowser
from dataclasses import replace
from http.server import BaseHTTPRequestHandler

import anyio
import pytest

from civicreader import refresh as refresh_engine
from civicreader.model import FeedConfig, ItemQuery
from civicreader.refresh import run_refresh
from civicreader.ui.screens import refreshing

from conftest import rss
from ui.support import COUNCIL_WATCH, Reader, notices, screen_text, settle

pytestmark = pytest.mark.anyio

LIFTED = COUNCIL_WATCH[0]["title"]


@pytest.mark.parametrize("key", ["c", "ctrl+p"], ids=["c", "palette"])
async def test_c_and_the_palette_jump_to_a_council(reader: Reader, key: str) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        await pilot.press(*"leeds")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.filter.kind == "council"
        assert [r.title for r in app.screen.items.rows] == ["Leeds City Council sets its budget"]
        assert " Leeds" in screen_text(app).splitlines()[0]  # the list's title bar


async def test_o_never_opens_a_file_link(reader: Reader, monkeypatch: pytest.MonkeyPatch) -> None:
    story = {
        "title": "Blackpool local file story",
        "guid": "file-1",
        "link": "file:///etc/passwd",
        "description": "<p>Blackpool.</p>",
        "pubDate": "Tue, 11 Jun 2024 09:00:00 GMT",
    }
    reader.server.add("/watch.xml", rss([story, *COUNCIL_WATCH], "Council Watch"))
    await anyio.to_thread.run_sync(lambda: run_refresh(reader.config, reader.db, workers=1))
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        row = app.screen.items.current
        assert row.title == story["title"]
        await pilot.press("o")
        await settle(pilot)
        assert opened == []
        if row.link:  # kept as given: refused by scheme
            assert row.link.startswith("file:")
            assert "Only http and https links are opened." in notices(app)
        else:
            assert "This story has no link." in notices(app)


async def test_auto_refresh_every_refresh_minutes(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refreshing, "FIRST_AUTO_REFRESH", 0.1)
    monkeypatch.setattr(refreshing, "MINUTE", 0.3)  # refresh_minutes=2 -> every 0.6 s
    reader.config = replace(
        reader.config, settings=replace(reader.config.settings, refresh_minutes=2)
    )
    app = reader.app(background_refresh=True)
    path = "/inspect.xml"
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        first = reader.server.hits.get(path, 0)
        assert first >= 2  # the fixture's refresh, then the first automatic one
        new = {
            "title": "Blackpool Council opens a family hub",
            "guid": "in-9",
            "link": "https://news.example/in/hub",
            "description": "<p>Blackpool Council.</p>",
            "pubDate": "Mon, 10 Jun 2024 09:00:00 GMT",
        }
        from ui.support import INSPECTION_NEWS

        reader.server.add(path, rss([new, *INSPECTION_NEWS], "Inspection News"))
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and app.screen.items.rows[0].title != new["title"]:
            await pilot.pause(0.2)
        assert reader.server.hits[path] > first
        assert app.screen.items.rows[0].title == new["title"]
        assert new["title"] in screen_text(app)


async def test_refresh_progress_shows_in_the_status_line(reader: Reader) -> None:
    release = threading.Event()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        release.wait(15)  # held until the test has seen the progress
        body = rss(COUNCIL_WATCH, "Slow")
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    reader.server.add("/slow.xml", handler=slow)
    reader.config = replace(
        reader.config, feeds=(*reader.config.feeds, FeedConfig(reader.server.url("/slow.xml")))
    )
    app = reader.app()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("r")
            seen = ""
            deadline = time.monotonic() + 12
            while time.monotonic() < deadline and "3/4 feeds" not in seen:
                await pilot.pause(0.1)
                seen = screen_text(app).splitlines()[-2]
            assert "Refreshing 3/4 feeds" in seen
            await pilot.press("j")  # the reader keeps answering keys during the refresh
            assert app.screen.items.cursor == 1
            release.set()
            await app.workers.wait_for_complete()
            await settle(pilot)
            assert "Refreshed: 3/4 feeds fine" in screen_text(app).splitlines()[-2]
    finally:
        release.set()


async def test_mouse_clicks_choose_views_and_open_stories(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        items = app.screen.items
        await pilot.click(items, offset=(20, 1))
        assert items.cursor == 1
        await pilot.double_click(items, offset=(20, 1))
        await settle(pilot)
        assert app.screen.article.item.id == items.rows[1].id
        sidebar = app.screen.sidebar
        index = next(
            i for i, o in enumerate(sidebar.options) if (o.id or "").startswith("council:")
        )
        await pilot.click(sidebar, offset=(3, index))
        await settle(pilot)
        assert app.screen.filter.kind == "council"


async def test_highlight_preview_and_live_unread_counts(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert " Council Watch              3" in screen_text(app)
        await pilot.press("j")
        await pilot.pause()
        header = app.screen.article.query_one("#article-header")
        assert "Essex praised in SEND peer review" in screen_text(app).split("▔")[-1]
        assert header.display
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(1.0)  # counts reload once the reader pauses
        await settle(pilot)
        assert " Council Watch              2" in screen_text(app)
        with reader.library() as lib:
            assert lib.count(ItemQuery(unread=True)) == 5


async def test_t_changes_the_theme_and_it_is_kept(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"nord")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
    with reader.library() as lib:
        assert lib.get_setting("theme") == "nord"


async def test_a_refresh_that_dies_says_so(reader: Reader, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(refresh_engine, "run_refresh", broken)  # the screen imports it per run
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        status = screen_text(app).splitlines()[-2]
        assert "Refresh failed: OSError: disk full" in status and "Refreshing" not in status
        await pilot.press("r")  # and a new refresh may start
        await settle(pilot)
        assert "A refresh is already running." not in notices(app)
