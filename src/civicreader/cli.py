"""The ``civicreader`` command. Without a subcommand it opens the reader; the Textual UI is
imported only in that branch, so scripts and cron never load it."""

from __future__ import annotations

import sys

import click

from civicreader import __version__
from civicreader.cli_common import (
    EXIT_BUSY,
    EXIT_FAILED,
    EXIT_OK,
    Context,
    emit_json,
    fail,
)


@click.group(invoke_without_command=True)
@click.option("--config", "config_opt", metavar="PATH", help="feeds.toml to use.")
@click.option("--db", "db_opt", metavar="PATH", help="SQLite database to use.")
@click.version_option(__version__, prog_name="civicreader")
@click.pass_context
def cli(ctx: click.Context, config_opt: str | None, db_opt: str | None) -> None:
    """A terminal reader for UK local-government news that knows which council a story is about.

    Run without a command to open the reader.
    """
    ctx.obj = Context(config_opt, db_opt)
    if ctx.invoked_subcommand is None:
        config = ctx.obj.load()
        from civicreader.ui.launch import launch

        sys.exit(launch(ctx.obj.config_path, ctx.obj.db_path, config))


@cli.command()
@click.pass_obj
def locate(obj: Context) -> None:
    """Print the config and database paths in use."""
    click.echo(f"config: {obj.config_path}")
    click.echo(f"database: {obj.db_path}")


@cli.command()
@click.option("--feed", "feeds", multiple=True, metavar="URL", help="Only this feed (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.option("--quiet", is_flag=True, help="Print nothing unless something failed.")
@click.pass_obj
def refresh(obj: Context, feeds: tuple[str, ...], as_json: bool, quiet: bool) -> None:
    """Fetch every enabled feed once and store new and changed stories (for cron).

    Exit status: 0 all feeds fine, 1 some feeds failed (the rest are stored), 2 configuration
    error, 75 another refresh is running on this database.
    """
    from civicreader.config import ConfigError, set_feed_url
    from civicreader.workers import start_pool, stores_nothing_yet

    config = obj.load()
    known = {f.url for f in config.feeds}
    for url in feeds:
        if url not in known:
            fail(f"--feed {url}: not in {obj.config_path} (add it with 'civicreader feeds add')")
    pool = None
    if stores_nothing_yet(obj.db_path):  # every feed to parse: the workers fork now and load
        targets = len(config.refresh_targets(feeds))
        pool = start_pool(targets, warm=True)  # the parser while this process imports the rest
    from civicreader.progress import progress_reporter
    from civicreader.refresh import RefreshBusy, run_refresh
    from civicreader.store import StoreError

    config_path = obj.config_path

    def moved(old: str, new: str) -> None:
        try:
            set_feed_url(config_path, old, new)
            click.echo(f"moved permanently: {old} -> {new} (feeds.toml updated)", err=True)
        except ConfigError as exc:
            click.echo(
                f"note: {old} moved to {new} but feeds.toml was not updated: {exc}", err=True
            )

    show_bar = not (as_json or quiet) and sys.stderr.isatty()
    try:
        with progress_reporter(show_bar) as progress:
            report = run_refresh(
                config, obj.db_path, feeds or None, progress, on_moved=moved, pool=pool
            )
    except RefreshBusy as exc:
        fail(str(exc), EXIT_BUSY)
    except StoreError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted: the feeds done so far are stored; the next refresh does the rest", 130)
    if as_json:
        emit_json(report.as_json())
    else:
        for outcome in report.outcomes:
            if outcome.result in ("failed", "gone"):
                click.echo(f"failed: {outcome.url}: {outcome.error}", err=True)
        if not quiet or report.failed:
            click.echo(report.summary())
    sys.exit(EXIT_FAILED if report.failed else EXIT_OK)


@cli.command()
@click.option("--no-ui", is_flag=True, help="Print the demo stories instead of opening the reader.")
@click.pass_obj
def demo(obj: Context, no_ui: bool) -> None:
    """Open the reader on the bundled offline demo stories (no network needed)."""
    from civicreader.demo_data import demo_db_path, prepare_demo

    db = demo_db_path(obj.db_option)
    config = prepare_demo(db)
    if no_ui:
        from civicreader.cli_common import item_line
        from civicreader.model import ItemQuery
        from civicreader.services import Library

        with Library(db) as lib:
            for row in lib.items(ItemQuery(limit=0)):
                click.echo(item_line(row))
        return
    from civicreader.ui.launch import launch

    sys.exit(launch(None, db, config))


def _register() -> None:
    from civicreader.cli_councils import councils, related
    from civicreader.cli_feeds import feeds
    from civicreader.cli_items import items, show

    for command in (feeds, items, show, related, councils):
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="civicreader")
