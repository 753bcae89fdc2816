"""The status line: what the list shows on the left, background work on the right."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class StatusBar(Horizontal):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; }
    StatusBar #status-view { width: 1fr; }
    StatusBar #status-work { width: auto; max-width: 60%; text-align: right; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="status-view")
        yield Static(id="status-work")

    def show_view(self, label: str, count: int | None) -> None:
        text = Text(f" {label}", end="", no_wrap=True, overflow="ellipsis")
        if count is not None:
            text.append(f" · {count:,} {'story' if count == 1 else 'stories'}")
        self.query_one("#status-view", Static).update(text)

    def show_work(self, message: str) -> None:
        self.query_one("#status-work", Static).update(
            Text(f"{message} ", end="", no_wrap=True, overflow="ellipsis")
        )
