"""The gazetteer: loading, look-ups for --council, the picker search, and the shipped file."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from civicreader.councils.gazetteer import load_gazetteer, normalise, parse_day

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"  # ../shared beside the checkout
REGISTER = SHARED / "data" / "uk-local-authorities"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def test_loaded_once(gaz):
    assert load_gazetteer() is gaz


def test_by_code_and_gss(gaz):
    blackpool = gaz.by_code("BPL")
    assert blackpool is not None
    assert (blackpool.gss, blackpool.name) == ("E06000009", "Blackpool Borough Council")
    assert gaz.by_code("bpl") == blackpool
    assert gaz.by_gss("e06000009") == blackpool
    assert gaz.by_gss("S12000015").code == "FIF"  # a former GSS code still finds Fife
    assert gaz.by_code("ZZZ") is None


def test_non_council_bodies_are_never_councils(gaz):
    assert gaz.by_code("GMCA") is None
    assert gaz.by_code("GLA") is None
    assert gaz.by_gss("E47000001") is None
    names = {c.name for c in gaz.councils()}
    assert "Greater Manchester Combined Authority" not in names
    assert "Greater London Authority" not in names
    assert "Manchester City Council" in names


def test_councils_lists_principal_authorities(gaz):
    everyone = gaz.councils()
    current = gaz.councils(current_only=True)
    assert len(everyone) == 455  # 470 in the register less 14 combined authorities and the GLA
    assert len(current) < len(everyone)
    assert all(c.end is None for c in current)
    assert [c.name for c in everyone] == sorted((c.name for c in everyone), key=str.lower)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Blackpool", "BPL"),
        ("blackpool council", "BPL"),
        ("Blackpool Borough Council", "BPL"),
        ("E06000009", "BPL"),
        ("BPL", "BPL"),
        ("Kirklees", "KIR"),
        ("rbkc", "KEC"),
        ("B&NES", "BAS"),
        ("Essex CC", "ESS"),
        ("Sefton MBC", "SFT"),
        ("Cyngor Gwynedd", "GWN"),
        ("Comhairle nan Eilean Siar", "ELS"),
        ("Hull", "KHL"),
        ("Kingston upon Thames", "KTT"),
        ("Newcastle-under-Lyme", "NEC"),
        ("Dorset", "DST"),  # the current council, not the abolished county council
        ("Dorset County Council", "DOR"),
        ("Poole", "POL"),  # only ever one council of that name, abolished or not
        ("NIR-C", "NIR-C"),
    ],
)
def test_lookup(gaz, query, code):
    found = gaz.lookup(query)
    assert found is not None and found.code == code


@pytest.mark.parametrize("query", ["", "   ", "Atlantis", "Greater Manchester", "GMCA", "GLA"])
def test_lookup_misses(gaz, query):
    assert gaz.lookup(query) is None


def test_search_ranks_prefixes_first(gaz):
    names = [c.name for c in gaz.search("black")]
    assert names[:2] == ["Blackburn with Darwen Borough Council", "Blackpool Borough Council"]
    assert [c.code for c in gaz.search("kingston")] == ["KHL", "KTT"]
    assert [c.name for c in gaz.search("manchester")] == ["Manchester City Council"]
    assert gaz.search("") == []
    assert gaz.search("qqqq") == []


def test_exists_on(gaz):
    assert gaz.exists_on("POL", date(2018, 6, 1))
    assert not gaz.exists_on("POL", date(2019, 4, 1))
    assert gaz.exists_on("BPC", date(2019, 4, 1))
    assert not gaz.exists_on("CMA", None)  # no date means "now"
    assert gaz.exists_on("CBD", date(2023, 4, 1)) and not gaz.exists_on("CMA", date(2023, 4, 1))


def test_normalise_keeps_offsets():
    text = "Stoke-on-Trent’s Café, Ynys Môn\tB&NES"
    out = normalise(text)
    assert len(out) == len(text)
    assert out == "stoke on trent s cafe  ynys mon b&nes"


def test_parse_day():
    assert parse_day("2024-06-05T09:00:00Z") == date(2024, 6, 5)
    assert parse_day("Wed, 05 Jun 2024 09:00:00 +0000") == date(2024, 6, 5)
    assert parse_day("not a date") is None
    assert parse_day(None) is None


def _build_module():
    path = ROOT / "scripts" / "build_gazetteer.py"
    spec = importlib.util.spec_from_file_location("build_gazetteer", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_gazetteer_matches_a_fresh_build():
    if not (REGISTER / "uk_local_authorities_current.csv").is_file():
        pytest.skip(f"register not found at {REGISTER} (../shared beside the checkout)")
    build = _build_module()
    fresh = build.render(build.build(REGISTER))
    shipped = (ROOT / "src/civicreader/councils/data/gazetteer.json").read_text(encoding="utf-8")
    assert shipped == fresh, "gazetteer.json is stale: run python scripts/build_gazetteer.py"


def test_every_register_authority_is_in_the_gazetteer(gaz):
    if not (REGISTER / "uk_local_authorities_current.csv").is_file():
        pytest.skip(f"register not found at {REGISTER} (../shared beside the checkout)")
    import csv

    with (REGISTER / "uk_local_authorities_current.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 470
    kinds = set()
    for row in rows:
        council = gaz.any_by_code(row["local-authority-code"])
        assert council is not None and council.name == row["official-name"].strip()
        assert council.gss == (row["gss-code"] or None)
        assert council.kind == row["local-authority-type-name"]
        assert council.nation == row["nation"]
        assert council.end == parse_day(row["end-date"] or None)
        start = parse_day(row["start-date"] or None)  # mid-2005 dates are record creation
        assert council.start == (None if start and start.year == 2005 else start)
        kinds.add(row["local-authority-type"])
        principal = gaz.by_code(row["local-authority-code"]) is not None
        assert principal == (row["local-authority-type"] not in ("COMB", "SRA"))
    assert {"COMB", "SRA", "LBO", "MD", "NMD", "UA", "CTY"} <= kinds
