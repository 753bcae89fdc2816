"""Feed text to screen text, literally: every builder here makes rich.text.Text from plain
strings (never markup), so ``[bold]`` or ``[@click=...]`` in a title is shown, not obeyed."""

from __future__ import annotations

from datetime import datetime

from rich.style import StyleType
from rich.text import Text

from civicreader.model import Article, Council, ItemRow

SAFE_SCHEMES = ("http://", "https://")


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
    """``text`` cut to ``width`` cells with an ellipsis (feed titles are one line here)."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(0, width - 1)] + "…"


def item_line(
    row: ItemRow, width: int, source_width: int = 14, council_style: StyleType = "bold"
) -> Text:
    """One row of the item list: marker, date, source, title, councils (right)."""
    marker = "★" if row.starred else ("●" if not row.read else " ")
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    line.append(marker + " ", style="bold" if not row.read else "dim")
    line.append(short_date(row.published) + "  ", style="dim")
    if width >= 90:  # narrow terminals give the room to the title and the councils
        line.append(fit(row.feed_title, source_width) + "  ", style="italic")
    councils = council_names(row.councils)
    room = width - line.cell_len
    council_room = min(len(councils), max(0, room // 4))
    title_room = room - (council_room + 2 if council_room else 0)
    line.append(fit(row.title, title_room), style="bold" if not row.read else "")
    if council_room:
        line.append("  ")
        line.append(fit(councils, council_room), style=council_style)
    return line


def article_header(article: Article) -> Text:
    """Title, source, date, link and councils above the article body."""
    item = article.item
    text = Text(end="")
    text.append(item.title, style="bold")
    text.append("\n")
    when = item.published.strftime("%A %d %B %Y %H:%M UTC") if item.published else "undated"
    text.append(f"{item.feed_title} · {when}", style="italic")
    if article.author:
        text.append(f" · {article.author}", style="italic")
    text.append("\n")
    text.append("Link: ", style="dim")
    text.append(item.link or "(none)")
    if item.link and not is_safe_link(item.link):
        text.append("  (not http/https: will not be opened)", style="dim")
    text.append("\n")
    text.append("Councils: ", style="dim")
    if item.councils:
        text.append(", ".join(c.name for c in item.councils), style="bold")
    else:
        text.append("none found")
    flags = []
    if item.starred:
        flags.append("★ starred")
    if article.full_text:
        flags.append("full article")
    if flags:
        text.append("\n" + " · ".join(flags), style="dim")
    if article.note:
        text.append("\n")
        text.append(article.note, style="italic")
    return text


def related_line(row: ItemRow, width: int = 0) -> Text:
    """A related story: date and source first (the reader compares years and publishers)."""
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    text.append(short_date(row.published) + "  ", style="dim")
    text.append(fit(row.feed_title, 16) + "  ", style="italic")
    text.append(row.title, style="bold" if not row.read else "")
    return text


def is_safe_link(link: str | None) -> bool:
    return bool(link) and link.lower().startswith(SAFE_SCHEMES)  # type: ignore[union-attr]
