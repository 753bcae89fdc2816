"""The item list: a line-API scroll view over one loaded window of rows.

Rows arrive a page at a time from SQLite; only visible lines are rendered, so a list of
thousands of loaded rows costs no more to draw than a screenful.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from civicreader.model import ItemRow
from civicreader.ui.render import council_column, item_line

NEAR_END = 40  # ask for the next page when the cursor comes this close to the loaded end


class ItemList(ScrollView, can_focus=True):
    """Stories of the current filter, newest first, with a row cursor."""

    BINDINGS = [
        Binding("j,down", "cursor(1)", "Down", show=False),
        Binding("k,up", "cursor(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,g", "jump(0)", "Top", show=False),
        Binding("end,G", "jump(-1)", "Bottom", show=False),
        Binding("enter", "select", "Open", show=True),
    ]
    COMPONENT_CLASSES = {"item-list--cursor", "item-list--council", "item-list--empty"}
    DEFAULT_CSS = """
    ItemList { overflow-x: hidden; }
    ItemList > .item-list--cursor { background: $block-cursor-blurred-background; }
    ItemList:focus > .item-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    ItemList > .item-list--council { color: $accent; }
    ItemList > .item-list--empty { color: $text-muted; }
    """

    class Selected(Message):
        """Enter or a double click on a row."""

        def __init__(self, row: ItemRow) -> None:
            super().__init__()
            self.row = row

    class Highlighted(Message):
        """The cursor is on another row (or the rows changed)."""

        def __init__(self, row: ItemRow | None) -> None:
            super().__init__()
            self.row = row

    class NeedMore(Message):
        """The cursor is near the end of the loaded rows and more exist."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[ItemRow] = []
        self.cursor = 0
        self.has_more = False
        self.empty_text = "Loading…"
        self.council_width = 0
        self._asked_more = False

    # -- data -------------------------------------------------------------------------------

    @property
    def current(self) -> ItemRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def index_of(self, item_id: int) -> int | None:
        for index, row in enumerate(self.rows):
            if row.id == item_id:
                return index
        return None

    def set_rows(self, rows: list[ItemRow], has_more: bool, keep_id: int | None = None) -> None:
        """Replace the rows; keep the cursor row (and its place on screen) when it is still here."""
        old_index, old_top = self.cursor, self.scroll_offset.y
        self.rows, self.has_more, self._asked_more = rows, has_more, False
        self.council_width = council_column(rows)
        new_index = self.index_of(keep_id) if keep_id is not None else None
        self._resize_virtual()
        if new_index is None:
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        else:
            self.cursor = new_index
            self.scroll_to(y=max(0, old_top + new_index - old_index), animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self.current))
        self._maybe_more()

    def append_rows(self, rows: list[ItemRow], has_more: bool) -> None:
        known = {row.id for row in self.rows}
        self.rows.extend(row for row in rows if row.id not in known)
        self.council_width = max(self.council_width, council_column(rows))
        self.has_more, self._asked_more = has_more, False
        self._resize_virtual()
        self.refresh()

    def update_row(self, item_id: int, **changes: object) -> None:
        index = self.index_of(item_id)
        if index is not None:
            self.rows[index] = replace(self.rows[index], **changes)  # type: ignore[arg-type]
            self.refresh_line(index)

    def update_all(self, **changes: object) -> None:
        self.rows = [replace(row, **changes) for row in self.rows]  # type: ignore[arg-type]
        self.refresh()

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))

    def on_resize(self) -> None:
        """Keep the cursor row on screen when the list shrinks (an article opening below)."""
        self._resize_virtual()
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if height > 0 and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    # -- movement ---------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        previous, self.cursor = self.cursor, index
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        self.refresh_line(previous)
        self.refresh_line(index)
        if index != previous:
            self.post_message(self.Highlighted(self.current))
        self._maybe_more()

    def _maybe_more(self) -> None:
        if self.has_more and not self._asked_more and self.cursor >= len(self.rows) - NEAR_END:
            self._asked_more = True
            self.post_message(self.NeedMore())

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        self.move_to(len(self.rows) - 1 if where < 0 else where)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self.rows):
            self.move_to(index)
            if event.chain >= 2:
                self.action_select()

    # -- drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = y + self.scroll_offset.y
        if not self.rows:
            if y == 0:
                text = Text(" " + self.empty_text, end="")
                style = self.get_component_rich_style("item-list--empty")
                return (
                    Strip(list(text.render(self.app.console)), text.cell_len)
                    .apply_style(style)
                    .extend_cell_length(width, base)
                    .crop(0, width)
                )
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        if index == self.cursor:
            base = base + self.get_component_rich_style("item-list--cursor")
        council_style = self.get_component_rich_style("item-list--council", partial=True)
        text = item_line(
            self.rows[index], width, council_style=council_style, council_width=self.council_width
        )
        segments = list(text.render(self.app.console))
        return Strip(segments).apply_style(base).extend_cell_length(width, base).crop(0, width)
