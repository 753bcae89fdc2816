"""Regenerate src/civicreader/councils/data/gazetteer.json from the register and curated names.

Facts come from mySociety's UK local authorities register (CC BY 4.0) in
../shared/data/uk-local-authorities; press names (acronyms, short forms, Welsh and Gaelic names)
come from src/civicreader/councils/data/aliases.toml. Council-word forms ("X Council", "X CC",
"X MBC" ...) are generated here from each authority's official name and type.

    python scripts/build_gazetteer.py [--register DIR] [--output FILE] [--check]

The output is deterministic (sorted), so a test can compare the shipped file with a fresh build.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from civicreader.councils.gazetteer import normalise_key

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "src" / "civicreader" / "councils" / "data"
DEFAULT_REGISTER = ROOT.parent / "shared" / "data" / "uk-local-authorities"
NON_COUNCIL_TYPES = {"COMB", "SRA"}  # combined (county) authorities, Greater London Authority
# Register start dates in mid-2005 are when records were created, not when councils began.
ARTEFACT_START_YEAR = 2005

PREFIXES = (
    "London Borough of ",
    "Royal Borough of ",
    "City and County of ",
    "City of ",
    "Borough Council of ",
    "Borough of ",
    "Council of the ",
    "The ",
)
SUFFIXES = (
    " Metropolitan Borough Council",
    " Metropolitan District Council",
    " County Borough Council",
    " City and District Council",
    " Borough Council",
    " District Council",
    " County Council",
    " City Council",
    " Corporation",
    " Council",
)
DROP_ALT_ENDINGS = (" ua", " london boro", " district", " county", " city", " ca", " cca", " mca")
COUNCIL_ENDINGS = ("council", "corporation", " mdc", " mbc", " cc", " bc", " dc")
COUNCIL_STARTS = (
    "london borough of",
    "royal borough of",
    "borough of",
    "borough council of",
    "council of",
    "city of westminster",
    "comhairle",
    "cyngor",
)
SUFFIX_OF = (" city of", " county of")
SMALL_WORDS = {"of", "and", "the", "upon", "on", "in", "with", "a", "&", "y", "ar", "nan", "na"}


def strip_affixes(name: str) -> str:
    """Area name from an official name: "London Borough of Barnet" -> "Barnet"."""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.strip()


def council_suffixes(official: str, kind: str) -> list[str]:
    """Council words the press attaches to a place name for this kind of authority."""
    out = ["Council"]
    if "County Borough" in official:
        out += ["County Borough Council", "CBC"]
    elif "County" in official or kind == "CTY":
        out += ["County Council", "CC"]
    if (kind == "MD" and "City" not in official) or "Metropolitan" in official:
        out += ["Metropolitan Borough Council", "MBC", "Borough Council", "BC"]
        if "Metropolitan District" in official:
            out += ["Metropolitan District Council", "MDC"]
    elif "Borough" in official and "County Borough" not in official:
        out += ["Borough Council", "BC"]
    if "District" in official:
        out += ["District Council", "DC"]
    if "City" in official:
        out += ["City Council", "CC"]
    if kind == "LBO":
        out += ["London Borough Council", "LBC", "Borough Council"]
    return out


def variants(name: str) -> set[str]:
    """Spelling variants the press mixes: '&'/'and', 'St'/'St.', "King's"/"Kings", commas."""
    out = {name.strip()}
    for v in list(out):
        out.add(v.replace(" & ", " and ").replace(" and ", " & "))
        out.add(v.replace(" & ", " and "))
    for v in list(out):
        out.add(v.replace(",", ""))
        out.add(v.replace("St. ", "St ").replace("St ", "St. "))
        out.add(v.replace("St. ", "St "))
        out.add(v.replace("'s ", "s ").replace("’s ", "s "))
        out.add(v.replace("-", " "))
    return {v for v in out if v}


def is_council_form(name: str) -> bool:
    """Whether a register name names the organisation ("X Council") rather than the area."""
    low = " ".join(name.lower().split())
    return low.endswith(COUNCIL_ENDINGS) or low.startswith(COUNCIL_STARTS)


def initials(official: str) -> str:
    words = [w for w in re.split(r"[\s,]+", official) if w and w.lower() not in SMALL_WORDS]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def parse(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def valid_range(row: dict[str, str]) -> tuple[str | None, str | None]:
    """[from, to) in which the authority existed; 31 March abolitions end the next day."""
    start, end = parse(row["start-date"]), parse(row["end-date"])
    if start and start.year == ARTEFACT_START_YEAR:
        start = None
    if end and (end.month, end.day) == (3, 31):
        end = end + timedelta(days=1)
    return (start.isoformat() if start else None, end.isoformat() if end else None)


def clean_alt(name: str) -> str | None:
    """A register alternative name worth matching, or None (typos' fragments, mojibake...)."""
    name = " ".join(name.split())
    low = name.lower()
    if not name or "ï¿" in name or "ï¾" in name or "\ufffd" in name or "(" in name:
        return None
    if ", city of" in low or ", county of" in low or low.endswith(DROP_ALT_ENDINGS + SUFFIX_OF):
        return None
    return name


class Names:
    """Accumulates (key, form, exact) -> codes; official marks whose official name it is."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str, str], set[str]] = {}
        self.official: dict[tuple[str, str, str], set[str]] = {}

    def add(self, name: str, form: str, code: str, official: bool = False) -> None:
        exact_forms = ("acronym", "initials", "body_acronym")
        names = {name} if form in exact_forms else variants(name)
        for variant in names:
            key = normalise_key(variant)
            if not key:
                continue
            exact = variant if form in exact_forms else ""
            slot = (key, "body" if form == "body_acronym" else form, exact)
            self.codes.setdefault(slot, set()).add(code)
            if official:
                self.official.setdefault(slot, set()).add(code)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for slot in sorted(self.codes):
            key, form, exact = slot
            row: dict[str, Any] = {"key": key, "form": form, "codes": sorted(self.codes[slot])}
            if slot in self.official:
                row["official"] = sorted(self.official[slot])
            if exact:
                row["exact"] = exact
            out.append(row)
        return out


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def build(register: Path = DEFAULT_REGISTER, aliases: Path = DATA_DIR / "aliases.toml") -> dict:
    """The gazetteer as plain data, ready for ``render``."""
    with (register / "uk_local_authorities_current.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with (register / "lookup_name_to_registry.csv").open(encoding="utf-8", newline="") as f:
        lookup_names: dict[str, list[str]] = {}
        for r in csv.DictReader(f):
            lookup_names.setdefault(r["local-authority-code"], []).append(r["la-name"])
    curated = tomllib.loads(aliases.read_text(encoding="utf-8"))
    drop = {normalise_key(n) for n in curated["drop"]["names"]}
    council_only: dict[str, list[str]] = {}
    for name, codes in curated["council_only"].items():
        for code in as_list(codes):
            council_only.setdefault(code, []).append(name)
    curated_places: dict[str, list[str]] = {}
    for name, codes in curated["places"].items():
        for code in as_list(codes):
            curated_places.setdefault(code, []).append(name)
    keep_full = set(curated["body_keep_only_full"]["codes"])
    reserved = {a.upper() for a in [*curated["acronyms"], *curated["body_acronyms"]]}

    names = Names()
    authorities = []
    for row in sorted(rows, key=lambda r: r["local-authority-code"]):
        code, official, kind = (
            row["local-authority-code"],
            row["official-name"].strip(),
            row["local-authority-type"],
        )
        valid_from, valid_to = valid_range(row)
        principal = kind not in NON_COUNCIL_TYPES
        authorities.append(
            {
                "code": code,
                "gss": row["gss-code"] or None,
                "name": official,
                "nice_name": row["nice-name"].strip(),
                "kind": kind,
                "kind_name": row["local-authority-type-name"],
                "nation": row["nation"],
                "region": row["region"],
                "start": row["start-date"] or None,
                "end": row["end-date"] or None,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "replaced_by": [c for c in row["replaced-by"].split(",") if c],
                "former_gss": [c for c in row["former-gss-codes"].split(",") if c],
                "principal": principal,
            }
        )
        # The lookup file holds every alt-name, quoted; the alt-names column splits on commas.
        alts = [a for a in (clean_alt(x) for x in lookup_names.get(code, [])) if a]
        alts = [a for a in alts if normalise_key(a) not in drop]
        nice = row["nice-name"].strip()
        if not principal:
            names.add(official, "body", code, official=True)
            full = [a for a in alts if a.lower().endswith(("authority", "region"))]
            for alt in full + ([] if code in keep_full else [nice]):
                names.add(alt, "body", code)
            continue
        names.add(official, "council", code, official=True)
        bare_blocked = {normalise_key(n) for n in council_only.get(code, [])} | drop
        places = {strip_affixes(official), strip_affixes(nice)}
        places |= {a for a in [nice, *alts] if not is_council_form(a)}
        places |= set(curated_places.get(code, []))
        for place in sorted(places | set(council_only.get(code, []))):
            if not place or normalise_key(place) in drop:
                continue
            if normalise_key(place) not in bare_blocked and place in places:
                names.add(place, "place", code)
            elif normalise_key(place) not in drop:
                names.add(place, "list_only", code)  # only in "Hart and Rushmoor councils"
            for suffix in council_suffixes(official, kind):
                names.add(f"{place} {suffix}", "council", code)
            if kind == "LBO":
                names.add(f"London Borough of {place}", "council", code)
        for alt in alts:
            if is_council_form(alt):
                names.add(alt, "council", code)
        letters = initials(official)
        if len(letters) >= 3 and letters not in reserved:
            names.add(letters, "initials", code)
    for section in ("native", "council_names"):
        for name, code in curated[section].items():
            names.add(name, "council", code)
    for name, code in curated["acronyms"].items():
        names.add(name, "acronym", code)
    for name, code in curated["body_acronyms"].items():
        names.add(name, "body_acronym", code)
    return {
        "about": "Generated by scripts/build_gazetteer.py; do not edit by hand.",
        "source": "Contains data from mySociety's UK Local Authority Names and Codes "
        "(https://github.com/mysociety/uk_local_authority_names_and_codes), licensed CC BY 4.0.",
        "authorities": authorities,
        "names": names.rows(),
    }


def render(data: dict) -> str:
    """Stable text: one authority or name per line, keys sorted."""

    def line(obj: Any) -> str:
        return json.dumps(obj, sort_keys=True, ensure_ascii=False)

    parts = ["{"]
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list):
            body = ",\n".join("  " + line(v) for v in value)
            parts.append(f"{line(key)}: [\n{body}\n],")
        else:
            parts.append(f"{line(key)}: {line(value)},")
    parts[-1] = parts[-1].rstrip(",")
    parts.append("}")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--register", type=Path, default=DEFAULT_REGISTER)
    parser.add_argument("--output", type=Path, default=DATA_DIR / "gazetteer.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    args = parser.parse_args(argv)
    if not (args.register / "uk_local_authorities_current.csv").is_file():
        print(f"register not found in {args.register}", file=sys.stderr)
        return 2
    text = render(build(args.register))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run scripts/build_gazetteer.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
