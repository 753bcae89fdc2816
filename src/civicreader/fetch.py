"""HTTP for feeds and pages: conditional GET, hard limits, redirects and per-host politeness.

Every request is bounded three ways: a total wall-clock limit (so a server trickling one byte a
second cannot hold a slot), a cap on the *decompressed* body (decompression is done here, in
bounded steps, so a gzip bomb is refused without inflating it), and a redirect limit.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import h11

from civicreader import __version__
from civicreader.http1 import Client, ConnectError, InvalidURL, ProtocolError, Reply
from civicreader.sanitize import clean_line

USER_AGENT = f"civicreader/{__version__} (+terminal news reader; polite polling)"
FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9,"
    " application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
PERMANENT = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds for every request; built from the ``[settings]`` of feeds.toml."""

    timeout: float = 20.0
    max_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 16
    per_host: int = 2


@dataclass(slots=True)
class Response:
    """What one fetch produced. ``error`` is a sentence a user can read; body is None on error."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds
    moved_to: str | None = None  # set when every redirect hop was permanent
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class TooLarge(Exception):
    pass


class BadBody(ValueError):
    """The body cannot be decoded (corrupt gzip/deflate, unknown content encoding)."""


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now, from either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 7 * 86400))
    import email.utils  # only for the rare Retry-After given as a date

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, min(delta, 7 * 86400))


class _Inflater:
    """Decompresses gzip/deflate in steps that never produce more than the cap allows."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.cap = cap
        self.size = 0
        self._raw_fallback = False
        enc = encoding.strip().lower()
        if enc in ("gzip", "x-gzip"):
            self._z: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_fallback = True  # some servers send raw deflate without the zlib header
        elif enc in ("", "identity"):
            self._z = None
        else:
            raise BadBody(f"unsupported content encoding {clean_line(encoding, 40)!r}")

    def feed(self, chunk: bytes, out: bytearray) -> None:
        if self._z is None:
            self._add(chunk, out)
            return
        data = chunk
        while data:
            try:
                piece = self._z.decompress(data, self.cap - self.size + 1)
            except zlib.error as exc:
                if self._raw_fallback and self.size == 0:
                    self._raw_fallback = False
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise BadBody(f"corrupt compressed body ({exc})") from exc
            self._raw_fallback = False
            self._add(piece, out)
            data = self._z.unconsumed_tail
            if not piece and data:
                break

    def _add(self, piece: bytes, out: bytearray) -> None:
        self.size += len(piece)
        if self.size > self.cap:
            raise TooLarge
        out += piece


def _header_safe(value: str | None) -> bool:
    """A stored validator is sent back only if printable ASCII (headers are sent as ASCII)."""
    return bool(value) and value.isascii() and value.isprintable()  # type: ignore[union-attr]


def _absolute(base: str, location: str) -> str | None:
    """A redirect target as an absolute, percent-encoded URL (safe to store and print), or None."""
    import httpx  # its URL normalisation, for the rare redirect; a refresh never imports it else

    try:
        return str(httpx.URL(urljoin(base, location.strip())))
    except (httpx.InvalidURL, ValueError):
        return None


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and the chain below it (a ConnectError wraps the socket or TLS error)."""
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out and len(out) < 10:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _describe(exc: BaseException, url: str) -> str:
    host = urlsplit(url).hostname or url
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, BadBody):
        return str(exc)
    if isinstance(exc, InvalidURL):
        return f"invalid URL: {str(exc)[:200]}"
    if isinstance(exc, ConnectError):
        chain = _causes(exc)
        text = str(exc)
        if any(isinstance(e, ssl.SSLError) for e in chain) or "SSL" in text:
            return f"TLS error: {text[:200]}"
        if any(isinstance(e, socket.gaierror) for e in chain) or "getaddrinfo" in text:
            return f"DNS lookup failed for {host}"
        if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in text.lower():
            return f"connection refused by {host}"
        return f"cannot connect to {host}: {text[:200]}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc}"[:240]
    if isinstance(exc, ProtocolError):
        return f"broken HTTP response: {str(exc)[:200]}"
    if isinstance(exc, OSError):  # the connection failed mid-exchange
        return f"ReadError: {str(exc)[:200]}"
    return f"{exc.__class__.__name__}: {str(exc)[:200]}"


class Fetcher:
    """A shared async HTTP client with overall and per-host connection limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._overall = asyncio.Semaphore(max(1, limits.concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client = Client(
            {
                "Accept-Encoding": "gzip, deflate",
                "Connection": "keep-alive",
                "User-Agent": USER_AGENT,
            },
            connect_timeout=min(10.0, limits.timeout),
            max_idle=max(1, limits.concurrency),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _host_gate(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(max(1, self.limits.per_host))
        return self._hosts[host]

    async def get(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> Response:
        """Fetch ``url`` within every limit. Never raises for network or server faults."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return await asyncio.to_thread(self._read_file, url)
        if scheme not in ("http", "https"):
            return Response(url, url, error=f"unsupported URL scheme {scheme!r}")
        headers = {"Accept": accept}
        if etag and _header_safe(etag):
            headers["If-None-Match"] = etag
        if last_modified and _header_safe(last_modified):
            headers["If-Modified-Since"] = last_modified
        try:
            async with self._host_gate(url), self._overall:
                async with asyncio.timeout(self.limits.timeout):
                    resp = await self._follow(url, headers)
        except TooLarge:
            cap = self.limits.max_bytes / 1024 / 1024
            return Response(url, url, error=f"larger than the {cap:g} MB limit")
        except TimeoutError:
            return Response(url, url, error=f"timed out after {self.limits.timeout:g} s")
        except (
            ConnectError,
            ProtocolError,
            h11.ProtocolError,
            OSError,
            ValueError,
            zlib.error,
        ) as exc:
            return Response(url, url, error=clean_line(_describe(exc, url), 300))
        if resp.error is not None:  # status lines and URLs come from the server: no controls
            resp.error = clean_line(resp.error, 300)
        return resp

    async def _follow(self, url: str, headers: dict[str, str]) -> Response:
        seen = {url}
        current = url
        permanent = True
        for _ in range(self.limits.max_redirects + 1):
            async with self._client.get(current, headers) as resp:
                if resp.status in REDIRECTS and "location" in resp.headers:
                    target = _absolute(current, resp.headers["location"])
                    permanent = permanent and resp.status in PERMANENT
                    if target is None:
                        return Response(
                            url, current, resp.status, error="redirect to an invalid URL"
                        )
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        return Response(
                            url,
                            current,
                            resp.status,
                            error=f"redirect to a non-web URL {target[:200]!r}",
                        )
                    if target in seen:
                        return Response(url, current, resp.status, error="redirect loop")
                    seen.add(target)
                    current = target
                    continue
                return await self._finish(url, current, resp, permanent and current != url)
        return Response(url, current, error=f"more than {self.limits.max_redirects} redirects")

    async def _finish(self, url: str, final: str, resp: Reply, moved: bool) -> Response:
        out = Response(
            url,
            final,
            resp.status,
            content_type=resp.headers.get("content-type"),
            etag=resp.headers.get("etag"),
            last_modified=resp.headers.get("last-modified"),
            retry_after=retry_after_seconds(resp.headers.get("retry-after")),
            moved_to=final if moved else None,
            headers=dict(resp.headers),
        )
        if resp.status == 304:
            # A 304 has no body, but only reading its (empty) end lets the connection be reused.
            async for _ in resp.chunks():
                pass
            return out
        if resp.status >= 400:
            out.error = f"HTTP {resp.status} {resp.reason}".strip()
            return out
        declared = resp.headers.get("content-length", "")
        encoding = resp.headers.get("content-encoding", "")
        if declared.isdigit() and not encoding and int(declared) > self.limits.max_bytes:
            raise TooLarge
        inflater = _Inflater(encoding, self.limits.max_bytes)
        body = bytearray()
        async for chunk in resp.chunks():
            inflater.feed(chunk, body)
        out.body = bytes(body)
        return out

    def _read_file(self, url: str) -> Response:
        """Local feeds (the offline demo, a user's own files), under the same size cap."""
        from urllib.request import url2pathname  # urllib.request costs ~5 ms to import

        parts = urlsplit(url)
        path = Path(url2pathname(unquote(parts.path)))
        try:
            with path.open("rb") as handle:
                data = handle.read(self.limits.max_bytes + 1)
        except OSError as exc:
            return Response(url, url, error=f"cannot read {path}: {exc.strerror or exc}")
        if len(data) > self.limits.max_bytes:
            cap = self.limits.max_bytes / 1024 / 1024
            return Response(url, url, error=f"larger than the {cap:g} MB limit")
        return Response(url, url, 200, body=data)
