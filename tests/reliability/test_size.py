"""Sizes: huge bodies and gzip bombs are refused at the cap without being held in memory; huge
feeds and huge fields are stored within their bounds."""

from __future__ import annotations

import asyncio
import struct
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler

import pytest

from civicreader import parse
from civicreader.config import load_config
from civicreader.fetch import Fetcher, Limits
from civicreader.refresh import run_refresh
from reliability.conftest import Setup

from conftest import LoopbackServer, rss

MB = 1024 * 1024
CHUNK = b"<!-- padding -->" * 4096  # 64 KiB, reused so the server allocates nothing per write


def _stream(total: int, declare: bool, encoding: str | None = None, data: bytes | None = None):
    """A handler writing ``total`` bytes (or ``data``), stopping when the client hangs up."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "application/rss+xml")
        if encoding:
            req.send_header("Content-Encoding", encoding)
        size = len(data) if data is not None else total
        if declare:
            req.send_header("Content-Length", str(size))
        else:
            req.send_header("Connection", "close")
            req.close_connection = True
        req.end_headers()
        try:
            if data is not None:
                req.wfile.write(data)
                return
            req.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
            sent = 0
            while sent < total:
                req.wfile.write(CHUNK)
                sent += len(CHUNK)
        except OSError:
            pass  # the client hung up at its cap, as it should

    return handler


def gzip_bomb(gib: int = 1) -> bytes:
    """A valid gzip stream (~1 MB) inflating to ``gib`` GiB of zeros, built in well under a second.

    After a full flush the compressor's state is reset, so 16 MiB of zeros always compresses to
    the same bytes: repeating them 64 times per GiB gives the deflate stream, then the trailer.
    """
    block = bytes(16 * MB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(64 * gib):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", crc, (gib << 30) & 0xFFFFFFFF)
    return header + piece * (64 * gib) + packer.flush() + trailer


def _fetch_peak(url: str) -> tuple[str | None, int]:
    """Fetch under a 1 MB cap; (error, peak bytes allocated by Python during the fetch)."""

    async def go() -> str | None:
        async with Fetcher(Limits(timeout=10, max_bytes=MB)) as fetcher:
            return (await fetcher.get(url)).error

    tracemalloc.start()
    try:
        error = asyncio.run(go())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return error, peak


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "no-length"])
def test_sixty_megabyte_feed_is_refused_at_the_cap(server: LoopbackServer, declare: bool) -> None:
    url = server.add("/huge.xml", handler=_stream(60 * MB, declare))
    error, peak = _fetch_peak(url)
    assert error == "larger than the 1 MB limit"
    assert peak < 12 * MB  # the 60 MB body was never held


def test_gzip_bomb_is_refused_without_inflating_it(server: LoopbackServer) -> None:
    bomb = gzip_bomb()
    url = server.add("/bomb.xml", handler=_stream(0, True, "gzip", bomb))
    error, peak = _fetch_peak(url)
    assert error == "larger than the 1 MB limit"
    assert peak < 12 * MB + 2 * len(bomb)  # far below the 1 GiB it would inflate to


def test_refused_body_is_a_readable_feed_error(server: LoopbackServer, setup: Setup) -> None:
    url = server.add("/bomb.xml", handler=_stream(0, False, "gzip", gzip_bomb()))
    setup.write([url])
    run = setup.refresh()
    assert run.code == 1 and f"failed: {url}: larger than the 1 MB limit" in run.err
    assert setup.feed_json()[url]["last_error"] == "larger than the 1 MB limit"


def _tiny_items(n: int, stamp: str = "") -> bytes:
    entries = "".join(f"<item><guid>g{i}</guid><title>t{i}</title></item>" for i in range(n))
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>big{stamp}</title>'
        f"{entries}</channel></rss>"
    ).encode()


def test_twenty_thousand_items_are_stored_once(server: LoopbackServer, setup: Setup) -> None:
    body = _tiny_items(20_000)
    assert len(body) < MB
    url = server.add("/many.xml", body, etag=False)
    setup.write([url])
    first = setup.refresh("--json")
    assert first.code == 0 and first.json()["new"] == 20_000
    server.add("/many.xml", _tiny_items(20_000, " (edited)"), etag=False)
    again = setup.refresh("--json").json()
    assert (again["ok"], again["new"], again["updated"]) == (1, 0, 0)
    assert setup.rows("SELECT count(*), count(DISTINCT key) FROM items") == [(20_000, 20_000)]


def test_items_beyond_the_cap_are_dropped(
    server: LoopbackServer, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse, "MAX_ITEMS", 50)
    url = server.add("/capped.xml", _tiny_items(60))
    report = run_refresh(load_config(setup.write([url])), setup.db, workers=1)
    assert report.new == 50
    kept = {k.rsplit("/", 1)[-1] for (k,) in setup.rows("SELECT key FROM items")}
    assert kept == {f"g{i}" for i in range(50)}  # the first entries: the newest in a feed


def test_megabyte_title_is_stored_truncated(server: LoopbackServer, setup: Setup) -> None:
    title = "Council budget " + "x" * 1_000_000
    url = server.add("/title.xml", rss([{"title": title, "guid": "t"}]))
    setup.write([url])
    assert setup.refresh().code == 0
    [(item_id, stored)] = setup.rows("SELECT id, title FROM items")
    assert stored.startswith("Council budget xxx") and stored.endswith("…")
    assert len(stored) <= 1_000
    shown = setup.cli("show", str(item_id), "--json").json()
    assert shown["title"] == stored
