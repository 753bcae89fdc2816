"""Broken configuration and hostile OPML: a message naming file, line and key, exit status 2,
nothing executed, and the user's files byte-for-byte unchanged."""

from __future__ import annotations

import pytest

from reliability.conftest import Setup, invoke

COMMANDS = ("feeds list", "feeds validate", "refresh", "feeds add http://127.0.0.1:9/new.xml")


def _all_refuse(setup: Setup, text: str, expected: str) -> None:
    """Every command that reads feeds.toml exits 2 with ``expected``; the file is not touched."""
    setup.config.parent.mkdir(parents=True, exist_ok=True)
    setup.config.write_bytes(text.encode())
    for command in COMMANDS:
        run = setup.cli(*command.split())
        assert run.code == 2, (command, run.out, run.err)
        assert run.err.startswith(f"civicreader: {setup.config}:"), run.err
        assert expected in run.err, run.err
        assert setup.config.read_bytes() == text.encode()
    assert not setup.db.exists()  # nothing was fetched or created


def test_broken_toml(setup: Setup) -> None:
    _all_refuse(
        setup, '# feeds\n[[feeds]\nurl = "http://127.0.0.1:9/a.xml"\n', ":2: not valid TOML"
    )


def test_unknown_keys(setup: Setup) -> None:
    text = (
        '[settings]\ntimeout_seconds = 2\n\n[[feeds]]\nurl = "http://127.0.0.1:9/a.xml"\n'
        'colour = "red"\n'
    )
    _all_refuse(setup, text, ":6: feeds[1].colour: unknown key")
    _all_refuse(
        setup, "[settings]\ntimout_seconds = 2\n", ":2: settings.timout_seconds: unknown key"
    )


def test_bad_settings(setup: Setup) -> None:
    _all_refuse(
        setup, "[settings]\nmax_feed_mb = -1\n", ":2: settings.max_feed_mb: must be greater"
    )


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/feed", "not a url", "http://", "javascript:alert(1)"]
)
def test_bad_urls(setup: Setup, url: str) -> None:
    _all_refuse(
        setup, f'[[feeds]]\ntitle = "x"\nurl = "{url}"\n', ":3: feeds[1].url: not an http(s) URL"
    )


@pytest.mark.parametrize("form", ["|touch {m}", "`touch {m}`", "$(touch {m})", "exec:touch {m}"])
def test_shell_commands_as_feed_urls_are_never_run(setup: Setup, form: str) -> None:
    marker = setup.root / "ran"
    url = form.format(m=marker)
    _all_refuse(setup, f"[[feeds]]\nurl = '{url}'\n", "feeds[1].url: not an http(s) URL")
    assert not marker.exists()


def test_feeds_add_refuses_a_command(setup: Setup) -> None:
    marker = setup.root / "ran"
    setup.write(["http://127.0.0.1:9/a.xml"])
    before = setup.config.read_bytes()
    run = setup.cli("feeds", "add", f"|touch {marker}")
    assert run.code == 2 and "not an http(s) URL" in run.err
    assert setup.config.read_bytes() == before and not marker.exists()


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<opml version="2.0"><head><title>Councils & friends &b;</title></head><body>
  <outline text="Planning & Housing">
    <outline text="Good & proper" type="rss" xmlUrl="http://127.0.0.1:9/good.xml"/>
    <outline text="Pipe" type="rss" xmlUrl="|touch {m}"/>
    <outline text="Exec" type="rss" xmlUrl="exec:touch {m}"/>
    <outline text="Backticks" type="rss" xmlUrl="`touch {m}`"/>
    <outline text="Local" type="rss" xmlUrl="file:///etc/passwd"/>
  </outline>
</body></opml>
"""


def test_opml_with_bare_ampersands_and_commands(setup: Setup) -> None:
    marker = setup.root / "ran"
    opml = setup.root / "subs.opml"
    opml.write_text(OPML.format(m=marker))
    original = opml.read_bytes()
    setup.write(["http://127.0.0.1:9/a.xml"])
    run = setup.cli("feeds", "import", str(opml))
    assert run.code == 0, run.err
    assert "imported 1 feeds" in run.out and "(4 skipped)" in run.out
    assert run.err.count("a command, not a feed URL (never run)") == 2  # | and exec:
    assert "skipped: 'Backticks': not an http(s) URL" in run.err
    assert opml.read_bytes() == original and not marker.exists()
    feeds = setup.feed_json()
    assert set(feeds) == {"http://127.0.0.1:9/a.xml", "http://127.0.0.1:9/good.xml"}
    assert feeds["http://127.0.0.1:9/good.xml"]["tags"] == ["Planning & Housing"]
    assert "aaaaaaaaaa" not in setup.config.read_text()  # the entities were never expanded


def test_opml_import_into_a_broken_config_changes_nothing(setup: Setup) -> None:
    opml = setup.root / "subs.opml"
    opml.write_text(OPML.format(m=setup.root / "ran"))
    text = b"[[feeds]]\nurl = 'http://127.0.0.1:9/a.xml'\nbogus = 1\n"
    setup.config.parent.mkdir(parents=True)
    setup.config.write_bytes(text)
    run = setup.cli("feeds", "import", str(opml))
    assert run.code == 2 and ":3: feeds[1].bogus: unknown key" in run.err
    assert setup.config.read_bytes() == text


def test_config_path_that_is_a_directory(setup: Setup) -> None:
    folder = setup.root / "dir.toml"
    folder.mkdir()
    run = invoke(folder, setup.db, "refresh")
    assert run.code == 2 and run.err.startswith(f"civicreader: {folder}: cannot read")
