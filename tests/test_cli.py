"""The command-line contract: JSON shapes, feed management, locate, help, import hygiene."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from civicreader.cli import cli
from civicreader.services import Library

from conftest import LoopbackServer, rss, write_config

SETTINGS = "[settings]\ntimeout_seconds = 2\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout if "--json" in args else result.output


@pytest.fixture
def filled(server: LoopbackServer, paths: dict[str, Path]) -> dict[str, Path]:
    items = [
        {
            "title": "Blackpool Council agrees budget",
            "link": "/a.html",
            "guid": "a",
            "description": "Blackpool Council agreed its budget for children's services.",
            "pubDate": "Wed, 05 Jun 2024 09:00:00 +0000",
        },
        {
            "title": "Kirklees reviews libraries",
            "link": "/b.html",
            "guid": "b",
            "description": "Kirklees Council is reviewing library opening hours.",
            "pubDate": "Tue, 04 Jun 2024 09:00:00 +0000",
        },
        {
            "title": "National funding round opens",
            "link": "/c.html",
            "guid": "c",
            "description": "A new funding round for coastal towns opened today.",
            "pubDate": "Mon, 03 Jun 2023 09:00:00 +0000",
        },
    ]
    url = server.add("/feed.xml", rss(items, "Council news"))
    write_config(paths["config"], [url], SETTINGS)
    code, out = run("refresh")
    assert code == 0, out
    return paths


def test_items_list_json_shape(filled: dict[str, Path]) -> None:
    code, out = run("items", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["title"] for r in rows] == [
        "Blackpool Council agrees budget",
        "Kirklees reviews libraries",
        "National funding round opens",
    ]
    first = rows[0]
    assert set(first) >= {
        "id",
        "title",
        "link",
        "feed",
        "feed_title",
        "published",
        "read",
        "starred",
        "councils",
    }
    assert first["published"] == "2024-06-05T09:00:00Z"
    assert first["link"].startswith("http://127.0.0.1:") and first["link"].endswith("/a.html")
    assert first["feed_title"] == "Council news" and first["read"] is False
    assert first["feed"] == first["link"].rsplit("/", 1)[0] + "/feed.xml"  # the feed's URL
    assert first["starred"] is False and rows[2]["councils"] == []
    assert {"gss": "E06000009", "code": "BPL", "name": "Blackpool Borough Council"} in first[
        "councils"
    ]


def test_items_list_filters(filled: dict[str, Path]) -> None:
    def titles(*args: str) -> list[str]:
        code, out = run("items", "list", "--json", *args)
        assert code == 0, out
        return [r["title"] for r in json.loads(out)]

    assert titles("--council", "Kirklees") == ["Kirklees reviews libraries"]
    assert titles("--council", "E06000009") == ["Blackpool Council agrees budget"]
    assert titles("--search", "library") == ["Kirklees reviews libraries"]
    assert titles("--since", "2024-01-01") == [
        "Blackpool Council agrees budget",
        "Kirklees reviews libraries",
    ]
    assert titles("--since", "7d") == []  # the stories are from 2023 and 2024
    assert titles("--limit", "1") == ["Blackpool Council agrees budget"]
    feed_url = json.loads(run("feeds", "list", "--json")[1])[0]["url"]
    assert titles("--feed", feed_url) == titles()
    assert titles("--feed", "https://other.example/feed.xml") == []
    assert len(titles("--unread")) == 3
    ids = {r["title"]: r["id"] for r in json.loads(run("items", "list", "--json")[1])}
    with Library(filled["db"]) as lib:
        lib.mark_read([ids["Kirklees reviews libraries"]])
        lib.star([ids["National funding round opens"]])
    assert titles("--unread") == ["Blackpool Council agrees budget", "National funding round opens"]
    assert titles("--starred") == ["National funding round opens"]
    assert titles("--unread", "--search", "libraries") == []
    code, out = run("items", "list", "--council", "Atlantis")
    assert code == 2 and "unknown council" in out
    code, out = run("items", "list", "--since", "last tuesday")
    assert code == 2 and "--since: not a date" in out


def test_show_json_and_text(filled: dict[str, Path]) -> None:
    code, out = run("items", "list", "--json", "--limit", "1")
    item_id = json.loads(out)[0]["id"]
    code, out = run("show", str(item_id), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["text"].startswith("Blackpool Council agreed its budget")
    assert data["full_text"] is False and data["summary"]
    listed = json.loads(run("items", "list", "--json", "--limit", "1")[1])[0]
    assert {k: data[k] for k in listed} == listed  # the same fields as the listing, plus more
    assert {"text", "summary", "full_text", "note"} <= set(data)
    code, out = run("show", str(item_id))
    assert "Blackpool Council agrees budget" in out and "Blackpool Borough Council" in out
    code, out = run("show", "999999")
    assert code == 1 and "no story" in out


def test_locate_follows_options_over_environment(paths: dict[str, Path], tmp_path: Path) -> None:
    code, out = run("locate")
    assert f"config: {paths['config']}" in out and f"database: {paths['db']}" in out
    code, out = run("--config", str(tmp_path / "x.toml"), "--db", str(tmp_path / "y.db"), "locate")
    assert f"config: {tmp_path / 'x.toml'}" in out and f"database: {tmp_path / 'y.db'}" in out


def test_first_run_copies_the_shipped_feeds(paths: dict[str, Path]) -> None:
    code, out = run("feeds", "list", "--json")
    assert code == 0
    feeds = json.loads(out.split("\n", 1)[1] if out.startswith("created") else out)
    assert paths["config"].read_text() == (Path(__file__).parents[1] / "feeds.toml").read_text()
    urls = {f["url"] for f in feeds}
    assert "https://www.gov.uk/government/organisations/ofsted.atom" in urls


def test_feeds_add_remove_keep_comments(paths: dict[str, Path]) -> None:
    paths["config"].parent.mkdir(parents=True)
    paths["config"].write_text('# my list\n\n[[feeds]]\nurl = "https://a.example/feed"  # A\n')
    code, out = run(
        "feeds",
        "add",
        "https://b.example/rss",
        "--title",
        "B",
        "--tag",
        "x",
        "--council",
        "Blackpool",
        "--full-text",
    )
    assert code == 0, out
    text = paths["config"].read_text()
    assert text.startswith("# my list") and "# A" in text
    assert 'council = "Blackpool Borough Council"' in text and "full_text = true" in text
    code, out = run("feeds", "add", "https://b.example/rss")
    assert code == 2 and "already subscribed" in out
    code, out = run("feeds", "add", "ftp://c.example/x")
    assert code == 2
    code, out = run("feeds", "remove", "https://b.example/rss")
    assert code == 0 and "b.example" not in paths["config"].read_text()
    code, out = run("feeds", "remove", "https://nope.example/")
    assert code == 1


def test_validate_names_file_line_and_key(paths: dict[str, Path]) -> None:
    paths["config"].parent.mkdir(parents=True)
    paths["config"].write_text(
        '[[feeds]]\nurl = "https://a.example/"\n[[feeds]]\nurl = "https://A.example"\n'
        '[[feeds]]\nurl = "|rm -rf ~"\ncolour = "red"\n'
    )
    code, out = run("feeds", "validate")
    assert code == 2 and "Traceback" not in out
    where = paths["config"]
    first = f"civicreader: {where}:4: feeds[2].url: duplicate feed: same URL as feeds[1] (line 2)"
    assert out.splitlines() == [  # every problem, in line order, file:line: key: message
        first,
        f"civicreader: {where}:6: feeds[3].url: not an http(s) URL: '|rm -rf ~'",
        f"civicreader: {where}:7: feeds[3].colour: unknown key"
        " (expected one of: url, title, tags, council, full_text, enabled)",
    ]
    code, out = run("refresh")  # other commands stop at the first problem
    assert code == 2 and out.splitlines() == [first]


def test_import_and_export_opml(paths: dict[str, Path], tmp_path: Path) -> None:
    paths["config"].parent.mkdir(parents=True)
    paths["config"].write_text("")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body><outline text="Councils">'
        '<outline text="Kirklees &amp; co" xmlUrl="https://k.example/rss"/></outline>'
        '<outline text="evil" xmlUrl="|touch /tmp/civicreader-pwned"/></body></opml>'
    )
    code, out = run("feeds", "import", str(opml))
    assert code == 0 and "imported 1 feeds" in out
    assert not Path("/tmp/civicreader-pwned").exists()
    feeds = json.loads(run("feeds", "list", "--json")[1])
    assert [(f["url"], f["title"], f["tags"]) for f in feeds] == [
        ("https://k.example/rss", "Kirklees & co", ["Councils"])  # the folder became a tag
    ]
    code, out = run("feeds", "export")
    assert 'xmlUrl="https://k.example/rss"' in out and 'text="Councils"' in out
    target = tmp_path / "out.opml"
    code, out = run("feeds", "export", str(target))
    assert code == 0
    exported = target.read_text()
    assert exported.startswith("<?xml") and '<opml version="2.0">' in exported
    assert 'xmlUrl="https://k.example/rss"' in exported and 'text="Kirklees &amp; co"' in exported


def test_every_command_has_help() -> None:
    def walk(command: click.Command, path: list[str]) -> None:
        code, out = run(*path, "--help")
        assert code == 0 and "Usage:" in out, path
        assert command.help or command.short_help, path
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(cli, [])


def test_cli_never_loads_textual() -> None:
    code = (
        "import sys, civicreader.cli, civicreader.services, civicreader.refresh;"
        "sys.exit(1 if any(m == 'textual' or m.startswith('textual.') for m in sys.modules)"
        " else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_demo_shows_council_stories(paths: dict[str, Path]) -> None:
    code, out = run("--db", str(paths["root"] / "demo.db"), "demo", "--no-ui")
    assert code == 0, out
    assert "Government lifts statutory direction over Blackpool" in out
    line = next(x for x in out.splitlines() if "Thurrock Council issues section 114" in x)
    assert "[Thurrock" in line and "Essex" in line  # councils tagged by the real pipeline


def test_councils_list_show_and_retag(filled: dict[str, Path]) -> None:
    code, out = run("councils", "list", "--json")
    counts = {c["name"]: c["stories"] for c in json.loads(out)}
    assert counts == {"Blackpool Borough Council": 1, "Kirklees Council": 1}
    code, out = run("councils", "show", "E06000009")
    assert code == 0 and "Blackpool Council agrees budget" in out
    assert "Kirklees" not in out
    code, out = run("councils", "show", "Atlantis")
    assert code == 2
    with sqlite3.connect(filled["db"]) as conn:
        conn.execute("DELETE FROM item_councils")
    assert json.loads(run("councils", "list", "--json")[1]) == []
    code, out = run("councils", "retag")
    assert code == 0 and "re-tagged 3 stories" in out
    counts = {c["name"]: c["stories"] for c in json.loads(run("councils", "list", "--json")[1])}
    assert counts == {"Blackpool Borough Council": 1, "Kirklees Council": 1}


def test_a_council_newsroom_feed_tags_its_council(
    server: LoopbackServer, paths: dict[str, Path]
) -> None:
    items = [
        {
            "title": "Bin collections change next week",
            "guid": "n1",
            "description": "Collections move to Tuesdays.",
            "link": "/n1",
        }
    ]
    url = server.add("/newsroom.xml", rss(items, "Newsroom"))
    write_config(paths["config"], [url], SETTINGS, council="Kirklees")
    assert run("refresh")[0] == 0

    def councils() -> list[str]:
        rows = json.loads(run("items", "list", "--json")[1])
        return [c["name"] for c in rows[0]["councils"]]

    assert councils() == ["Kirklees Council"]
    run("councils", "retag")
    assert councils() == ["Kirklees Council"]


def test_a_duplicate_is_named_even_when_either_copy_has_another_error(
    paths: dict[str, Path],
) -> None:
    paths["config"].parent.mkdir(parents=True)
    paths["config"].write_text(
        '[[feeds]]\nurl = "https://a.example/"\ncolour = "red"\n'
        '[[feeds]]\nurl = "https://a.example"\n'
    )
    code, out = run("feeds", "validate")
    where = paths["config"]
    assert code == 2 and out.splitlines() == [
        f"civicreader: {where}:3: feeds[1].colour: unknown key"
        " (expected one of: url, title, tags, council, full_text, enabled)",
        f"civicreader: {where}:5: feeds[2].url: duplicate feed: same URL as feeds[1] (line 2)",
    ]


def test_each_installed_copy_has_its_own_demo_database(tmp_path: Path, monkeypatch) -> None:
    """The demo's feeds are file:// URLs of the package's files: two installs sharing one demo
    database listed every story twice. Each copy gets its own; running the demo again adds
    nothing."""
    from civicreader.demo_data import demo_db_path, prepare_demo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    here = demo_db_path()
    assert here == demo_db_path() and here.parent == tmp_path / "cache" / "civicreader"
    assert demo_db_path(folder=tmp_path / "elsewhere" / "demo") != here
    assert demo_db_path("x.db") == Path("x.db")
    db = tmp_path / "demo.db"
    prepare_demo(db)
    prepare_demo(db)
    with sqlite3.connect(db) as conn:
        stories, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT title) FROM items"
        ).fetchone()
    assert stories == distinct > 0
