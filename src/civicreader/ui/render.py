"""Feed text to screen text, literally: every builder here makes rich.text.Text from plain
strings (never markup), so ``[bold]`` or ``[@click=...]`` in a title is shown, not obeyed."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.console import Group
from rich.style import StyleType
from rich.table import Table
from rich.text import Text

from civicreader.model import Article, Council, ItemRow

SAFE_SCHEMES = ("http://", "https://")


SOURCE_MIN_WIDTH = 84  # list widths below this leave out the source column
COUNCIL_COLUMN = 22  # at most this many cells for the councils of a list row


def council_column(rows: list[ItemRow]) -> int:
    """The width of the list's council column: as wide as its longest entry needs, capped."""
    return min(COUNCIL_COLUMN, max((cell_len(council_names(r.councils)) for r in rows), default=0))


def short_date(when: datetime | None) -> str:
    """Fixed-width day for lists ("05 Jun 2024"); blank when the feed gave no date."""
    return when.strftime("%d %b %Y") if when else " " * 11


def council_names(councils: tuple[Council, ...], limit: int = 3) -> str:
    names = [c.nice_name or c.name for c in councils[:limit]]
    more = len(councils) - limit
    if more > 0:
        names.append(f"+{more}")
    return ", ".join(names)


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` terminal cells, with an ellipsis when cut
    (feed titles are one line here; wide characters count as two cells)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def item_line(
    row: ItemRow,
    width: int,
    source_width: int = 14,
    council_style: StyleType = "bold",
    council_width: int = COUNCIL_COLUMN,
) -> Text:
    """One row of the item list: marker, date, source, title, councils, in fixed columns so
    titles line up; narrow terminals drop the source column to keep room for the title."""
    marker = "★" if row.starred else ("●" if not row.read else " ")
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    line.append(marker + " ", style="bold" if not row.read else "dim")
    line.append(short_date(row.published) + "  ", style="dim")
    if width >= SOURCE_MIN_WIDTH:
        line.append(fit(row.feed_title, source_width) + "  ", style="italic")
    room = width - line.cell_len
    council_room = min(council_width, max(0, room // 4))
    title_room = room - (council_room + 2 if council_room else 0)
    line.append(fit(row.title, title_room), style="bold" if not row.read else "")
    if council_room:
        line.append("  ")
        line.append(fit(council_names(row.councils), council_room), style=council_style)
    return line


def count_entry(label: str, count: int | None, flag: str = "") -> Table:
    """A sidebar line: a flag cell, the label (cut with an ellipsis) and the count, which is
    always kept whole at the right."""
    grid = Table.grid(expand=True)
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_row(
        Text(flag or " ", style="bold red" if flag else "", end=""),
        Text(label, no_wrap=True, overflow="ellipsis", end=""),
        Text(f" {count}" if count is not None else "", style="dim", end=""),
    )
    return grid


def article_header(article: Article) -> Group:
    """Title, source, date, link and councils above the article body. The link stays on one
    line (cut with an ellipsis; ``y`` copies it whole) so it never pushes the story down."""
    item = article.item
    when = item.published.strftime("%a %d %b %Y %H:%M UTC") if item.published else "undated"
    meta = Text(f"{item.feed_title} · {when}", style="italic", end="")
    if article.author:
        meta.append(f" · {article.author}")
    link = Text("Link: ", style="dim", no_wrap=True, overflow="ellipsis", end="")
    link.append(item.link or "(none)", style="not dim")
    if item.link and not is_safe_link(item.link):
        link.append("  (not http/https: will not be opened)", style="dim")
    councils = Text("Councils: ", style="dim", end="")
    if item.councils:
        councils.append(", ".join(c.name for c in item.councils), style="not dim bold")
    else:
        councils.append("none found")
    parts = [Text(item.title, style="bold"), meta, link, councils]
    flags = []
    if item.starred:
        flags.append("★ starred")
    if article.full_text:
        flags.append("full article")
    if flags:
        parts.append(Text(" · ".join(flags), style="dim"))
    if article.note:
        parts.append(Text(article.note, style="italic"))
    for part in parts:
        part.end = "\n"  # Textual sizes a Group by its newlines, so the last one needs one too
    return Group(*parts)


def preview_header(row: ItemRow) -> Text:
    """The highlighted story shown whole before any is opened: the list cuts long titles."""
    text = Text(row.title, style="bold")
    when = row.published.strftime("%a %d %b %Y") if row.published else "undated"
    text.append(f"\n{row.feed_title} · {when}\n", style="italic")
    text.append("Councils: ", style="dim")
    names = ", ".join(c.name for c in row.councils)
    text.append(names or "none found", style="bold" if names else "")
    text.append("\nEnter opens it with its related stories · ? lists the keys", style="dim")
    return text


def related_entry(row: ItemRow) -> Table:
    """A related story: the whole title (never cut), then its date and source, which the reader
    compares across years and publishers; wrapped lines keep a hanging indent."""
    grid = Table.grid(expand=True)
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    text = Text(row.title, style="bold" if not row.read else "", end="")
    text.append(f"\n{short_date(row.published)} · {row.feed_title}", style="dim italic")
    grid.add_row("", text)
    return grid


def is_safe_link(link: str | None) -> bool:
    return bool(link) and link.lower().startswith(SAFE_SCHEMES)  # type: ignore[union-attr]
