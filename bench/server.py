"""Loopback HTTP/1.1 feed server for benchmarks: serves feed bytes from memory.

Conditional GET (ETag / Last-Modified -> 304), optional gzip, keep-alive, one thread per
connection and a deep listen backlog so 500 feeds fetched by many parallel clients never queue
in the kernel: the server must not be what a benchmark measures.

    with serve(make_feeds()) as (base_url, shutdown):
        urls = feed_urls(base_url, feeds)
    python bench/server.py --feeds 500 --port 8765 [--gzip] [--urls urls.txt]
"""

from __future__ import annotations

import gzip as gzip_module
import hashlib
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

try:
    from bench.synth import make_feeds
except ModuleNotFoundError:  # run as a script: bench/ itself is on sys.path
    from synth import make_feeds  # type: ignore[no-redef]

# Fixed, so a restarted server still answers 304 to a warm client cache.
LAST_MODIFIED_EPOCH = 1_719_792_000  # 2024-07-01 00:00:00 UTC


@dataclass(frozen=True)
class Entry:
    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: str
    content_type: str


def _entries(feeds: Mapping[str, bytes], use_gzip: bool) -> dict[str, Entry]:
    out = {}
    for path, body in feeds.items():
        kind = "application/atom+xml" if b"<feed" in body[:300] else "application/rss+xml"
        out[path] = Entry(
            body=body,
            gzipped=gzip_module.compress(body, 6, mtime=0) if use_gzip else None,
            etag='"' + hashlib.sha1(body).hexdigest()[:20] + '"',
            last_modified=formatdate(LAST_MODIFIED_EPOCH, usegmt=True),
            content_type=kind + "; charset=utf-8",
        )
    return out


def _not_modified(headers: Message | Mapping[str, str], entry: Entry) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or entry.etag in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            return parsedate_to_datetime(ims).timestamp() >= LAST_MODIFIED_EPOCH
        except (TypeError, ValueError):
            return False
    return False


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # default 5 drops SYNs under a 500-connection burst
    entries: dict[str, Entry]
    stats: dict[str, int]
    stats_lock: threading.Lock


class FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: FeedServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def _count(self, key: str) -> None:
        with self.server.stats_lock:
            self.server.stats[key] = self.server.stats.get(key, 0) + 1

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._respond(head=True)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        entry = self.server.entries.get(self.path.split("?", 1)[0])
        if entry is None:
            self._count("404")
            self._send(404, b"not found\n", {"Content-Type": "text/plain"}, head)
            return
        common = {
            "ETag": entry.etag,
            "Last-Modified": entry.last_modified,
            "Cache-Control": "max-age=0",
            "Vary": "Accept-Encoding",
        }
        if _not_modified(self.headers, entry):
            self._count("304")
            self._send(304, b"", common, head=True)
            return
        body, headers = entry.body, dict(common, **{"Content-Type": entry.content_type})
        if entry.gzipped is not None and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, headers["Content-Encoding"] = entry.gzipped, "gzip"
        self._count("200")
        self._send(200, body, headers, head)

    def _send(self, code: int, body: bytes, headers: Mapping[str, str], head: bool) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


def make_server(
    feeds: Mapping[str, bytes], host: str = "127.0.0.1", port: int = 0, use_gzip: bool = False
) -> FeedServer:
    server = FeedServer((host, port), FeedHandler)
    server.entries = _entries(feeds, use_gzip)
    server.stats = {}
    server.stats_lock = threading.Lock()
    return server


class Served:
    """A running server: unpacks as ``(base_url, shutdown)`` and is a context manager.

    ``base_url, shutdown = serve(feeds)`` or ``with serve(feeds) as (base_url, shutdown):``;
    ``.server.stats`` counts responses by status.
    """

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, name="feed-server", daemon=True
        )
        self._thread.start()
        self._closed = False

    def shutdown(self) -> None:
        if not self._closed:
            self._closed = True
            self.server.shutdown()
            self.server.server_close()
            self._thread.join(timeout=5)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.base_url, self.shutdown))

    def __enter__(self) -> tuple[str, Callable[[], None]]:
        return self.base_url, self.shutdown

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def serve(feeds: Mapping[str, bytes], use_gzip: bool = False, port: int = 0) -> Served:
    """Serve ``feeds`` (path -> bytes) on 127.0.0.1 from a background thread."""
    return Served(make_server(feeds, port=port, use_gzip=use_gzip))


def feed_urls(base_url: str, feeds: Mapping[str, bytes]) -> list[str]:
    return [base_url + path for path in feeds]


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops like Ctrl-C, so the stats still print


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Serve synthetic council feeds on loopback.")
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--gzip", action="store_true", help="gzip when the client accepts it")
    parser.add_argument("--urls", help="also write the feed URLs, one a line, to this file")
    args = parser.parse_args()
    feeds = make_feeds(args.feeds, args.items, args.seed)
    server = make_server(feeds, port=args.port, use_gzip=args.gzip)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    if args.urls:
        with open(args.urls, "w", encoding="utf-8") as fh:
            fh.write("\n".join(feed_urls(base, feeds)) + "\n")
    print(
        f"serving {len(feeds)} feeds at {base} (e.g. {base}{next(iter(feeds))}); Ctrl-C stops",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        print(f"responses: {server.stats}")


if __name__ == "__main__":
    main()
