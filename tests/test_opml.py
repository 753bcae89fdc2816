"""OPML import (tolerant, never executes anything) and export (round trip)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from civicreader.model import FeedConfig
from civicreader.opml import MAX_OPML_BYTES, OpmlError, export_opml, parse_opml

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = SHARED / "corpora"


def corpus_files() -> list[Path]:
    if not CORPORA.is_dir():
        return []
    return sorted(CORPORA.glob("opml/*/*.opml")) + sorted(CORPORA.glob("newsboat-fixtures/*.opml"))


def corpus(rel: str) -> bytes:
    path = CORPORA / rel
    if not path.is_file():
        pytest.skip(f"{path} not present (the ../shared corpora sit beside the checkout)")
    return path.read_bytes()


def test_corpus_is_present_or_skipped() -> None:
    if not CORPORA.is_dir():
        pytest.skip(f"{CORPORA} not present (the ../shared corpora sit beside the checkout)")
    assert len(corpus_files()) >= 16


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_corpus_file_imports_without_raising(path: Path) -> None:
    result = parse_opml(path.read_bytes())
    for feed in result.feeds:
        assert feed.url.startswith(("http://", "https://"))
        assert all(tag and "\n" not in tag for tag in feed.tags)


@pytest.mark.parametrize(
    ("rel", "count"),
    [
        ("opml/plenaryapp-awesome-rss-feeds/United_Kingdom.with_category.opml", 5),
        ("opml/plenaryapp-awesome-rss-feeds/News.with_category.opml", 11),
        ("opml/plenaryapp-awesome-rss-feeds/Programming.with_category.opml", 50),
        ("opml/hackernews-personal-blogs/list.opml", 1229),
        ("opml/liferea/feedlist_en.opml", 14),
    ],
)
def test_feed_counts_match_the_corpus_readme(rel: str, count: int) -> None:
    assert len(parse_opml(corpus(rel)).feeds) == count


def test_bare_ampersand_file_imports_the_same_feeds_in_both_shapes() -> None:
    base = "opml/plenaryapp-awesome-rss-feeds/United_Kingdom."
    nested = parse_opml(corpus(base + "with_category.opml"))
    flat = parse_opml(corpus(base + "without_category.opml"))
    assert [f.url for f in nested.feeds] == [f.url for f in flat.feeds]
    assert nested.feeds[2].title == "Home | Mail Online"
    assert all(f.tags == ("United Kingdom",) for f in nested.feeds)
    assert all(f.tags == () for f in flat.feeds)
    assert any("not well-formed" in p for p in nested.problems)


def test_literal_ampersand_in_a_title_survives() -> None:
    result = parse_opml(corpus("opml/plenaryapp-awesome-rss-feeds/Programming.with_category.opml"))
    titles = {f.title for f in result.feeds}
    assert "Posts on &> /dev/null" in titles
    assert "Signal v. Noise" in titles  # its description has broken quoting


def test_nested_folders_become_tags() -> None:
    result = parse_opml(corpus("newsboat-fixtures/test-urls+.opml"))
    tags = {f.url: f.tags for f in result.feeds}
    assert tags["http://test1.url.cc/feed.xml"] == ("tag1", "tag2")
    assert tags["http://onemorefeed.at/feed/"] == ("tag1", "tag3")
    assert tags["http://anotherfeed.com/"] == ()


def test_folder_name_prefers_text_and_category_adds_tags() -> None:
    example = {f.title: f.tags for f in parse_opml(corpus("newsboat-fixtures/example.opml")).feeds}
    assert example["John's musings"] == ("Blogs",)
    assert example["Notes by Mike"] == ("Blogs", "friends")
    category = parse_opml(corpus("newsboat-fixtures/category.opml")).feeds
    assert category[0].tags == ("tag one", "tag_two", "tag/three")
    assert category[0].title is None


def test_liferea_search_folders_and_hebrew_titles() -> None:
    en = parse_opml(corpus("opml/liferea/feedlist_en.opml"))
    assert [s.url for s in en.skipped] == ["vfolder", "vfolder"]
    assert en.feeds[0].tags == ("Example Feeds", "News")
    he = parse_opml(corpus("opml/liferea/feedlist_he.opml"))
    assert he.feeds[0].title == "ynet - חדשות היום"
    assert all("\u202b" not in (f.title or "") for f in he.feeds)


def test_commands_are_skipped_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = f"""<?xml version="1.0"?>
<opml version="2.0"><body>
  <outline text="pipe" xmlUrl="|touch {marker}"/>
  <outline text="exec" xmlUrl="exec:touch {marker}"/>
  <outline text="filter" xmlUrl="filter:touch {marker}:https://x.example/"/>
  <outline text="shell" xmlUrl="touch {marker}"/>
  <outline text="subst" xmlUrl="https://a.example/$(touch {marker})"/>
  <outline text="file" xmlUrl="file:///etc/passwd"/>
  <outline text="ok" xmlUrl="https://ok.example/feed" filtercmd="touch {marker}"/>
</body></opml>""".encode()
    result = parse_opml(data)
    assert [f.url for f in result.feeds] == ["https://ok.example/feed"]
    assert [s.title for s in result.skipped] == ["pipe", "exec", "filter", "shell", "subst", "file"]
    assert all("never run" in s.reason for s in result.skipped[:3])
    assert any("filter command ignored" in p for p in result.problems)
    assert not marker.exists()


def test_newsboat_piped_fixture_skips_the_command() -> None:
    result = parse_opml(corpus("newsboat-fixtures/piped.opml"))
    assert [f.url for f in result.feeds] == ["https://example.com/feed.atom"]
    assert result.skipped[0].url == "|~/fetch_tweets.py"


def test_entity_declarations_are_never_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml><body><outline text="&b;&x;" xmlUrl="https://a.example/"/></body></opml>'
    )
    result = parse_opml(bomb)
    assert [f.url for f in result.feeds] == ["https://a.example/"]
    assert result.feeds[0].title == "&b;&x;"
    assert any("DOCTYPE ignored" in p for p in result.problems)


@pytest.mark.parametrize(
    ("data", "title"),
    [
        ('<opml><body><outline text="Café" xmlUrl="https://a.example/">'.encode(), "Café"),
        (b'<?xml version="1.0" encoding="utf-8"?><opml><body>'
         b'<outline text="caf\xe9 &eacute;" xmlUrl="https://a.example/"/></body></opml>', "café é"),
        ('<?xml version="1.0" encoding="ISO-8859-1"?><opml><body><outline text="Café" '
         'xmlUrl="https://a.example/"/></body></opml>'.encode("latin-1"), "Café"),
        ('<opml><body><outline text="Café" xmlUrl="https://a.example/"/></body></opml>'
         .encode("utf-16"), "Café"),
    ],
    ids=["unclosed", "wrong-encoding", "latin-1", "utf-16"],
)  # fmt: skip
def test_malformed_and_odd_encodings_still_import(data: bytes, title: str) -> None:
    feeds = parse_opml(data).feeds
    assert [(f.url, f.title) for f in feeds] == [("https://a.example/", title)]


def test_empty_and_duplicate_entries() -> None:
    assert parse_opml(b"").feeds == []
    assert "no feeds found" in parse_opml(b"").problems
    dup = (b'<opml><body><outline text="a" xmlUrl="https://a.example/x"/>'
           b'<outline text="b" xmlUrl="HTTPS://A.example/x/"/></body></opml>')  # fmt: skip
    result = parse_opml(dup)
    assert len(result.feeds) == 1 and "duplicate" in result.skipped[0].reason


def test_oversized_file_is_refused() -> None:
    with pytest.raises(OpmlError, match="too large"):
        parse_opml(b" " * (MAX_OPML_BYTES + 1))


FEEDS = [
    FeedConfig("https://www.gov.uk/government/organisations/ofsted.atom", "Ofsted",
               ("inspectorate", "government")),
    FeedConfig("https://example.org/?a=1&b=<2>", 'Quotes "&" <angles>', ("trade-press",)),
    FeedConfig("https://untitled.example/feed"),
    FeedConfig("https://example.org/council", "Blackpool news", ("council",)),
    FeedConfig("https://bbc.example/rss", "BBC", ("bbc", "regional", "england")),
]  # fmt: skip


def test_export_is_well_formed_opml2_with_tag_folders() -> None:
    text = export_opml(FEEDS, title="Mine & yours")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine & yours"
    top = root.find("body")
    assert top is not None
    names = [o.get("text") for o in top]
    assert names == [
        "inspectorate",
        "trade-press",
        "https://untitled.example/feed",
        "council",
        "bbc",
    ]
    ofsted = top[0][0]
    assert ofsted.get("xmlUrl") == FEEDS[0].url and ofsted.get("category") == "government"


def test_export_then_import_keeps_urls_titles_and_tags() -> None:
    result = parse_opml(export_opml(FEEDS).encode("utf-8"))
    assert result.skipped == [] and result.problems == []
    assert [(f.url, f.title, f.tags) for f in result.feeds] == [
        (f.url, f.title, f.tags) for f in FEEDS
    ]
