"""The offline demo: bundled stories served through the real refresh pipeline as file:// feeds."""

from __future__ import annotations

from pathlib import Path

from civicreader.model import Config, FeedConfig

DEMO_FEEDS = (
    ("council-watch.xml", ("news",)),
    ("inspection-news.xml", ("inspectorate",)),
    ("nations.xml", ("nations",)),
)


def demo_db_path(override: str | None = None) -> Path:
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path("civicreader") / "demo.db"


def demo_config() -> Config:
    """feeds.toml equivalent for the demo: the package's own feed files."""
    folder = Path(__file__).resolve().parent / "demo"
    return Config(
        feeds=tuple(
            FeedConfig(url=(folder / name).resolve().as_uri(), tags=tags)
            for name, tags in DEMO_FEEDS
        )
    )


def prepare_demo(db: Path) -> Config:
    """Refresh the demo feeds into ``db`` (idempotent) and return their config."""
    from civicreader.refresh import run_refresh

    config = demo_config()
    run_refresh(config, db, workers=1)
    return config
