"""Reading actions of the main screen: open, history, related stepping, marks, links."""

from __future__ import annotations

import threading
import webbrowser
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.worker import get_current_worker

from civicreader.model import Article, ItemRow, RelatedItem
from civicreader.services import Library
from civicreader.ui.data import PAGE
from civicreader.ui.render import is_safe_link
from civicreader.ui.widgets.article import Loaded, RelatedList

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from civicreader.model import Config
    from civicreader.ui.state import Filter
    from civicreader.ui.widgets.article import ArticleView
    from civicreader.ui.widgets.item_list import ItemList

RELATED_LIMIT = 60
HISTORY = 200
SEEK_PAGES = 50  # how many further pages n reads looking for an unread story
PAINT_WAIT = 0.25  # longest wait for the article's first paint before ranking related stories


class ReadingMixin(Screen[None]):
    """Mixed into MainScreen, which provides the attributes declared here."""

    items: ItemList
    article: ArticleView
    filter: Filter
    db_path: Path
    config: Config
    generation: int

    def db_work(
        self, work: Callable[[Library], object], group: str, exclusive: bool = False
    ) -> None:
        raise NotImplementedError

    def load_sidebar(self) -> None:
        raise NotImplementedError

    def init_reading(self) -> None:
        self.history: list[tuple[int, int]] = []  # (item id, anchor id) of stories read
        self.related_anchor: Loaded | None = None  # the story whose related list is shown
        self.step_key: str | None = None
        self.showing: tuple[int, int] | None = None

    # -- opening ----------------------------------------------------------------------------

    def open_story(self, item_id: int, anchor_id: int | None = None, remember: bool = True) -> None:
        """Show a story (marking it read) with the related stories of ``anchor_id`` (itself
        by default); the article appears first, its related list as soon as it is ranked."""
        anchor_id = item_id if anchor_id is None else anchor_id
        if remember and self.showing is not None and self.showing[0] != item_id:
            self.history = [*self.history[-HISTORY:], self.showing]
        self.showing = (item_id, anchor_id)
        keep = (
            self.related_anchor
            if self.related_anchor and self.related_anchor.article.item.id == anchor_id
            else None
        )

        def load(library: Library) -> None:
            worker = get_current_worker()
            article = library.article(item_id)
            if article is None or worker.is_cancelled:
                return
            painted = threading.Event()
            self.app.call_from_thread(self._article_loaded, article, keep, painted)  # type: ignore[arg-type]
            if not article.item.read:
                library.mark_read([item_id], True)
            if keep is not None:
                return
            # Rank related stories once the article is on screen, so their Python work does not
            # compete with the first paint of the story for the interpreter.
            painted.wait(PAINT_WAIT)
            anchor = article if anchor_id == item_id else library.article(anchor_id)
            related = library.related(anchor_id, RELATED_LIMIT)
            if anchor is not None and not worker.is_cancelled:
                self.app.call_from_thread(self._related_loaded, Loaded(anchor, related))

        self.db_work(load, "article", exclusive=True)

    async def _article_loaded(
        self, article: Article, keep: Loaded | None, painted: threading.Event
    ) -> None:
        was_unread = not article.item.read
        from dataclasses import replace

        article = replace(article, item=replace(article.item, read=True))
        await self.article.show(Loaded(article, []), keep)
        self.call_after_refresh(painted.set)
        if was_unread:
            self.items.update_row(article.item.id, read=True)
            self.schedule_counts()

    def _related_loaded(self, anchor: Loaded) -> None:
        self.related_anchor = anchor
        self.step_key = None
        self.article.show_related(anchor)

    def on_item_list_selected(self, event: Any) -> None:
        self.open_story(event.row.id)

    def on_related_list_open(self, event: RelatedList.Open) -> None:
        self.open_story(event.item_id)

    def action_step_related(self, delta: int) -> None:
        """[ and ]: read the related stories of the anchor one after another."""
        order = self.article.query_one(RelatedList).order
        if self.related_anchor is None or not order:
            self.notify("No related stories to step through.", markup=False)
            return
        keys = [key for key, _ in order]
        index = keys.index(self.step_key) if self.step_key in keys else -1
        index = max(0, min(len(order) - 1, index + delta if index >= 0 or delta > 0 else 0))
        self.step_key, item_id = order[index]
        self.article.query_one(RelatedList).highlight_key(self.step_key)
        self.open_story(item_id, anchor_id=self.related_anchor.article.item.id)

    def action_back(self) -> None:
        if not self.history:
            self.notify("No earlier story in this session.", markup=False)
            return
        item_id, anchor_id = self.history.pop()
        self.open_story(item_id, anchor_id, remember=False)

    def action_page_article(self) -> None:
        self.article.scroll_page_down(animate=False)

    # -- the story acted on -----------------------------------------------------------------

    def target(self) -> ItemRow | None:
        """The open story when the article pane has focus, else the list's current row."""
        focused = self.focused
        in_article = focused is not None and (
            focused is self.article or self.article in focused.ancestors
        )
        if in_article and self.article.item is not None:
            return self.article.item
        return self.items.current or self.article.item

    def action_next_unread(self, step: int) -> None:
        rows, start = self.items.rows, self.items.cursor
        indexes = range(start + 1, len(rows)) if step > 0 else range(start - 1, -1, -1)
        for index in indexes:
            if not rows[index].read:
                self.items.move_to(index)
                self.open_story(rows[index].id)
                return
        if step > 0 and self.items.has_more:
            self._seek_unread()  # keep reading pages until an unread story turns up
            return
        self.notify("No more unread stories.", markup=False)

    def _seek_unread(self) -> None:
        generation, flt, offset = self.generation, self.filter, len(self.items.rows)

        def load(library: Library) -> None:
            pages: list[ItemRow] = []
            for _ in range(SEEK_PAGES):
                page = library.items(flt.query(limit=PAGE, offset=offset + len(pages)))
                pages += page
                if len(page) < PAGE or any(not r.read for r in page):
                    break
                if get_current_worker().is_cancelled:
                    return
            self.app.call_from_thread(self._seeked, generation, pages)

        self.db_work(load, "more", exclusive=True)

    def _seeked(self, generation: int, pages: list[ItemRow]) -> None:
        if generation != self.generation:
            return
        first = len(self.items.rows)
        self.items.append_rows(pages, len(pages) > 0 and len(pages) % PAGE == 0)
        for index in range(first, len(self.items.rows)):
            if not self.items.rows[index].read:
                self.items.move_to(index)
                self.open_story(self.items.rows[index].id)
                return
        self.notify("No more unread stories.", markup=False)

    def action_toggle_read(self) -> None:
        row = self.target()
        if row is None:
            return
        read = not row.read
        self.db_work(lambda library: library.mark_read([row.id], read), "mark")
        self._changed(row, read=read)
        self.schedule_counts()

    def action_star(self) -> None:
        row = self.target()
        if row is None:
            return
        starred = not row.starred
        self.db_work(lambda library: library.star([row.id], starred), "star")
        self._changed(row, starred=starred)
        self.notify("Starred." if starred else "Unstarred.", markup=False)

    def _changed(self, row: ItemRow, **changes: object) -> None:
        from dataclasses import replace

        self.items.update_row(row.id, **changes)
        loaded = self.article.loaded
        if loaded is not None and loaded.article.item.id == row.id:
            item = replace(loaded.article.item, **changes)  # type: ignore[arg-type]
            self.article.set_header(replace(loaded.article, item=item))

    def action_mark_all_read(self) -> None:
        query = self.filter.query()

        def mark(library: Library) -> None:
            count = library.mark_query_read(query)
            self.app.call_from_thread(self.notify, f"Marked {count} stories read.", markup=False)

        self.db_work(mark, "mark")
        self.items.update_all(read=True)
        self.schedule_counts()

    def schedule_counts(self) -> None:
        """Refresh the sidebar's unread counts once the reader pauses."""
        timer = getattr(self, "_counts_timer", None)
        if timer is not None:
            timer.stop()
        self._counts_timer = self.set_timer(0.8, self.load_sidebar)

    # -- links ------------------------------------------------------------------------------

    def action_open_link(self) -> None:
        row = self.target()
        if row is None or not row.link:
            self.notify("This story has no link.", markup=False)
            return
        link = row.link
        if not is_safe_link(link):
            self.notify("Only http and https links are opened.", severity="warning", markup=False)
            return
        self.run_worker(
            lambda: webbrowser.open(link), thread=True, group="browser", exit_on_error=False
        )
        self.notify(f"Opening {link}", markup=False)

    def action_copy_link(self) -> None:
        row = self.target()
        if row is None or not row.link:
            self.notify("This story has no link.", markup=False)
            return
        self.app.copy_to_clipboard(row.link)
        self.notify("Link copied.", markup=False)

    def action_fetch_full(self) -> None:
        """f: fetch the story's page now and keep the article extracted from it."""
        row = self.target()
        if row is None:
            return
        item_id, db_path, config = row.id, self.db_path, self.config

        def fetch() -> None:
            from civicreader.services import fetch_full_article

            done = fetch_full_article(config, db_path, item_id)
            self.app.call_from_thread(self._fetched, item_id, done)

        self.notify("Fetching the full article…", markup=False)
        self.run_worker(fetch, thread=True, group="fetch", exclusive=True, exit_on_error=False)

    def _fetched(self, item_id: int, done: bool) -> None:
        self.notify(
            "Full article stored."
            if done
            else "No article could be extracted (see the note under the title).",
            markup=False,
        )
        if self.showing is not None and self.showing[0] == item_id:
            self.related_anchor = None
            self.open_story(item_id, self.showing[1], remember=False)


__all__ = ["ReadingMixin", "RelatedItem"]
