"""Helpers for the reliability suite: CLI runs that must never end in a traceback, small limits,
and checks on what a user would see (control characters, duplicates, database health)."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from civicreader.cli import cli

from conftest import LoopbackServer, write_config

# Small limits so every fault is met quickly: 2 s per request, 1 MB per body.
SETTINGS = "[settings]\ntimeout_seconds = 2\nmax_feed_mb = 1\n"
# Any C0/C1 control except newline and tab, DEL, and the bidi/format characters sanitize drops.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069]")
CLI_PATH = Path(sys.executable).with_name("civicreader")


@dataclass
class Run:
    """One CLI invocation as a user sees it."""

    code: int
    out: str
    err: str
    result: Result

    def json(self) -> Any:
        return json.loads(self.out)


def invoke(config: Path, db: Path, *args: str) -> Run:
    """Run the CLI in-process; a Python traceback (any exception but SystemExit) fails the test."""
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(db), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback from {args}: {result.exception!r}") from result.exception
    return Run(result.exit_code, result.stdout, result.stderr, result)


@dataclass
class Setup:
    """A config file and database under one temporary directory."""

    root: Path
    config: Path
    db: Path

    def write(self, urls: list[str], extra: str = SETTINGS, **keys: object) -> Path:
        return write_config(self.config, urls, extra, **keys)

    def cli(self, *args: str) -> Run:
        return invoke(self.config, self.db, *args)

    def refresh(self, *args: str) -> Run:
        return self.cli("refresh", *args)

    def feed_json(self) -> dict[str, dict[str, Any]]:
        """``feeds list --json`` keyed by URL."""
        run = self.cli("feeds", "list", "--json")
        assert run.code == 0, run.err
        return {f["url"]: f for f in run.json()}

    def rows(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, args).fetchall()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """The shared loopback server, quieter and quicker: clients that hang up at their cap are
    not reported on stderr, and shutdown is polled every 50 ms instead of 0.5 s."""
    srv = LoopbackServer()
    srv.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    srv.thread = threading.Thread(
        target=srv.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return Setup(tmp_path, tmp_path / "config" / "feeds.toml", tmp_path / "data" / "c.db")


def closed_port() -> int:
    """A loopback port that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_healthy(db: Path) -> None:
    """Integrity check passes and no feed holds the same item twice."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        dupes = conn.execute(
            "SELECT feed_id, key, count(*) FROM items GROUP BY feed_id, key HAVING count(*) > 1"
        ).fetchall()
        assert dupes == []
        links = conn.execute(
            "SELECT feed_id, link, count(*) FROM items WHERE link IS NOT NULL"
            " GROUP BY feed_id, link HAVING count(*) > 1"
        ).fetchall()
        assert links == []


def no_controls(value: Any) -> None:
    """Every string inside ``value`` (JSON-like) is free of terminal control characters."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        assert found is None, f"control character {found.group()!r} in {value[:120]!r}"
    elif isinstance(value, dict):
        for item in value.values():
            no_controls(item)
    elif isinstance(value, list | tuple):
        for item in value:
            no_controls(item)
