"""A lean HTTP/1.1 client for GETs: h11 for the protocol, asyncio streams, keep-alive per origin.

httpx cost about 1 ms of CPU per request (its pool bookkeeping, anyio and header models), most
of a warm refresh where every feed answers 304; this does the same exchange in a tenth of that.
It keeps httpx's behaviour where a feed could tell the difference: the same TLS trust store
(certifi), URL normalisation (httpx.URL, imported only for a URL that needs it), credentials in
the URL sent as basic auth, header decoding, and cookies kept for the life of the client.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import h11

READ = 64 * 1024
MAX_HEAD = 100 * 1024  # largest status line + headers accepted (httpcore's bound)
# URLs httpx would send unchanged: lower-case-able ASCII host, optional port, safe path/query.
_PLAIN_URL = re.compile(
    r"(https?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?"
    r"((?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?)",
    re.ASCII,
)
DEFAULT_PORT = {"http": 80, "https": 443}


class ProtocolError(Exception):
    """The server broke HTTP (a malformed response, or it hung up mid-exchange)."""


class InvalidURL(ValueError):
    """The URL cannot be requested."""


class ConnectError(Exception):
    """No connection could be made; the socket, DNS or TLS error is the ``__cause__``."""


@dataclass(slots=True)
class Target:
    """Where a request goes and what its request line and Host header say."""

    scheme: str
    host: str
    port: int
    netloc: str
    path: str
    auth: str | None = None

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


def target_of(url: str) -> Target:
    """Split ``url`` for a request; unusual URLs are normalised exactly as httpx would."""
    m = _PLAIN_URL.fullmatch(url)
    if m is not None:
        scheme, host, port_text, path = m.group(1), m.group(2).lower(), m.group(3), m.group(4)
        port = int(port_text) if port_text else DEFAULT_PORT[scheme]
        if 0 < port < 65536 and host:
            netloc = host if port == DEFAULT_PORT[scheme] else f"{host}:{port}"
            return Target(scheme, host, port, netloc, path or "/")
    return _slow_target(url)


def _slow_target(url: str) -> Target:
    import httpx  # only for URLs with non-ASCII, spaces, credentials, odd escapes...

    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InvalidURL(str(exc)) from exc
    scheme = parsed.scheme
    if scheme not in DEFAULT_PORT:
        raise InvalidURL(f"unsupported URL scheme {scheme!r}")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise InvalidURL("no host in the URL")
    auth = None
    if parsed.username or parsed.password:
        pair = f"{parsed.username}:{parsed.password}".encode()
        auth = "Basic " + base64.b64encode(pair).decode("ascii")
    port = parsed.port or DEFAULT_PORT[scheme]
    return Target(
        scheme,
        host.strip("[]"),
        port,
        parsed.netloc.decode("ascii"),
        parsed.raw_path.decode(),
        auth,
    )


def decode_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Lower-case names to values, repeats joined by ", "; ASCII, else UTF-8, else Latin-1 for
    the whole set (httpx's rule, so a stored validator reads the same as before)."""
    for encoding in ("ascii", "utf-8", "iso-8859-1"):
        try:
            pairs = [(k.decode(encoding).lower(), v.decode(encoding)) for k, v in raw]
            break
        except UnicodeDecodeError:
            continue
    out: dict[str, str] = {}
    for key, value in pairs:
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


@dataclass(slots=True)
class _Conn:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    h11: h11.Connection = field(
        default_factory=lambda: h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
    )

    def usable(self) -> bool:
        return not (self.reader.at_eof() or self.writer.is_closing())

    def close(self) -> None:
        self.writer.close()

    async def next_event(self) -> Any:
        """The next h11 event, reading from the socket as needed; h11's complaints about what
        the server sent become ProtocolError."""
        state = self.h11
        while True:
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as exc:
                raise ProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event
            data = await self.reader.read(READ)
            if not data and state.their_state is h11.SEND_RESPONSE:
                raise Dropped("Server disconnected without sending a response.")
            state.receive_data(data)


class Dropped(ProtocolError):
    """The server closed the connection before answering at all."""


@dataclass(slots=True)
class Reply:
    """The head of a response; ``chunks()`` streams the body as sent (still encoded)."""

    status: int
    reason: str
    headers: dict[str, str]
    raw_headers: list[tuple[bytes, bytes]]
    _conn: _Conn

    async def chunks(self) -> AsyncIterator[bytes]:
        while True:
            event = await self._conn.next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                return


class Client:
    """Keep-alive connections by origin, at most ``max_idle`` kept open between requests."""

    def __init__(self, headers: dict[str, str], connect_timeout: float, max_idle: int) -> None:
        self.headers = headers
        self.connect_timeout = connect_timeout
        self.max_idle = max_idle
        self._idle: dict[tuple[str, str, int], list[_Conn]] = {}
        self._ssl: ssl.SSLContext | None = None
        self._cookies: Any = None  # http.cookiejar.CookieJar, made when a server sets one

    def _tls(self) -> ssl.SSLContext:
        if self._ssl is None:
            import certifi

            self._ssl = ssl.create_default_context(cafile=certifi.where())
            self._ssl.set_alpn_protocols(["http/1.1"])
        return self._ssl

    async def _connect(self, target: Target) -> _Conn:
        tls = self._tls() if target.scheme == "https" else None
        try:
            async with asyncio.timeout(self.connect_timeout):
                reader, writer = await asyncio.open_connection(
                    target.host,
                    target.port,
                    ssl=tls,
                    server_hostname=target.host if tls else None,
                    limit=READ,
                )
        except TimeoutError:
            raise
        except OSError as exc:  # refused, DNS (gaierror), TLS (SSLError), unreachable...
            raise ConnectError(str(exc)) from exc
        return _Conn(reader, writer)

    @asynccontextmanager
    async def get(self, url: str, headers: dict[str, str]) -> AsyncIterator[Reply]:
        """One GET; the connection goes back to the pool only if the exchange ended cleanly."""
        target = target_of(url)
        lines = [("Host", target.netloc), *headers.items(), *self.headers.items()]
        if target.auth:
            lines.append(("Authorization", target.auth))
        if self._cookies:
            lines.append(("Cookie", self._cookie_header(url)))
        request = h11.Request(method="GET", target=target.path, headers=lines)
        conn, reply = await self._exchange(target, request)
        try:
            if any(k.lower() == b"set-cookie" for k, _ in reply.raw_headers):
                self._keep_cookies(url, reply.raw_headers)
            yield reply
        except BaseException:
            conn.close()
            raise
        state = conn.h11
        if state.our_state is h11.DONE and state.their_state is h11.DONE:
            state.start_next_cycle()
            self._release(target, conn)
        else:
            conn.close()

    async def _exchange(self, target: Target, request: h11.Request) -> tuple[_Conn, Reply]:
        """Send and read the head. A kept-alive connection the server dropped meanwhile is
        retried once on a new one (safe: a GET the server never answered)."""
        conn = self._take(target)
        reused = conn is not None
        while True:
            if conn is None:
                conn = await self._connect(target)
            try:
                state = conn.h11
                conn.writer.write(state.send(request) + state.send(h11.EndOfMessage()))  # type: ignore[operator]
                await conn.writer.drain()
                while True:
                    event = await conn.next_event()
                    if isinstance(event, h11.Response):
                        raw = list(event.headers.raw_items())
                        reason = event.reason.decode("ascii", errors="ignore")
                        return conn, Reply(
                            event.status_code, reason, decode_headers(raw), raw, conn
                        )
            except (Dropped, ConnectionResetError, BrokenPipeError):
                conn.close()
                if not reused:
                    raise
                conn, reused = None, False
            except BaseException:
                conn.close()
                raise

    def _take(self, target: Target) -> _Conn | None:
        pool = self._idle.get(target.origin)
        while pool:
            conn = pool.pop()
            if conn.usable():
                return conn
            conn.close()
        return None

    def _release(self, target: Target, conn: _Conn) -> None:
        if sum(len(p) for p in self._idle.values()) >= self.max_idle or not conn.usable():
            conn.close()
            return
        self._idle.setdefault(target.origin, []).append(conn)

    async def aclose(self) -> None:
        """Close the idle connections, waiting at most a second for TLS goodbyes."""
        conns = [c for pool in self._idle.values() for c in pool]
        self._idle.clear()
        for conn in conns:
            conn.close()
        if conns:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    waits = (c.writer.wait_closed() for c in conns)
                    await asyncio.gather(*waits, return_exceptions=True)

    # ---- cookies: rare for feeds, so the jar is made only when a server sets one ----

    def _cookie_header(self, url: str) -> str:
        import urllib.request

        req = urllib.request.Request(url)
        self._cookies.add_cookie_header(req)
        return str(req.get_header("Cookie") or "")

    def _keep_cookies(self, url: str, raw: list[tuple[bytes, bytes]]) -> None:
        import email.message
        import http.cookiejar
        import urllib.request

        if self._cookies is None:
            self._cookies = http.cookiejar.CookieJar()
        message = email.message.Message()
        for key, value in raw:
            if key.lower() == b"set-cookie":
                message["Set-Cookie"] = value.decode("latin-1")

        class _Info:
            def info(self) -> email.message.Message:
                return message

        self._cookies.extract_cookies(_Info(), urllib.request.Request(url))


__all__ = [
    "Client",
    "ConnectError",
    "InvalidURL",
    "ProtocolError",
    "Reply",
    "decode_headers",
    "target_of",
]
