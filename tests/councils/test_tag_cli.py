"""The ``councils tag`` JSON Lines contract, through tag_stream."""

from __future__ import annotations

import io
import json

from civicreader.councils.tag_cli import tag_stream


def run(lines: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    count = tag_stream(io.StringIO("".join(line + "\n" for line in lines)), out)
    return count, [json.loads(line) for line in out.getvalue().splitlines()]


def item(id_: object, title: str, text: str = "", published: str | None = "2024-03-01") -> str:
    return json.dumps({"id": id_, "title": title, "text": text, "published": published})


def test_one_line_out_per_line_in_in_order():
    count, rows = run(
        [
            item("a", "Blackpool Council sets budget"),
            item(2, "Nothing about councils here"),
            item("c", "Essex CC and Herts CC share a director"),
        ]
    )
    assert count == 3
    assert [r["id"] for r in rows] == ["a", 2, "c"]
    assert rows[0]["councils"] == [
        {"gss": "E06000009", "code": "BPL", "name": "Blackpool Borough Council"}
    ]
    assert rows[1]["councils"] == []
    assert {c["code"] for c in rows[2]["councils"]} == {"ESS", "HRT"}


def test_bad_lines_give_an_error_line_and_the_stream_goes_on():
    count, rows = run(["{not json", "[1, 2]", item("ok", "Fife Council budget")])
    assert count == 3
    assert rows[0]["id"] is None and "invalid JSON" in rows[0]["error"]
    assert rows[1]["id"] is None and "object" in rows[1]["error"]
    assert rows[2] == {
        "id": "ok",
        "councils": [{"gss": "S12000047", "code": "FIF", "name": "Fife Council"}],
    }


def test_blank_lines_are_skipped_and_missing_fields_tolerated():
    count, rows = run(["", "   ", json.dumps({"id": 7}), json.dumps({"title": "Wigan Council"})])
    assert count == 2
    assert rows[0] == {"id": 7, "councils": []}
    assert rows[1]["id"] is None and rows[1]["councils"][0]["code"] == "WGN"


def test_gss_is_null_only_for_councils_that_never_had_one():
    _, rows = run([item(1, "Coleraine Borough Council agrees rates", published="2012-02-01")])
    assert rows[0]["councils"] == [
        {"gss": None, "code": "NIR-C", "name": "Coleraine Borough Council"}
    ]


def test_published_date_decides_between_councils():
    _, rows = run(
        [
            item(1, "Poole sets its budget", "The cabinet agreed.", "2018-02-01"),
            item(2, "Poole sets its budget", "The cabinet agreed.", "2022-02-01"),
            item(3, "Dorset sets its budget", "The cabinet agreed.", None),
        ]
    )
    assert [[c["code"] for c in r["councils"]] for r in rows] == [["POL"], [], ["DST"]]
