"""Database access for the reader: one Library per worker thread, never used on the UI thread.

SQLite connections must not be shared between threads, so each thread that runs a worker gets its
own Library, opened on first use and closed when the app exits.
"""

from __future__ import annotations

import threading
from pathlib import Path

from civicreader.services import Library

PAGE = 200  # rows fetched per page of the item list


class LibraryPool:
    """Hands each thread its own Library on one database."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._lock = threading.Lock()
        self._libraries: dict[int, Library] = {}
        self._closed = False

    def get(self) -> Library:
        """The calling thread's Library (opened on first use)."""
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("the reader never touches the database on the UI thread")
        ident = threading.get_ident()
        with self._lock:
            if self._closed:
                raise RuntimeError("the reader is closing")
            library = self._libraries.get(ident)
            if library is None:
                library = Library(self.db_path)
                self._libraries[ident] = library
            return library

    def close(self) -> None:
        """Close every thread's connection (the store opens them with check_same_thread off)."""
        with self._lock:
            self._closed = True
            libraries = list(self._libraries.values())
            self._libraries.clear()
        for library in libraries:
            library.close()
