"""Shared fixtures: loopback HTTP servers for feeds and pages, isolated paths, the seed sites."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a reason when the folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared sits beside the checkout)")
    return path


@dataclass
class Route:
    """A canned answer. ``handler`` may take over completely for odd behaviours."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 serving routes from memory, counting requests."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path
                with server.lock:
                    server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path)
                if route is None:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                if route.handler is not None:
                    route.handler(self)
                    return
                headers = dict(route.headers)
                if route.etag and route.status == 200:
                    tag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                    headers.setdefault("ETag", tag)
                    if self.headers.get("If-None-Match") == tag:
                        self._send(304, b"", headers)
                        return
                self._send(route.status, route.body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Type" not in headers:
                    self.send_header("Content-Type", "application/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes = b"", **kwargs: object) -> str:
        self.routes[path] = Route(body=body, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def add_tree(self, root: Path, prefix: str = "/") -> None:
        """Serve every file below ``root`` (the seed sites) with a fitting content type."""
        types = {".xml": "application/rss+xml", ".html": "text/html; charset=utf-8"}
        for file in sorted(root.rglob("*")):
            if file.is_file():
                rel = prefix + file.relative_to(root).as_posix()
                ctype = types.get(file.suffix, "application/octet-stream")
                self.add(rel, file.read_bytes(), headers={"Content-Type": ctype})

    def start(self) -> LoopbackServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def seed_server(server: LoopbackServer) -> LoopbackServer:
    """The two seed publisher sites on loopback: /localgov/rss.xml and /pse/feed.xml."""
    server.add_tree(shared_path("seeds", "site"))
    return server


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Isolated config and database paths, also set in the environment for CLI tests."""
    config = tmp_path / "config" / "feeds.toml"
    db = tmp_path / "data" / "civicreader.db"
    monkeypatch.setenv("CIVICREADER_CONFIG", str(config))
    monkeypatch.setenv("CIVICREADER_DB", str(db))
    return {"config": config, "db": db, "root": tmp_path}


def rss(items: list[dict[str, str]], title: str = "Test feed") -> bytes:
    """A small RSS 2.0 document from dicts with title, link, guid, description, pubDate."""
    from xml.sax.saxutils import escape

    parts = [
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
    ]
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "description", "pubDate"):
            if key in item:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def write_config(path: Path, urls: list[str], extra: str = "", **feed_keys: object) -> Path:
    """A feeds.toml subscribing to ``urls``; ``feed_keys`` are added to every [[feeds]]."""
    lines = [extra] if extra else []
    for url in urls:
        lines.append("[[feeds]]")
        lines.append(f'url = "{url}"')
        for key, value in feed_keys.items():
            rendered = str(value).lower() if isinstance(value, bool) else repr(value)
            lines.append(f"{key} = {rendered}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
