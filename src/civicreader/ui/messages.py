"""Messages the reader's widgets and workers send to the main screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from civicreader.refresh import FeedOutcome


class RefreshProgress(Message):
    """One feed of a background refresh finished."""

    def __init__(self, outcome: FeedOutcome, done: int, total: int) -> None:
        super().__init__()
        self.outcome, self.done, self.total = outcome, done, total


class RefreshFinished(Message):
    """A background refresh ended: ``summary`` says how, ``busy`` if another refresh held the
    lock (the reader then just reloads what that one stored), ``error`` if it died."""

    def __init__(
        self, summary: str, new: int = 0, busy: bool = False, failed: int = 0, error: bool = False
    ) -> None:
        super().__init__()
        self.summary, self.new, self.busy, self.failed = summary, new, busy, failed
        self.error = error
