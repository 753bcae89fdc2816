"""The founding scenario in the reader, as the issue checks it in a real terminal: the seed
publisher sites on loopback, a refresh, then search, open, Related and quit at 100x30 and 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicreader.config import load_config
from civicreader.model import ItemQuery
from civicreader.refresh import run_refresh
from civicreader.services import Library
from civicreader.ui.launch import build_app

from conftest import LoopbackServer, write_config
from ui.support import screen_text, settle

pytestmark = pytest.mark.anyio

LIFTED = "Government acknowledges Blackpool children's services improvements"
REVIEW = "DfE commissions Essex CC to review Blackpool Council's 'inadequate' children's services"


def related_text(app: object) -> str:
    """The Related section as one line of words (titles wrap on narrow terminals)."""
    related = app.screen.article.query_one("#related")  # type: ignore[attr-defined]
    lines = [strip.text for strip in related.render_lines(related.region.reset_offset)]
    return " ".join(" ".join(lines).split())


@pytest.fixture
def seed_db(seed_server: LoopbackServer, tmp_path: Path) -> tuple[Path, object]:
    config_path = write_config(
        tmp_path / "feeds.toml",
        [seed_server.url("/localgov/rss.xml"), seed_server.url("/pse/feed.xml")],
    )
    config = load_config(config_path)
    db = tmp_path / "seed.db"
    report = run_refresh(config, db, workers=1)
    assert report.new == 8
    return db, config


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_search_open_related_and_quit(seed_db, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    db, config = seed_db
    app = build_app(db, config, auto_refresh=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        first = screen_text(app)
        assert LIFTED in first  # whole, in the preview of the highlighted story
        assert app.screen.items.rows[0].title == LIFTED
        await pilot.press("slash", *"acknowledges Blackpool", "enter")
        await settle(pilot)
        assert [r.title for r in app.screen.items.rows] == [LIFTED]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.article.item.title == LIFTED
        assert "Councils: Blackpool Borough Council" in screen_text(app)
        assert REVIEW in related_text(app)
        if size[0] >= 100:
            assert REVIEW in screen_text(app)  # on one line, not cut
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0
    with Library(db) as lib:
        assert lib.article(_id(lib, LIFTED)).item.read  # type: ignore[union-attr]


def _id(lib: Library, title: str) -> int:
    return next(r.id for r in lib.items(ItemQuery(limit=0)) if r.title == title)
