"""Entry point from the CLI: read the remembered UI state, then run the reader."""

from __future__ import annotations

from pathlib import Path

from civicreader.model import Config
from civicreader.services import Library
from civicreader.ui.state import Position, load_searches


def initial_state(db_path: Path) -> tuple[Position, list[str], str | None]:
    """Remembered position, saved searches and theme, read before the app starts (one short
    connection on this thread, closed before any worker opens its own)."""
    with Library(db_path) as library:
        return (
            Position.loads(library.get_setting("position")),
            load_searches(library.get_setting("searches")),
            library.get_setting("theme"),
        )


def build_app(db_path: Path, config: Config, auto_refresh: bool = True):  # type: ignore[no-untyped-def]
    from civicreader.ui.app import CivicReaderApp

    position, searches, theme = initial_state(db_path)
    return CivicReaderApp(
        db_path,
        config,
        position=position,
        searches=searches,
        theme=theme,
        auto_refresh=auto_refresh,
    )


def launch(config_path: Path | None, db_path: Path, config: Config) -> int:
    """Run the reader until the user quits; returns the exit status."""
    app = build_app(Path(db_path), config)
    result = app.run()
    return int(result or 0) if app.return_code in (None, 0) else int(app.return_code or 1)
