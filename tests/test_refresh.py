"""End-to-end refresh against feeds served from loopback: counts, idempotence, 304s, failures."""

from __future__ import annotations

import json
import os
import pickle
import pty
import re
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from click.testing import CliRunner

from civicreader.cli import cli
from civicreader.config import load_config
from civicreader.model import ItemQuery
from civicreader.parse import parse_feed
from civicreader.pipeline import pack_feed, unpack_feed
from civicreader.refresh import run_refresh
from civicreader.services import Library

from conftest import LoopbackServer, rss, write_config

SETTINGS = "[settings]\ntimeout_seconds = 2\nmax_feed_mb = 2\n"


def _items(n: int, prefix: str, year: int = 2024) -> list[dict[str, str]]:
    return [
        {
            "title": f"{prefix} story {i}",
            "link": f"/{prefix}/story-{i}.html",
            "guid": f"{prefix}-{i}",
            "description": f"<p>Body of <b>{prefix}</b> story {i}.</p>",
            "pubDate": f"Mon, {1 + i % 28:02d} Jan {year} 09:00:00 +0000",
        }
        for i in range(n)
    ]


def _refresh(config: Path, db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(db), "refresh", *args])
    return result.exit_code, result.stdout if "--json" in args else result.output


def test_seed_sites_store_eight_items_with_absolute_links(
    seed_server: LoopbackServer, tmp_path: Path
) -> None:
    feeds = [seed_server.url("/localgov/rss.xml"), seed_server.url("/pse/feed.xml")]
    config = write_config(tmp_path / "feeds.toml", feeds)
    db = tmp_path / "c.db"
    code, out = _refresh(config, db, "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["new"] == 8 and report["ok"] == 2
    with Library(db) as lib:
        rows = lib.items(ItemQuery(limit=0))
    assert len(rows) == 8
    assert all(r.link and r.link.startswith(seed_server.base + "/") for r in rows)
    titles = {r.title for r in rows}
    assert "Government acknowledges Blackpool children's services improvements" in titles


def test_fifty_feeds_of_thirty_items_then_nothing_changes(
    server: LoopbackServer, tmp_path: Path
) -> None:
    urls = [server.add(f"/f{n}.xml", rss(_items(30, f"f{n}"), f"Feed {n}")) for n in range(50)]
    config = write_config(tmp_path / "feeds.toml", urls, SETTINGS)
    db = tmp_path / "c.db"
    report = run_refresh(load_config(config), db)
    assert (report.count("ok"), report.new, report.failed) == (50, 1500, 0)
    again = run_refresh(load_config(config), db)
    assert (again.count("not_modified"), again.new, again.updated) == (50, 0, 0)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 1500
        assert conn.execute("SELECT count(DISTINCT link) FROM items").fetchone()[0] == 1500


def test_conditional_get_sends_validators_and_gets_304(
    server: LoopbackServer, tmp_path: Path
) -> None:
    seen: list[str | None] = []
    body = rss(_items(3, "c"))

    def handler(req: BaseHTTPRequestHandler) -> None:
        seen.append(req.headers.get("If-None-Match"))
        if req.headers.get("If-None-Match") == '"v1"':
            req.send_response(304)
            req.send_header("Content-Length", "0")
            req.end_headers()
            return
        req.send_response(200)
        req.send_header("ETag", '"v1"')
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    url = server.add("/c.xml", handler=handler)
    config = load_config(write_config(tmp_path / "feeds.toml", [url], SETTINGS))
    assert run_refresh(config, tmp_path / "c.db").new == 3
    second = run_refresh(config, tmp_path / "c.db")
    assert seen == [None, '"v1"']
    assert second.count("not_modified") == 1


def test_edited_item_updates_in_place_and_keeps_read_state(
    server: LoopbackServer, tmp_path: Path
) -> None:
    items = _items(2, "e")
    url = server.add("/e.xml", rss(items))
    config = load_config(write_config(tmp_path / "feeds.toml", [url], SETTINGS))
    db = tmp_path / "c.db"
    run_refresh(config, db)
    with Library(db) as lib:
        first = lib.items(ItemQuery(search="story 0"))[0]
        lib.mark_read([first.id])
        lib.star([first.id])
    items[0]["title"] = "e story 0 (corrected)"
    server.add("/e.xml", rss(items))
    report = run_refresh(config, db)
    assert (report.new, report.updated) == (0, 1)
    with Library(db) as lib:
        row = lib.items(ItemQuery(limit=0, search="corrected"))
        assert len(row) == 1 and row[0].id == first.id
        assert row[0].read and row[0].starred
        assert lib.total() == 2


def test_failures_are_reported_and_the_rest_stored(server: LoopbackServer, tmp_path: Path) -> None:
    good = server.add("/good.xml", rss(_items(4, "g")))
    broken = server.add("/broken.xml", b"oops", status=500, headers={"Content-Type": "text/plain"})

    def slow(req: BaseHTTPRequestHandler) -> None:
        time.sleep(3)

    hung = server.add("/slow.xml", handler=slow)
    config = write_config(tmp_path / "feeds.toml", [good, broken, hung], SETTINGS)
    db = tmp_path / "c.db"
    code, out = _refresh(config, db, "--json")
    assert code == 1
    report = json.loads(out)
    by_url = {f["url"]: f for f in report["feeds"]}
    assert by_url[good]["result"] == "ok" and by_url[good]["new"] == 4
    assert by_url[broken]["result"] == "failed" and "500" in by_url[broken]["error"]
    assert by_url[hung]["result"] == "failed" and "timed out" in by_url[hung]["error"]
    with Library(db) as lib:
        assert lib.total() == 4
        statuses = {s.url: s for s in lib.feeds()}
    assert statuses[broken].last_error and statuses[broken].next_due is not None


def test_quiet_refresh_prints_nothing_when_all_is_well(
    server: LoopbackServer, tmp_path: Path
) -> None:
    url = server.add("/q.xml", rss(_items(2, "q")))
    config = write_config(tmp_path / "feeds.toml", [url], SETTINGS)
    code, out = _refresh(config, tmp_path / "c.db", "--quiet")
    assert (code, out) == (0, "")
    code, out = _refresh(config, tmp_path / "c.db")
    assert code == 0 and "1 not modified" in out and "0 new" in out


def test_refresh_of_one_feed_only(server: LoopbackServer, tmp_path: Path) -> None:
    a = server.add("/a.xml", rss(_items(2, "a")))
    b = server.add("/b.xml", rss(_items(3, "b")))
    config = write_config(tmp_path / "feeds.toml", [a, b], SETTINGS)
    code, out = _refresh(config, tmp_path / "c.db", "--feed", b, "--json")
    assert code == 0 and json.loads(out)["new"] == 3
    assert server.hits.get("/a.xml") is None
    code, out = _refresh(config, tmp_path / "c.db", "--feed", "http://127.0.0.1:1/nope.xml")
    assert code == 2 and "not in" in out


class _Gauge:
    """Requests in flight, overall and per host, and the most seen at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}

    def _bump(self, key: str, by: int) -> None:
        self.now[key] = self.now.get(key, 0) + by
        self.peak[key] = max(self.peak.get(key, 0), self.now[key])

    def handler(self, body: bytes, content_type: str = "application/rss+xml"):  # type: ignore[no-untyped-def]
        def handle(req: BaseHTTPRequestHandler) -> None:
            host = req.headers["Host"].split(":")[0]
            with self.lock:
                self._bump(host, 1)
                self._bump("all", 1)
            time.sleep(0.2)
            with self.lock:
                self._bump(host, -1)
                self._bump("all", -1)
            req._send(200, body, {"Content-Type": content_type})  # type: ignore[attr-defined]

        return handle


def test_concurrency_overall_and_per_host_limits_hold(tmp_path: Path) -> None:
    """Three loopback hosts, five slow feeds each: at most 2 per host and 4 overall at once."""
    gauge = _Gauge()
    servers = [LoopbackServer(f"127.0.0.{n}").start() for n in (1, 2, 3)]
    try:
        urls = [
            srv.add(f"/f{n}.xml", handler=gauge.handler(rss(_items(2, f"h{i}f{n}"))))
            for i, srv in enumerate(servers)
            for n in range(5)
        ]
        settings = SETTINGS + "concurrency = 4\nper_host = 2\n"
        config = load_config(write_config(tmp_path / "feeds.toml", urls, settings))
        report = run_refresh(config, tmp_path / "c.db")
    finally:
        for srv in servers:
            srv.stop()
    assert (report.count("ok"), report.new) == (15, 30)
    assert gauge.peak["all"] == 4  # reached, never passed
    assert {gauge.peak[f"127.0.0.{n}"] for n in (1, 2, 3)} <= {1, 2}
    assert max(gauge.peak[f"127.0.0.{n}"] for n in (1, 2, 3)) == 2


def test_article_pages_share_the_per_host_limit(server: LoopbackServer, tmp_path: Path) -> None:
    """Full-text page fetches run inside the same limits as the feeds on that host."""
    gauge = _Gauge()
    page = b"<html><body><article><h1>T</h1><p>" + b"Story text here. " * 40 + b"</p></article>"
    for n in range(6):
        server.add(f"/p{n}.html", handler=gauge.handler(page, "text/html"))
    items = [{"title": f"T{n}", "guid": f"t{n}", "link": f"/p{n}.html"} for n in range(6)]
    urls = [server.add("/a.xml", rss(items[:3])), server.add("/b.xml", rss(items[3:]))]
    settings = SETTINGS + "concurrency = 16\nper_host = 2\n"
    config = load_config(write_config(tmp_path / "feeds.toml", urls, settings, full_text=True))
    report = run_refresh(config, tmp_path / "c.db")
    assert report.new == 6 and sum(o.full_text for o in report.outcomes) == 6
    assert gauge.peak["127.0.0.1"] == 2


def _cli_with_terminal_stderr(*args: str) -> tuple[int, str, str]:
    """Run the installed CLI with stderr on a pseudo-terminal (as from a shell) and stdout piped."""
    command = Path(sys.executable).with_name("civicreader")
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [str(command), *args], stdout=subprocess.PIPE, stderr=child, stdin=subprocess.DEVNULL
    )
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    out = proc.stdout.read().decode() if proc.stdout else ""
    return proc.wait(timeout=30), out, seen.decode(errors="replace")


def test_progress_bar_on_a_terminal_and_a_one_line_summary(
    server: LoopbackServer, tmp_path: Path
) -> None:
    urls = [server.add(f"/p{n}.xml", rss(_items(2, f"p{n}"))) for n in range(3)]
    broken = server.add("/down.xml", b"", status=500)
    config = write_config(tmp_path / "feeds.toml", [*urls, broken], SETTINGS)
    base = ("--config", str(config), "--db", str(tmp_path / "c.db"), "refresh")
    code, out, err = _cli_with_terminal_stderr(*base)
    assert code == 1
    assert "refreshing" in err and "4/4" in err  # the bar, drawn on the terminal
    assert f"failed: {broken}: HTTP 500 Internal Server Error" in err
    lines = out.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r"3 ok, 0 not modified, 1 failed, 0 deferred; 6 new, 0 updated items in \d+\.\d s", lines[0]
    )
    code, out, err = _cli_with_terminal_stderr(*base, "--feed", urls[0])
    assert code == 0 and out.startswith("0 ok, 1 not modified, 0 failed, 0 deferred; 0 new,")
    code, out, err = _cli_with_terminal_stderr(*base, "--json")  # scripts get no bar
    assert "refreshing" not in err and json.loads(out)["deferred"] == 1
    _, out, err = _cli_with_terminal_stderr(*base, "--quiet")
    assert "refreshing" not in err
    code, out = _refresh(config, tmp_path / "c.db")  # stderr not a terminal: no bar
    assert "refreshing" not in out and code == 0


def test_a_parsed_feed_survives_the_trip_back_from_a_worker() -> None:
    """What a worker sends back (plain tuples) is the same feed once unpacked."""
    feed = (
        b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>'
        b"<link>https://x.gov.uk/</link><item><title>Essex County Council budget</title>"
        b"<link>/a</link><guid>g1</guid><pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate>"
        b"<description>&lt;p&gt;Tax &amp;amp; bins&lt;/p&gt;</description></item>"
        b"<item><title>Second</title><author>press@x.gov.uk</author></item></channel></rss>"
    )
    parsed = parse_feed(feed, "https://x.gov.uk/feed.xml")
    assert len(parsed.items) == 2 and parsed.items[0].text == "Tax & bins"
    assert unpack_feed(pickle.loads(pickle.dumps(pack_feed(parsed)))) == parsed


CAPTURED_STDERR_REFRESH = """
import sys, threading
from pathlib import Path
from civicreader.config import load_config
from civicreader.refresh import run_refresh

class Captured:  # what a TUI puts in sys.stderr: writable, with no descriptor behind it
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1

config = load_config(Path(sys.argv[1]))
result = {}
def work():
    result["report"] = run_refresh(config, sys.argv[2], workers=2)
sys.stderr = Captured()
thread = threading.Thread(target=work)  # another thread running: the pool uses forkserver
thread.start()
thread.join()
sys.stdout.write(result["report"].summary())
"""


def test_a_pooled_refresh_works_while_stderr_is_captured(server, tmp_path: Path) -> None:
    """The reader refreshes from a worker thread while Textual holds stderr (fileno -1): the
    process pool still starts and every feed is stored."""
    urls = [
        server.add(f"/p{n}.xml", rss([{"title": f"Pool story {n}", "guid": f"p{n}"}]))
        for n in range(5)
    ]
    config = write_config(tmp_path / "feeds.toml", urls)
    db = tmp_path / "c.db"
    run = subprocess.run(
        [sys.executable, "-c", CAPTURED_STDERR_REFRESH, str(config), str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("5 ok") and "5 new" in run.stdout
    titles = {r[0] for r in sqlite3.connect(db).execute("SELECT title FROM items")}
    assert titles == {f"Pool story {n}" for n in range(5)}


def _stored(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])


def test_stories_are_committed_while_a_slow_feed_is_still_coming(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """A refresh commits its writes in groups; one left open while the refresh waits for a slow
    server is committed a moment later, not when the refresh ends."""
    fast = server.add("/fast.xml", rss(_items(5, "fast")))
    arrived = threading.Event()

    def slow(req: BaseHTTPRequestHandler) -> None:
        arrived.wait(10)
        body = rss(_items(3, "slow"))
        req._send(200, body, {})  # type: ignore[attr-defined]

    slow_url = server.add("/slow.xml", handler=slow)
    patient = "[settings]\ntimeout_seconds = 15\n"  # the slow feed must not time out under load
    config = load_config(write_config(tmp_path / "feeds.toml", [fast, slow_url], patient))
    db = tmp_path / "c.db"
    worker = threading.Thread(target=run_refresh, args=(config, db), kwargs={"workers": 1})
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (not db.exists() or _stored(db) < 5):
            time.sleep(0.05)
        assert _stored(db) == 5  # visible to another connection while the slow feed waits
    finally:
        arrived.set()
        worker.join(15)
    assert _stored(db) == 8


def test_a_failing_write_rolls_back_its_group_and_stops_the_refresh(
    server: LoopbackServer, tmp_path: Path, monkeypatch
) -> None:
    """No write is ever committed in part: a fault inside one (here a bug stand-in) undoes the
    writes grouped with it, stops the refresh with a clear error, and the next refresh stores
    everything."""
    from civicreader.store import StoreError
    from civicreader.store.items import ItemsMixin

    urls = [server.add(f"/w{n}.xml", rss(_items(4, f"w{n}"))) for n in range(4)]
    config = load_config(write_config(tmp_path / "feeds.toml", urls, SETTINGS))
    db = tmp_path / "c.db"
    real = ItemsMixin.save_item_rows
    calls = {"n": 0}

    def flaky(self, feed_id, items, tags):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:

            def broken(conn: sqlite3.Connection) -> None:
                conn.execute("INSERT INTO items_fts (rowid, title, text) VALUES (999, 'x', 'y')")
                raise RuntimeError("half-done write")

            return self._write(broken)
        return real(self, feed_id, items, tags)

    monkeypatch.setattr(ItemsMixin, "save_item_rows", flaky)
    try:
        run_refresh(config, db, workers=1)
    except StoreError as exc:
        assert "half-done write" in str(exc)
    else:
        raise AssertionError("the refresh went on")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM items_fts WHERE rowid = 999").fetchone() == (0,)
        stored = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    assert stored in (0, 4, 8)  # whole feeds only: at most the two written before, if committed
    monkeypatch.setattr(ItemsMixin, "save_item_rows", real)
    again = run_refresh(config, db)
    assert (again.new, again.failed) == (16, 0)


def test_workers_started_early_are_used_and_always_shut_down(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """The command line forks the parsing workers before its own imports (they warm up
    meanwhile); the refresh uses them and shuts them down, also when it cannot start."""
    import pytest

    from civicreader.locking import refresh_lock
    from civicreader.refresh import RefreshBusy
    from civicreader.workers import start_pool

    urls = [server.add(f"/p{n}.xml", rss(_items(3, f"p{n}"))) for n in range(6)]
    config = load_config(write_config(tmp_path / "feeds.toml", urls, SETTINGS))
    db = tmp_path / "c.db"
    busy_pool = start_pool(6, workers=2, warm=True)
    assert busy_pool is not None
    with refresh_lock(db), pytest.raises(RefreshBusy):
        run_refresh(config, db, pool=busy_pool)
    with pytest.raises(RuntimeError, match="shutdown"):
        busy_pool.submit(int)
    pool = start_pool(6, workers=2, warm=True)
    assert pool is not None
    pids = set(pool.submit(os.getpid).result() for _ in range(4))
    report = run_refresh(config, db, pool=pool)
    assert (report.new, report.failed) == (18, 0)
    with pytest.raises(RuntimeError, match="shutdown"):
        pool.submit(int)
    assert pids and all(not Path(f"/proc/{pid}").exists() for pid in pids)
    assert start_pool(3, warm=True) is None  # a few feeds are parsed in-process


def test_workers_warm_up_early_only_for_a_database_with_no_stories(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """A first refresh parses every feed, so its workers load the parser at once; a later one
    mostly meets 304s, and loading it in workers that parse nothing only costs CPU."""
    from civicreader.store import Store
    from civicreader.workers import stores_nothing_yet

    db = tmp_path / "c.db"
    assert stores_nothing_yet(db) and not db.exists()  # and the check creates nothing
    Store(db).close()
    assert stores_nothing_yet(db)
    url = server.add("/one.xml", rss(_items(2, "one")))
    run_refresh(load_config(write_config(tmp_path / "feeds.toml", [url], SETTINGS)), db)
    assert not stores_nothing_yet(db)


def test_a_refresh_stopped_part_way_commits_the_writes_it_made(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """Stopped part-way (a KeyboardInterrupt from the progress callback, in a process of its
    own): the feeds written so far are committed whole, items with their validators, and the
    next refresh fetches just the rest. (Ctrl-C on the command is tested in reliability/.)"""
    urls = [server.add(f"/k{n}.xml", rss(_items(4, f"k{n}"))) for n in range(6)]
    config = write_config(tmp_path / "feeds.toml", urls, SETTINGS)
    db = tmp_path / "c.db"
    snippet = (
        "import sys\n"
        "from civicreader.config import load_config\n"
        "from civicreader.refresh import run_refresh\n"
        "def stop(outcome, done, total):\n"
        "    if done == 3:\n"
        "        raise KeyboardInterrupt\n"
        "try:\n"
        "    run_refresh(load_config(sys.argv[1]), sys.argv[2], progress=stop, workers=1)\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(130)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", snippet, str(config), str(db)], capture_output=True, timeout=60
    )
    assert run.returncode == 130, run.stderr
    assert _stored(db) == 12
    with sqlite3.connect(db) as conn:
        fetched = conn.execute("SELECT count(*) FROM feeds WHERE body_hash IS NOT NULL")
        assert fetched.fetchone()[0] == 3
    again = run_refresh(load_config(config), db)
    assert (again.new, again.count("not_modified"), again.count("ok")) == (12, 3, 3)
