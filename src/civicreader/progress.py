"""A refresh progress bar for terminals (stderr), silent when output is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from civicreader.refresh import FeedOutcome, Progress


@contextmanager
def progress_reporter(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    bar: Any = None

    def report(outcome: FeedOutcome, done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            stream = sys.stderr
            bar = click.progressbar(
                length=total, label="refreshing", file=stream, show_pos=True, width=30
            )
            bar.__enter__()
        bar.update(1)

    try:
        yield report
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
