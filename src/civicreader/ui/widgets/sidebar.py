"""The sidebar: fixed views, feeds with unread counts, councils with story counts, saved searches.

Every label is built from rich Text so feed titles are never read as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from civicreader.model import FeedStatus
from civicreader.services import CouncilCount
from civicreader.ui.render import count_entry
from civicreader.ui.state import FIXED, Filter


def _header(label: str) -> Option:
    return Option(Text(label, style="bold underline", end=""), disabled=True)


class Sidebar(OptionList):
    """Views to filter the item list by; Enter applies the highlighted one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("d,delete", "forget", "Forget search", show=False),
    ]

    class Chosen(Message):
        def __init__(self, filter: Filter) -> None:
            super().__init__()
            self.filter = filter

    class Forget(Message):
        """Delete a saved search."""

        def __init__(self, search: str) -> None:
            super().__init__()
            self.search = search

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filters: dict[str, Filter] = {}
        self.feed_errors: dict[str, FeedStatus] = {}
        self.populate([], [], [])

    def populate(
        self,
        feeds: list[FeedStatus],
        councils: list[CouncilCount],
        searches: list[str],
        current: str | None = None,
    ) -> None:
        """Rebuild the entries, keeping the highlight on the same view."""
        keep = current or self._highlighted_key()
        options: list[Option] = []
        self.filters = {}

        def add(flt: Filter, count: int | None = None, flag: str = "") -> None:
            self.filters[flt.key] = flt
            options.append(Option(count_entry(flt.label, count, flag), id=flt.key))

        unread = sum(f.unread for f in feeds)
        add(FIXED["all"], sum(f.total for f in feeds) if feeds else None)
        add(FIXED["unread"], unread if feeds else None)
        add(FIXED["starred"])
        options.append(_header("Feeds"))
        self.feed_errors = {f.url: f for f in feeds if f.last_error}
        for feed in feeds:
            flag = "!" if feed.last_error or feed.gone else ""
            add(Filter("feed", feed.url, feed.title or feed.url), feed.unread, flag)
        options.append(_header("Councils"))
        for cc in councils:
            add(
                Filter("council", cc.council.code, cc.council.nice_name or cc.council.name),
                cc.stories,
            )
        if searches:
            options.append(_header("Saved searches"))
            for search in searches:
                add(Filter("search", search, f"/ {search}"))
        self.set_options(options)
        self.select_key(keep)

    def select_key(self, key: str | None) -> None:
        if key is None:
            return
        for index, option in enumerate(self.options):
            if option.id == key:
                self.highlighted = index
                return

    def _highlighted_key(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def label_for(self, key: str) -> str | None:
        flt = self.filters.get(key)
        return flt.label if flt else None

    @property
    def highlighted_feed(self) -> str | None:
        key = self._highlighted_key() or ""
        return key[5:] if key.startswith("feed:") else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        flt = self.filters.get(event.option.id or "")
        if flt is not None:
            self.post_message(self.Chosen(flt))

    def action_forget(self) -> None:
        key = self._highlighted_key() or ""
        if key.startswith("search:"):
            self.post_message(self.Forget(key[7:]))
