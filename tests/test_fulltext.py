"""Full-text mode end to end on loopback: the extracted article feeds the council tags and related
stories, pages are fetched once, and the reader's on-demand fetch (``f``) goes through services."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from civicreader.cli import cli
from civicreader.config import load_config
from civicreader.services import fetch_full_article

from conftest import LoopbackServer, rss, write_config

SETTINGS = "[settings]\ntimeout_seconds = 3\n"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def article_page(headline: str, paragraphs: list[str]) -> bytes:
    """A news page: the story in <article>, furniture around it."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/jobs'>Jobs</a></nav>"
        f"<main><article><h1>{headline}</h1>{body}</article></main>"
        "<aside><h3>Newsletter</h3><p>SIGN UP for our bulletin</p></aside>"
        "<footer>Copyright Example Media</footer></body></html>"
    ).encode()


KIRKLEES = [
    "Kirklees Council has approved a new plan for its libraries after a long consultation "
    "with residents across Huddersfield and Dewsbury.",
    "The council said opening hours would be extended at eight branches from September, "
    "paid for by savings elsewhere in the budget.",
    "Councillors welcomed the plan and asked officers to report back on visitor numbers "
    "within the next twelve months.",
]


def cli_json(*args: str) -> object:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_title() -> dict[str, dict]:
    items = cli_json("items", "list", "--limit", "0")
    assert isinstance(items, list)
    return {i["title"]: i for i in items}


def councils_of(item: dict) -> list[str]:
    return [c["gss"] for c in item["councils"]]


def test_tags_and_related_come_from_the_extracted_article(
    server: LoopbackServer, paths: dict[str, Path]
) -> None:
    """The feed says nothing about a council; the page does, so the story is tagged and related."""
    server.add("/libraries.html", article_page("Libraries plan approved", KIRKLEES), headers=HTML)
    quiet = [
        {
            "title": "Libraries plan approved",
            "guid": "lib",
            "link": "/libraries.html",
            "description": "A plan for libraries was approved.",
        }
    ]
    plain = [
        {
            "title": "Kirklees Council reviews bin rounds",
            "guid": "bins",
            "link": "/bins.html",
            "description": "Kirklees Council is reviewing bin rounds in Huddersfield.",
        }
    ]
    full = server.add("/full.xml", rss(quiet, "Full"))
    summary = server.add("/summary.xml", rss(plain, "Summary"))
    write_config(paths["config"], [full], SETTINGS, full_text=True)
    with paths["config"].open("a") as f:
        f.write(f'[[feeds]]\nurl = "{summary}"\n')
    report = cli_json("refresh")
    assert isinstance(report, dict) and report["new"] == 2 and report["failed"] == 0
    items = by_title()
    libraries = items["Libraries plan approved"]
    assert councils_of(libraries) == ["E08000034"]  # Kirklees, named only on the page
    shown = cli_json("show", str(libraries["id"]))
    assert isinstance(shown, dict) and shown["full_text"] is True and shown["note"] is None
    assert "opening hours would be extended at eight branches" in shown["text"]
    assert "SIGN UP" not in shown["text"] and "Copyright" not in shown["text"]
    related = cli_json("related", str(items["Kirklees Council reviews bin rounds"]["id"]))
    assert isinstance(related, list)
    assert [r["title"] for r in related] == ["Libraries plan approved"]
    assert related[0]["shared"] == ["E08000034"]
    # A gazetteer re-tag reads the stored article too, so the tag stays.
    assert CliRunner().invoke(cli, ["councils", "retag"]).exit_code == 0
    assert councils_of(by_title()["Libraries plan approved"]) == ["E08000034"]


def test_pages_already_extracted_are_not_fetched_again(
    server: LoopbackServer, paths: dict[str, Path]
) -> None:
    """Counted on the server: a changed feed (so it is parsed again) fetches only the new page."""
    items = [
        {"title": f"Story {n}", "guid": f"s{n}", "link": f"/s{n}.html", "description": "Short."}
        for n in range(3)
    ]
    for n in range(4):
        server.add(f"/s{n}.html", article_page(f"Story {n}", KIRKLEES), headers=HTML)
    server.add("/bad.html", b"<html><body><nav>Home</nav></body></html>", headers=HTML)
    items.append({"title": "No article", "guid": "bad", "link": "/bad.html", "description": "x"})
    url = server.add("/feed.xml", rss(items), etag=False)
    write_config(paths["config"], [url], SETTINGS, full_text=True)
    first = cli_json("refresh")
    assert isinstance(first, dict) and first["feeds"][0]["full_text"] == 3
    pages = {f"/s{n}.html" for n in range(3)} | {"/bad.html"}
    assert {p: server.hits.get(p) for p in pages} == dict.fromkeys(pages, 1)
    items[0]["description"] = "Short, corrected."  # an edited item ...
    items.append({"title": "Story 3", "guid": "s3", "link": "/s3.html", "description": "New."})
    server.add("/feed.xml", rss(items, "Changed"), etag=False)  # ... and a new one
    second = cli_json("refresh")
    assert isinstance(second, dict)
    assert (second["new"], second["updated"], second["feeds"][0]["full_text"]) == (1, 1, 1)
    assert {p: server.hits.get(p) for p in pages | {"/s3.html"}} == dict.fromkeys(
        pages | {"/s3.html"}, 1
    )
    edited = cli_json("show", str(by_title()["Story 0"]["id"]))
    assert isinstance(edited, dict) and edited["full_text"] is True  # the article was kept
    assert "eight branches" in edited["text"]


def test_on_demand_fetch_goes_through_services(
    server: LoopbackServer, paths: dict[str, Path]
) -> None:
    """The reader's ``f``: a feed without full_text, one story's article fetched on request."""
    items = [
        {"title": "Plan approved", "guid": "p", "link": "/p.html", "description": "A plan."},
        {"title": "Gone page", "guid": "g", "link": "/gone.html", "description": "Feed text."},
        {"title": "Script", "guid": "j", "link": "javascript:alert(1)", "description": "Odd."},
    ]
    server.add("/p.html", article_page("Plan approved", KIRKLEES), headers=HTML)
    url = server.add("/feed.xml", rss(items))
    config_path = write_config(paths["config"], [url], SETTINGS)
    assert CliRunner().invoke(cli, ["refresh"]).exit_code == 0
    assert set(server.hits) == {"/feed.xml"}  # no page fetched without full_text
    ids = {title: item["id"] for title, item in by_title().items()}
    before = cli_json("show", str(ids["Plan approved"]))
    assert isinstance(before, dict) and before["full_text"] is False and before["councils"] == []
    config = load_config(config_path)
    assert fetch_full_article(config, paths["db"], ids["Plan approved"]) is True
    after = cli_json("show", str(ids["Plan approved"]))
    assert isinstance(after, dict) and after["full_text"] is True
    assert "eight branches" in after["text"] and councils_of(after) == ["E08000034"]
    assert after["summary"] == "A plan."  # stored beside the feed's summary, which stays
    assert fetch_full_article(config, paths["db"], ids["Plan approved"]) is True  # asked again
    assert server.hits["/p.html"] == 2  # on demand always fetches

    assert fetch_full_article(config, paths["db"], ids["Gone page"]) is False
    gone = cli_json("show", str(ids["Gone page"]))
    assert isinstance(gone, dict) and gone["full_text"] is False
    assert gone["note"] == "full article not fetched: HTTP 404 Not Found"
    assert gone["text"] == "Feed text."
    shown = CliRunner().invoke(cli, ["show", str(ids["Gone page"])]).output
    assert "Note: full article not fetched: HTTP 404 Not Found" in shown  # visible, not only JSON

    assert fetch_full_article(config, paths["db"], ids["Script"]) is False
    script = cli_json("show", str(ids["Script"]))
    assert isinstance(script, dict) and script["note"] == "only http(s) pages are fetched"
    assert fetch_full_article(config, paths["db"], 999_999) is False
    assert set(server.hits) == {"/feed.xml", "/p.html", "/gone.html"}


def test_page_failures_say_why_and_the_http_charset_is_honoured(
    server: LoopbackServer, paths: dict[str, Path]
) -> None:
    """Each failure keeps the feed text with a note naming its cause; a page whose charset is
    only in the HTTP header is decoded with it (no <meta>, so UTF-8 would garble it)."""
    cafe = [p.replace("libraries", "cafés and libraries") for p in KIRKLEES]
    latin = article_page("Café plan", cafe).replace(b"<meta charset='utf-8'>", b"")
    server.add(
        "/latin.html",
        latin.decode().encode("cp1252"),
        headers={"Content-Type": "text/html; charset=windows-1252"},
    )
    server.add("/doc.pdf", b"%PDF-1.4 binary", headers={"Content-Type": "application/pdf"})
    server.add("/data.json", b'{"story": "no"}', headers={"Content-Type": "application/json"})
    server.add("/menu.html", b"<html><body><nav>Home</nav></body></html>", headers=HTML)
    server.add("/big.html", b"<html><body>" + b"<p>Filler text.</p>" * 400_000, headers=HTML)
    server.add("/down.html", b"oops", status=503)
    pages = {
        "Latin": "/latin.html",
        "PDF": "/doc.pdf",
        "JSON": "/data.json",
        "Menu": "/menu.html",
        "Big": "/big.html",
        "Down": "/down.html",
        "Huge": "/huge.html",
    }
    server.add("/huge.html", b"<html><body>" + b"<p>Filler text.</p>" * 700_000, headers=HTML)
    items = [
        {"title": t, "guid": t, "link": p, "description": f"Feed text of {t}."}
        for t, p in pages.items()
    ]
    url = server.add("/feed.xml", rss(items))
    write_config(paths["config"], [url], SETTINGS + "max_feed_mb = 10\n", full_text=True)
    report = cli_json("refresh")
    assert isinstance(report, dict) and report["failed"] == 0 and report["new"] == 7
    shown = {t: cli_json("show", str(i["id"])) for t, i in by_title().items()}
    latin_story = shown.pop("Latin")
    assert isinstance(latin_story, dict) and latin_story["full_text"] is True
    assert "cafés and libraries" in latin_story["text"]
    notes = {t: s["note"] for t, s in shown.items()}  # type: ignore[index]
    assert notes == {
        "PDF": "not an HTML page (application/pdf); showing the feed text",
        "JSON": "not an HTML page (application/json); showing the feed text",
        "Menu": "no article found on the page; showing the feed text",
        "Big": "page larger than the 5 MB extraction limit; showing the feed text",
        "Down": "full article not fetched: HTTP 503 Service Unavailable; will try again",
        "Huge": "full article not fetched: larger than the 10 MB limit",
    }
    for title, story in shown.items():
        assert isinstance(story, dict) and story["full_text"] is False
        assert story["text"] == f"Feed text of {title}."


def test_turning_full_text_on_fills_in_older_stories(
    server: LoopbackServer, paths: dict[str, Path]
) -> None:
    """Stories stored before ``full_text`` was set get their articles on the next refresh, even
    though the feed itself has not changed (304)."""
    items = [
        {"title": f"Story {n}", "guid": f"s{n}", "link": f"/s{n}.html", "description": "Short."}
        for n in range(3)
    ]
    for n in range(3):
        server.add(f"/s{n}.html", article_page(f"Story {n}", KIRKLEES), headers=HTML)
    url = server.add("/feed.xml", rss(items))
    write_config(paths["config"], [url], SETTINGS, full_text=False)
    assert cli_json("refresh")["new"] == 3  # type: ignore[index]
    assert not any(server.hits.get(f"/s{n}.html") for n in range(3))
    write_config(paths["config"], [url], SETTINGS, full_text=True)
    report = cli_json("refresh")
    assert isinstance(report, dict)
    assert report["feeds"][0]["result"] == "not_modified" and report["feeds"][0]["full_text"] == 3
    story = cli_json("show", str(by_title()["Story 1"]["id"]))
    assert isinstance(story, dict) and story["full_text"] is True
    assert "eight branches" in story["text"]
    cli_json("refresh")  # nothing left to fetch
    assert [server.hits[f"/s{n}.html"] for n in range(3)] == [1, 1, 1]


def test_passing_page_failures_are_retried_later_and_lasting_ones_never(
    server: LoopbackServer, paths: dict[str, Path]
) -> None:
    """A 503 is tried again once its retry time has come (moved here into the past), at most
    four fetches in all; a 404 keeps its note and is not fetched again."""
    import sqlite3

    server.add("/down.html", b"busy", status=503)
    server.add("/gone.html", b"missing", status=404)
    items = [
        {"title": "Down", "guid": "d", "link": "/down.html", "description": "Feed text."},
        {"title": "Gone", "guid": "g", "link": "/gone.html", "description": "Feed text."},
    ]
    url = server.add("/feed.xml", rss(items))
    write_config(paths["config"], [url], SETTINGS, full_text=True)

    def retry_now() -> None:
        with sqlite3.connect(paths["db"]) as conn:
            conn.execute(
                "UPDATE items SET extract_retry = '2000-01-01T00:00:00Z'"
                " WHERE extract_retry IS NOT NULL"
            )

    cli_json("refresh")
    cli_json("refresh")  # not due yet: nothing fetched
    assert (server.hits["/down.html"], server.hits["/gone.html"]) == (1, 1)
    retry_now()
    cli_json("refresh")
    assert (server.hits["/down.html"], server.hits["/gone.html"]) == (2, 1)
    server.add("/down.html", article_page("Back up", KIRKLEES), headers=HTML)
    retry_now()
    report = cli_json("refresh")
    assert isinstance(report, dict) and report["feeds"][0]["full_text"] == 1
    assert cli_json("show", str(by_title()["Down"]["id"]))["full_text"] is True  # type: ignore[index]
    gone = cli_json("show", str(by_title()["Gone"]["id"]))
    assert isinstance(gone, dict) and gone["note"] == "full article not fetched: HTTP 404 Not Found"
    server.add("/down.html", b"busy", status=503)  # a page that never comes back ...
    items.append({"title": "Flaky", "guid": "f", "link": "/down.html#2", "description": "x"})
    server.add("/feed.xml", rss(items, "Changed"))
    for _ in range(6):
        cli_json("refresh")
        retry_now()
    assert server.hits["/down.html"] == 3 + 4  # ... is fetched four times, then left alone
