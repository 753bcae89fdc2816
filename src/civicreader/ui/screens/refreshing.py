"""Background refresh for the main screen: a cancellable thread worker reporting progress."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.screen import Screen

from civicreader.locking import RefreshBusy
from civicreader.ui.messages import RefreshFinished, RefreshProgress

if TYPE_CHECKING:
    from pathlib import Path

    from textual.timer import Timer

    from civicreader.model import Config
    from civicreader.refresh import FeedOutcome
    from civicreader.ui.widgets.status import StatusBar

FIRST_AUTO_REFRESH = 2.0  # seconds after opening, so the first paint is never delayed
MINUTE = 60.0  # seconds in one of refresh_minutes (tests shorten it)


class RefreshMixin(Screen[None]):
    """Mixed into MainScreen, which provides the attributes declared here."""

    _cancel: threading.Event | None = None
    _reload_timer: Timer | None = None
    background_refresh: bool
    config: Config
    db_path: Path
    status: StatusBar

    def reload_list(self) -> None:
        raise NotImplementedError

    def load_sidebar(self) -> None:
        raise NotImplementedError

    def start_auto_refresh(self) -> None:
        if not self.background_refresh:
            return
        minutes = max(1, int(self.config.settings.refresh_minutes))
        self.set_timer(FIRST_AUTO_REFRESH, self.action_refresh)
        self.set_interval(minutes * MINUTE, self.action_refresh)

    def action_refresh(self) -> None:
        if self._cancel is not None and not self._cancel.is_set():
            self.notify("A refresh is already running.", markup=False)
            return
        if not self.config.feeds:
            self.status.show_work("No feeds in feeds.toml: add some with 'civicreader feeds add'")
            return
        cancel = threading.Event()
        self._cancel = cancel
        config, db_path = self.config, self.db_path
        self.status.show_work("Refreshing…")

        def progress(outcome: FeedOutcome, done: int, total: int) -> None:
            self.post_message(RefreshProgress(outcome, done, total))

        def work() -> None:
            from civicreader import services

            try:
                report = services.refresh(config, db_path, progress=progress, cancel=cancel)
            except RefreshBusy:
                self.post_message(
                    RefreshFinished(
                        "Another refresh (cron?) is running; showing what it has stored", busy=True
                    )
                )
                return
            except Exception as exc:  # never leave "Refreshing…" up for a refresh that died
                detail = " ".join(f"{exc.__class__.__name__}: {exc}".split())[:120]
                self.post_message(RefreshFinished(f"Refresh failed: {detail}", error=True))
                return
            finally:
                cancel.set()
            fine = report.count("ok") + report.count("not_modified")
            summary = f"{fine}/{len(report.outcomes)} feeds fine, {report.new} new"
            if report.failed:
                summary += f", {report.failed} failed"
            if report.count("deferred"):
                summary += f", {report.count('deferred')} backing off"
            self.post_message(RefreshFinished(summary, report.new, False, report.failed))

        self.run_worker(work, thread=True, group="refresh", exclusive=True, exit_on_error=False)

    def stop_refresh(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        outcome = message.outcome
        mark = "!" if outcome.result in ("failed", "gone") else ""
        self.status.show_work(f"Refreshing {message.done}/{message.total} feeds {mark}")
        if outcome.new and self._reload_timer is None:
            self._reload_timer = self.set_timer(1.0, self._timed_reload)

    def _timed_reload(self) -> None:
        self._reload_timer = None
        self.reload_list()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        plain = message.busy or message.error
        text = message.summary if plain else f"Refreshed: {message.summary}"
        if message.failed:
            text += " (e: feed errors)"
        self.status.show_work(text)
        self.reload_list()
        self.load_sidebar()
