"""Council features as a user meets them: stored tags through refresh and retag, the
``councils tag|list|show`` commands, ``related`` and ``items list --council``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import cli
from civicreader.services import retag

from conftest import LoopbackServer, rss, write_config

SETTINGS = "[settings]\ntimeout_seconds = 2\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout if "--json" in args else result.output


def run_json(*args: str) -> object:
    code, out = run(*args, "--json")
    assert code == 0, out
    return json.loads(out)


def story(guid: str, title: str, text: str, day: str, year: int) -> dict[str, str]:
    return {
        "title": title,
        "link": f"/{guid}.html",
        "guid": guid,
        "description": text,
        "pubDate": f"{day} {year} 09:00:00 +0000",
    }


# Two publishers, five years apart; Blackpool is central to four stories, in passing in one.
LOCALGOV = [
    story(
        "lifted",
        "Blackpool children's services direction lifted",
        "The government has lifted the statutory direction over Blackpool Council's children's"
        " services after inspectors found improvements in social work practice.",
        "Wed, 05 Jun",
        2024,
    ),
    story(
        "lights",
        "Blackpool Council funds illuminations",
        "Blackpool Council has agreed funding for the illuminations season and new light"
        " installations on the promenade.",
        "Mon, 02 Sep",
        2024,
    ),
    story(
        "kirklees",
        "Kirklees Council closes libraries",
        "Kirklees Council will close four libraries to save money.",
        "Tue, 04 Jun",
        2024,
    ),
]
PSE = [
    story(
        "commissioner",
        "Commissioner to review Blackpool children's services",
        "The DfE has appointed a commissioner to review Blackpool Council's inadequate children's"
        " services after an Ofsted inspection found social work practice was poor.",
        "Wed, 27 Mar",
        2019,
    ),
    story(
        "roundup",
        "Councils round-up",
        "Lancashire County Council agreed its budget for highways. Elsewhere, Blackpool Council"
        " also met.",
        "Fri, 01 Feb",
        2019,
    ),
]


@pytest.fixture
def library(server: LoopbackServer, paths: dict[str, Path]) -> dict[str, object]:
    urls = [
        server.add("/localgov.xml", rss(LOCALGOV, "LocalGov")),
        server.add("/pse.xml", rss(PSE, "PSE")),
    ]
    write_config(paths["config"], urls, SETTINGS)
    code, out = run("refresh")
    assert code == 0, out
    rows = run_json("items", "list", "--limit", "0")
    assert isinstance(rows, list) and len(rows) == 5
    ids = {r["link"].rsplit("/", 1)[-1].removesuffix(".html"): r["id"] for r in rows}
    return {"server": server, "urls": urls, "ids": ids, **paths}


def councils_of(item_id: int) -> set[str]:
    shown = run_json("show", str(item_id))
    assert isinstance(shown, dict)
    return {c["gss"] for c in shown["councils"]}


# -- stored tags -------------------------------------------------------------------------------


def test_refresh_tags_new_items_and_retags_changed_ones(library: dict[str, object]) -> None:
    ids = library["ids"]
    assert isinstance(ids, dict)
    assert councils_of(ids["lifted"]) == {"E06000009"}
    assert councils_of(ids["roundup"]) == {"E06000009", "E10000017"}
    # the publisher corrects a story: it is now about Kirklees, not Blackpool
    server = library["server"]
    assert isinstance(server, LoopbackServer)
    changed = [dict(s) for s in LOCALGOV]
    changed[1]["description"] = "Kirklees Council has agreed funding for its light festival."
    changed[1]["title"] = "Kirklees Council funds light festival"
    server.add("/localgov.xml", rss(changed, "LocalGov"))
    code, out = run("refresh")
    assert code == 0, out
    assert councils_of(ids["lights"]) == {"E08000034"}
    assert ids["lights"] not in {
        r["id"]
        for r in run_json("items", "list", "--council", "Blackpool")  # type: ignore[union-attr]
    }


def test_retag_rewrites_every_stored_tag(library: dict[str, object]) -> None:
    db = library["db"]
    assert isinstance(db, Path)
    with sqlite3.connect(db) as conn:  # tags from an older gazetteer: wrong council, one missing
        conn.execute("UPDATE item_councils SET council = 'FIF' WHERE council = 'BPL'")
        conn.execute("DELETE FROM item_councils WHERE council = 'KIR'")
    counts = {c["code"]: c["stories"] for c in run_json("councils", "list")}  # type: ignore[union-attr]
    assert counts == {"FIF": 4, "LAN": 1}
    assert retag(db, batch=2) == 5  # batches smaller than the database
    counts = {c["code"]: c["stories"] for c in run_json("councils", "list")}  # type: ignore[union-attr]
    assert counts == {"BPL": 4, "KIR": 1, "LAN": 1}
    code, out = run("councils", "retag")
    assert code == 0 and out.strip() == "re-tagged 5 stories"


# -- councils tag ------------------------------------------------------------------------------


def test_councils_tag_is_a_json_lines_filter() -> None:
    lines = [
        {
            "id": "a",
            "title": "Poole sets its budget",
            "text": "The cabinet agreed.",
            "published": "2018-02-01",
        },
        {
            "id": 2,
            "title": "Dorset sets its budget",
            "text": "The cabinet agreed.",
            "published": "2024-02-01",
        },
        {"id": "c", "title": "Helen Lincoln joins charity", "text": "", "published": None},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\nnot json\n"
    done = subprocess.run(
        [sys.executable, "-m", "civicreader", "councils", "tag"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows[:3] == [
        {"id": "a", "councils": [{"gss": "E06000029", "code": "POL", "name": "Borough of Poole"}]},
        {"id": 2, "councils": [{"gss": "E06000059", "code": "DST", "name": "Dorset Council"}]},
        {"id": "c", "councils": []},
    ]
    assert rows[3]["id"] is None and "invalid JSON" in rows[3]["error"]
    assert len(rows) == 4


# -- councils list / show ----------------------------------------------------------------------


def test_councils_list_text_and_json(library: dict[str, object]) -> None:
    code, out = run("councils", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["4", "E06000009", "Blackpool", "Borough", "Council"]
    assert {tuple(x.split()[:2]) for x in lines[1:]} == {("1", "E08000034"), ("1", "E10000017")}
    data = run_json("councils", "list")
    assert data[0] == {  # type: ignore[index]
        "gss": "E06000009",
        "code": "BPL",
        "name": "Blackpool Borough Council",
        "stories": 4,
    }
    assert not any(c["code"] in ("GMCA", "GLA") for c in data)  # type: ignore[union-attr]


def test_councils_show_by_name_code_or_gss(library: dict[str, object]) -> None:
    code, out = run("councils", "show", "Blackpool")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Blackpool Borough Council (E06000009; Unitary authority)"
    titles = lines[1:]  # newest first
    assert len(titles) == 4 and "Blackpool Council funds illuminations" in titles[0]
    assert "2019-02-01" in titles[-1] and "Councils round-up" in titles[-1]
    assert not any("Kirklees" in t for t in titles)
    assert run("councils", "show", "BPL")[1] == out
    assert run("councils", "show", "e06000009")[1] == out
    shown = run_json("councils", "show", "Kirklees Council", "--limit", "5")
    assert isinstance(shown, dict) and shown["gss"] == "E08000034"
    assert [i["title"] for i in shown["items"]] == ["Kirklees Council closes libraries"]
    assert len(run_json("councils", "show", "Blackpool", "--limit", "2")["items"]) == 2  # type: ignore[index]
    code, out = run("councils", "show", "Greater Manchester Combined Authority")
    assert code == 2 and "unknown council" in out


def test_councils_show_marks_an_abolished_council(paths: dict[str, Path]) -> None:
    code, out = run("councils", "show", "Borough of Poole")
    assert code == 0
    assert out.splitlines() == [
        "Borough of Poole (E06000029; Unitary authority, abolished 2019-03-31)"
    ]


# -- related -----------------------------------------------------------------------------------


def test_related_across_feeds_and_years(library: dict[str, object]) -> None:
    ids = library["ids"]
    assert isinstance(ids, dict)
    rows = run_json("related", str(ids["lifted"]))
    assert isinstance(rows, list)
    order = [r["id"] for r in rows]
    # central + same topic (other publisher, 2019) > central, other topic > in passing
    assert order == [ids["commissioner"], ids["lights"], ids["roundup"]]
    assert rows[0]["feed"] != rows[1]["feed"] and rows[0]["published"].startswith("2019")
    assert rows[0]["shared"] == ["E06000009"] and rows[0]["score"] > rows[1]["score"]
    assert ids["kirklees"] not in order
    assert [r["id"] for r in run_json("related", str(ids["lifted"]), "--limit", "1")] == [  # type: ignore[union-attr]
        ids["commissioner"]
    ]
    code, out = run("related", str(ids["lifted"]), "--limit", "2")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2 and "Commissioner to review Blackpool" in lines[0]
    assert "Blackpool Council funds illuminations" in lines[1]
    assert float(lines[0].split()[0]) > float(lines[1].split()[0])
    assert run_json("related", str(ids["kirklees"])) == []
    code, out = run("related", "999999")
    assert code == 1 and "no story with id 999999" in out


# -- items list --council ----------------------------------------------------------------------


def test_items_list_by_council(library: dict[str, object]) -> None:
    def titles(council: str) -> list[str]:
        rows = run_json("items", "list", "--council", council, "--limit", "0")
        return [r["title"] for r in rows]  # type: ignore[union-attr]

    blackpool = titles("Blackpool")
    assert len(blackpool) == 4 and blackpool == titles("E06000009") == titles("bpl")
    assert "Kirklees Council closes libraries" not in blackpool
    assert titles("Lancashire CC") == ["Councils round-up"]
    assert titles("Fife") == []
    code, out = run("items", "list", "--council", "Blackpool")
    assert code == 0 and len(out.splitlines()) == 4 and "[Blackpool" in out.splitlines()[0]
    code, out = run("items", "list", "--council", "GMCA")
    assert code == 2 and "unknown council" in out
