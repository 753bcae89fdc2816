"""feeds.toml: validation errors that name file, line and key; edits that keep the user's text."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from civicreader.config import (
    ConfigError,
    add_feed,
    add_feeds,
    check_text,
    load_config,
    normalise_url,
    remove_feed,
    set_feed_url,
)
from civicreader.model import FeedConfig, Settings

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = """\
# my feeds - keep this comment
[settings]
refresh_minutes = 15  # quicker

# Ofsted first
[[feeds]]
url = "https://www.gov.uk/government/organisations/ofsted.atom"
title = "Ofsted"
tags = [
  "inspectorate",   # a comment inside the array
  "government",
]

# --- a section comment, separated by a blank line ---

[[feeds]]
url = "https://example.org/b"  # inline comment on b
title = \"\"\"B
[[feeds]] inside a string is not a header\"\"\"

[[feeds]]
url = "https://example.org/c"
# trailing comment
"""


def write(tmp_path: Path, text: str, name: str = "feeds.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def error_of(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


# ---- the shipped list ----------------------------------------------------------------------


def test_shipped_list_is_identical_in_package_and_repository() -> None:
    packaged = ROOT / "src" / "civicreader" / "default_feeds.toml"
    assert packaged.read_bytes() == (ROOT / "feeds.toml").read_bytes()


def test_shipped_list_is_valid_and_follows_the_confidence_rules() -> None:
    path = ROOT / "feeds.toml"
    config = load_config(path)
    text = path.read_text("utf-8")
    for key in ("refresh_minutes", "concurrency", "per_host", "timeout_seconds", "max_feed_mb"):
        assert f"\n{key} = " in text
    assert config.settings == Settings()
    by_url = {f.url: f for f in config.feeds}
    assert by_url["https://www.gov.uk/government/organisations/ofsted.atom"].enabled
    assert by_url["https://www.communitycare.co.uk/feed/"].enabled  # M row
    assert not by_url["https://www.themj.co.uk/rss"].enabled  # L row
    assert by_url["https://www.manchester.gov.uk/rss/news"].council == "Manchester City Council"
    assert not any("local.gov.uk" in u or "birmingham" in u for u in by_url)  # X rows
    assert all(f.title and f.tags for f in config.feeds)
    assert all(f.council for f in config.feeds if "council" in f.tags)


# ---- validation errors ---------------------------------------------------------------------

FEED = '[[feeds]]\nurl = "https://a.example/feed"\n'


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        ('colour = "red"\n', 1, "colour", "unknown key"),
        ("[settings]\nrefresh_minutes = 5\nspeed = 3\n", 3, "settings.speed", "unknown key"),
        (FEED + "colour = 1\n", 3, "feeds[1].colour", "unknown key"),
        ('[settings]\n\nconcurrency = "16"\n', 3, "settings.concurrency", "must be a number"),
        ("[settings]\nper_host = true\n", 2, "settings.per_host", "must be a number"),
        ("[settings]\nper_host = 1.5\n", 2, "settings.per_host", "whole number"),
        ("[settings]\ntimeout_seconds = -1\n", 2, "settings.timeout_seconds", "greater than 0"),
        ('settings = "x"\n', 1, "settings", "must be a table"),
        ('feeds = "x"\n', 1, "feeds", "array of tables"),
        (FEED + 'tags = "council"\n', 3, "feeds[1].tags", "list of non-empty strings"),
        (FEED + 'enabled = "yes"\n', 3, "feeds[1].enabled", "true or false"),
        (FEED + "title = 3\n", 3, "feeds[1].title", "non-empty string"),
        (FEED + "[[feeds]]\ntitle = 'x'\n", 3, "feeds[2]", "missing required key 'url'"),
        (
            FEED + FEED.replace("a.example", "b.example") + '[[feeds]]\n\nurl = "ftp://x"\n',
            7,
            "feeds[3].url",
            "not an http(s) URL: 'ftp://x'",
        ),  # fmt: skip
        ('[[feeds]]\nurl = "rm -rf ~"\n', 2, "feeds[1].url", "not an http(s) URL"),
        ('[[feeds]]\nurl = "|~/fetch.py"\n', 2, "feeds[1].url", "not an http(s) URL"),
        ('[[feeds]]\nurl = "exec:curl x|sh"\n', 2, "feeds[1].url", "not an http(s) URL"),
        ('[[feeds]]\nurl = "javascript:alert(1)"\n', 2, "feeds[1].url", "not an http(s) URL"),
        ('[[feeds]]\nurl = "https:///no-host"\n', 2, "feeds[1].url", "not an http(s) URL"),
        ('[[feeds]]\nurl = "https://a b/"\n', 2, "feeds[1].url", "not an http(s) URL"),
        (
            FEED + '\n[[feeds]]\nurl = "HTTPS://A.EXAMPLE/feed/"\n',
            5,
            "feeds[2].url",
            "duplicate feed: same URL as feeds[1] (line 2)",
        ),  # fmt: skip
    ],
)
def test_every_error_names_file_line_and_key(
    tmp_path: Path, text: str, line: int, key: str, fragment: str
) -> None:
    err = error_of(tmp_path, text)
    path = tmp_path / "feeds.toml"
    assert (err.path, err.line, err.key) == (path, line, key)
    assert str(err).startswith(f"{path}:{line}: {key}: ")
    assert fragment in str(err)


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, FEED + "title = = 'x'\n")
    assert err.line == 3
    assert str(err).startswith(f"{tmp_path / 'feeds.toml'}:3: not valid TOML")


def test_line_numbers_survive_multiline_values(tmp_path: Path) -> None:
    text = SAMPLE + 'enabled = "no"\n'
    err = error_of(tmp_path, text)
    assert (err.line, err.key) == (len(SAMPLE.splitlines()) + 1, "feeds[3].enabled")


def test_all_errors_are_reported_in_line_order() -> None:
    text = 'bogus = 1\n[settings]\nconcurrency = 0\n[[feeds]]\nurl = "ftp://x"\n'
    _, errors = check_text(text, "f.toml")
    assert [(e.line, e.key) for e in errors] == [
        (1, "bogus"),
        (3, "settings.concurrency"),
        (5, "feeds[1].url"),
    ]


def test_missing_and_undecodable_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[[feeds]]\nurl = "https://a.example/"\ntitle = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)


def test_valid_file_loads_with_values_and_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SAMPLE))
    assert config.settings == Settings(refresh_minutes=15)
    assert [f.url for f in config.feeds] == [
        "https://www.gov.uk/government/organisations/ofsted.atom",
        "https://example.org/b",
        "https://example.org/c",
    ]
    assert config.feeds[0].tags == ("inspectorate", "government")
    assert config.feeds[1].title == "B\n[[feeds]] inside a string is not a header"
    assert config.feeds[2] == FeedConfig(url="https://example.org/c")


def test_normalise_url_ignores_case_default_port_and_trailing_slash() -> None:
    assert normalise_url("HTTPS://Example.ORG:443/Feed/") == "https://example.org/Feed"
    assert normalise_url("http://example.org:8080/x?q=1") == "http://example.org:8080/x?q=1"


# ---- editing ---------------------------------------------------------------------------------


def test_add_keeps_comments_and_order(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    feed = FeedConfig("https://new.example/feed", title='Say "hi"', tags=("council",),
                      council="Blackpool Council", full_text=True)  # fmt: skip
    add_feed(path, feed)
    text = path.read_text("utf-8")
    assert text.startswith(SAMPLE + "\n[[feeds]]\n")
    assert load_config(path).feeds[-1] == feed


def test_add_goes_before_a_table_that_follows_the_feeds(tmp_path: Path) -> None:
    path = write(tmp_path, FEED + "\n# about settings\n[settings]\nper_host = 1\n")
    add_feed(path, FeedConfig("https://b.example/"))
    text = path.read_text("utf-8")
    assert text.index("https://b.example/") < text.index("# about settings")
    assert load_config(path).settings.per_host == 1


@pytest.mark.parametrize("start", ["", "# only a comment", FEED.rstrip("\n"),
                                   'feeds = [{url = "https://a.example/feed"}]\n'])  # fmt: skip
def test_add_to_unusual_files(tmp_path: Path, start: str) -> None:
    path = write(tmp_path, start)
    add_feed(path, FeedConfig("https://b.example/", tags=("x",)))
    assert load_config(path).feeds[-1] == FeedConfig("https://b.example/", tags=("x",))
    assert path.read_text("utf-8").startswith(start.rstrip().rstrip("]"))  # inline array grows


@pytest.mark.parametrize(
    ("feed", "fragment"),
    [
        (FeedConfig("https://EXAMPLE.org/b/"), "already subscribed"),
        (FeedConfig("exec:rm -rf ~"), "not an http(s) URL"),
    ],
)
def test_failing_add_leaves_file_untouched(tmp_path: Path, feed: FeedConfig, fragment: str) -> None:
    path = write(tmp_path, SAMPLE)
    before = path.stat()
    with pytest.raises(ConfigError, match=re.escape(fragment)) as info:
        add_feed(path, feed)
    assert str(info.value).startswith(str(path))
    assert path.read_text("utf-8") == SAMPLE
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feeds.toml"]  # no temp file left


def test_duplicate_add_names_the_existing_line(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    with pytest.raises(ConfigError) as info:
        add_feed(path, FeedConfig("https://example.org/b/"))
    assert (info.value.line, info.value.key) == (17, "feeds[2].url")


def test_add_refuses_to_touch_an_invalid_file(tmp_path: Path) -> None:
    bad = SAMPLE + "colour = 'red'\n"
    path = write(tmp_path, bad)
    with pytest.raises(ConfigError, match="feeds\\[3\\].colour: unknown key"):
        add_feed(path, FeedConfig("https://new.example/"))
    assert path.read_text("utf-8") == bad


def test_add_feeds_in_one_write_skips_duplicates_and_bad_urls(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    batch = [FeedConfig("https://n1.example/"), FeedConfig("https://example.org/c/"),
             FeedConfig("|cmd"), FeedConfig("https://N1.example")]  # fmt: skip
    added, skipped = add_feeds(path, batch)
    assert added == [batch[0]]
    assert [(f.url, reason.split(":")[0]) for f, reason in skipped] == [
        ("https://example.org/c/", "already subscribed"),
        ("|cmd", "not an http(s) URL"),
        ("https://N1.example", "already subscribed"),
    ]
    assert len(load_config(path).feeds) == 4


def test_remove_keeps_other_comments(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    assert remove_feed(path, "https://example.org/b/") is True
    text = path.read_text("utf-8")
    assert "inline comment on b" not in text
    for kept in ("# my feeds", "# quicker", "# Ofsted first", "a comment inside the array",
                 "# --- a section comment", "# trailing comment"):  # fmt: skip
        assert kept in text
    assert "\n\n\n" not in text
    assert [f.url for f in load_config(path).feeds] == [
        "https://www.gov.uk/government/organisations/ofsted.atom",
        "https://example.org/c",
    ]


def test_remove_takes_the_comment_attached_to_the_entry(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    assert remove_feed(path, "https://www.gov.uk/government/organisations/ofsted.atom")
    text = path.read_text("utf-8")
    assert "# Ofsted first" not in text and "inspectorate" not in text
    assert text.startswith("# my feeds - keep this comment\n[settings]\n")
    assert "# --- a section comment" in text


def test_remove_absent_feed_is_false_and_untouched(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    assert remove_feed(path, "https://nowhere.example/") is False
    assert path.read_text("utf-8") == SAMPLE


def test_remove_from_inline_array(tmp_path: Path) -> None:
    path = write(tmp_path, 'feeds = [{url = "https://a.example/"}, {url = "https://b.example/"}]\n')
    assert remove_feed(path, "https://a.example/")
    assert [f.url for f in load_config(path).feeds] == ["https://b.example/"]


def test_set_feed_url_keeps_the_rest_of_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    assert set_feed_url(path, "https://example.org/b", "https://moved.example/b") is True
    assert 'url = "https://moved.example/b"  # inline comment on b\n' in path.read_text("utf-8")
    assert load_config(path).feeds[1].url == "https://moved.example/b"
    assert set_feed_url(path, "https://example.org/b", "https://x.example/") is False


@pytest.mark.parametrize(
    ("new", "fragment"),
    [("ftp://moved", "not an http(s) URL"), ("https://example.org/c/", "already subscribed")],
)
def test_set_feed_url_refusals_leave_file_untouched(
    tmp_path: Path, new: str, fragment: str
) -> None:
    path = write(tmp_path, SAMPLE)
    with pytest.raises(ConfigError, match=re.escape(fragment)):
        set_feed_url(path, "https://example.org/b", new)
    assert path.read_text("utf-8") == SAMPLE


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_edit_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = write(tmp_path, SAMPLE, "real.toml")
    link = tmp_path / "feeds.toml"
    link.symlink_to(real)
    add_feed(link, FeedConfig("https://new.example/"))
    assert link.is_symlink()
    assert "https://new.example/" in real.read_text("utf-8")


def test_crlf_file_stays_valid_after_edits(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE.replace("\n", "\r\n"))
    add_feed(path, FeedConfig("https://new.example/"))
    assert remove_feed(path, "https://example.org/c")
    assert [f.url for f in load_config(path).feeds][-1] == "https://new.example/"


def test_added_block_uses_the_files_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path, FEED.replace("\n", "\r\n"))
    add_feed(path, FeedConfig("https://b.example/", title="B"))
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert data.endswith(b'\r\n\r\n[[feeds]]\r\nurl = "https://b.example/"\r\ntitle = "B"\r\n')
