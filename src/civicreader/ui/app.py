"""The Textual application: themes, command palette providers and the main screen."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.theme import Theme

from civicreader.model import Config
from civicreader.ui.commands import CouncilCommands
from civicreader.ui.state import Position


class CivicReaderApp(App[int]):
    """civicreader's reader. ``position``/``searches``/``theme`` come from the store's settings."""

    CSS_PATH = "civicreader.tcss"
    TITLE = "civicreader"
    COMMANDS = App.COMMANDS | {CouncilCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        db_path: Path,
        config: Config,
        *,
        position: Position | None = None,
        searches: list[str] | None = None,
        theme: str | None = None,
        auto_refresh: bool = True,
    ) -> None:
        super().__init__()
        self.db_path, self.config = db_path, config
        self.start_position = position or Position()
        self.start_searches = searches or []
        self.background_refresh = auto_refresh
        if theme and theme in self.available_themes:
            self.theme = theme

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        from civicreader.ui.screens.main import MainScreen

        self.push_screen(
            MainScreen(
                self.db_path,
                self.config,
                self.start_position,
                self.start_searches,
                self.background_refresh,
            )
        )

    def _theme_changed(self, theme: Theme) -> None:
        from civicreader.ui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.save_setting("theme", theme.name)
