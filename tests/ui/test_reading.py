"""Pilot tests: opening, moving, related stories, history and marks, checked on screen and in
the store."""

from __future__ import annotations

import pytest

from civicreader.model import ItemQuery

from ui.support import COUNCIL_WATCH, INSPECTION_NEWS, Reader, screen_text, settle

pytestmark = pytest.mark.anyio

LIFTED = COUNCIL_WATCH[0]["title"]
REVIEW = INSPECTION_NEWS[0]["title"]
OFSTED = INSPECTION_NEWS[1]["title"]


async def test_first_screen_lists_stories_newest_first(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        titles = [row.title for row in screen.items.rows]
        assert titles[0] == LIFTED
        assert len(titles) == 6
        text = screen_text(app)
        assert "Government acknowledges Blackpool" in text
        assert "Council Watch" in text and "Inspection News" in text
        assert "Blackpool" in text.split("Government acknowledges Blackpool", 1)[1].split("\n")[0]


async def test_enter_opens_marks_read_and_shows_related(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Blackpool Council has welcomed" in text
        assert "Councils: Blackpool" in text
        related = app.screen.article.query_one("#related")
        titles = [app.screen.items.rows[0].title]
        assert titles == [LIFTED]
        assert REVIEW[:40] in text  # the 2019 story, from another publisher, in Related
        assert related.option_count >= 3
        with reader.library() as lib:
            assert lib.article(reader.id_of(LIFTED)).item.read  # type: ignore[union-attr]


async def test_j_k_and_arrows_move_the_cursor(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        items = app.screen.items
        await pilot.press("j", "j", "down")
        assert items.cursor == 3
        await pilot.press("k", "up")
        assert items.cursor == 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.article.item.title == items.rows[1].title


async def test_related_enter_and_brackets_and_back(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("]")
        await settle(pilot)
        first = screen.article.item.title
        assert first != LIFTED
        assert "Related to: Government acknowledges" in screen_text(app)
        await pilot.press("]")
        await settle(pilot)
        second = screen.article.item.title
        assert second not in (first, LIFTED)
        await pilot.press("[")
        await settle(pilot)
        assert screen.article.item.title == first
        await pilot.press("b")  # history: LIFTED, first, second (then [ back to first)
        await settle(pilot)
        assert screen.article.item.title == second
        await pilot.press("b", "b")
        await settle(pilot)
        assert screen.article.item.title == LIFTED
        # Enter on a related story opens it with its own related list.
        related = screen.article.query_one("#related")
        related.focus()
        related.highlighted = next(i for i, o in enumerate(related.options) if not o.disabled)
        target = screen.article.query_one("#related").targets[related.highlighted_option.id]
        await pilot.press("enter")
        await settle(pilot)
        assert screen.article.item.id == target
        assert "Related to:" not in screen_text(app)


async def test_space_pages_the_article(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        article = app.screen.article
        assert article.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert article.scroll_y > 0


async def test_n_and_shift_n_go_to_unread(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        items = app.screen.items
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert items.cursor == 1
        assert app.screen.article.item.id == items.rows[1].id
        assert items.rows[1].read
        await pilot.press("j", "j")
        await pilot.press("N")
        await settle(pilot)
        # rows 0 and 1 are read now, so N from row 3 lands on row 2
        assert items.cursor == 2


async def test_m_toggles_read_in_the_store(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        row = app.screen.items.rows[0]
        assert not row.read
        await pilot.press("m")
        await settle(pilot)
        with reader.library() as lib:
            assert lib.article(row.id).item.read  # type: ignore[union-attr]
        assert app.screen.items.rows[0].read
        await pilot.press("m")
        await settle(pilot)
        with reader.library() as lib:
            assert not lib.article(row.id).item.read  # type: ignore[union-attr]


async def test_capital_a_marks_the_list_read(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        with reader.library() as lib:
            assert lib.count(ItemQuery(unread=True)) == 0
        assert all(row.read for row in app.screen.items.rows)
        assert "●" not in screen_text(app)


async def test_s_stars_in_the_store(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "s")
        await settle(pilot)
        row = app.screen.items.rows[1]
        with reader.library() as lib:
            assert [r.id for r in lib.items(ItemQuery(starred=True))] == [row.id]
        assert "★" in screen_text(app)


@pytest.fixture
def many(server, tmp_path):  # type: ignore[no-untyped-def]
    """260 stories, all read but the oldest, which is beyond the first page of the list."""
    from civicreader.model import Config, FeedConfig
    from civicreader.refresh import run_refresh

    from conftest import rss
    from ui.support import Reader

    stories = [
        {
            "title": f"Story {n:03d}",
            "guid": f"s{n}",
            "link": f"https://news.example/{n}",
            "description": "Text.",
            "pubDate": f"Mon, {1 + n % 28:02d} Jan {2000 + n // 28} 09:00:00 GMT",
        }
        for n in range(260)
    ]
    server.add("/many.xml", rss(stories, "Many"))
    config = Config(feeds=(FeedConfig(server.url("/many.xml"), title="Many"),))
    reader = Reader(tmp_path / "many.db", config, server)
    run_refresh(config, reader.db, workers=1)
    with reader.library() as lib:
        lib.mark_query_read(ItemQuery())
        oldest = lib.items(ItemQuery(limit=0))[-1]
        lib.mark_read([oldest.id], False)
    return reader, oldest.id


async def test_n_finds_an_unread_story_beyond_the_loaded_pages(many) -> None:  # type: ignore[no-untyped-def]
    reader, oldest = many
    app = reader.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(app.screen.items.rows) < 260  # only the first page is loaded
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.items.current.id == oldest
        assert app.screen.article.item.id == oldest
