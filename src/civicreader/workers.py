"""The refresh's parsing workers: a process pool sized to the cores, started as early as the
command line can and warmed up, so the workers' imports overlap the main process's own."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from civicreader.pipeline import POOL_THRESHOLD

if TYPE_CHECKING:
    from concurrent.futures import Executor


def _worker_init(inherited_lock: int | None) -> None:
    """Pool worker set-up: let go of the refresh lock, leave Ctrl-C to the refresh, and die with
    the process that made us.

    A forked worker shares the lock's open file; after a kill -9 of the refresh, its workers
    (blocked on their queue forever) held the lock and every later refresh exited 75.
    """
    if inherited_lock is not None:
        with contextlib.suppress(OSError):
            os.close(inherited_lock)
    # Ctrl-C reaches the whole process group: the refresh stops its workers itself (they
    # would each print a traceback and leave the pool broken under it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="civicreader-orphan-watch", daemon=True).start()


def _start_resource_tracker() -> None:
    """multiprocessing spawns its resource tracker (which a forkserver pool needs) with
    ``sys.stderr.fileno()``; under a TUI that captures stderr that is -1, and every pool would
    fail ("bad value(s) in fds_to_keep"). Start it against the process's own stderr instead."""
    try:
        usable = sys.stderr is None or sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = True  # no descriptor at all: the tracker starts without one
    if usable:
        return
    from multiprocessing import resource_tracker

    captured = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured


def start_pool(
    n_feeds: int, workers: int | None = None, lock_fd: int | None = None, warm: bool = False
) -> Executor | None:
    """A pool of ``workers`` (default: one per core) processes, or None for a refresh too small
    to need one. ``warm``: each worker starts at once and loads the parser and council tagger
    (~0.15 s of imports), while the caller goes on with its own start-up."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or n_feeds < POOL_THRESHOLD:
        return None
    from concurrent.futures import ProcessPoolExecutor  # not imported by a warm refresh's start
    from multiprocessing import get_context

    # fork is fastest, but forking a process that runs other threads (the TUI) is unsafe.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    if method == "forkserver":
        _start_resource_tracker()
    inherited = lock_fd if method == "fork" else None  # forkserver children inherit no fds
    pool = ProcessPoolExecutor(
        max_workers=count,
        mp_context=get_context(method),
        initializer=_worker_init,
        initargs=(inherited,),
    )
    if warm:
        for _ in range(count):  # a fork per submit while the others are busy warming up
            pool.submit(warm_up)
    return pool


def stores_nothing_yet(db_path: Path | str) -> bool:
    """Whether the database holds no stories (or does not exist): its refresh parses every feed,
    so warming workers up early pays; a later refresh mostly meets 304s and parses little."""
    if str(db_path) == ":memory:" or not Path(db_path).exists():
        return True
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT 1 FROM items LIMIT 1").fetchone() is None
    except Exception:  # a guess only: the refresh itself reports what is wrong
        return False


def warm_up() -> None:
    """Load what parsing and tagging a feed need (run in a worker before its first feed)."""
    from civicreader.councils.tagger import tag
    from civicreader.parse import parse_feed  # noqa: F401

    tag("", "")  # builds the gazetteer's matcher
