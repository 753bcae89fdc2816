"""feeds.toml: strict validation with tomllib, in-place edits that keep the user's comments.

Every problem is a :class:`ConfigError` naming file, line and key, because the file is edited
by hand and a bare "invalid config" helps nobody. Edits are checked by re-validating the new
text before an atomic replace, so a failed edit never leaves a half-written or invalid file.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import tomlkit

from civicreader.model import Config, FeedConfig, Settings
from civicreader.tomllines import Layout, Path_, scan

FEED_KEYS = ("url", "title", "tags", "council", "full_text", "enabled")
MAX_URL = 2048
_POSITIVE_INT = ("refresh_minutes", "concurrency", "per_host")
_UNSAFE_URL = re.compile(r"[\s\x00-\x1f\x7f]")
_DEFAULT_PORT = {"http": 80, "https": 443}


class ConfigError(Exception):
    """A problem in feeds.toml; ``str()`` reads ``file:line: key: message``."""

    def __init__(self, path: Path | str, line: int | None, key: str | None, message: str):
        super().__init__(path, line, key, message)
        self.path, self.line, self.key, self.message = Path(path), line, key, message

    def __str__(self) -> str:
        where = str(self.path) + (f":{self.line}" if self.line else "")
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def url_problem(url: str, *, allow_file: bool = True) -> str | None:
    """Why ``url`` cannot be a feed address, or None. Only http(s) with a host (and file:)."""
    shown = repr(url if len(url) <= 80 else url[:77] + "...")
    bad = f"not an http(s) URL: {shown}"
    if not url or len(url) > MAX_URL or _UNSAFE_URL.search(url):
        return bad
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return bad
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return None if parts.hostname else bad
    if scheme == "file" and allow_file:
        return None if parts.path else bad
    return bad


def normalise_url(url: str) -> str:
    """The form two URLs share when they name the same feed (case, default port, slash)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORT.get(scheme):
        host = f"{host}:{port}"
    if parts.username is not None:
        cred = parts.username + (f":{parts.password}" if parts.password is not None else "")
        host = f"{cred}@{host}"
    return urlunsplit((scheme, host, parts.path.rstrip("/"), parts.query, ""))


def _key_name(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Checker:
    """Collects every problem in one text, each with its line."""

    def __init__(self, path: Path, layout: Layout):
        self.path, self.layout = path, layout
        self.errors: list[ConfigError] = []

    def fail(self, path: Path_, message: str) -> None:
        err = ConfigError(self.path, self.layout.line_of(path), _key_name(path), message)
        self.errors.append(err)

    def settings(self, raw: Any) -> Settings:
        if not isinstance(raw, dict):
            self.fail(("settings",), "must be a table ([settings])")
            return Settings()
        values: dict[str, Any] = {}
        known = {f.name for f in dataclasses.fields(Settings)}
        for key, value in raw.items():
            where: Path_ = ("settings", key)
            if key not in known:
                self.fail(where, f"unknown key (expected one of: {', '.join(sorted(known))})")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                self.fail(where, f"must be a number, not {_kind(value)}")
            elif key in _POSITIVE_INT and not isinstance(value, int):
                self.fail(where, f"must be a whole number, not {value!r}")
            elif value <= 0:
                self.fail(where, f"must be greater than 0, not {value!r}")
            else:
                values[key] = value if key in _POSITIVE_INT else float(value)
        return Settings(**values)

    def feed(self, n: int, raw: Any) -> FeedConfig | None:
        here: Path_ = ("feeds", n)
        if not isinstance(raw, dict):
            self.fail(here, f"must be a table ([[feeds]]), not {_kind(raw)}")
            return None
        before = len(self.errors)
        for key in raw:
            if key not in FEED_KEYS:
                self.fail((*here, key), f"unknown key (expected one of: {', '.join(FEED_KEYS)})")
        url = raw.get("url")
        if url is None:
            self.fail(here, "missing required key 'url'")
        elif not isinstance(url, str):
            self.fail((*here, "url"), f"must be a string, not {_kind(url)}")
        elif problem := url_problem(url):
            self.fail((*here, "url"), problem)
        for key in ("title", "council"):
            value = raw.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                self.fail((*here, key), f"must be a non-empty string, not {_kind(value)}")
        tags = raw.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            self.fail((*here, "tags"), "must be a list of non-empty strings")
        for key in ("full_text", "enabled"):
            if key in raw and not isinstance(raw[key], bool):
                self.fail((*here, key), f"must be true or false, not {_kind(raw[key])}")
        if len(self.errors) > before:
            return None
        return FeedConfig(
            url=str(url),
            title=raw.get("title"),
            tags=tuple(t.strip() for t in tags),
            council=raw.get("council"),
            full_text=raw.get("full_text", False),
            enabled=raw.get("enabled", True),
        )


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) < 60 else "a string"
    return names.get(type(value), "a list" if isinstance(value, list) else "a table")


def check_text(text: str, path: Path | str = "feeds.toml") -> tuple[Config, list[ConfigError]]:
    """Validate a feeds.toml text; returns what could be read plus every error, in line order."""
    path = Path(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
        if m:
            msg = f"{msg[: m.start()]} (column {m.group(2)})"
        line = int(m.group(1)) if m else None
        return Config(), [ConfigError(path, line, None, f"not valid TOML: {msg}")]
    check = _Checker(path, scan(text))
    for key in raw:
        if key not in ("settings", "feeds"):
            check.fail((key,), "unknown key (expected [settings] and [[feeds]] only)")
    settings = check.settings(raw.get("settings", {}))
    feeds_raw = raw.get("feeds", [])
    feeds: list[FeedConfig] = []
    if not isinstance(feeds_raw, list):
        check.fail(("feeds",), "must be an array of tables ([[feeds]])")
        feeds_raw = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(feeds_raw):
        feed = check.feed(n, entry)
        url = entry.get("url") if isinstance(entry, dict) else None
        if isinstance(url, str) and url.strip():  # checked even if the entry has other errors
            key = normalise_url(url)
            if key in seen:
                first = seen[key]
                line = check.layout.line_of(("feeds", first, "url"))
                where = f"feeds[{first + 1}]" + (f" (line {line})" if line else "")
                check.fail(("feeds", n, "url"), f"duplicate feed: same URL as {where}")
                continue
            seen[key] = n
        if feed is not None:
            feeds.append(feed)
    errors = sorted(check.errors, key=lambda e: e.line or 0)
    return Config(settings=settings, feeds=tuple(feeds)), errors


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(path, None, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, None, f"not UTF-8 text: {exc.reason}") from None
    except OSError as exc:
        raise ConfigError(path, None, None, f"cannot read: {exc.strerror or exc}") from None


def check_file(path: Path) -> tuple[Config, list[ConfigError]]:
    """Read and validate feeds.toml, keeping every error (``feeds validate`` shows them all);
    a file that cannot be read at all raises :class:`ConfigError`."""
    path = Path(path)
    return check_text(_read(path), path)


def load_config(path: Path) -> Config:
    """Read and validate feeds.toml; raises the first :class:`ConfigError` by line."""
    config, errors = check_file(path)
    if errors:
        raise errors[0]
    return config


# ---- editing ---------------------------------------------------------------------------------


def _loaded(path: Path) -> tuple[str, Config]:
    text = _read(path)
    config, errors = check_text(text, path)
    if errors:
        raise errors[0]
    return text, config


def _write(path: Path, text: str, expected: tuple[FeedConfig, ...]) -> None:
    """Re-validate ``text`` and atomically replace ``path`` with it (symlinks followed)."""
    config, errors = check_text(text, path)
    if errors or config.feeds != expected:
        detail = str(errors[0]) if errors else "the edit did not give the expected feeds"
        raise ConfigError(path, None, None, f"edit abandoned, file unchanged ({detail})")
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _feed_table(feed: FeedConfig) -> tomlkit.items.Table:
    table = tomlkit.table()
    table.add("url", feed.url)
    if feed.title:
        table.add("title", feed.title)
    if feed.tags:
        table.add("tags", list(feed.tags))
    if feed.council:
        table.add("council", feed.council)
    if feed.full_text:
        table.add("full_text", True)
    if not feed.enabled:
        table.add("enabled", False)
    return table


def _append_feeds(text: str, feeds: list[FeedConfig]) -> str:
    """Add ``[[feeds]]`` blocks after the last one (or at the end), a blank line before each."""
    layout = scan(text)
    doc = tomlkit.parse(text)
    if isinstance(doc.get("feeds"), tomlkit.items.Array):  # inline form: let tomlkit append
        for feed in feeds:
            inline = tomlkit.inline_table()
            inline.update(_feed_table(feed).unwrap())
            doc["feeds"].append(inline)
        return doc.as_string()
    aot = tomlkit.aot()
    for feed in feeds:
        aot.append(_feed_table(feed))
    snippet = tomlkit.dumps({"feeds": aot}).replace("\n[[feeds]]", "\n\n[[feeds]]")
    at = len(layout.lines)
    found = layout.block("feeds", layout.count("feeds") - 1)
    if found and any(h > found[1] for h in layout.headers):  # another table follows: stay before it
        at = found[2] + 1
    nl = "\r\n" if "\r\n" in text else "\n"
    snippet = snippet.replace("\n", nl)
    head, tail = "".join(layout.lines[:at]), "".join(layout.lines[at:])
    if head and not head.endswith("\n"):
        head += nl
    if head.strip() and not head.endswith(nl * 2):
        head += nl
    if tail and not tail.startswith(("\n", "\r\n")):
        snippet += nl
    return head + snippet + tail


def add_feeds(
    path: Path, feeds: Iterable[FeedConfig]
) -> tuple[list[FeedConfig], list[tuple[FeedConfig, str]]]:
    """Append many feeds in one write (OPML import); returns (added, [(skipped, reason)])."""
    path = Path(path)
    text, config = _loaded(path)
    seen = {normalise_url(f.url) for f in config.feeds}
    added: list[FeedConfig] = []
    skipped: list[tuple[FeedConfig, str]] = []
    for feed in feeds:
        key = normalise_url(feed.url)
        if problem := url_problem(feed.url):
            skipped.append((feed, problem))
        elif key in seen:
            skipped.append((feed, "already subscribed"))
        else:
            seen.add(key)
            added.append(feed)
    if added:
        _write(path, _append_feeds(text, added), config.feeds + tuple(added))
    return added, skipped


def add_feed(path: Path, feed: FeedConfig) -> None:
    """Append one ``[[feeds]]`` entry; ConfigError on a bad or already-present URL."""
    path = Path(path)
    if problem := url_problem(feed.url):
        raise ConfigError(path, None, "url", problem)
    text, config = _loaded(path)
    n = _find(config, feed.url)
    if n is not None:
        line = scan(text).line_of(("feeds", n, "url"))
        raise ConfigError(path, line, f"feeds[{n + 1}].url", f"already subscribed: {feed.url!r}")
    _write(path, _append_feeds(text, [feed]), (*config.feeds, feed))


def _find(config: Config, url: str) -> int | None:
    key = normalise_url(url)
    return next((n for n, f in enumerate(config.feeds) if normalise_url(f.url) == key), None)


def remove_feed(path: Path, url: str) -> bool:
    """Delete the feed with this URL (and comment lines directly above it); False if absent."""
    path = Path(path)
    text, config = _loaded(path)
    n = _find(config, url)
    if n is None:
        return False
    layout = scan(text)
    found = layout.block("feeds", n)
    if found is None:  # inline array form
        doc = tomlkit.parse(text)
        del doc["feeds"][n]
        new_text = doc.as_string()
    else:
        first, _, last = found
        lines = list(layout.lines)
        before_blank = first == 0 or not lines[first - 1].strip()
        if before_blank and last + 1 < len(lines) and not lines[last + 1].strip():
            last += 1  # do not leave two blank lines where the block was
        del lines[first : last + 1]
        new_text = "".join(lines)
    _write(path, new_text, config.feeds[:n] + config.feeds[n + 1 :])
    return True


def set_feed_url(path: Path, old: str, new: str) -> bool:
    """Point the feed at ``old`` to ``new`` (a permanent redirect); False if ``old`` is absent."""
    path = Path(path)
    text, config = _loaded(path)
    n = _find(config, old)
    if n is None:
        return False
    if problem := url_problem(new):
        line = scan(text).line_of(("feeds", n, "url"))
        raise ConfigError(path, line, f"feeds[{n + 1}].url", problem)
    clash = _find(config, new)
    if clash is not None and clash != n:
        line = scan(text).line_of(("feeds", clash, "url"))
        raise ConfigError(path, line, f"feeds[{clash + 1}].url", f"already subscribed: {new!r}")
    doc = tomlkit.parse(text)
    doc["feeds"][n]["url"] = new
    feeds = list(config.feeds)
    feeds[n] = dataclasses.replace(feeds[n], url=new)
    _write(path, doc.as_string(), tuple(feeds))
    return True
