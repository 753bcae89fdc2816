"""Feed text is shown literally: markup in titles and bodies is never obeyed."""

from __future__ import annotations

import pytest

from ui.support import HOSTILE, Reader, notices, screen_text, settle

pytestmark = pytest.mark.anyio


async def test_markup_in_titles_shows_literally_and_does_nothing(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        items = app.screen.items
        index = next(i for i, r in enumerate(items.rows) if r.title == HOSTILE)
        assert HOSTILE in screen_text(app)  # in the list, character for character
        items.move_to(index)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert text.count(HOSTILE) >= 2  # list row and article header
        assert "[bold]not bold[/bold]" in text and "[@click=app.quit]click[/]" in text
        # Clicking on the fake link in the header and the body does not quit.
        header = app.screen.article.query_one("#article-header")
        await pilot.click(header, offset=(len("[bold red]ALERT[/] ") + 2, 0))
        body = app.screen.article.query_one("#article-body")
        await pilot.click(body, offset=(10, 1))
        await settle(pilot)
        assert app.is_running and app.return_code is None
        await pilot.press("o")  # javascript: link is refused
        await settle(pilot)
        assert "Only http and https links are opened." in notices(app)
        assert app.is_running


async def test_no_control_characters_reach_the_screen(reader: Reader) -> None:
    app = reader.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert not any(ord(ch) < 32 and ch != "\n" for ch in text)
