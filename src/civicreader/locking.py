"""One refresh at a time per database, across processes (cron and the reader alike)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from civicreader.store.database import StoreError


class RefreshBusy(Exception):
    """Another refresh holds this database's lock."""


@contextmanager
def refresh_lock(db_path: Path | str) -> Iterator[int | None]:
    """Hold an exclusive advisory lock beside the database for the duration of a refresh.

    Yields the lock's file descriptor (None for ``:memory:``) so that forked workers can close
    their copy. The kernel releases the lock when every copy is closed, so a killed refresh never
    leaves a stale lock. A directory that cannot hold the lock file is a StoreError.
    """
    if str(db_path) == ":memory:":
        yield None
        return
    lock_path = Path(f"{db_path}.lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot create {lock_path}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshBusy(f"another refresh is running on {db_path}") from exc
        try:
            yield fd
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
