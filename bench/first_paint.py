"""Reader first paint on big databases: launch to a populated item list, and article opening.

Builds (once, then reuses) databases of 15,000 and 300,000 stories through the Store API, then
starts the reader headless in a fresh process several times and reports the median time from
process start to the first paint with the item list populated, and the time to open a story.

    python bench/first_paint.py [--runs 5] [--sizes 15000 300000] [--cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

FEEDS = 500
COUNCILS = (
    "Blackpool",
    "Essex",
    "Kirklees",
    "Leeds",
    "Manchester",
    "Birmingham",
    "Cornwall",
    "Kent",
    "Glasgow",
    "Cardiff",
    "Belfast",
    "Hackney",
    "Bristol",
    "Sheffield",
    "Wirral",
)
TOPICS = (
    "budget gap",
    "children's services",
    "SEND review",
    "housing plan",
    "bin strike",
    "Ofsted report",
    "leader resigns",
    "council tax rise",
    "bus franchising",
    "pothole fund",
)


def build(db: Path, total: int, seed: int = 1) -> None:
    """A database of ``total`` stories spread over FEEDS feeds, with council tags."""
    from civicreader.councils.gazetteer import load_gazetteer
    from civicreader.model import FeedConfig, Mention, ParsedItem
    from civicreader.store import Store

    rng = random.Random(seed)
    gaz = load_gazetteer()
    councils = [c for c in (gaz.lookup(n) for n in COUNCILS) if c is not None]
    fields = ParsedItem.__dataclass_fields__
    start = datetime(2015, 1, 1, tzinfo=UTC)
    per_feed = total // FEEDS
    store = Store(db)
    try:
        feeds = [
            FeedConfig(f"http://bench.invalid/feed/{i}.xml", title=f"Bench feed {i}")
            for i in range(FEEDS)
        ]
        store.sync_feeds(feeds)
        for index, feed in enumerate(feeds):
            feed_id = store.ensure_feed(feed.url).id
            items, tags = [], []
            for n in range(per_feed):
                council = rng.choice(councils)
                title = f"{council.nice_name or council.name} {rng.choice(TOPICS)} ({index}-{n})"
                text = (
                    f"{council.name} said today that the {rng.choice(TOPICS)} would go ahead. " * 6
                )
                when = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 10))
                values = {
                    "key": f"{index}-{n}",
                    "title": title,
                    "link": f"https://bench.invalid/{index}/{n}",
                    "guid": f"{index}-{n}",
                    "published": when,
                    "author": None,
                    "summary": text[:200],
                    "text": text,
                    "content_hash": hashlib.sha1(title.encode()).hexdigest(),
                }
                if "body" in fields:
                    values["body"] = text
                items.append(ParsedItem(**{k: v for k, v in values.items() if k in fields}))
                tags.append([Mention(council=council, in_title=True, salience=0.9)])
            store.save_items(feed_id, items, tags)
    finally:
        store.close()


CHILD = r"""
import sys, time, json
started = float(sys.argv[1])
from pathlib import Path
from civicreader.model import Config
from civicreader.ui.launch import build_app
app = build_app(Path(sys.argv[2]), Config(), auto_refresh=False)
result = {}

def poll():
    screen = app.screen
    items = getattr(screen, "items", None)
    if items is None or not items.rows or "paint" in result:
        return
    result["paint"] = time.time() - started
    row = items.rows[len(items.rows) // 2]
    result["t_open"] = time.perf_counter()
    screen.open_story(row.id)
    app.set_interval(0.001, lambda: opened(screen, row.id))

def opened(screen, item_id):
    if "open" not in result and screen.article.item is not None and \
            screen.article.item.id == item_id:
        result["open"] = time.perf_counter() - result["t_open"]
        app.exit()

def start():
    app.set_interval(0.002, lambda: app.call_after_refresh(poll))

app.call_later(start)
app.run(headless=True, size=(120, 40))
print(json.dumps({"paint": result.get("paint"), "open": result.get("open")}))
"""


def measure(db: Path, runs: int) -> tuple[list[float], list[float]]:
    paints, opens = [], []
    for _ in range(runs):
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(started), str(db)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        paints.append(data["paint"])
        opens.append(data["open"])
    return paints, opens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[15_000, 300_000])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench"
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        db = args.cache / f"first-paint-{size}.db"
        if not db.exists():
            began = time.perf_counter()
            partial = db.with_suffix(".partial")
            for leftover in args.cache.glob(partial.name + "*"):
                leftover.unlink()
            build(partial, size)
            partial.rename(db)
            print(f"built {db} in {time.perf_counter() - began:.1f} s")
        paints, opens = measure(db, args.runs)
        print(
            f"{size:>8,} items: first paint median {statistics.median(paints) * 1000:.0f} ms"
            f" (min {min(paints) * 1000:.0f}, max {max(paints) * 1000:.0f});"
            f" open story median {statistics.median(opens) * 1000:.1f} ms"
            f" over {args.runs} runs"
        )


if __name__ == "__main__":
    main()
