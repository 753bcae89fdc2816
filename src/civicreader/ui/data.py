"""Database access for the reader: one Library per worker thread, never used on the UI thread.

SQLite connections must not be shared between threads, so each thread that runs a worker gets its
own Library, opened on first use and closed when the app exits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from civicreader.services import Library

PAGE = 200  # rows fetched per page of the item list


class LibraryPool:
    """Hands each thread its own Library on one database.

    Use ``with pool.session() as library:``; closing the pool waits for a session in progress
    (after interrupting its query) so no connection is closed while another thread is in it.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._lock = threading.Lock()
        self._libraries: dict[int, tuple[threading.Lock, Library]] = {}
        self._closed = False

    @contextmanager
    def session(self) -> Iterator[Library]:
        """The calling thread's Library (opened on first use), held for the block."""
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("the reader never touches the database on the UI thread")
        ident = threading.get_ident()
        with self._lock:
            if self._closed:
                raise PoolClosed("the reader is closing")
            entry = self._libraries.get(ident)
            if entry is None:
                entry = (threading.Lock(), Library(self.db_path))
                self._libraries[ident] = entry
        lock, library = entry
        with lock:
            if self._closed:
                raise PoolClosed("the reader is closing")
            yield library

    def close(self, wait: float = 2.0) -> None:
        """Interrupt running queries and close every connection that is free within ``wait``."""
        with self._lock:
            self._closed = True
            entries = list(self._libraries.values())
            self._libraries.clear()
        for lock, library in entries:
            library.interrupt()
            if lock.acquire(timeout=wait):
                try:
                    library.close()
                finally:
                    lock.release()


class PoolClosed(RuntimeError):
    """A worker asked for the database after the reader started closing."""
