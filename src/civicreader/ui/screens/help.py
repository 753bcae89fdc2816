"""The ``?`` screen: every key of the reader, grouped by what it is for."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Moving",
        [
            ("j / k, ↓ / ↑", "move in the focused pane"),
            ("Tab / Shift+Tab", "next / previous pane"),
            ("Enter", "open the story (or the view, or the related story)"),
            ("space", "page down the article"),
            ("n / N", "next / previous unread story"),
            ("b", "back along the stories you read"),
        ],
    ),
    (
        "Councils and related stories",
        [
            ("c", "jump to a council (fuzzy)"),
            ("] / [", "read the next / previous related story"),
            ("Enter on Related", "open it with its own related stories"),
        ],
    ),
    (
        "Stories",
        [
            ("m", "toggle read"),
            ("A", "mark every story in the list read"),
            ("s", "star / unstar"),
            ("o", "open the link in the browser (http/https only)"),
            ("y", "copy the link"),
            ("f", "fetch the full article from its page"),
        ],
    ),
    (
        "Views",
        [
            ("/", "search; Enter shows matches, Esc clears"),
            ("S", "save the current search in the sidebar (d forgets it)"),
            ("r", "refresh feeds in the background"),
            ("e", "feed errors (the highlighted feed, or all)"),
            ("z", "zoom the focused pane (again to restore)"),
            ("h / v", "hide or show the sidebar / the article"),
            ("t, Ctrl+P", "change theme / command palette"),
            ("?", "this help"),
            ("q", "quit"),
        ],
    ),
]


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for title, rows in KEYS:
        table.add_row(Text(title, style="bold underline"), "")
        for key, what in rows:
            table.add_row(key, what)
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "civicreader keys"
            body.border_subtitle = "Esc closes"
            yield Static(keys_table())

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if where == "down":
            body.scroll_down(animate=False)
        else:
            body.scroll_up(animate=False)
