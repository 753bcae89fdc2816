"""Reading from the command line: ``items list`` and ``show``."""

from __future__ import annotations

import click

from civicreader.cli_common import Context, emit_json, fail, item_line, parse_since
from civicreader.model import ItemQuery


def council_code(name: str | None) -> str | None:
    """--council NAME|GSS|code -> register code, or a usage error naming the value."""
    if not name:
        return None
    from civicreader.services import UnknownCouncil, resolve_council

    try:
        return resolve_council(name).code
    except UnknownCouncil as exc:
        fail(f"--council: {exc}")


@click.group()
def items() -> None:
    """List stored stories."""


@items.command("list")
@click.option("--feed", metavar="URL", help="Only stories from this feed.")
@click.option("--council", metavar="NAME|GSS", help="Only stories about this council.")
@click.option("--search", metavar="WORDS", help="Full-text search of titles and text.")
@click.option("--unread", is_flag=True, help="Only unread stories.")
@click.option("--starred", is_flag=True, help="Only starred stories.")
@click.option("--since", metavar="DATE", help="Only stories since DATE (2024-06-01, or 7d).")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="At most N stories (0 = all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_items(
    obj: Context,
    feed: str | None,
    council: str | None,
    search: str | None,
    unread: bool,
    starred: bool,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Stored stories, newest first."""
    query = ItemQuery(
        feed=feed,
        council=council_code(council),
        search=search,
        unread=unread,
        starred=starred,
        since=parse_since(since),
        limit=limit,
    )
    with obj.library() as lib:
        rows = lib.items(query)
    if as_json:
        emit_json([r.as_json() for r in rows])
        return
    for row in rows:
        click.echo(item_line(row))


@click.command()
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(obj: Context, item_id: int, as_json: bool) -> None:
    """Show one story as Markdown."""
    with obj.library() as lib:
        article = lib.article(item_id)
    if article is None:
        fail(f"no story with id {item_id}", 1)
    if as_json:
        emit_json(article.as_json())
        return
    item = article.item
    click.echo(item.title)
    click.echo(
        f"{item.feed_title} · {item.published:%d %B %Y}" if item.published else item.feed_title
    )
    if item.link:
        click.echo(item.link)
    if item.councils:
        click.echo("Councils: " + ", ".join(f"{c.name} ({c.gss or c.code})" for c in item.councils))
    if article.note:
        click.echo(f"Note: {article.note}")
    click.echo()
    click.echo(article.text or article.summary)
