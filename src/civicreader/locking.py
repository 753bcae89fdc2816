"""One refresh at a time per database, across processes (cron and the reader alike)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RefreshBusy(Exception):
    """Another refresh holds this database's lock."""


@contextmanager
def refresh_lock(db_path: Path | str) -> Iterator[None]:
    """Hold an exclusive advisory lock beside the database for the duration of a refresh.

    The kernel releases it when the process dies, so a killed refresh never leaves a stale lock.
    """
    if str(db_path) == ":memory:":
        yield
        return
    lock_path = Path(f"{db_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshBusy(f"another refresh is running on {db_path}") from exc
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
