"""Processes and the database: kill -9 mid-refresh, two refreshes at once, readers during a
refresh, unusable database paths and a full disk. Nothing committed is lost, nothing is stored
twice, and every failure is a message with exit status 2, not a traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from civicreader.config import load_config
from civicreader.refresh import run_refresh
from civicreader.store import database
from reliability.conftest import CLI_PATH, SETTINGS, Run, Setup, assert_healthy, invoke
from reliability.mounts import PrivateMounts, modes_ignored

from conftest import LoopbackServer, rss, wait_for

PER_FEED = 5


def _slow_feeds(server: LoopbackServer, count: int, delay: dict[str, float]) -> list[str]:
    """``count`` feeds of PER_FEED items; each answer waits ``delay["s"]`` seconds first."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        time.sleep(delay["s"])
        name = req.path.strip("/")
        items = [{"title": f"{name} story {i}", "guid": f"{name}-{i}"} for i in range(PER_FEED)]
        body = rss(items, f"Feed {name}")
        req._send(200, body, {})  # type: ignore[attr-defined]

    return [server.add(f"/f{n}", handler=handler) for n in range(count)]


def _command() -> list[str]:
    return [str(CLI_PATH)] if CLI_PATH.exists() else [sys.executable, "-m", "civicreader"]


def _spawn(setup: Setup, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*_command(), "--config", str(setup.config), "--db", str(setup.db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _group_alive(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, from /proc."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            alive.append(int(entry.name))
    return alive


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    except sqlite3.Error:
        return 0


def _refresh_under_way(
    server: LoopbackServer, setup: Setup, delay: dict[str, float]
) -> subprocess.Popen[str]:
    """A refresh of 30 slow feeds, once three of them are committed."""
    setup.write(_slow_feeds(server, 30, delay), "[settings]\ntimeout_seconds = 5\nper_host = 2\n")
    proc = _spawn(setup, "refresh")
    if not wait_for(lambda: _count(setup.db) >= 3 * PER_FEED, timeout=30):
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("nothing stored")
    return proc


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_kill_nine_mid_refresh_loses_nothing_and_leaves_no_lock(
    server: LoopbackServer, setup: Setup
) -> None:
    delay = {"s": 0.25}
    proc = _refresh_under_way(server, setup, delay)
    try:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        stored = _count(setup.db)
        assert 3 * PER_FEED <= stored < 30 * PER_FEED  # killed part-way through
        # Its parsing workers must not outlive it (they would hold the lock for ever).
        assert wait_for(lambda: not _group_alive(proc.pid), timeout=10), "orphaned workers"
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    delay["s"] = 0.0
    again = setup.refresh("--json")
    assert again.code == 0, again.err  # not 75: no stale lock
    assert again.json()["new"] == 30 * PER_FEED - stored
    assert_healthy(setup.db)
    assert setup.rows("SELECT count(*), count(DISTINCT key) FROM items") == [(150, 150)]


def test_two_refreshes_at_once(server: LoopbackServer, setup: Setup) -> None:
    urls = _slow_feeds(server, 8, {"s": 0.2})
    setup.write(urls, SETTINGS)
    procs = [_spawn(setup, "refresh"), _spawn(setup, "refresh")]
    results = [(p.wait(timeout=60), *p.communicate(timeout=10)) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 75]), results
    for code, _, err in results:
        assert "Traceback" not in err
        if code == 75:
            assert f"civicreader: another refresh is running on {setup.db}" in err
    assert_healthy(setup.db)
    assert setup.rows("SELECT count(*) FROM items") == [(8 * PER_FEED,)]


def test_readers_are_not_blocked_by_a_refresh(server: LoopbackServer, setup: Setup) -> None:
    delay = {"s": 0.0}
    urls = _slow_feeds(server, 6, delay)
    config = load_config(setup.write(urls, SETTINGS))
    run_refresh(config, setup.db, workers=1)
    for url in urls:  # new stories everywhere, served slowly
        path = "/" + url.rsplit("/", 1)[1]
        server.add(path, rss([{"title": f"late {path}", "guid": f"late{path}"}]))
        server.routes[path].handler = None
    slow_route = server.routes.copy()

    def slow(req: BaseHTTPRequestHandler) -> None:
        time.sleep(0.4)
        route = slow_route[req.path]
        req._send(200, route.body, {})  # type: ignore[attr-defined]

    for path in slow_route:
        server.routes[path].handler = slow
    holder = sqlite3.connect(setup.db, isolation_level=None)
    holder.execute("BEGIN")
    held = holder.execute("SELECT count(*) FROM items").fetchone()[0]  # a snapshot, kept open
    outcome: dict[str, object] = {}
    worker = threading.Thread(
        target=lambda: outcome.update(report=run_refresh(config, setup.db, workers=1))
    )
    worker.start()
    seen = []
    while worker.is_alive():
        started = time.monotonic()
        run = setup.cli("items", "list", "--limit", "0", "--json")
        assert run.code == 0, run.err
        assert time.monotonic() - started < 2  # not waiting on the writer
        seen.append(len(run.json()))
    worker.join()
    assert len(seen) >= 2 and seen == sorted(seen)
    assert holder.execute("SELECT count(*) FROM items").fetchone()[0] == held
    holder.execute("COMMIT")
    holder.close()
    report = outcome["report"]
    assert report.new == 6 and report.failed == 0  # type: ignore[attr-defined]
    assert_healthy(setup.db)


def test_unusable_database_directory_is_a_clear_error(setup: Setup) -> None:
    blocker = setup.root / "not-a-dir"
    blocker.write_text("a file where the database directory should be")
    setup.write(["http://127.0.0.1:9/feed.xml"])
    run = invoke(setup.config, blocker / "sub" / "c.db", "refresh")
    assert run.code == 2
    assert run.err.startswith("civicreader: cannot create ") and "Not a directory" in run.err


def test_reading_commands_on_an_unusable_database_path(setup: Setup) -> None:
    blocker = setup.root / "not-a-dir"
    blocker.write_text("x")
    setup.write(["http://127.0.0.1:9/feed.xml"])
    for args in (["items", "list"], ["show", "1"]):
        run = invoke(setup.config, blocker / "sub" / "c.db", *args)
        assert run.code == 2 and run.err.startswith("civicreader: ")


@pytest.fixture
def mounts() -> Iterator[PrivateMounts]:
    ns = PrivateMounts()
    try:
        yield ns
    finally:
        ns.close()


def _cli_in(ns: PrivateMounts, setup: Setup, db: Path, *args: str) -> Run:
    """The installed CLI run inside the namespace, as a user would run it."""
    done = ns.run(*_command(), "--config", setup.config, "--db", db, *args)
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr, None)  # type: ignore[arg-type]


def _healthy_in(ns: PrivateMounts, db: Path) -> list[str]:
    """Integrity check and stored titles, read inside the namespace."""
    check = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        "print(c.execute('PRAGMA integrity_check').fetchone()[0]);"
        "[print(t) for (t,) in c.execute('SELECT title FROM items ORDER BY title')]"
    )
    return ns.run(sys.executable, "-c", check, db, check=True).stdout.split()


def test_read_only_database_directory_is_a_clear_error(
    server: LoopbackServer, setup: Setup, mounts: PrivateMounts
) -> None:
    """Root ignores directory modes, so as root the directory is a read-only mount."""
    url = server.add("/a.xml", rss([{"title": "A", "guid": "a"}]))
    setup.write([url])
    where = setup.root / "ro"
    if modes_ignored():
        mounts.tmpfs(where, 1024, read_only=True)
        run = _cli_in(mounts, setup, where / "c.db", "refresh")
    else:
        where.mkdir()
        where.chmod(0o555)
        try:
            run = invoke(setup.config, where / "c.db", "refresh")
        finally:
            where.chmod(0o755)
    assert run.code == 2, run.err
    assert run.err.startswith("civicreader: ") and str(where / "c.db") in run.err
    assert server.hits.get("/a.xml") is None  # failed before fetching anything


def test_read_only_database_file_is_a_clear_error(
    server: LoopbackServer, setup: Setup, mounts: PrivateMounts
) -> None:
    """Root ignores file modes, so as root the file is bound read-only over itself."""
    url = server.add("/a.xml", rss([{"title": "A", "guid": "a"}]))
    setup.write([url])
    assert setup.refresh().code == 0
    server.add("/a.xml", rss([{"title": "A", "guid": "a"}, {"title": "B", "guid": "b"}]))
    if modes_ignored():
        mounts.read_only_file(setup.db)
        run = _cli_in(mounts, setup, setup.db, "refresh")
    else:
        setup.db.chmod(0o444)
        try:
            run = setup.refresh()
        finally:
            setup.db.chmod(0o644)
    assert run.code == 2, run.err
    assert run.err.startswith("civicreader: ") and str(setup.db) in run.err
    assert "readonly database" in run.err
    assert_healthy(setup.db)
    assert setup.rows("SELECT title FROM items") == [("A",)]


def test_read_only_database_is_a_clear_error(
    server: LoopbackServer, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database SQLite itself opens read-only (as on a read-only medium)."""
    url = server.add("/a.xml", rss([{"title": "A", "guid": "a"}]))
    setup.write([url])
    assert setup.refresh().code == 0
    real = sqlite3.connect

    def read_only(path: str, **kwargs: Any) -> sqlite3.Connection:
        return real(f"file:{path}?mode=ro", uri=True, **kwargs)

    monkeypatch.setattr(database.sqlite3, "connect", read_only)
    run = setup.refresh()
    monkeypatch.undo()
    assert run.code == 2
    assert run.err.startswith("civicreader: ") and str(setup.db) in run.err
    assert "attempt to write a readonly database" in run.err
    assert_healthy(setup.db)


def test_missing_database_directory_is_created(server: LoopbackServer, setup: Setup) -> None:
    url = server.add("/a.xml", rss([{"title": "A", "guid": "a"}]))
    setup.write([url])
    db = setup.root / "new" / "deeper" / "c.db"
    assert invoke(setup.config, db, "refresh").code == 0 and db.exists()


def _big_feed(server: LoopbackServer) -> str:
    """150 stories of ~2.6 KB each: more than the space a full-disk test leaves."""
    body = "Budget text. " * 200
    return server.add(
        "/big.xml",
        rss([{"title": f"B{i}", "guid": f"b{i}", "description": body} for i in range(150)]),
    )


def test_full_disk_is_a_clear_error_and_loses_nothing(
    server: LoopbackServer, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = server.add("/small.xml", rss([{"title": "Small", "guid": "s"}]))
    setup.write([small])
    assert setup.refresh().code == 0
    big = _big_feed(server)
    setup.write([small, big])
    real_connect = database.connect

    def cramped(path: Path | str) -> sqlite3.Connection:
        conn = real_connect(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 4}")  # the disk fills up now
        return conn

    monkeypatch.setattr(database, "connect", cramped)
    run = setup.refresh()
    assert run.code == 2
    assert run.err.startswith("civicreader: write to ") and "database or disk is full" in run.err
    assert_healthy(setup.db)
    assert setup.rows("SELECT title FROM items") == [("Small",)]  # the big feed rolled back whole
    monkeypatch.setattr(database, "connect", real_connect)  # space freed: nothing was lost
    again = setup.refresh("--json")
    assert again.code == 0 and again.json()["new"] == 150


_FILL = (
    "import os, sys; where, keep = sys.argv[1], int(sys.argv[2]) * 1024;"
    "st = os.statvfs(where); free = st.f_bavail * st.f_frsize;"
    "open(os.path.join(where, 'filler'), 'wb').write(bytes(free - keep))"
)


def test_a_really_full_disk_is_a_clear_error_and_loses_nothing(
    server: LoopbackServer, setup: Setup, mounts: PrivateMounts
) -> None:
    """The database on a small tmpfs filled to its last 192 KiB; freeing space lets it finish."""
    small = server.add("/small.xml", rss([{"title": "Small", "guid": "s"}]))
    setup.write([small])
    disk = setup.root / "disk"
    mounts.tmpfs(disk, 16 * 1024)
    db = disk / "c.db"
    assert _cli_in(mounts, setup, db, "refresh").code == 0
    big = _big_feed(server)
    setup.write([small, big])
    mounts.run(sys.executable, "-c", _FILL, disk, "192", check=True)
    run = _cli_in(mounts, setup, db, "refresh")
    assert run.code == 2, (run.out, run.err)
    assert run.err.startswith("civicreader: ") and str(db) in run.err
    assert "database or disk is full" in run.err
    assert _healthy_in(mounts, db) == ["ok", "Small"]  # the big feed rolled back whole
    mounts.run("rm", disk / "filler", check=True)
    again = _cli_in(mounts, setup, db, "refresh", "--json")
    assert again.code == 0, again.err
    assert again.json()["new"] == 150
    assert len(_healthy_in(mounts, db)) == 152


def test_a_refresh_while_the_reader_is_open(server: LoopbackServer, setup: Setup) -> None:
    """The reader keeps one Library (one connection) open for its whole life: it reads while a
    refresh writes, is never held up, and sees the new stories once they are committed."""
    from civicreader.model import ItemQuery
    from civicreader.services import Library

    urls = _slow_feeds(server, 6, {"s": 0.0})
    config = load_config(setup.write(urls, SETTINGS))
    run_refresh(config, setup.db, workers=1)

    def slow_with_a_new_story(req: BaseHTTPRequestHandler) -> None:
        time.sleep(0.3)
        name = req.path.strip("/")
        items = [{"title": f"{name} story {i}", "guid": f"{name}-{i}"} for i in range(PER_FEED)]
        items.append({"title": f"late {name}", "guid": f"late-{name}"})
        req._send(200, rss(items), {})  # type: ignore[attr-defined]

    for route in server.routes.values():
        route.handler = slow_with_a_new_story
    with Library(setup.db) as reader:
        assert reader.total() == 6 * PER_FEED
        worker = threading.Thread(target=run_refresh, args=(config, setup.db), daemon=True)
        worker.start()
        slowest, polls = 0.0, []
        while worker.is_alive():
            started = time.monotonic()
            polls.append(started)
            rows = reader.items(ItemQuery(limit=0))
            reader.mark_read([rows[0].id])  # the reader writes too (read state)
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.02)
        worker.join()
        assert slowest < 1.0
        assert reader.total() == 6 * PER_FEED + 6
        titles = {r.title for r in reader.items(ItemQuery(limit=0, search="late"))}
        assert titles == {f"late f{n}" for n in range(6)}
        assert len(polls) >= 3  # it really read during the refresh
    assert_healthy(setup.db)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_ctrl_c_mid_refresh_keeps_whole_feeds_and_says_so(
    server: LoopbackServer, setup: Setup
) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) part-way through:
    a one-line message, exit status 130, no traceback, no worker left behind; the feeds
    written so far are committed whole, items with their validators, and the next refresh
    fetches just the rest."""
    delay = {"s": 0.25}
    proc = _refresh_under_way(server, setup, delay)
    try:
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert wait_for(lambda: not _group_alive(proc.pid), timeout=10), "workers left behind"
    stored = _count(setup.db)
    assert stored % PER_FEED == 0 and 3 * PER_FEED <= stored < 30 * PER_FEED
    with sqlite3.connect(setup.db) as conn:
        fetched = conn.execute("SELECT count(*) FROM feeds WHERE body_hash IS NOT NULL")
        assert fetched.fetchone()[0] == stored // PER_FEED  # items and feed state together
    delay["s"] = 0.0
    again = setup.refresh("--json")
    assert again.code == 0, again.err
    assert again.json()["new"] == 30 * PER_FEED - stored
    assert_healthy(setup.db)
