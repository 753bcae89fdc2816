"""The offline demo: bundled stories served through the real refresh pipeline as file:// feeds."""

from __future__ import annotations

import hashlib
from pathlib import Path

from civicreader.model import Config, FeedConfig

DEMO_FEEDS = (
    ("council-watch.xml", ("news",)),
    ("inspection-news.xml", ("inspectorate",)),
    ("nations.xml", ("nations",)),
)


def demo_folder() -> Path:
    return Path(__file__).resolve().parent / "demo"


def demo_db_path(override: str | None = None, folder: Path | None = None) -> Path:
    """The demo's database: one per installed copy of the package. The demo feeds are file://
    URLs of the package's own files, so a copy installed elsewhere (a new venv, a fresh clone)
    sharing one cached database stored every demo story again under its own feed URLs."""
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    place = str((folder or demo_folder()).resolve()).encode()
    return user_cache_path("civicreader") / f"demo-{hashlib.sha1(place).hexdigest()[:12]}.db"


def demo_config() -> Config:
    """feeds.toml equivalent for the demo: the package's own feed files."""
    folder = demo_folder()
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
