"""The article pane: header, the story as Markdown, and related stories for each council.

The body is drawn by Rich's Markdown in one Static (several times quicker to show than Textual's
Markdown widget, which mounts a widget per block), with hyperlinks off: links in the text are
shown as their address and are inert; the story's own link opens only with ``o``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.markdown import Markdown
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from civicreader.model import Article, ItemRow, RelatedItem
from civicreader.ui.render import article_header, preview_header, related_entry

PER_COUNCIL = 8
FIRST_PART = 3_000  # characters of the body drawn at once; the rest follows on the next frame


def first_part(body: str, size: int = FIRST_PART) -> str:
    """The body up to a paragraph break near ``size``: enough to fill the screen at once."""
    if len(body) <= size:
        return body
    cut = body.rfind("\n\n", 0, size)
    return body[:cut] if cut > 0 else body


@dataclass(frozen=True, slots=True)
class Loaded:
    """An article with its related stories, as loaded by a worker."""

    article: Article
    related: list[RelatedItem]


class RelatedList(OptionList):
    """Related stories grouped under each council of the article; Enter opens one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    class Open(Message):
        def __init__(self, item_id: int) -> None:
            super().__init__()
            self.item_id = item_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.targets: dict[str, int] = {}

    def show(self, loaded: Loaded) -> None:
        options: list[Option] = []
        self.targets = {}
        for council in loaded.article.item.councils:
            name = council.name
            options.append(Option(Text(name, style="bold", end=""), disabled=True))
            group = [r for r in loaded.related if council.code in r.shared][:PER_COUNCIL]
            if not group:
                options.append(Option(Text("  no other stories yet", style="dim"), disabled=True))
            for rel in group:
                key = f"r{len(self.targets)}"
                self.targets[key] = rel.item.id
                options.append(Option(related_entry(rel.item), id=key))
        if not loaded.article.item.councils:
            options.append(
                Option(Text("No council found in this story.", style="dim"), disabled=True)
            )
        self.set_options(options)

    @property
    def order(self) -> list[tuple[str, int]]:
        """(option id, item id) of every related story, top to bottom."""
        return list(self.targets.items())

    def highlight_key(self, key: str) -> None:
        for index, option in enumerate(self.options):
            if option.id == key:
                self.highlighted = index
                self.scroll_to_highlight()
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item_id = self.targets.get(event.option.id or "")
        if item_id is not None:
            self.post_message(self.Open(item_id))


class ArticleView(VerticalScroll, can_focus=True):
    """The open story. j/k scroll, space pages."""

    ALLOW_MAXIMIZE = True  # VerticalScroll says False; z must be able to zoom the article

    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self.loaded: Loaded | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Select a story and press Enter.", style="dim"), id="article-header")
        yield Static(Text("Related", style="bold"), id="related-title")
        yield RelatedList(id="related")
        yield Static(id="article-body")

    @property
    def item(self) -> ItemRow | None:
        return self.loaded.article.item if self.loaded else None

    def preview(self, row: ItemRow | None) -> None:
        """Before any story is opened, show the highlighted one's full title and councils."""
        if self.loaded is None:  # fixed height while empty: no layout pass per key press
            self.query_one("#article-header", Static).update(
                preview_header(row)
                if row is not None
                else Text("Select a story and press Enter.", style="dim"),
                layout=False,
            )

    async def show(self, loaded: Loaded, anchor: Loaded | None) -> None:
        """Show a story. ``anchor`` is the story whose related list stays on screen (when
        stepping with [ and ]); None means this story's own list is on its way."""
        self.loaded = loaded
        self.remove_class("-empty")
        self.query_one("#article-header", Static).update(article_header(loaded.article))
        self.scroll_home(animate=False, immediate=True)
        if anchor is None:
            self.query_one("#related-title", Static).update(Text("Related", style="bold"))
            self.query_one(RelatedList).set_options(
                [Option(Text("Finding related stories…", style="dim"), disabled=True)]
            )
        else:
            self._related_title(anchor)
        body = loaded.article.text or loaded.article.summary or "*No text in the feed.*"
        head = first_part(body)
        self.query_one("#article-body", Static).update(Markdown(head, hyperlinks=False))
        if head != body:
            self.call_after_refresh(self._show_rest, loaded, body)

    def _show_rest(self, loaded: Loaded, body: str) -> None:
        if self.loaded is not None and self.loaded.article.item.id == loaded.article.item.id:
            self.query_one("#article-body", Static).update(Markdown(body, hyperlinks=False))

    def show_related(self, anchor: Loaded) -> None:
        self._related_title(anchor)
        self.query_one(RelatedList).show(anchor)

    def _related_title(self, anchor: Loaded) -> None:
        title = Text("Related", style="bold", end="")
        if self.loaded is not None and anchor.article.item.id != self.loaded.article.item.id:
            title.append(" to: ", style="bold")
            title.append(anchor.article.item.title, style="italic")
        self.query_one("#related-title", Static).update(title)

    def set_header(self, article: Article) -> None:
        if self.loaded is not None:
            self.loaded = Loaded(article, self.loaded.related)
            self.query_one("#article-header", Static).update(article_header(article))
