"""The founding scenario (../shared/seeds): two publisher sites on loopback, read as a user would.

Checks the council tags of every seed story, the related-story order, and full-text mode.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import cli

from conftest import LoopbackServer, write_config

EXPECTED = {
    "blackpool-childrens-services-direction-lifted": {"E06000009"},
    "essex-send-peer-review": {"E10000012"},
    "blackpool-illuminations-funding": {"E06000009"},
    "blackpool-south-mp-seaside-towns": set(),
    "north-tyneside-public-health-director": {"E08000022"},
    "blackpool-essex-commissioner-review": {"E06000009", "E10000012"},
    "blackpool-ofsted-chronic-neglect": {"E06000009"},
    "sandwell-childrens-trust-launch": {"E08000028"},
}


def cli_json(*args: str) -> object:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def slug(link: str) -> str:
    return link.rsplit("/", 1)[-1].removesuffix(".html")


@pytest.fixture(params=[False, True], ids=["feed-text", "full-text"])
def seeded(
    request: pytest.FixtureRequest, seed_server: LoopbackServer, paths: dict[str, Path]
) -> dict[str, dict]:
    feeds = [seed_server.url("/localgov/rss.xml"), seed_server.url("/pse/feed.xml")]
    write_config(paths["config"], feeds, full_text=request.param)
    report = cli_json("refresh")
    assert isinstance(report, dict) and report["new"] == 8 and report["failed"] == 0
    items = cli_json("items", "list", "--limit", "0")
    assert isinstance(items, list)
    return {slug(i["link"]): i for i in items}


def test_every_seed_story_has_the_expected_councils(seeded: dict[str, dict]) -> None:
    got = {name: {c["gss"] for c in item["councils"]} for name, item in seeded.items()}
    assert got == EXPECTED


def test_related_stories_follow_the_council_across_publishers_and_years(
    seeded: dict[str, dict],
) -> None:
    lifted = seeded["blackpool-childrens-services-direction-lifted"]["id"]
    order = [slug(r["link"]) for r in cli_json("related", str(lifted))]  # type: ignore[union-attr]
    assert "blackpool-south-mp-seaside-towns" not in order
    lights = order.index("blackpool-illuminations-funding")
    assert order.index("blackpool-essex-commissioner-review") < lights
    assert order.index("blackpool-ofsted-chronic-neglect") < lights
    commissioner = seeded["blackpool-essex-commissioner-review"]["id"]
    related = cli_json("related", str(commissioner))
    assert isinstance(related, list)
    names = {slug(r["link"]) for r in related}
    assert {
        "blackpool-childrens-services-direction-lifted",
        "blackpool-ofsted-chronic-neglect",
        "essex-send-peer-review",
    } <= names
    essex = next(r for r in related if slug(r["link"]) == "essex-send-peer-review")
    assert essex["shared"] == ["E10000012"]


def test_full_text_keeps_the_story_and_drops_the_furniture(
    seed_server: LoopbackServer, paths: dict[str, Path]
) -> None:
    feeds = [seed_server.url("/localgov/rss.xml"), seed_server.url("/pse/feed.xml")]
    write_config(paths["config"], feeds, full_text=True)
    cli_json("refresh")
    items = {slug(i["link"]): i for i in cli_json("items", "list", "--limit", "0")}  # type: ignore[union-attr]
    lifted = cli_json("show", str(items["blackpool-childrens-services-direction-lifted"]["id"]))
    assert isinstance(lifted, dict) and lifted["full_text"] is True
    text = lifted["text"]
    assert "£4m investment" in text and "David Johnston" in text
    # the job rail, the "SIGN UP" newsletter box and its bulletin blurb
    for furniture in (
        "Recuriter:",
        "Principal Licensing Officer",
        "SIGN UP",
        "For your free daily news bulletin",
    ):
        assert furniture.lower() not in text.lower()
    review = cli_json("show", str(items["blackpool-essex-commissioner-review"]["id"]))
    assert isinstance(review, dict) and review["full_text"] is True
    assert "Helen Lincoln" in review["text"] and "28 June" in review["text"]
    # the comments box, the "tv" and "last word" rails and the sidebar
    for furniture in (
        "There are no comments",
        "add your comment",
        "public sector executive tv",
        "last word",
        "public sector focus",
        "View all News",
    ):
        assert furniture.lower() not in review["text"].lower()
    # every article page was fetched once; a second refresh (the feeds answer 304) fetches none
    pages = {k: v for k, v in seed_server.hits.items() if k.endswith(".html")}
    assert len(pages) == 8 and set(pages.values()) == {1}
    CliRunner().invoke(cli, ["refresh"])
    assert {k: v for k, v in seed_server.hits.items() if k.endswith(".html")} == pages


def test_full_text_failures_fall_back_to_the_feed_text_with_a_note(
    server: LoopbackServer, paths: dict[str, Path]
) -> None:
    from conftest import rss

    big = b"<html><body>" + b"<p>filler paragraph text</p>" * 700_000 + b"</body></html>"
    items = [
        {
            "title": "No article here",
            "link": "/empty.html",
            "guid": "1",
            "description": "Summary one about Kirklees Council.",
        },
        {"title": "A PDF", "link": "/doc.pdf", "guid": "2", "description": "Summary two."},
        {"title": "Huge page", "link": "/huge.html", "guid": "3", "description": "Summary three."},
    ]
    server.add(
        "/empty.html",
        b"<html><body><nav>Home</nav></body></html>",
        headers={"Content-Type": "text/html"},
    )
    server.add("/doc.pdf", b"%PDF-1.4 binary", headers={"Content-Type": "application/pdf"})
    server.add("/huge.html", big, headers={"Content-Type": "text/html"})
    url = server.add("/feed.xml", rss(items))
    write_config(paths["config"], [url], "[settings]\nmax_feed_mb = 15\n", full_text=True)
    report = cli_json("refresh")
    assert isinstance(report, dict) and report["failed"] == 0 and report["new"] == 3
    for item in cli_json("items", "list"):  # type: ignore[union-attr]
        shown = cli_json("show", str(item["id"]))
        assert isinstance(shown, dict)
        assert shown["full_text"] is False and shown["note"], shown
        assert shown["text"].startswith("Summary")
