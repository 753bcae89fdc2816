"""Details of feeds whose last fetch failed (their last_error), shown on demand with ``e``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from civicreader.model import FeedStatus, iso_utc


def describe(feeds: list[FeedStatus]) -> Text:
    text = Text(end="")
    if not feeds:
        text.append("Every feed fetched fine last time.")
        return text
    for feed in feeds:
        text.append(feed.title or feed.url, style="bold")
        text.append("\n" + feed.url + "\n", style="dim")
        if feed.last_status is not None:
            text.append(f"HTTP {feed.last_status}  ")
        if feed.gone:
            text.append("gone  ", style="bold red")
        text.append(feed.last_error or "")
        if feed.last_checked is not None:
            text.append(f"\nlast checked {iso_utc(feed.last_checked)}", style="dim")
        if feed.next_due is not None:
            text.append(f", next try after {iso_utc(feed.next_due)}", style="dim")
        text.append("\n\n")
    return text


class FeedErrorsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,e", "dismiss", "Close")]

    def __init__(self, feeds: list[FeedStatus]) -> None:
        super().__init__()
        self.feeds = feeds

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="errors-body") as body:
            body.border_title = "Feed errors"
            body.border_subtitle = "Esc closes"
            yield Static(describe(self.feeds))
