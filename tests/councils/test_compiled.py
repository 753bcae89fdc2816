"""The tagger compiled at install (setup.py, mypyc) is used only while it matches its source."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import civicreader
from civicreader.councils import compiled_is_stale
from civicreader.councils.compiled import COMPILED, DIGEST_FILE, source_digest

PACKAGE = Path(civicreader.__file__).parent
PROBE = (
    "import civicreader.councils.tagger as t\n"
    "print(t.__file__)\n"
    "print([m.council.code for m in t.tag('Blackpool Council cuts', 'Budget agreed.')])\n"
)


def _fake_build(folder: Path) -> None:
    for name in COMPILED:
        (folder / f"{name}.py").write_text(f"# {name}\n", encoding="utf-8")
        (folder / f"{name}.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (folder / DIGEST_FILE).write_text(source_digest(folder), encoding="ascii")


def test_a_build_is_stale_once_either_source_changes(tmp_path: Path) -> None:
    assert not compiled_is_stale(tmp_path)  # nothing compiled: nothing to be stale
    _fake_build(tmp_path)
    assert not compiled_is_stale(tmp_path)
    (tmp_path / "tagger_words.py").write_text("# edited\n", encoding="utf-8")
    assert compiled_is_stale(tmp_path)


def test_an_edited_checkout_runs_its_edited_source(tmp_path: Path) -> None:
    """A copy of the installed package (compiled or not) with tagger.py edited: the source is
    what runs, and it still tags."""
    copy = tmp_path / "civicreader"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for shared in PACKAGE.parent.glob("*__mypyc*"):  # mypyc's runtime library, if built
        shutil.copy(shared, tmp_path)
    run = [sys.executable, "-c", PROBE]
    env = {"PYTHONPATH": str(tmp_path), "PATH": ""}
    before = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    assert "['BPL']" in before
    tagger = copy / "councils" / "tagger.py"
    tagger.write_text(tagger.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")
    after = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    assert after.splitlines()[0] == str(tagger) and "['BPL']" in after
