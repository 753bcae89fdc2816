"""Council commands: ``councils tag|list|show|retag`` and ``related``."""

from __future__ import annotations

import sys

import click

from civicreader.cli_common import Context, emit_json, fail, item_line
from civicreader.model import ItemQuery


@click.group()
def councils() -> None:
    """Councils: tag text, list coverage, show a council's stories."""


@councils.command("tag")
def tag_command() -> None:
    """Tag JSON Lines from stdin: {"id","title","text","published"} -> {"id","councils"}."""
    from civicreader.councils.tag_cli import tag_stream

    tag_stream(sys.stdin, sys.stdout)


@councils.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_councils(obj: Context, as_json: bool) -> None:
    """Councils with their story counts, most covered first."""
    with obj.library() as lib:
        counts = lib.councils()
    if as_json:
        emit_json([{**c.council.as_json(), "stories": c.stories} for c in counts])
        return
    for c in counts:
        click.echo(f"{c.stories:>7}  {c.council.gss or c.council.code:<10} {c.council.name}")


@councils.command("show")
@click.argument("name")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show_council(obj: Context, name: str, limit: int, as_json: bool) -> None:
    """A council's recent stories (NAME, GSS code or register code)."""
    from civicreader.services import UnknownCouncil, resolve_council

    try:
        council = resolve_council(name)
    except UnknownCouncil as exc:
        fail(str(exc))
    with obj.library() as lib:
        rows = lib.items(ItemQuery(council=council.code, limit=limit))
    if as_json:
        emit_json({**council.as_json(), "items": [r.as_json() for r in rows]})
        return
    ended = f", abolished {council.end:%Y-%m-%d}" if council.end else ""
    click.echo(f"{council.name} ({council.gss or council.code}; {council.kind}{ended})")
    for row in rows:
        click.echo(item_line(row))


@councils.command("retag")
@click.pass_obj
def retag_command(obj: Context) -> None:
    """Re-tag every stored story (after a gazetteer update)."""
    from civicreader.services import retag

    done = retag(obj.db_path)
    click.echo(f"re-tagged {done} stories")


@click.command()
@click.argument("item_id", type=int)
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def related(obj: Context, item_id: int, limit: int, as_json: bool) -> None:
    """Other stories about the same councils, best first, from any feed and year."""
    with obj.library() as lib:
        if lib.article(item_id) is None:
            fail(f"no story with id {item_id}", 1)
        rows = lib.related(item_id, limit)
    if as_json:
        emit_json([r.as_json() for r in rows])
        return
    for r in rows:
        click.echo(f"{r.score:5.2f} {item_line(r.item)}")
