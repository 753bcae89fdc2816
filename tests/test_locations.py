"""Config/database path precedence and the first-run copy of the shipped feeds.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicreader import locations
from civicreader.config import load_config


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CIVICREADER_CONFIG", raising=False)
    monkeypatch.delenv("CIVICREADER_DB", raising=False)
    # platformdirs reads these on Linux; point them somewhere harmless and known.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def test_defaults_are_platform_dirs(tmp_path: Path) -> None:
    assert locations.config_path() == tmp_path / "xdg-config" / "civicreader" / "feeds.toml"
    assert locations.db_path() == tmp_path / "xdg-data" / "civicreader" / "civicreader.db"


def test_environment_beats_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CIVICREADER_CONFIG", str(tmp_path / "env.toml"))
    monkeypatch.setenv("CIVICREADER_DB", str(tmp_path / "env.db"))
    assert locations.config_path() == tmp_path / "env.toml"
    assert locations.db_path() == tmp_path / "env.db"


def test_cli_beats_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CIVICREADER_CONFIG", str(tmp_path / "env.toml"))
    monkeypatch.setenv("CIVICREADER_DB", str(tmp_path / "env.db"))
    assert locations.config_path(str(tmp_path / "cli.toml")) == tmp_path / "cli.toml"
    assert locations.db_path(str(tmp_path / "cli.db")) == tmp_path / "cli.db"


def test_empty_environment_value_is_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CIVICREADER_CONFIG", "")
    assert locations.config_path().name == "feeds.toml"
    assert locations.config_path().parent == tmp_path / "xdg-config" / "civicreader"


def test_user_home_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert locations.db_path("~/x.db") == tmp_path / "x.db"


def test_first_run_copies_shipped_list(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "feeds.toml"
    assert locations.ensure_config(target) is True
    assert target.read_text("utf-8") == locations.default_feeds_text()
    assert len(load_config(target).feeds) > 0


def test_existing_config_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "feeds.toml"
    target.write_text("# mine\n", "utf-8")
    assert locations.ensure_config(target) is False
    assert target.read_text("utf-8") == "# mine\n"
