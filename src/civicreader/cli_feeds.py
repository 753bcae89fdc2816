"""Managing subscriptions: ``feeds list|add|remove|validate|import|export``.

Edits go through config.py, which keeps the file's comments, order and formatting.
"""

from __future__ import annotations

from pathlib import Path

import click

from civicreader.cli_common import Context, emit_json, fail
from civicreader.model import FeedConfig, FeedStatus, iso_utc


def _statuses(obj: Context) -> dict[str, FeedStatus]:
    """Stored fetch outcomes by URL; empty when no database exists yet (never creates one)."""
    if not obj.db_path.exists():
        return {}
    from civicreader.services import Library
    from civicreader.store import StoreError

    try:
        with Library(obj.db_path) as lib:
            return {s.url: s for s in lib.feeds()}
    except StoreError:
        return {}


def _state(status: FeedStatus | None) -> str:
    if status is None or status.last_checked is None:
        return "never fetched"
    if status.gone:
        return "gone (HTTP 410)"
    if status.last_error:
        return f"failing: {status.last_error}"
    return "ok"


@click.group()
def feeds() -> None:
    """Manage the subscription list (feeds.toml)."""


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_feeds(obj: Context, as_json: bool) -> None:
    """Subscriptions with their last fetch status, error and next attempt."""
    config = obj.load()
    status = _statuses(obj)
    if as_json:
        out = []
        for f in config.feeds:
            s = status.get(f.url)
            out.append(
                {
                    "url": f.url,
                    "title": f.title or (s.title if s else None),
                    "tags": list(f.tags),
                    "council": f.council,
                    "full_text": f.full_text,
                    "enabled": f.enabled,
                    "unread": s.unread if s else 0,
                    "items": s.total if s else 0,
                    "last_status": s.last_status if s else None,
                    "last_error": s.last_error if s else None,
                    "last_checked": iso_utc(s.last_checked) if s else None,
                    "next_attempt": iso_utc(s.next_due) if s else None,
                    "gone": s.gone if s else False,
                }
            )
        emit_json(out)
        return
    for f in config.feeds:
        s = status.get(f.url)
        title = f.title or (s.title if s and s.title != f.url else "") or "(untitled)"
        flags = "" if f.enabled else "  [disabled]"
        click.echo(f"{title}{flags}\n    {f.url}")
        line = f"    {_state(s)}"
        if s is not None:
            line += f"; {s.total} stories, {s.unread} unread"
            if s.next_due is not None:
                line += f"; next attempt {iso_utc(s.next_due)}"
        click.echo(line)


@feeds.command("add")
@click.argument("url")
@click.option("--title", help="Title to show instead of the feed's own.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--council", metavar="NAME|GSS", help="The feed is this council's own newsroom.")
@click.option("--full-text", is_flag=True, help="Fetch each story's page and extract the article.")
@click.pass_obj
def add(
    obj: Context,
    url: str,
    title: str | None,
    tags: tuple[str, ...],
    council: str | None,
    full_text: bool,
) -> None:
    """Subscribe to a feed."""
    from civicreader.config import ConfigError, add_feed

    obj.load()
    if council:
        from civicreader.services import UnknownCouncil, resolve_council

        try:
            council = resolve_council(council).name
        except UnknownCouncil as exc:
            fail(f"--council: {exc}")
    feed = FeedConfig(url=url, title=title, tags=tags, council=council, full_text=full_text)
    try:
        add_feed(obj.config_path, feed)
    except ConfigError as exc:
        fail(str(exc))
    click.echo(f"added {url}")


@feeds.command("remove")
@click.argument("url")
@click.pass_obj
def remove(obj: Context, url: str) -> None:
    """Unsubscribe from a feed (its stored stories are kept)."""
    from civicreader.config import ConfigError, remove_feed

    obj.load()
    try:
        removed = remove_feed(obj.config_path, url)
    except ConfigError as exc:
        fail(str(exc))
    if not removed:
        fail(f"not subscribed: {url}", 1)
    click.echo(f"removed {url}")


@feeds.command("validate")
@click.pass_obj
def validate(obj: Context) -> None:
    """Check feeds.toml; exit 2 naming file, line and key of every problem, one a line."""
    config = obj.load(every_error=True)
    enabled = sum(f.enabled for f in config.feeds)
    click.echo(f"{obj.config_path}: ok ({len(config.feeds)} feeds, {enabled} enabled)")


@feeds.command("import")
@click.argument("opml_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_opml(obj: Context, opml_file: Path) -> None:
    """Subscribe to the feeds of an OPML file (folders become tags). Nothing in it is run."""
    from civicreader.config import ConfigError, add_feeds
    from civicreader.opml import OpmlError, parse_opml

    obj.load()
    try:
        data = opml_file.read_bytes()
    except OSError as exc:
        fail(f"{opml_file}: {exc.strerror or exc}")
    try:
        result = parse_opml(data)
    except OpmlError as exc:
        fail(f"{opml_file}: {exc}")
    for problem in result.problems:
        click.echo(f"note: {opml_file}: {problem}", err=True)
    for entry in result.skipped:
        click.echo(f"skipped: {entry.title or entry.url!r}: {entry.reason}", err=True)
    try:
        added, dupes = add_feeds(obj.config_path, result.feeds)
    except ConfigError as exc:
        fail(str(exc))
    for feed, reason in dupes:
        click.echo(f"skipped: {feed.url}: {reason}", err=True)
    click.echo(
        f"imported {len(added)} feeds from {opml_file} ({len(result.skipped) + len(dupes)} skipped)"
    )


@feeds.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export(obj: Context, file: Path | None) -> None:
    """Write the subscriptions as OPML 2.0 to FILE (or standard output)."""
    from civicreader.opml import export_opml

    text = export_opml(obj.load().feeds)
    if file is None:
        click.echo(text, nl=False)
        return
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{file}: {exc.strerror or exc}")
    click.echo(f"exported to {file}")
