"""Search pages are read off the date index or sorted directly (store/reads.py): either way they
must list exactly what a plain filter-and-sort over every story lists, page by page, whatever
the filters."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from civicreader.model import Council, ItemQuery, Mention, ParsedItem
from civicreader.store import Store

BPL = Council(code="BPL", gss="E06000009", name="Blackpool Borough Council")
ESS = Council(code="ESS", gss="E10000012", name="Essex County Council")
COUNCILS = {c.code: c for c in (BPL, ESS)}
WORDS = ("library", "budget", "pier", "housing", "museum")


def story(n: int, rng: random.Random, when: datetime | None) -> ParsedItem:
    words = rng.sample(WORDS, rng.randint(1, 3))
    return ParsedItem(
        key=f"k{n}",
        title=f"Story {n} {words[0]}",
        link=f"http://x/{n}",
        guid=None,
        author=None,
        published=when,
        summary="",
        text=" ".join(words[1:]),
        content_hash=str(n),
    )


def expected(store: Store, q: ItemQuery) -> list[int]:
    """The page by brute force: every story, filtered and sorted in Python."""
    rows = store.conn.execute(
        "SELECT i.id, f.url, i.title, i.text, i.sort_date, i.read, i.starred FROM items i"
        " JOIN feeds f ON f.id = i.feed_id"
    ).fetchall()
    tags = {(r[0], r[1]) for r in store.conn.execute("SELECT item_id, council FROM item_councils")}
    word = (q.search or "").lower()
    since = q.since.strftime("%Y-%m-%dT%H:%M:%SZ") if q.since else None
    kept = [
        r
        for r in rows
        if any(w.startswith(word) for w in f"{r[2]} {r[3]}".lower().split())
        and (q.feed is None or r[1] == q.feed)
        and (q.council is None or (r[0], q.council) in tags)
        and (not q.unread or r[5] == 0)
        and (not q.starred or r[6] == 1)
        and (since is None or r[4] >= since)
    ]
    kept.sort(key=lambda r: (r[4], r[0]), reverse=True)
    ids = [r[0] for r in kept][q.offset :]
    return ids[: q.limit] if q.limit else ids


def test_search_pages_match_a_plain_sort_under_every_filter(tmp_path: Path) -> None:
    rng = random.Random(5)
    store = Store(tmp_path / "s.db", councils=COUNCILS.get)
    base = datetime(2021, 3, 1, tzinfo=UTC)
    feeds = [store.ensure_feed(f"http://x/feed{n}") for n in range(3)]
    n = 0
    for feed in feeds:
        items, tags = [], []
        for _ in range(120):
            n += 1
            pick = rng.random()
            if pick < 0.1:
                when = None  # dated when first seen
            elif pick < 0.2:
                when = datetime(1958, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 9))
            elif pick < 0.35:
                when = base  # many stories in the same second: id order decides
            else:
                when = base + timedelta(minutes=rng.randint(-90_000, 90_000))
            items.append(story(n, rng, when))
            councils = rng.sample([BPL, ESS], rng.randint(0, 2))
            tags.append([Mention(council=c, salience=0.5) for c in councils])
        store.save_items(feed.id, items, tags)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM items")]
    store.set_read(rng.sample(ids, 150))
    store.set_starred(rng.sample(ids, 60))
    # a feed redates a story: its place in every list moves with it
    moved = replace(story(7, rng, base + timedelta(days=7300)), content_hash="redated")
    store.save_items(feeds[0].id, [moved], [[]])

    queries = [ItemQuery(search="libr", limit=0)]
    for word in ("library", "budget", "pier", "lib", "hous", "zebra", "story", "stor"):
        for filters in (
            {},
            {"unread": True},
            {"starred": True},
            {"council": "BPL"},
            {"council": "ESS", "unread": True},
            {"feed": "http://x/feed1"},
            {"feed": "http://x/feed2", "council": "BPL"},
            {"since": base},
            {"since": base - timedelta(days=30), "unread": True, "feed": "http://x/feed0"},
        ):
            for limit, offset in ((20, 0), (20, 20), (7, 33), (0, 0)):
                queries.append(ItemQuery(search=word, limit=limit, offset=offset, **filters))
    assert moved.title in {r.title for r in store.list_items(ItemQuery(search="story", limit=0))}
    for q in queries:
        got = [r.id for r in store.list_items(q)]
        assert got == expected(store, q), q
        if not q.offset and not q.limit:
            assert store.count_items(q) == len(got), q
    assert [r.title for r in store.list_items(ItemQuery(search="story", limit=1))] == [moved.title]
