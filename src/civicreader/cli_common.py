"""What every command shares: resolved paths, config loading with friendly errors, output."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from civicreader.model import Config, ItemRow

if TYPE_CHECKING:
    from civicreader.services import Library

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 75


@dataclass
class Context:
    """Paths chosen by --config/--db, environment variables and platform defaults."""

    config_option: str | None
    db_option: str | None

    @property
    def config_path(self) -> Path:
        from civicreader.locations import config_path

        return config_path(self.config_option)

    @property
    def db_path(self) -> Path:
        from civicreader.locations import db_path

        return db_path(self.db_option)

    def load(self, every_error: bool = False) -> Config:
        """The subscription list, copied from the shipped default on first run. A broken file
        stops with its first error, or with all of them (one a line) for ``every_error``."""
        from civicreader.config import ConfigError, check_file
        from civicreader.locations import ensure_config

        path = self.config_path
        try:
            if ensure_config(path):
                click.echo(f"created {path} from the default subscription list", err=True)
            config, errors = check_file(path)
        except ConfigError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"{path}: {exc.strerror or exc}")
        if errors:
            shown = errors if every_error else errors[:1]
            for error in shown[:-1]:
                click.echo(f"civicreader: {error}", err=True)
            fail(str(shown[-1]))
        return config

    def library(self) -> Library:
        """The database, or a clear error (exit 2) when it cannot be opened."""
        from civicreader.services import Library
        from civicreader.store import StoreError

        try:
            return Library(self.db_path)
        except StoreError as exc:
            fail(str(exc))


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"civicreader: {message}", err=True)
    sys.exit(code)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def parse_since(value: str | None) -> datetime | None:
    """--since accepts a date, a date-time, or a relative '7d' / '12h'."""
    if not value:
        return None
    text = value.strip()
    if text[:-1].isdigit() and text[-1:] in ("d", "h"):
        from datetime import timedelta

        amount = int(text[:-1])
        delta = timedelta(days=amount) if text[-1] == "d" else timedelta(hours=amount)
        return datetime.now(UTC) - delta
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            fail(f"--since: not a date: {value!r} (use 2024-06-01, 2024-06-01T09:00 or 7d)")
        when = datetime(day.year, day.month, day.day)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def item_line(row: ItemRow) -> str:
    """One line of ``items list``: id, date, unread mark, source, title, councils."""
    when = row.published.strftime("%Y-%m-%d") if row.published else "          "
    mark = " " if row.read else "*"
    star = "★" if row.starred else " "
    councils = ", ".join(c.nice_name or c.name for c in row.councils[:3])
    tail = f"  [{councils}]" if councils else ""
    return f"{row.id:>7} {when} {mark}{star} {row.feed_title[:24]:<24} {row.title}{tail}"
