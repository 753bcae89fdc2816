"""Related-story and full-text search latency on a large database, through the real API.

Uses the database from bench/build_big_db.py (built on first use). Each figure is the time of
one ``Library.related(item_id)`` or ``Library.items(ItemQuery(search=..., limit=50))`` call, in
a warm process (the page cache and the gazetteer loaded by a few untimed calls first), over
many items and queries picked deterministically, including items of the best-covered councils.

    python bench/query_bench.py [--items 300000] [--samples 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

try:
    from bench.build_big_db import ensure_big_db
except ModuleNotFoundError:  # run as a script: bench/ itself is on sys.path
    from build_big_db import ensure_big_db  # type: ignore[no-redef]

QUERIES = (
    "budget",
    "council tax",
    "send",
    "ofsted",
    "planning permission",
    "libraries",
    "bus franc",
    "section 114",
    "adult social care",
    "food waste",
    "green belt",
    "scrutiny committee",
    "equality impact",
    "local plan",
    "no confidence",
    "pothole",
    "consultation online",
    "delivery plan",
    "inspectors",
    "homes",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(calls: list[Callable[[], object]], budget: float = 120.0) -> list[float]:
    """Milliseconds per call; stops early once ``budget`` seconds are spent (slow queries)."""
    out: list[float] = []
    deadline = time.perf_counter() + budget
    for call in calls:
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
        if start > deadline:
            break
    return out


def report(name: str, ms: list[float], goal: float) -> None:
    p50, p95, worst = statistics.median(ms), percentile(ms, 0.95), max(ms)
    verdict = "ok" if p95 < goal else "MISSED"
    print(
        f"{name:<22} median {p50:7.2f} ms  p95 {p95:7.2f} ms  max {worst:7.2f} ms"
        f"  n={len(ms)}  goal < {goal:g} ms (p95): {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--db", type=Path, help="use this database instead of the built one")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds for related calls")
    args = parser.parse_args()
    from civicreader.model import ItemQuery
    from civicreader.services import Library

    db = args.db or ensure_big_db(args.items)
    rng = random.Random(args.seed)
    with Library(db) as lib:
        conn = lib.store.conn
        total = lib.total()
        top = conn.execute(
            "SELECT council FROM item_councils GROUP BY council ORDER BY count(*) DESC LIMIT 3"
        ).fetchall()
        busiest = [  # items of the three best-covered councils: the largest candidate pools
            r[0]
            for code in top
            for r in conn.execute(
                "SELECT item_id FROM item_councils WHERE council = ? ORDER BY item_id LIMIT 20",
                code,
            )
        ]
        max_id = conn.execute("SELECT max(id) FROM items").fetchone()[0]
        ids = busiest + [rng.randrange(1, max_id + 1) for _ in range(args.samples - len(busiest))]
        print(f"{db}: {total:,} items; {len(ids)} related queries, {len(QUERIES) * 5} searches")
        lib.items(ItemQuery(search=QUERIES[0], limit=50))
        lib.related(ids[0])
        searches = timed(
            [
                partial(lib.items, ItemQuery(search=q, unread=u, limit=50))
                for q in QUERIES
                for u in (False, True, False, True, False)
            ]
        )
        counts = timed([partial(lib.count, ItemQuery(search=q)) for q in QUERIES])
        related = timed([partial(lib.related, i) for i in ids], args.budget)
    report("related (20)", related, 20.0)
    report("FTS search page (50)", searches, 50.0)
    report("FTS match count", counts, 50.0)


if __name__ == "__main__":
    main()
