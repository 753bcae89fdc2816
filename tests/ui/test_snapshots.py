"""Screenshots of the reader on fixed stories (fixed dates, fixed links, no clock on screen).

Regenerate with ``pytest tests/ui/test_snapshots.py --snapshot-update`` after a deliberate change.
"""

from __future__ import annotations

from typing import Any

import pytest

from ui.support import Reader, settle

SIZE = (100, 32)


async def _ready(pilot: Any) -> None:
    await settle(pilot)


def test_main_screen(snap_compare: Any, snapshot_reader: Reader) -> None:
    assert snap_compare(snapshot_reader.app(), terminal_size=SIZE, run_before=_ready)


def test_article_with_related(snap_compare: Any, snapshot_reader: Reader) -> None:
    async def open_first(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(snapshot_reader.app(), terminal_size=SIZE, run_before=open_first)


def test_help(snap_compare: Any, snapshot_reader: Reader) -> None:
    async def help_screen(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(snapshot_reader.app(), terminal_size=SIZE, run_before=help_screen)


def test_search(snap_compare: Any, snapshot_reader: Reader) -> None:
    async def search(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("slash", *"blackpool children", "enter")
        await settle(pilot)

    assert snap_compare(snapshot_reader.app(), terminal_size=SIZE, run_before=search)


def test_narrow_terminal(snap_compare: Any, snapshot_reader: Reader) -> None:
    async def open_first(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(snapshot_reader.app(), terminal_size=(80, 24), run_before=open_first)


@pytest.fixture(autouse=True)
def _no_animation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
