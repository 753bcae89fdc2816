"""Build a large civicreader database (default 300,000 stories) fast, for read-side benches.

Bench code, so it writes SQL directly: the schema comes from the real ``Store`` (migrations),
rows go in through one transaction per 20,000 items, and the full-text index is then built in one
``rebuild`` (the store indexes new items itself, so there is no insert trigger to bypass). The
result is indistinguishable, for reads, from a database that refreshes filled.

Stories are deterministic (``seed``): titles and 3-6 sentence texts name real councils from the
packaged gazetteer, with a skewed (Zipf-like) spread so a few councils have large coverage (the
worst case for related-story queries), and item_councils rows carry realistic salience.

    python bench/build_big_db.py --items 300000 --out /tmp/civicreader-bench/big-300000.db
    from bench.build_big_db import ensure_big_db; db = ensure_big_db(300_000)
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

FEEDS = 500
BATCH = 20_000
DEFAULT_DIR = Path(tempfile.gettempdir()) / "civicreader-bench"
TOPICS = (
    ("budget gap", "faces a {m}m budget gap as demand for adult social care rises"),
    ("SEND", "publishes a recovery plan for its SEND service after inspectors' criticism"),
    ("housing", "approves a local plan allocating land for {n} new homes"),
    ("bins", "consults residents on weekly food waste collections from next spring"),
    ("Ofsted", "children's services rated {grade} by Ofsted"),
    ("council tax", "cabinet backs a {p}% council tax rise for the coming year"),
    ("buses", "sets out bus franchising plans with the combined authority"),
    ("potholes", "doubles its pothole fund after a wet winter"),
    ("leader", "leader resigns after a vote of no confidence"),
    ("section 114", "issues a section 114 notice and freezes spending"),
    ("libraries", "reprieves {n} libraries after a public consultation"),
    ("planning", "refuses planning permission for a {n}-home estate on green belt land"),
)
FILLER = (
    "Councillors debated the proposals at a full council meeting on {day}.",
    "The cabinet member for finance said the decision was difficult but necessary.",
    "Opposition members said residents had not been properly consulted.",
    "A report to the scrutiny committee sets out the options and their costs.",
    "The authority said it would publish a full equality impact assessment.",
    "Officers will report back to members with a delivery plan by {month}.",
    "Unions representing staff said they would study the details carefully.",
    "Residents can respond to the consultation online or at their local library.",
)
MONTHS = ("January", "March", "May", "July", "September", "November")
GRADES = ("outstanding", "good", "requires improvement", "inadequate")


def _councils(rng: random.Random) -> list[tuple[str, str]]:
    """(code, display name) of current principal councils, shuffled so the skew is arbitrary."""
    from civicreader.councils.gazetteer import load_gazetteer

    out = [(c.code, c.nice_name or c.name) for c in load_gazetteer().councils(current_only=True)]
    out.sort()
    rng.shuffle(out)
    return out


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        m=rng.randrange(2, 90),
        n=rng.randrange(3, 1500),
        p=rng.choice(("2.99", "4.99", "9.99")),
        grade=rng.choice(GRADES),
        day=f"{rng.randrange(1, 28)} {rng.choice(MONTHS)}",
        month=rng.choice(MONTHS),
    )


def _story(rng: random.Random, councils: list[tuple[str, str]], weights: list[float]) -> tuple:
    """(title, text, [(code, salience, in_title, in_lead, mentions)]) of one story."""
    main = rng.choices(range(len(councils)), weights)[0]
    code, name = councils[main]
    _, template = rng.choice(TOPICS)
    title = f"{name} {_fill(template, rng)}"
    lead = f"{name} Council {_fill(template, rng)}, officials confirmed."
    body = [_fill(rng.choice(FILLER), rng) for _ in range(rng.randrange(2, 6))]
    tags = [(code, 0.9 if rng.random() < 0.8 else 0.5, 1, 1, rng.randrange(1, 4))]
    if rng.random() < 0.45:  # a neighbour mentioned in passing
        other = rng.choices(range(len(councils)), weights)[0]
        if other != main:
            ocode, oname = councils[other]
            body.insert(rng.randrange(len(body) + 1), f"Neighbouring {oname} Council is watching.")
            tags.append((ocode, round(rng.choice((0.04, 0.2, 0.34)), 2), 0, 0, 1))
    return title, "\n\n".join([lead, " ".join(body)]), tags


def build_big_db(db: Path | str, items: int = 300_000, seed: int = 1) -> Path:
    """Write a database of ``items`` stories over FEEDS feeds at ``db`` (replaced if present)."""
    from civicreader.store import Store

    path = Path(db)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    Store(path).close()  # schema through the real migrations
    rng = random.Random(seed)
    councils = _councils(rng)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(councils))]
    start = datetime(2015, 1, 1, tzinfo=UTC)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO feeds (id, url, title, last_status, subscribed) VALUES (?, ?, ?, 200, 1)",
        [(f + 1, f"http://bench.invalid/feed/{f}.xml", f"Bench feed {f}") for f in range(FEEDS)],
    )
    stamp = "2025-06-01T00:00:00Z"
    rows, tag_rows = [], []
    for i in range(1, items + 1):
        title, text, tags = _story(rng, councils, weights)
        when = (start + timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 10))).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        feed = rng.randrange(FEEDS) + 1
        rows.append(
            (
                i,
                feed,
                f"guid:{i}",
                f"urn:bench:{i}",
                f"https://bench.invalid/{feed}/{i}",
                title,
                when,
                when,
                text[:200],
                text,
                text,
                f"{i:040x}",
                stamp,
                stamp,
                int(rng.random() < 0.5),
            )
        )
        tag_rows += [(i, *t) for t in tags]
        if len(rows) == BATCH or i == items:
            conn.executemany(
                "INSERT INTO items (id, feed_id, key, guid, link, title, published, sort_date,"
                " summary, text, body, content_hash, first_seen, updated_at, read)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.executemany(
                "INSERT OR REPLACE INTO item_councils (item_id, council, salience, in_title,"
                " in_lead, mentions) VALUES (?, ?, ?, ?, ?, ?)",
                tag_rows,
            )
            rows, tag_rows = [], []
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
    conn.execute("COMMIT")
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def ensure_big_db(items: int = 300_000, directory: Path | str = DEFAULT_DIR, seed: int = 1) -> Path:
    """The cached database of ``items`` stories, built on first use (atomically renamed)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"big-{items}-s{seed}.db"
    if not db.exists():
        partial = folder / f"{db.name}.partial"
        build_big_db(partial, items, seed)
        partial.rename(db)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="database to write (default: cached path)")
    args = parser.parse_args()
    began = time.perf_counter()
    if args.out:
        db = build_big_db(args.out, args.items, args.seed)
    else:
        db = ensure_big_db(args.items, seed=args.seed)
    with sqlite3.connect(db) as conn:
        n = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        tags = conn.execute("SELECT count(*) FROM item_councils").fetchone()[0]
    size = db.stat().st_size / 1e6
    print(
        f"{db}: {n:,} items, {tags:,} council tags, {size:.0f} MB"
        f" in {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
