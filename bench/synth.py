"""Deterministic synthetic UK local-government feeds for benchmarks (no network).

Feed ``i`` depends only on ``(seed, i, items)``, so ``make_feeds(50)`` is a prefix of
``make_feeds(500)``. Roughly two thirds are RSS 2.0 (HTML in ``content:encoded``), one third
Atom (escaped HTML in ``content``, relative links resolved through ``xml:base``). Bodies are
full HTML (paragraphs, lists, headings, links, named and numeric entities) of ~2.5 KB, so a
30-item feed is ~80 KB; titles and bodies name real councils so a tagger has work to do.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

# (name used in text, short place name) -- real councils across the four nations.
COUNCILS: tuple[tuple[str, str], ...] = (
    ("Blackpool Council", "Blackpool"),
    ("Essex County Council", "Essex"),
    ("Kirklees Council", "Kirklees"),
    ("Leeds City Council", "Leeds"),
    ("Manchester City Council", "Manchester"),
    ("Birmingham City Council", "Birmingham"),
    ("Cornwall Council", "Cornwall"),
    ("Kent County Council", "Kent"),
    ("Glasgow City Council", "Glasgow"),
    ("Cardiff Council", "Cardiff"),
    ("Belfast City Council", "Belfast"),
    ("Royal Borough of Kensington and Chelsea", "Kensington"),
    ("London Borough of Hackney", "Hackney"),
    ("Tower Hamlets Council", "Tower Hamlets"),
    ("Bristol City Council", "Bristol"),
    ("North Yorkshire Council", "North Yorkshire"),
    ("Somerset Council", "Somerset"),
    ("Durham County Council", "County Durham"),
    ("Gateshead Council", "Gateshead"),
    ("Sheffield City Council", "Sheffield"),
    ("Nottinghamshire County Council", "Nottinghamshire"),
    ("Lancashire County Council", "Lancashire"),
    ("Wirral Council", "Wirral"),
    ("Liverpool City Council", "Liverpool"),
    ("Calderdale Council", "Calderdale"),
    ("Bradford Council", "Bradford"),
    ("Wakefield Council", "Wakefield"),
    ("Hull City Council", "Hull"),
    ("East Riding of Yorkshire Council", "East Riding"),
    ("Lincolnshire County Council", "Lincolnshire"),
    ("Norfolk County Council", "Norfolk"),
    ("Suffolk County Council", "Suffolk"),
    ("Peterborough City Council", "Peterborough"),
    ("Oxfordshire County Council", "Oxfordshire"),
    ("Buckinghamshire Council", "Buckinghamshire"),
    ("Hampshire County Council", "Hampshire"),
    ("Southampton City Council", "Southampton"),
    ("Brighton & Hove City Council", "Brighton"),
    ("Surrey County Council", "Surrey"),
    ("Devon County Council", "Devon"),
    ("Plymouth City Council", "Plymouth"),
    ("Dorset Council", "Dorset"),
    ("Wiltshire Council", "Wiltshire"),
    ("Shropshire Council", "Shropshire"),
    ("Coventry City Council", "Coventry"),
    ("Leicester City Council", "Leicester"),
    ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
    ("Cheshire East Council", "Crewe"),
    ("Cumberland Council", "Carlisle"),
    ("Westmorland and Furness Council", "Kendal"),
    ("Northumberland County Council", "Northumberland"),
    ("Sunderland City Council", "Sunderland"),
    ("Middlesbrough Council", "Middlesbrough"),
    ("City of Edinburgh Council", "Edinburgh"),
    ("Aberdeenshire Council", "Aberdeenshire"),
    ("The Highland Council", "Inverness"),
    ("Fife Council", "Fife"),
    ("Swansea Council", "Swansea"),
    ("Gwynedd Council", "Gwynedd"),
    ("Powys County Council", "Powys"),
    ("Wrexham County Borough Council", "Wrexham"),
    ("Derry City and Strabane District Council", "Derry"),
    ("Newry, Mourne and Down District Council", "Newry"),
)

# Near misses a tagger must not mistake for the council itself.
DISTRACTORS = (
    "Essex Police",
    "Blackpool Transport",
    "Kent Fire and Rescue Service",
    "Leeds Teaching Hospitals NHS Trust",
    "Cornwall Wildlife Trust",
    "the Local Government Association",
    "the Ministry of Housing, Communities and Local Government",
)

TOPICS = (
    "seafront regeneration",
    "town centre masterplan",
    "school transport",
    "adult social care",
    "pothole repairs",
    "flood defences",
    "library opening hours",
    "food waste collection",
    "affordable housing",
    "cycle lanes",
    "children’s services",
    "leisure centre refurbishment",
    "street lighting",
    "local plan review",
    "air quality",
)
STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Market Place",
    "Victoria Road",
    "Mill Lane",
    "Queen Street",
    "Park Road",
    "London Road",
    "The Promenade",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
RATINGS = ("outstanding", "good", "requires improvement", "inadequate")
PEOPLE = (
    "Cllr Sarah Ahmed",
    "Cllr John O&#8217;Neill",
    "Cllr Priya Patel",
    "Cllr Gareth Jones",
    "Cllr Fiona MacLeod",
    "the council leader",
    "the chief executive",
)
WORDS = (
    "residents",
    "the cabinet",
    "officers",
    "ward members",
    "the scrutiny committee",
    "local businesses",
    "the consultation",
    "the report",
    "the budget",
    "partners",
    "community groups",
    "the programme",
    "the scheme",
    "the proposals",
    "the funding",
    "this year",
    "next spring",
    "the borough",
    "the district",
    "across the county",
)

EPOCH = datetime(2018, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2025, 6, 30, tzinfo=UTC) - EPOCH).total_seconds())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"&[a-z#0-9]+;", "", text.lower())).strip("-")


def _domain(council: str) -> str:
    core = re.sub(
        r"\b(council|county|city|borough|district|the|of|royal|london)\b", "", council.lower()
    )
    return "www." + (_slug(core).replace("-", "") or "council") + ".gov.uk"


def _title(rng: random.Random, council: str, place: str, year: int) -> str:
    """Plain Unicode text (no entities); callers XML-escape it."""
    other, _ = rng.choice(COUNCILS)
    templates = (
        f"{council} approves £{rng.randint(2, 90)}.{rng.randint(0, 9)}m plan for "
        f"{rng.choice(TOPICS)}",
        f"{council} consults residents on {rng.choice(TOPICS)}",
        f"Bin collection changes across {place} from {rng.choice(MONTHS)}",
        f"{council} and {other} agree joint {rng.choice(TOPICS)} contract",
        f"Council tax to rise {rng.randint(1, 5)}.99% as {council} sets {year}/"
        f"{(year + 1) % 100:02d} budget",
        f"Planning committee refuses {rng.randint(40, 900)} homes on {place} green belt site",
        f"Road closure: {rng.choice(STREETS)}, {place} – {rng.choice(MONTHS)} {year}",
        f"Ofsted rates {council} children’s services ‘{rng.choice(RATINGS)}’",
        f"Consultation opens on {place} local plan",
        f"{rng.choice(DISTRACTORS)} comments on {place} {rng.choice(TOPICS)} figures",
        f"Section 114 notice: {council} warns of £{rng.randint(5, 80)}m gap",
        f"{place} Q&A: what the {rng.choice(TOPICS)} changes mean for you",
    )
    return rng.choice(templates)


def _sentence(rng: random.Random, place: str) -> str:
    words = rng.sample(WORDS, 6)
    return (
        f"{words[0].capitalize()} in {place} said {words[1]} and {words[2]} would shape "
        f"{words[3]}, with {words[4]} reporting back to {words[5]} by "
        f"{rng.choice(MONTHS)}."
    )


def _body(rng: random.Random, council: str, place: str, slug: str) -> str:
    """~2.5 KB of HTML: the shape real council press releases have."""
    other, other_place = rng.choice(COUNCILS)
    topic = rng.choice(TOPICS)
    para = "".join(_sentence(rng, place) + " " for _ in range(rng.randint(1, 3)))
    parts = [
        f"<p><strong>{council}</strong> has published proposals on {topic} for {place}. {para}</p>",
        f'<p>Read the <a href="/news/{slug}/report">full cabinet report</a> or the '
        f'<a href="https://{_domain(council)}/consultations/{slug}">consultation page</a>; '
        f'{rng.choice(DISTRACTORS)} and <a href="../partners/{_slug(other_place)}">{other}</a> '
        f"were also consulted.</p>",
        "<h3>What changes</h3><ul>"
        + "".join(f"<li>{_sentence(rng, place)}</li>" for _ in range(rng.randint(2, 4)))
        + "</ul>",
        f"<p>&ldquo;This is about getting value for every &pound; residents pay &amp; keeping "
        f"services running,&rdquo; said {rng.choice(PEOPLE)}, cabinet member for {topic}. "
        f"{_sentence(rng, place)}</p>",
        f"<h3>Next steps</h3><p>{_sentence(rng, place)} {_sentence(rng, other_place)} "
        f"Comments close on {rng.randint(1, 28)} {rng.choice(MONTHS)} &#8211; see "
        f'<a href="mailto:consultation@{_domain(council)[4:]}">consultation@'
        f"{_domain(council)[4:]}</a>.</p>",
    ]
    if rng.random() < 0.4:
        parts.append(f"<p><em>Notes to editors:</em> {_sentence(rng, place)}</p>")
    return "\n".join(parts)


def _items(rng: random.Random, index: int, items: int, seed: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    council, place = COUNCILS[index % len(COUNCILS)]
    for j in range(items):
        when = EPOCH + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        title = _title(rng, council, place, when.year)
        slug = f"{_slug(title)[:60]}-{index}-{j}"
        out.append(
            {
                "title": title,
                "slug": slug,
                "when": when,
                "index": j,
                "body": _body(rng, council, place, slug),
                "guid": f"urn:civicbench:{seed}:{index}:{j}",
            }
        )
    out.sort(key=lambda it: it["when"], reverse=True)  # type: ignore[arg-type,return-value]
    return out


def _rss(index: int, council: str, site: str, items: list[dict[str, object]]) -> str:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"<channel><title>{escape(council)} news ({index:03d})</title>\n"
        f"<link>{site}/news</link><description>Press releases from {escape(council)}"
        f"</description><language>en-gb</language>\n"
        f"<lastBuildDate>{format_datetime(items[0]['when'])}</lastBuildDate>\n"  # type: ignore[arg-type]
    )
    rows = []
    for it in items:
        permalink = int(it["index"]) % 4 == 0  # type: ignore[call-overload]
        guid = (
            f'<guid isPermaLink="true">{site}/news/{it["slug"]}</guid>'
            if permalink
            else f'<guid isPermaLink="false">{it["guid"]}</guid>'
        )
        summary = escape(re.sub(r"<[^>]+>", "", str(it["body"]).split("\n", 1)[0])[:300])
        rows.append(
            f"<item><title>{escape(str(it['title']))}</title><link>{site}/news/{it['slug']}</link>{guid}\n"
            f"<pubDate>{format_datetime(it['when'])}</pubDate>"  # type: ignore[arg-type]
            f"<dc:creator>Press Office</dc:creator><category>News</category>\n"
            f"<description>{summary}</description>\n"
            f"<content:encoded><![CDATA[{it['body']}]]></content:encoded></item>\n"
        )
    return head + "".join(rows) + "</channel></rss>\n"


def _atom(index: int, council: str, site: str, items: list[dict[str, object]]) -> str:
    def stamp(value: object) -> str:
        assert isinstance(value, datetime)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")

    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{site}/" xml:lang="en-GB">\n'
        f"<title>{escape(council)} news ({index:03d})</title>"
        f"<id>tag:{site[8:]},2018:feed/{index}</id>"
        f'<link rel="alternate" href="news"/><updated>{stamp(items[0]["when"])}</updated>\n'
        f"<author><name>{escape(council)}</name></author>\n"
    )
    rows = []
    for it in items:
        link = f"news/{it['slug']}" if int(it["index"]) % 2 else f"{site}/news/{it['slug']}"  # type: ignore[call-overload]
        # Atom wants XML-escaped HTML; HTML entities like &pound; become &amp;pound;.
        rows.append(
            f'<entry><title type="html">{escape(str(it["title"]))}</title>'
            f'<link rel="alternate" href="{link}"/>'
            f"<id>tag:{site[8:]},{stamp(it['when'])[:10]}:{it['guid']}</id>\n"
            f"<updated>{stamp(it['when'])}</updated><published>{stamp(it['when'])}</published>\n"
            f'<content type="html">{escape(str(it["body"]))}</content></entry>\n'
        )
    return head + "".join(rows) + "</feed>\n"


def feed_path(index: int) -> str:
    """URL path of feed ``index``: ``/rss/0007.xml`` or ``/atom/0002.xml``."""
    return f"/atom/{index:04d}.xml" if index % 3 == 2 else f"/rss/{index:04d}.xml"


def make_feed(index: int, items: int = 30, seed: int = 1) -> bytes:
    """One feed's bytes; pure function of its arguments."""
    rng = random.Random(seed * 1_000_003 + index)
    council = COUNCILS[index % len(COUNCILS)][0]
    site = "https://" + _domain(council)
    rows = _items(rng, index, items, seed)
    text = _atom(index, council, site, rows) if index % 3 == 2 else _rss(index, council, site, rows)
    return text.encode("utf-8")


def make_feeds(n_feeds: int = 500, items: int = 30, seed: int = 1) -> dict[str, bytes]:
    """Map URL path -> feed bytes for ``n_feeds`` feeds (insertion order = feed order)."""
    return {feed_path(i): make_feed(i, items, seed) for i in range(n_feeds)}


def write_feeds(
    directory: str | Path, n_feeds: int = 500, items: int = 30, seed: int = 1
) -> list[Path]:
    """Write the feeds under ``directory`` (``rss/NNNN.xml``, ``atom/NNNN.xml``) for static
    serving; returns the written paths."""
    root = Path(directory)
    written = []
    for path, data in make_feeds(n_feeds, items, seed).items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write synthetic council feeds to a folder.")
    parser.add_argument("directory")
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_feeds(args.directory, args.feeds, args.items, args.seed)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} feeds, {total / 1e6:.1f} MB, to {args.directory}")
