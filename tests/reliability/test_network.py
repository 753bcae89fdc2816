"""Network faults, served from loopback: every one ends as a readable per-feed error, never a hang
or a traceback, and what the server says about retrying is respected."""

from __future__ import annotations

import email.utils
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reliability.conftest import CONTROL, Setup, closed_port

from conftest import LoopbackServer, rss

ITEMS = [{"title": f"Story {i}", "guid": f"s{i}", "link": f"/s{i}.html"} for i in range(3)]


def _when(value: str | None) -> datetime:
    assert value is not None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _failed(setup: Setup, url: str, expected: str) -> dict[str, object]:
    """Refresh one failing feed: exit 1, the reason on stderr and in ``feeds list``."""
    run = setup.refresh()
    assert run.code == 1, run.err
    assert f"failed: {url}: " in run.err and expected in run.err
    status = setup.feed_json()[url]
    assert expected in str(status["last_error"])
    assert status["next_attempt"] is not None
    return status


def test_connection_refused(setup: Setup) -> None:
    url = f"http://127.0.0.1:{closed_port()}/feed.xml"
    setup.write([url])
    _failed(setup, url, "connection refused by 127.0.0.1")


def test_dns_failure_is_reported_quickly(setup: Setup) -> None:
    url = "http://civicreader-no-such-host.invalid/feed.xml"
    setup.write([url])
    started = time.monotonic()
    _failed(setup, url, "DNS lookup failed for civicreader-no-such-host.invalid")
    assert time.monotonic() - started < 15  # no resolver hang past the request limit


def test_silent_server_times_out(server: LoopbackServer, setup: Setup) -> None:
    url = server.add("/silent.xml", handler=lambda req: time.sleep(4))
    setup.write([url])
    _failed(setup, url, "timed out after 2 s")


def test_trickling_server_hits_the_total_time_limit(server: LoopbackServer, setup: Setup) -> None:
    """A byte every 0.5 s never trips the 2 s read timeout; the total limit must end it."""
    body = rss(ITEMS)

    def trickle(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        try:
            for byte in body[:30]:
                req.wfile.write(bytes([byte]))
                req.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    url = server.add("/trickle.xml", handler=trickle)
    setup.write([url])
    started = time.monotonic()
    _failed(setup, url, "timed out after 2 s")
    assert time.monotonic() - started < 8  # well before the 15 s the trickle would take


@pytest.mark.parametrize(
    ("status", "expected"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
def test_http_errors_back_off(
    server: LoopbackServer, setup: Setup, status: int, expected: str
) -> None:
    url = server.add("/e.xml", b"no", status=status)
    setup.write([url])
    info = _failed(setup, url, expected)
    assert info["last_status"] == status
    assert _when(info["next_attempt"]) > datetime.now(UTC) + timedelta(minutes=4)  # type: ignore[arg-type]
    again = setup.refresh("--json")
    assert again.json()["deferred"] == 1 and server.hits["/e.xml"] == 1


def test_gone_feed_is_marked_and_not_fetched_again(server: LoopbackServer, setup: Setup) -> None:
    url = server.add("/gone.xml", b"", status=410)
    setup.write([url])
    run = setup.refresh("--json")
    assert run.code == 1 and run.json()["feeds"][0]["result"] == "gone"
    assert setup.feed_json()[url]["gone"] is True
    listing = setup.cli("feeds", "list")
    assert "gone (HTTP 410)" in listing.out
    again = setup.refresh()
    assert again.code == 1 and "gone (HTTP 410); 'refresh --feed URL' checks it again" in again.err
    assert server.hits["/gone.xml"] == 1
    server.add("/gone.xml", rss(ITEMS))  # it came back: an explicit check revives it
    assert setup.refresh("--feed", url).code == 0
    assert setup.feed_json()[url]["gone"] is False and setup.refresh().code == 0


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_respected(server: LoopbackServer, setup: Setup, status: int) -> None:
    if status == 429:
        header, wait = "3600", timedelta(hours=1)
    else:  # the HTTP-date form
        later = datetime.now(UTC) + timedelta(hours=2)
        header, wait = email.utils.format_datetime(later, usegmt=True), timedelta(hours=2)
    url = server.add("/busy.xml", b"slow down", status=status, headers={"Retry-After": header})
    setup.write([url])
    info = _failed(setup, url, f"HTTP {status}")
    expected = datetime.now(UTC) + wait
    assert abs(_when(info["next_attempt"]) - expected) < timedelta(minutes=2)  # type: ignore[arg-type]
    listing = setup.cli("feeds", "list").out
    assert (
        f"failing: HTTP {status}" in listing and f"next attempt {info['next_attempt']}" in listing
    )
    again = setup.refresh("--json")
    assert again.code == 0 and again.json()["feeds"][0]["result"] == "deferred"
    assert server.hits["/busy.xml"] == 1


def _redirect(target: str, status: int = 302) -> dict[str, object]:
    return {"status": status, "headers": {"Location": target}}


def test_redirect_loop_and_long_chain(server: LoopbackServer, setup: Setup) -> None:
    loop = server.add("/loop-a", **_redirect("/loop-b"))  # type: ignore[arg-type]
    server.add("/loop-b", **_redirect("/loop-a"))  # type: ignore[arg-type]
    for n in range(8):
        server.add(f"/hop{n}", **_redirect(f"/hop{n + 1}"))  # type: ignore[arg-type]
    server.add("/hop8", rss(ITEMS))
    chain = server.url("/hop0")
    short = server.add("/short", **_redirect("/hop6"))  # type: ignore[arg-type]
    setup.write([loop, chain, short])
    run = setup.refresh("--json")
    result = {f["url"]: f for f in run.json()["feeds"]}
    assert result[loop]["error"] == "redirect loop"
    assert result[chain]["error"] == "more than 5 redirects"
    assert result[short]["result"] == "ok" and result[short]["new"] == 3
    assert short in setup.config.read_text()  # a temporary redirect moves nothing


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_moves_the_feed_and_keeps_its_items(
    server: LoopbackServer, setup: Setup, status: int
) -> None:
    old = server.add("/old.xml", rss(ITEMS))
    setup.write([old], "# my feeds\n[settings]\ntimeout_seconds = 2\nmax_feed_mb = 1\n")
    assert setup.refresh().code == 0
    new = server.add("/new.xml", rss([*ITEMS, {"title": "Story 3", "guid": "s3"}]))
    server.add("/old.xml", **_redirect("/new.xml", status))  # type: ignore[arg-type]
    run = setup.refresh()
    assert run.code == 0, run.err
    assert f"moved permanently: {old} -> {new}" in run.err
    text = setup.config.read_text()
    assert new in text and old not in text and "# my feeds" in text
    assert setup.rows("SELECT url FROM feeds") == [(new,)]
    listed = setup.cli("items", "list", "--feed", new, "--json").json()
    assert sorted(i["title"] for i in listed) == ["Story 0", "Story 1", "Story 2", "Story 3"]
    assert setup.refresh().code == 0 and server.hits["/old.xml"] == 2  # old URL left alone now


def test_redirects_to_other_schemes_or_garbage_are_refused(
    server: LoopbackServer, setup: Setup
) -> None:
    local = server.add("/to-file", **_redirect("file:///etc/passwd"))  # type: ignore[arg-type]
    bad = server.add("/to-bad", **_redirect("http://[::1/feed"))  # type: ignore[arg-type]
    setup.write([local, bad])
    run = setup.refresh("--json")
    result = {f["url"]: f["error"] for f in run.json()["feeds"]}
    assert result[local].startswith("redirect to a non-web URL 'file:")
    assert "invalid url" in result[bad].lower()
    assert setup.rows("SELECT count(*) FROM items") == [(0,)]


def test_status_line_with_escape_sequences_is_shown_clean(
    server: LoopbackServer, setup: Setup
) -> None:
    def hostile(req: BaseHTTPRequestHandler) -> None:
        req.wfile.write(
            b"HTTP/1.1 500 Oops\x1b]0;owned\x07\x1b[2J\x9b6n\r\nContent-Length: 0\r\n\r\n"
        )
        req.close_connection = True

    url = server.add("/esc.xml", handler=hostile)
    setup.write([url])
    run = setup.refresh()
    assert run.code == 1 and "HTTP 500 Oops" in run.err
    listing = setup.cli("feeds", "list")
    for text in (run.err, run.out, listing.out, str(setup.feed_json()[url]["last_error"])):
        assert CONTROL.search(text) is None, repr(text)


def test_corrupt_and_raw_deflate_bodies(server: LoopbackServer, setup: Setup) -> None:
    import zlib

    corrupt = server.add(
        "/gz.xml", b"\x1f\x8b\x08\x00not-gzip-at-all", headers={"Content-Encoding": "gzip"}
    )
    packer = zlib.compressobj(wbits=-15)  # raw deflate, no zlib header: seen in the wild
    raw = server.add(
        "/deflate.xml",
        packer.compress(rss(ITEMS)) + packer.flush(),
        headers={"Content-Encoding": "deflate"},
    )
    setup.write([corrupt, raw])
    result = {f["url"]: f for f in setup.refresh("--json").json()["feeds"]}
    assert result[corrupt]["error"].startswith("corrupt compressed body")
    assert result[raw]["result"] == "ok" and result[raw]["new"] == 3


def test_non_ascii_etag_does_not_break_the_next_fetch(server: LoopbackServer, setup: Setup) -> None:
    state = {"body": rss(ITEMS)}

    def etagged(req: BaseHTTPRequestHandler) -> None:
        body = state["body"]
        req.wfile.write(
            b'HTTP/1.1 200 OK\r\nETag: "caf\xe9"\r\nContent-Type: application/xml\r\n'
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )

    url = server.add("/etag.xml", handler=etagged)
    setup.write([url])
    assert setup.refresh().code == 0
    state["body"] = rss([*ITEMS, {"title": "Story 9", "guid": "s9"}])
    run = setup.refresh("--json")
    assert run.code == 0 and run.json()["new"] == 1


# ---- TLS -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An HTTPS server on loopback with a self-signed certificate (made by the openssl tool)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = rss(ITEMS)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_tls_errors(server: LoopbackServer, setup: Setup, tls_server: str) -> None:
    plain = server.add("/plain.xml", rss(ITEMS)).replace("http://", "https://")
    setup.write([plain, tls_server])
    run = setup.refresh("--json")
    assert run.code == 1
    result = {f["url"]: f["error"] for f in run.json()["feeds"]}
    assert result[plain].startswith("TLS error")
    assert result[tls_server].startswith("TLS error") and "certificate" in result[tls_server]
    assert setup.rows("SELECT count(*) FROM items") == [(0,)]
