"""The project's promises about itself: CI runs exactly the README's test command, and the README
documents the paths, exit codes and limits the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from civicreader.fetch import Limits
from civicreader.model import Settings

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_ci_runs_exactly_the_readmes_second_command() -> None:
    install_and_run, tests = _quick_start_commands()
    assert install_and_run.startswith("python3 -m venv .venv && .venv/bin/pip install -q . &&")
    assert install_and_run.endswith(".venv/bin/civicreader demo")
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in script if line and not line.startswith(("#", "set ", "cd "))]
    assert commands == [tests]
    assert "ruff check" in tests and "ruff format --check" in tests and "mypy src" in tests


def test_readme_limits_match_the_defaults() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    defaults = Settings()
    for key, value in (
        ("concurrency", defaults.concurrency),
        ("per_host", defaults.per_host),
        ("timeout_seconds", defaults.timeout_seconds),
        ("max_feed_mb", defaults.max_feed_mb),
        ("refresh_minutes", defaults.refresh_minutes),
    ):
        assert re.search(rf"^{key} = {value:g}\s", readme, re.M), key
    assert f"{Limits().max_redirects} hops" in readme
