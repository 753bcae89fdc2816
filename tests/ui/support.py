"""Stories, helpers and the Reader handle shared by the reader's tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicreader.model import Config, FeedConfig, ItemQuery
from civicreader.services import Library
from civicreader.ui.app import CivicReaderApp
from civicreader.ui.launch import build_app

from conftest import LoopbackServer, rss  # tests/conftest.py

HOSTILE = "[bold red]ALERT[/] [@click=app.quit]x[/]"

COUNCIL_WATCH = [
    {
        "title": "Government acknowledges Blackpool children's services improvements",
        "link": "https://news.example/cw/blackpool-direction-lifted",
        "guid": "cw-1",
        "description": "<p>Blackpool Council has welcomed the lifting of a government direction"
        " on its children's services.</p><p>See <a href='https://x.example/'>"
        "the letter</a>.</p>",
        "pubDate": "Wed, 05 Jun 2024 09:00:00 GMT",
    },
    {
        "title": "Essex praised in SEND peer review",
        "link": "https://news.example/cw/essex-send",
        "guid": "cw-2",
        "description": "<p>Essex County Council was praised by peers for its SEND work.</p>",
        "pubDate": "Mon, 20 May 2024 09:00:00 GMT",
    },
    {
        "title": HOSTILE,
        "link": "javascript:alert(1)",
        "guid": "cw-3",
        "description": "<p>[bold]not bold[/bold] and [@click=app.quit]click[/]</p>",
        "pubDate": "Wed, 01 May 2024 09:00:00 GMT",
    },
]
INSPECTION_NEWS = [
    {
        "title": "DfE commissions Essex CC to review Blackpool Council's 'inadequate'"
        " children's services",
        "link": "https://news.example/in/blackpool-essex-review",
        "guid": "in-1",
        "description": "<p>Essex County Council will review Blackpool Council's children's"
        " services after an inadequate Ofsted rating.</p>",
        "pubDate": "Wed, 27 Mar 2019 09:00:00 GMT",
    },
    {
        "title": "Ofsted rates Blackpool children's services inadequate",
        "link": "https://news.example/in/blackpool-ofsted",
        "guid": "in-2",
        "description": "<p>Inspectors found widespread failings at Blackpool Council.</p>",
        "pubDate": "Tue, 22 Jan 2019 09:00:00 GMT",
    },
    {
        "title": "Leeds City Council sets its budget",
        "link": "https://news.example/in/leeds-budget",
        "guid": "in-3",
        "description": "<p>Leeds City Council agreed its budget for the year.</p>",
        "pubDate": "Wed, 01 Feb 2023 09:00:00 GMT",
    },
]


@dataclass
class Reader:
    """A filled database and the config that filled it."""

    db: Path
    config: Config
    server: LoopbackServer

    def app(self, **kwargs: object) -> CivicReaderApp:
        app = build_app(self.db, self.config, auto_refresh=False)
        for key, value in kwargs.items():
            setattr(app, key, value)
        return app  # type: ignore[no-any-return]

    def library(self) -> Library:
        return Library(self.db)

    def id_of(self, title: str) -> int:
        with self.library() as lib:
            return next(r.id for r in lib.items(ItemQuery(limit=0)) if r.title == title)


def make_config(server: LoopbackServer, broken: bool = False) -> Config:
    server.add("/watch.xml", rss(COUNCIL_WATCH, "Council Watch"))
    server.add("/inspect.xml", rss(INSPECTION_NEWS, "Inspection News"))
    feeds = [
        FeedConfig(server.url("/watch.xml"), title="Council Watch"),
        FeedConfig(server.url("/inspect.xml"), title="Inspection News"),
    ]
    if broken:
        server.add("/broken.xml", b"oops", status=500)
        feeds.append(FeedConfig(server.url("/broken.xml"), title="Broken Borough"))
    return Config(feeds=tuple(feeds))


async def settle(pilot: object, rounds: int = 4) -> None:
    """Let workers finish and their results reach the screen."""
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(rounds):
        await pilot.pause()  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def screen_text(app: object) -> str:
    """Everything on the terminal, as plain text lines."""
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in strips)


def notices(app: Any) -> list[str]:
    """Messages of the notifications currently shown."""
    return [note.message for note in app._notifications]
