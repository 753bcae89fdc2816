"""Measure newsboat on the synthetic loopback feeds, as the yardstick for civicreader.

Three figures, each in an isolated directory (own HOME, urls, config, cache.db):
cold ``newsboat -x reload`` on an empty cache; the reload straight after it ("second": newsboat
2.21 re-downloads everything, see _prime); a reload where every feed answers 304 ("warm");
launch-to-feed-list inside a detached 200x50 tmux pane against the warm cache ("first_paint").

The functions return seconds, or None when newsboat (or tmux, for first paint) is absent, so
refresh_bench.py can print civicreader and newsboat side by side:

    cold = newsboat_cold(urls); warm = newsboat_warm(urls, workdir=d); ...
    python bench/newsboat_bench.py --feeds 500 --runs 3
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

try:
    from bench.server import feed_urls, serve
    from bench.synth import make_feeds
except ModuleNotFoundError:  # run as a script: bench/ itself is on sys.path
    from server import feed_urls, serve  # type: ignore[no-redef]
    from synth import make_feeds  # type: ignore[no-redef]

# The feed list is drawn when the header and at least one "(unread/total)" row are on screen.
FEEDLIST_READY = (re.compile(r"Your feeds"), re.compile(r"\(\d+/\d+\)"))


def newsboat_available() -> bool:
    return shutil.which("newsboat") is not None


def prepare(workdir: Path, urls: Sequence[str], threads: int = 8) -> Path:
    """Write urls and config into ``workdir`` (created if needed); keeps any cache.db."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (workdir / "config").write_text(
        f"reload-threads {threads}\nauto-reload no\nconfirm-exit no\nshow-read-feeds yes\n",
        encoding="utf-8",
    )
    return workdir


def _env(workdir: Path) -> dict[str, str]:
    """Keep newsboat away from the real ~/.newsboat and XDG dirs."""
    env = dict(os.environ)
    env.update(
        HOME=str(workdir),
        XDG_CONFIG_HOME=str(workdir / "xdg-config"),
        XDG_DATA_HOME=str(workdir / "xdg-data"),
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
    )
    env.setdefault("TERM", "xterm-256color")
    return env


def _argv(workdir: Path) -> list[str]:
    return [
        "newsboat",
        "-u",
        str(workdir / "urls"),
        "-c",
        str(workdir / "cache.db"),
        "-C",
        str(workdir / "config"),
    ]


def _reload(workdir: Path, timeout: float) -> float:
    start = time.perf_counter()
    subprocess.run(
        [*_argv(workdir), "-x", "reload"],
        env=_env(workdir),
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=timeout,
    )
    return time.perf_counter() - start


def _has_cache(workdir: Path) -> bool:
    return (workdir / "cache.db").is_file()


def newsboat_cold(
    urls: Sequence[str], *, threads: int = 8, workdir: Path | None = None, timeout: float = 600.0
) -> float | None:
    """Seconds for ``newsboat -x reload`` on an empty cache.

    With ``workdir`` its cache is wiped first and left warm afterwards (reuse it for
    newsboat_warm / newsboat_first_paint); without, a temporary dir is used and removed.
    """
    if not newsboat_available():
        return None
    with tempfile.TemporaryDirectory(prefix="nb-cold-") as tmp:
        work = prepare(workdir or Path(tmp), urls, threads)
        for name in ("cache.db", "cache.db.lock", "cache.db-journal"):
            (work / name).unlink(missing_ok=True)
        return _reload(work, timeout)


def _feeds_missing_validators(workdir: Path) -> int:
    """Feeds whose cached row has neither ETag nor Last-Modified (or -1 with no cache)."""
    if not _has_cache(workdir):
        return -1
    with contextlib.closing(sqlite3.connect(workdir / "cache.db")) as db:
        row = db.execute(
            "SELECT count(*) FROM rss_feed WHERE etag = '' AND lastmodified = 0"
        ).fetchone()
    return int(row[0])


def _prime(workdir: Path, timeout: float) -> None:
    """Untimed reloads until every feed is cached with its validators.

    newsboat 2.21 does not store ETag/Last-Modified on the reload that first creates a feed's
    row, so the reload right after a cold one downloads everything again (200s); only the one
    after that is all-304.
    """
    for _ in range(3):
        if _feeds_missing_validators(workdir) == 0:
            return
        _reload(workdir, timeout)


def newsboat_second(
    urls: Sequence[str], *, threads: int = 8, workdir: Path | None = None, timeout: float = 600.0
) -> float | None:
    """Seconds for the reload straight after a cold one (full cache, but newsboat re-downloads:
    see _prime). With ``workdir`` an existing cache is wiped first."""
    if not newsboat_available():
        return None
    with tempfile.TemporaryDirectory(prefix="nb-second-") as tmp:
        work = workdir or Path(tmp)
        newsboat_cold(urls, threads=threads, workdir=work, timeout=timeout)
        return _reload(work, timeout)


def newsboat_warm(
    urls: Sequence[str], *, threads: int = 8, workdir: Path | None = None, timeout: float = 600.0
) -> float | None:
    """Seconds for a reload on a full cache where every feed answers 304 (primes untimed)."""
    if not newsboat_available():
        return None
    with tempfile.TemporaryDirectory(prefix="nb-warm-") as tmp:
        work = prepare(workdir or Path(tmp), urls, threads)
        _prime(work, timeout)
        return _reload(work, timeout)


def _tmux(sock: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tmux", "-S", sock, "-f", "/dev/null", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def _pane_ready(text: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    return all(p.search(text) for p in patterns)


def newsboat_first_paint(
    urls: Sequence[str],
    *,
    threads: int = 8,
    workdir: Path | None = None,
    timeout: float = 180.0,
    poll: float = 0.02,
    ready: Sequence[re.Pattern[str]] = FEEDLIST_READY,
) -> float | None:
    """Seconds from launching newsboat (detached tmux, 200x50) to its feed list on screen.

    Primes the cache (untimed cold reload) when ``workdir`` has none. Quits newsboat with
    ``q`` and waits for it to exit (its quit-time cache cleanup is not timed).
    """
    if not newsboat_available() or shutil.which("tmux") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="nb-paint-") as tmp:
        work = prepare(workdir or Path(tmp), urls, threads)
        if not _has_cache(work):
            _reload(work, timeout)
        env = _env(work)
        sock = str(Path(tmp) / "tmux.sock")  # private tmux server, removed with tmp
        command = shlex.join(_argv(work))  # tmux hands it to sh -c
        start = time.perf_counter()
        _tmux(sock, "new-session", "-d", "-s", "nb", "-x", "200", "-y", "50", command, env=env)
        try:
            while True:
                screen = _tmux(sock, "capture-pane", "-p", "-t", "nb", env=env).stdout
                elapsed = time.perf_counter() - start
                if _pane_ready(screen, ready):
                    return elapsed
                if elapsed > timeout:
                    raise TimeoutError(f"newsboat feed list not seen in {timeout}s:\n{screen}")
                time.sleep(poll)
        finally:
            _quit(sock, env, timeout)


def _quit(sock: str, env: dict[str, str], timeout: float) -> None:
    _tmux(sock, "send-keys", "-t", "nb", "q", env=env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _tmux(sock, "has-session", "-t", "nb", env=env).returncode != 0:
            return
        time.sleep(0.1)
    _tmux(sock, "kill-server", env=env)


def run_all(
    urls: Sequence[str], runs: int = 3, threads: int = 8, stats: Mapping[str, int] | None = None
) -> dict[str, list[float]]:
    """``runs`` of each figure, logged as they come (with the server's status counts when
    ``stats`` is given). Each cold run is in a fresh dir and is followed by the second reload;
    the first dir's cache then serves the warm (all-304) and first-paint runs."""
    results: dict[str, list[float]] = {"cold": [], "second": [], "warm": [], "first_paint": []}
    if not newsboat_available():
        return results

    def record(name: str, i: int, value: float | None, before: dict[str, int]) -> None:
        if value is None:
            return
        results[name].append(value)
        delta = {k: v - before.get(k, 0) for k, v in (stats or {}).items() if v != before.get(k)}
        print(f"  newsboat {name:<11} run {i + 1}: {value:7.2f} s  {delta or ''}", flush=True)

    with tempfile.TemporaryDirectory(prefix="nb-bench-") as tmp:
        keep = Path(tmp) / "warm"
        for i in range(runs):
            work = keep if i == 0 else Path(tmp) / f"cold{i}"
            before = dict(stats or {})
            record("cold", i, newsboat_cold(urls, threads=threads, workdir=work), before)
            before = dict(stats or {})
            record("second", i, _reload(work, 600.0), before)
            if i:
                shutil.rmtree(work, ignore_errors=True)
        for name, func in (("warm", newsboat_warm), ("first_paint", newsboat_first_paint)):
            for i in range(runs):
                before = dict(stats or {})
                record(name, i, func(urls, threads=threads, workdir=keep), before)
    return results


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Time newsboat on synthetic loopback feeds.")
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8, help="reload-threads in config")
    parser.add_argument("--gzip", action="store_true", help="server gzips when asked")
    args = parser.parse_args()
    if not newsboat_available():
        print("newsboat is not on PATH: nothing measured (apt-get install newsboat)")
        return
    version = subprocess.run(["newsboat", "--version"], capture_output=True, text=True)
    feeds = make_feeds(args.feeds, args.items, args.seed)
    print(
        f"{version.stdout.splitlines()[0]}; {args.feeds} feeds x {args.items} items, "
        f"reload-threads {args.threads}, {args.runs} runs"
    )
    served = serve(feeds, use_gzip=args.gzip)
    try:
        urls = feed_urls(served.base_url, feeds)
        results = run_all(urls, args.runs, args.threads, served.server.stats)
    finally:
        served.shutdown()
    for name, values in results.items():
        if values:
            print(
                f"newsboat {name:<11} median {statistics.median(values):7.2f} s  "
                f"(runs: {', '.join(f'{v:.2f}' for v in values)})"
            )
        else:
            print(f"newsboat {name:<11} not measured (tmux missing?)")


if __name__ == "__main__":
    main()
