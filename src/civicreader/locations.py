"""Where the config file and the database live.

Precedence is the command-line contract's: an explicit CLI option, then the environment
(``CIVICREADER_CONFIG`` / ``CIVICREADER_DB``), then the platform's per-user directories.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "civicreader"
CONFIG_ENV = "CIVICREADER_CONFIG"
DB_ENV = "CIVICREADER_DB"
CONFIG_NAME = "feeds.toml"
DB_NAME = "civicreader.db"


def _pick(cli_value: str | os.PathLike[str] | None, env_name: str, default: Path) -> Path:
    """CLI beats environment beats default; empty values count as unset."""
    if cli_value is not None and str(cli_value) != "":
        return Path(cli_value).expanduser()
    env_value = os.environ.get(env_name, "")
    if env_value:
        return Path(env_value).expanduser()
    return default


def config_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The feeds.toml in use."""
    default = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME
    return _pick(cli_value, CONFIG_ENV, default)


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite database in use."""
    default = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_NAME
    return _pick(cli_value, DB_ENV, default)


def default_feeds_text() -> str:
    """The shipped subscription list, read from the installed package."""
    return (Path(__file__).resolve().parent / "default_feeds.toml").read_text("utf-8")


def ensure_config(path: Path) -> bool:
    """Copy the shipped feeds.toml to ``path`` on first run; True if it copied.

    An existing file is never touched. The copy is created exclusively (``x`` mode) so two
    processes starting at once cannot clobber each other or a file the user just wrote.
    """
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    text = default_feeds_text()
    try:
        out = open(path, "x", encoding="utf-8", newline="")
    except FileExistsError:
        return False
    try:
        with out:
            out.write(text)
    except BaseException:
        path.unlink(missing_ok=True)  # never leave half a config behind
        raise
    return True
