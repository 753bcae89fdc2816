"""The lean HTTP/1.1 client behind Fetcher: what it sends and how it reads what servers send."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from civicreader.fetch import Fetcher, Limits, Response
from civicreader.http1 import target_of

from conftest import LoopbackServer


def _get(url: str, **kw: str | None) -> Response:
    async def go() -> Response:
        async with Fetcher(Limits(timeout=5)) as fetcher:
            return await fetcher.get(url, **kw)  # type: ignore[arg-type]

    return asyncio.run(go())


def _raw(payload: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    def handler(req: BaseHTTPRequestHandler) -> None:
        req.wfile.write(payload)
        req.close_connection = True

    return handler


@pytest.mark.parametrize(
    "url",
    [
        "http://Example.COM/a/b?x=1&y=%20z",
        "http://example.com:80/",
        "https://example.com:8443",
        "http://example.com/caf\u00e9 menu?q=\u00e9",
        "http://user:pa ss@example.com/feed.xml",
        "http://[::1]:8080/x#frag",
        "http://b\u00fccher.example/rss",
    ],
)
def test_request_targets_match_httpx(url: str) -> None:
    ours, theirs = target_of(url), httpx.URL(url)
    assert ours.host == theirs.raw_host.decode().strip("[]")
    assert ours.netloc == theirs.netloc.decode()
    assert ours.path == theirs.raw_path.decode()
    assert ours.port == (theirs.port or {"http": 80, "https": 443}[theirs.scheme])


def test_chunked_and_close_delimited_bodies(server: LoopbackServer) -> None:
    chunked = server.add(
        "/c",
        handler=_raw(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        ),
    )
    old = server.add("/o", handler=_raw(b'HTTP/1.0 200 OK\r\nETag: "v1"\r\n\r\nall of it'))
    assert _get(chunked).body == b"hello world"
    resp = _get(old)
    assert resp.body == b"all of it" and resp.etag == '"v1"'


def test_truncated_and_garbled_responses_are_errors(server: LoopbackServer) -> None:
    short = server.add("/s", handler=_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nabc"))
    garbled = server.add("/g", handler=_raw(b"SPDY/9 banana\r\n\r\n"))
    silent = server.add("/n", handler=_raw(b""))
    for url in (short, garbled, silent):
        resp = _get(url)
        assert resp.body is None and resp.error and resp.error.startswith("broken HTTP response")


def test_credentials_in_the_url_are_sent_as_basic_auth(server: LoopbackServer) -> None:
    seen: dict[str, str | None] = {}

    def handler(req: BaseHTTPRequestHandler) -> None:
        seen["auth"] = req.headers.get("Authorization")
        req.send_response(200)
        req.send_header("Content-Length", "2")
        req.end_headers()
        req.wfile.write(b"ok")

    url = server.add("/private.xml", handler=handler).replace("http://", "http://ann:s3cret@")
    assert _get(url).body == b"ok"
    assert seen["auth"] == "Basic " + base64.b64encode(b"ann:s3cret").decode()


def test_cookies_set_by_a_redirect_are_sent_to_its_target(server: LoopbackServer) -> None:
    seen: dict[str, str | None] = {}

    def gate(req: BaseHTTPRequestHandler) -> None:
        req.send_response(302)
        req.send_header("Location", "/feed.xml")
        req.send_header("Set-Cookie", "seen=1; Path=/")
        req.send_header("Content-Length", "0")
        req.end_headers()

    def feed(req: BaseHTTPRequestHandler) -> None:
        seen["cookie"] = req.headers.get("Cookie")
        req.send_response(200)
        req.send_header("Content-Length", "4")
        req.end_headers()
        req.wfile.write(b"feed")

    server.add("/feed.xml", handler=feed)
    assert _get(server.add("/gate", handler=gate)).body == b"feed"
    assert seen["cookie"] == "seen=1"


def test_keep_alive_reuses_one_connection_and_survives_a_dropped_one(
    server: LoopbackServer,
) -> None:
    peers: list[int] = []
    drop = {"next": False}

    def handler(req: BaseHTTPRequestHandler) -> None:
        peers.append(req.client_address[1])
        req.send_response(200)
        req.send_header("Content-Length", "2")
        if drop["next"]:
            req.close_connection = True  # closes after answering, without saying so
        req.end_headers()
        req.wfile.write(b"ok")

    url = server.add("/k", handler=handler)

    async def go() -> list[bytes | None]:
        async with Fetcher(Limits(timeout=5, per_host=1)) as fetcher:
            out = [(await fetcher.get(url)).body for _ in range(3)]
            drop["next"] = True
            out.append((await fetcher.get(url)).body)
            drop["next"] = False
            await asyncio.sleep(0.1)
            out.append((await fetcher.get(url)).body)  # the pooled socket is dead: a new one
            return out

    assert asyncio.run(go()) == [b"ok"] * 5
    assert len(set(peers[:4])) == 1 and peers[4] != peers[0]
