"""The reader's main screen: sidebar, item list, article pane; loads everything in workers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from civicreader.model import Config, ItemRow
from civicreader.services import CouncilCount, Library
from civicreader.ui.data import PAGE, LibraryPool
from civicreader.ui.screens.reading import ReadingMixin
from civicreader.ui.screens.refreshing import RefreshMixin
from civicreader.ui.state import Filter, Position
from civicreader.ui.widgets.article import ArticleView, RelatedList
from civicreader.ui.widgets.item_list import ItemList
from civicreader.ui.widgets.sidebar import Sidebar
from civicreader.ui.widgets.status import StatusBar

RESTORE_PAGES = 10  # how far down the list a remembered story is looked for


class MainScreen(ReadingMixin, RefreshMixin):
    """Three panes and a status line; every database call runs in a thread worker."""

    BINDINGS = [
        Binding("q", "quit_reader", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("tab", "cycle(1)", "Next pane", show=False),
        Binding("shift+tab", "cycle(-1)", "Previous pane", show=False),
        Binding("slash", "search", "Search"),
        Binding("escape", "clear_search", "Clear search", show=False),
        Binding("c", "council", "Council"),
        Binding("r", "refresh", "Refresh"),
        Binding("n", "next_unread(1)", "Next unread"),
        Binding("N", "next_unread(-1)", "Prev unread", show=False),
        Binding("m", "toggle_read", "Read/unread", show=False),
        Binding("A", "mark_all_read", "All read", show=False),
        Binding("s", "star", "Star", show=False),
        Binding("o", "open_link", "Open link"),
        Binding("y", "copy_link", "Copy link", show=False),
        Binding("space", "page_article", "Page", show=False),
        Binding("right_square_bracket", "step_related(1)", "Next related", show=False),
        Binding("left_square_bracket", "step_related(-1)", "Prev related", show=False),
        Binding("b", "back", "Back", show=False),
        Binding("f", "fetch_full", "Full text", show=False),
        Binding("e", "feed_errors", "Feed errors", show=False),
        Binding("S", "save_search", "Save search", show=False),
        Binding("z", "zoom", "Zoom", show=False),
        Binding("h", "toggle_pane('sidebar')", "Hide sidebar", show=False),
        Binding("v", "toggle_pane('article')", "Hide article", show=False),
        Binding("t", "app.change_theme", "Theme", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(
        self,
        db_path: Path,
        config: Config,
        position: Position,
        searches: list[str],
        auto_refresh: bool = True,
    ) -> None:
        super().__init__()
        self.db_path, self.config = db_path, config
        self.pool = LibraryPool(db_path)
        self.filter = Filter.from_key(position.filter_key)
        self.restore_id = position.item_id
        self.searches = searches
        self.councils: list[CouncilCount] = []
        self.before_search: Filter | None = None
        self.generation = 0
        self.background_refresh = auto_refresh
        self.init_reading()

    def compose(self) -> ComposeResult:
        with Vertical(id="body"):
            with Horizontal(id="top"):
                yield Sidebar(id="sidebar")
                with Vertical(id="main"):
                    yield Input(
                        placeholder="Search stories (Enter to show, Esc to clear)",
                        id="search",
                        classes="hidden",
                    )
                    yield Static(id="list-title")
                    yield ItemList(id="items")
            yield ArticleView(id="article")  # full width: long titles and lines fit at 80x24
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.items = self.query_one(ItemList)
        self.sidebar = self.query_one(Sidebar)
        self.article = self.query_one(ArticleView)
        self.status = self.query_one(StatusBar)
        self.items.focus()
        self.show_filter(self.filter, keep_id=self.restore_id)
        self.load_sidebar()
        self.start_auto_refresh()

    def on_unmount(self) -> None:
        self.stop_refresh()
        self.pool.close()

    # -- loading ----------------------------------------------------------------------------

    def show_filter(self, flt: Filter, keep_id: int | None = None, pages: int = 1) -> None:
        """Point the list at ``flt`` and load its first page(s) in a worker."""
        self.filter = flt
        self.generation += 1
        generation = self.generation
        self.query_one("#list-title", Static).update(
            Text(f" {flt.label}", style="bold", no_wrap=True, end="")
        )
        self.status.show_view(flt.label, None)
        if keep_id is None:
            self.items.empty_text = "Loading…"
        self.db_work(
            lambda lib: self._load_list(lib, flt, generation, keep_id, pages),
            "list",
            exclusive=True,
        )
        self.save_position()

    def db_work(
        self, work: Callable[[Library], object], group: str, exclusive: bool = False
    ) -> None:
        """Run ``work`` with this thread's Library in a thread worker."""

        def run() -> None:
            with self.pool.session() as library:
                work(library)

        self.run_worker(run, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def _load_list(
        self, library: Library, flt: Filter, generation: int, keep_id: int | None, pages: int
    ) -> None:
        worker = get_current_worker()
        limit = PAGE * max(1, pages)
        rows = library.items(flt.query(limit=limit))
        if keep_id is not None:
            while (
                len(rows) < PAGE * RESTORE_PAGES
                and len(rows) % PAGE == 0
                and rows
                and keep_id not in {r.id for r in rows}
            ):
                more = library.items(flt.query(limit=PAGE, offset=len(rows)))
                if not more:
                    break
                rows += more
        if worker.is_cancelled:
            return
        has_more = len(rows) > 0 and len(rows) % PAGE == 0
        self.app.call_from_thread(self._list_loaded, generation, rows, has_more, keep_id)
        count = library.count(flt.query())
        if not worker.is_cancelled:
            self.app.call_from_thread(self._count_loaded, generation, count)

    def _list_loaded(
        self, generation: int, rows: list[ItemRow], has_more: bool, keep_id: int | None
    ) -> None:
        if generation != self.generation:
            return
        self.items.empty_text = "No stories here. Press r to refresh, or pick another view."
        self.items.set_rows(rows, has_more, keep_id)

    def _count_loaded(self, generation: int, count: int) -> None:
        if generation == self.generation:
            self.status.show_view(self.filter.label, count)

    def on_item_list_highlighted(self, event: ItemList.Highlighted) -> None:
        self.article.preview(event.row)

    def on_item_list_need_more(self, event: ItemList.NeedMore) -> None:
        generation, flt, offset = self.generation, self.filter, len(self.items.rows)

        def load(library: Library) -> None:
            rows = library.items(flt.query(limit=PAGE, offset=offset))
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._more_loaded, generation, rows)

        self.db_work(load, "more", exclusive=True)

    def _more_loaded(self, generation: int, rows: list[ItemRow]) -> None:
        if generation == self.generation:
            self.items.append_rows(rows, len(rows) == PAGE)

    def reload_list(self) -> None:
        """Reload what is shown (after a refresh) without moving the reader's place."""
        current = self.items.current
        pages = max(1, -(-len(self.items.rows) // PAGE))
        self.show_filter(self.filter, keep_id=current.id if current else None, pages=pages)

    def load_sidebar(self) -> None:
        def load(library: Library) -> None:
            feeds, councils = library.feeds(), library.councils()
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._sidebar_loaded, feeds, councils)

        self.db_work(load, "sidebar", exclusive=True)

    def _sidebar_loaded(self, feeds: list, councils: list[CouncilCount]) -> None:
        self.councils = councils
        self.sidebar.populate(feeds, councils, self.searches, current=self.filter.key)
        label = self.sidebar.label_for(self.filter.key)
        if label and label != self.filter.label and self.filter.kind != "search":
            self.filter = Filter(self.filter.kind, self.filter.value, label)
            self.query_one("#list-title", Static).update(Text(f" {label}", style="bold", end=""))

    def save_setting(self, key: str, value: str) -> None:
        self.db_work(lambda library: library.set_setting(key, value), f"setting-{key}")

    def save_position(self) -> None:
        current = self.items.current if self.is_mounted else None
        item_id = current.id if current else self.restore_id
        self.save_setting("position", Position(self.filter.key, item_id).dumps())

    # -- sidebar, search, councils ----------------------------------------------------------

    def on_sidebar_chosen(self, event: Sidebar.Chosen) -> None:
        self.before_search = None
        self.show_filter(event.filter)
        self.items.focus()

    def on_sidebar_forget(self, event: Sidebar.Forget) -> None:
        self.searches = [s for s in self.searches if s != event.search]
        self.save_searches()

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.remove_class("hidden")
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.action_clear_search()
            return
        if self.filter.kind != "search":
            self.before_search = self.filter
        self.show_filter(Filter("search", text, f"Search: {text}"))
        event.input.add_class("hidden")
        self.items.focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#search", Input)
        if box.has_class("hidden") and self.filter.kind != "search":
            if self.screen.maximized is not None:
                self.screen.minimize()
            return
        box.value = ""
        box.add_class("hidden")
        if self.filter.kind == "search":
            self.show_filter(self.before_search or Filter.from_key("all"))
        self.before_search = None
        self.items.focus()

    def action_save_search(self) -> None:
        if self.filter.kind != "search":
            self.notify("Search first (/), then S saves the search.", markup=False)
            return
        if self.filter.value not in self.searches:
            self.searches.append(self.filter.value)
            self.save_searches()
        self.notify(f"Saved search: {self.filter.value}", markup=False)

    def save_searches(self) -> None:
        import json

        self.save_setting("searches", json.dumps(self.searches))
        self.load_sidebar()

    def action_council(self) -> None:
        from textual.command import CommandPalette

        from civicreader.ui.commands import CouncilCommands

        self.app.push_screen(
            CommandPalette(providers=[CouncilCommands], placeholder="Jump to a council…")
        )

    def jump_to_council(self, council: CouncilCount) -> None:
        name = council.council.nice_name or council.council.name
        self.before_search = None
        self.show_filter(Filter("council", council.council.code, name))
        self.sidebar.select_key(f"council:{council.council.code}")
        self.items.focus()

    # -- panes ------------------------------------------------------------------------------

    def panes(self) -> list[Widget]:
        related = self.article.query_one(RelatedList)
        candidates: list[tuple[Widget, bool]] = [
            (self.sidebar, self.sidebar.display),
            (self.items, True),
            (self.article, self.article.display),
            (related, self.article.display and related.option_count > 0),
        ]
        return [widget for widget, shown in candidates if shown]

    def action_cycle(self, step: int) -> None:
        panes = self.panes()
        focused = self.focused
        index = next(
            (
                i
                for i in reversed(range(len(panes)))
                if focused is panes[i] or (focused is not None and panes[i] in focused.ancestors)
            ),
            -1,
        )
        target = panes[(index + step) % len(panes)]
        if self.maximized is not None:
            self.minimize()
        target.focus()

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        pane = (
            self.article
            if focused is not None
            and (focused is self.article or self.article in focused.ancestors)
            else focused
        )
        if pane is not None:
            self.maximize(pane, container=False)

    def action_toggle_pane(self, which: str) -> None:
        pane = self.sidebar if which == "sidebar" else self.article
        pane.display = not pane.display
        if not pane.display and (
            self.focused is pane or (self.focused is not None and pane in self.focused.ancestors)
        ):
            self.items.focus()

    def action_help(self) -> None:
        from civicreader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_feed_errors(self) -> None:
        from civicreader.ui.screens.feed_errors import FeedErrorsScreen

        feeds = list(self.sidebar.feed_errors.values())
        wanted = self.sidebar.highlighted_feed
        if wanted and wanted in self.sidebar.feed_errors:
            feeds = [self.sidebar.feed_errors[wanted]]
        self.app.push_screen(FeedErrorsScreen(feeds))

    def action_quit_reader(self) -> None:
        current = self.items.current
        position = Position(self.filter.key, current.id if current else self.restore_id)

        def save_and_exit() -> None:
            try:
                with self.pool.session() as library:
                    library.set_setting("position", position.dumps())
            finally:
                self.app.call_from_thread(self.app.exit, 0)

        self.stop_refresh()
        self.run_worker(save_and_exit, thread=True, group="quit", exit_on_error=False)
