"""Reader fixtures: a database filled by a real refresh from loopback feeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicreader.refresh import run_refresh

from ui.support import Reader, make_config


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio through anyio's pytest plugin (``pytestmark`` in each file)."""
    return "asyncio"


@pytest.fixture
def reader(server, tmp_path: Path) -> Reader:  # type: ignore[no-untyped-def]
    """Two feeds of fixed stories plus one feed that answers HTTP 500."""
    config = make_config(server, broken=True)
    db = tmp_path / "reader.db"
    run_refresh(config, db, workers=1)
    return Reader(db, config, server)


@pytest.fixture
def snapshot_reader(server, tmp_path: Path) -> Reader:  # type: ignore[no-untyped-def]
    """The same stories without the broken feed, for screenshots that must not vary."""
    config = make_config(server)
    db = tmp_path / "snap.db"
    run_refresh(config, db, workers=1)
    return Reader(db, config, server)
