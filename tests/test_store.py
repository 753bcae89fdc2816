"""The store: schema and migrations, identity, updates in place, search and related ranking."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from civicreader.model import Council, ItemQuery, Mention, ParsedItem, iso_utc
from civicreader.store import Store, fts_query
from civicreader.store.schema import MIGRATIONS
from civicreader.store.schema import _statements as schema_statements

BPL = Council(code="BPL", gss="E06000009", name="Blackpool Borough Council")
ESS = Council(code="ESS", gss="E10000012", name="Essex County Council")
COUNCILS = {c.code: c for c in (BPL, ESS)}


def item(
    key: str, title: str, text: str = "", year: int = 2024, link: str | None = None
) -> ParsedItem:
    return ParsedItem(
        key=key,
        title=title,
        link=link,
        guid=None,
        author=None,
        published=datetime(year, 6, 1, tzinfo=UTC),
        summary=text,
        text=text,
        content_hash=f"{title}|{text}",
    )


def mention(council: Council, salience: float) -> Mention:
    return Mention(council=council, salience=salience, in_title=salience >= 0.5)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "s.db", councils=COUNCILS.get)


def test_new_database_is_migrated_in_wal_mode(store: Store) -> None:
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"feeds", "items", "item_councils", "items_fts"} <= tables


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    first = Store(tmp_path / "s.db", councils=COUNCILS.get)
    feed = first.ensure_feed("http://x/feed")
    first.save_items(feed.id, [item("a", "A")], [[]])
    first.close()
    again = Store(tmp_path / "s.db", councils=COUNCILS.get)
    assert again.total_items() == 1


def test_same_key_never_duplicates_and_changes_update_in_place(store: Store) -> None:
    feed = store.ensure_feed("http://x/feed")
    first = store.save_items(feed.id, [item("k", "Old title")], [[]])
    assert first.new == 1
    assert store.save_items(feed.id, [item("k", "Old title")], [[]]).new == 0
    store.set_read(first.new_ids)
    store.set_starred(first.new_ids)
    changed = store.save_items(feed.id, [item("k", "New title")], [[mention(BPL, 0.9)]])
    assert (changed.new, changed.updated) == (0, 1)
    row = store.get_items(list(first.new_ids))[0]
    assert row.title == "New title" and row.read and row.starred and row.councils == (BPL,)
    assert store.total_items() == 1


def test_same_key_in_two_feeds_is_two_items(store: Store) -> None:
    a = store.ensure_feed("http://x/a")
    b = store.ensure_feed("http://x/b")
    store.save_items(a.id, [item("k", "Shared")], [[]])
    store.save_items(b.id, [item("k", "Shared")], [[]])
    assert store.total_items() == 2


def test_search_treats_user_text_as_words_not_syntax(store: Store) -> None:
    feed = store.ensure_feed("http://x/feed")
    store.save_items(
        feed.id,
        [item("a", "Blackpool children's services", "direction lifted"), item("b", "Bins")],
        [[], []],
    )
    assert fts_query('NEAR("x" OR') == '"near" "x" "or"*'
    assert [r.title for r in store.list_items(ItemQuery(search="children blackp"))] == [
        "Blackpool children's services"
    ]
    assert store.list_items(ItemQuery(search='") OR (')) == []
    assert store.count_items(ItemQuery(search="lifted")) == 1


def test_full_text_survives_a_feed_update(store: Store) -> None:
    feed = store.ensure_feed("http://x/feed")
    saved = store.save_items(feed.id, [item("a", "T", "summary")], [[]])
    store.set_full_text(saved.new_ids[0], "the whole article", [mention(ESS, 0.8)])
    store.save_items(feed.id, [item("a", "T2", "summary edited")], [[]])
    article = store.article(saved.new_ids[0])
    assert article is not None and article.full_text
    assert article.text == "the whole article" and article.summary == "summary edited"
    assert article.item.councils == (ESS,)


def test_related_ranks_central_and_topical_stories_first(store: Store) -> None:
    feed = store.ensure_feed("http://x/feed")
    stories = [
        item("seed", "Blackpool children's services direction lifted", "social care", 2024),
        item("commissioner", "Commissioner reviews Blackpool children's services", "care", 2019),
        item("lights", "Blackpool illuminations budget agreed", "tourism lights", 2024),
        item("passing", "Seaside towns fund", "mentions Blackpool children's services", 2023),
        item("essex", "Essex SEND review", "schools", 2024),
    ]
    tags = [
        [mention(BPL, 0.9)],
        [mention(BPL, 0.9), mention(ESS, 0.6)],
        [mention(BPL, 0.9)],
        [mention(BPL, 0.2)],
        [mention(ESS, 0.9)],
    ]
    ids = store.save_items(feed.id, stories, tags).new_ids
    # a real database holds many other stories, which is what bm25's word weights come from
    others = [
        item(f"o{n}", f"Other story {n} on roads and parks", "planning", 2022) for n in range(30)
    ]
    store.save_items(feed.id, others, [[] for _ in others])
    related = store.related(ids[0])
    titles = [r.item.title for r in related]
    assert titles == [
        "Commissioner reviews Blackpool children's services",
        "Blackpool illuminations budget agreed",
        "Seaside towns fund",
    ]
    assert related[0].shared == ("BPL",) and related[0].score > related[1].score
    assert [r.item.title for r in store.related(ids[1], limit=1)] == [
        "Blackpool children's services direction lifted"
    ]
    assert "Essex SEND review" in [r.item.title for r in store.related(ids[1])]


def test_a_reader_is_not_blocked_by_an_open_write(tmp_path: Path) -> None:
    writer = Store(tmp_path / "s.db", councils=COUNCILS.get)
    feed = writer.ensure_feed("http://x/feed")
    writer.save_items(feed.id, [item("a", "A")], [[]])
    writer.conn.execute("BEGIN IMMEDIATE")
    writer.conn.execute("UPDATE items SET title = 'B'")
    reader = sqlite3.connect(tmp_path / "s.db", timeout=0.1)
    assert reader.execute("SELECT title FROM items").fetchone()[0] == "A"
    writer.conn.execute("COMMIT")


def test_a_version_1_database_migrates_and_stays_searchable(tmp_path: Path) -> None:
    """Version 1 indexed new items by trigger; after migrating, the store indexes them itself,
    so old and new items are both found, each once, and edits still re-index."""
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in schema_statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO feeds (url) VALUES ('http://x/feed')")
    conn.execute(
        "INSERT INTO items (feed_id, key, title, text, sort_date, content_hash, first_seen,"
        " updated_at) VALUES (1, 'old', 'Old library story', '', '2019', 'h', 'now', 'now')"
    )
    conn.close()
    store = Store(path, councils=COUNCILS.get)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    feed = store.ensure_feed("http://x/feed")
    store.save_items(feed.id, [item("new", "New library story")], [[]])
    found = store.list_items(ItemQuery(search="library"))
    assert sorted(r.title for r in found) == ["New library story", "Old library story"]
    store.save_items(feed.id, [item("new", "New museum story")], [[]])  # an edit re-indexes
    assert [r.title for r in store.list_items(ItemQuery(search="museum"))] == ["New museum story"]
    assert [r.title for r in store.list_items(ItemQuery(search="library"))] == ["Old library story"]


def test_a_refresh_killed_between_index_batches_is_searchable_after(tmp_path: Path) -> None:
    """A refresh indexes new items for search in batches: items it stored before being killed
    are found once the database is opened again, with their latest words (an edit made while
    waiting is what gets indexed), and the index still agrees with the stored text."""
    from civicreader.store.items import FTS_BATCH

    path = tmp_path / "s.db"
    refresh = Store(path, councils=COUNCILS.get)
    refresh.bulk_writes()
    feed = refresh.ensure_feed("http://x/feed")
    many = [item(f"m{n}", f"Library story {n}") for n in range(FTS_BATCH + 5)]
    refresh.save_items(feed.id, many, [[] for _ in many])  # one batch's worth: indexed now
    assert refresh.count_items(ItemQuery(search="library")) == FTS_BATCH + 5
    refresh.save_items(feed.id, [item("p", "Pier repairs", "gulls")], [[]])
    refresh.save_items(feed.id, [item("p", "Pier repairs", "lifeboat")], [[]])  # edited
    assert refresh.count_items(ItemQuery(search="pier")) == 0  # waiting for its batch
    refresh.conn.close()  # killed: no end_bulk_writes

    reader = Store(path, councils=COUNCILS.get)
    assert [r.title for r in reader.list_items(ItemQuery(search="lifeboat"))] == ["Pier repairs"]
    assert reader.count_items(ItemQuery(search="gulls")) == 0
    assert reader.count_items(ItemQuery(search="library")) == FTS_BATCH + 5
    reader.conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    reader.save_items(feed.id, [item("p", "Pier reopens", "lifeboat")], [[]])  # indexed: edit
    assert [r.title for r in reader.list_items(ItemQuery(search="reopens"))] == ["Pier reopens"]
    assert reader.count_items(ItemQuery(search="repairs")) == 0
    reader.conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")


def test_search_pages_are_newest_first_for_rare_and_common_words(store: Store) -> None:
    """Rare matches are sorted directly, common ones walked off the date index: both give the
    newest first, honour other filters, and a word found nowhere gives nothing."""
    from civicreader.store.reads import FEW_MATCHES

    feed = store.ensure_feed("http://x/feed")
    common = FEW_MATCHES + 50
    items = [
        item(f"c{n}", f"Library story {n}", year=1995 + n % 30, link=f"http://x/c{n}")
        for n in range(common)
    ]
    items += [item(f"r{n}", f"Museum story {n}", year=2000 + n) for n in (3, 1, 2)]
    store.save_items(feed.id, items, [[] for _ in items])
    rare = store.list_items(ItemQuery(search="museum"))
    assert [r.title for r in rare] == ["Museum story 3", "Museum story 2", "Museum story 1"]
    page = store.list_items(ItemQuery(search="library", limit=50))
    years = [r.published.year for r in page if r.published]
    assert len(page) == 50 and years == sorted(years, reverse=True) and years[0] == 2024
    store.set_read([rare[0].id])
    unread = store.list_items(ItemQuery(search="museum", unread=True))
    assert [r.title for r in unread] == ["Museum story 2", "Museum story 1"]
    assert store.list_items(ItemQuery(search="zebra")) == []


def test_related_word_counts_keep_one_count_per_text() -> None:
    """Candidates' words are counted in one scan of all their texts joined by NUL: one count per
    text, also for a text that itself holds a NUL, and none for no texts."""
    from civicreader.store.related import _counts

    wanted = {"counci": 1.0, "bins": 1.0}
    assert _counts([], wanted) == []
    texts = ["Council bins", "no match", "x\x00councillors BINS bins", "recouncil bins2 binsx"]
    assert _counts(texts, wanted) == [
        {"counci": 1, "bins": 1},
        {},
        {"counci": 1, "bins": 2},
        {"bins": 1},
    ]


def test_related_word_counts_are_the_counts_of_the_texts_words() -> None:
    """The stems counted where they start a word are those of splitting every text into words
    (a six-letter stem starts a longer word, a shorter one is the whole word), on random texts
    of letters, digits, accents, capitals that lower() lengthens, punctuation and NULs."""
    import random
    import re
    from collections import Counter

    from civicreader.store.related import _counts

    pieces = ["bad", "cab", "abcd", "abcdea", "dead", "b", "é", "ß", "İ", "Bad", "CAB", "1", "²"]
    pieces += ["_", " ", "-", "'", "’", ".", "\x00", "\n"] * 2
    wanted = ["abcd", "abcdea", "bad", "dead", "cab", "béß", "ddddd"]
    rng = random.Random(11)
    found = 0
    for _ in range(300):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(20))) for _ in range(5)]
        expected = []
        for text in texts:
            words = re.findall(r"[^\W\d_]+", text.replace("\x00", " ").lower())
            stems = Counter(w[:6] if len(w) >= 6 else w for w in words)
            expected.append({t: stems[t] for t in wanted if stems[t]})
            found += sum(stems[t] for t in wanted)
        assert _counts(texts, wanted) == expected, texts
    assert found > 500  # the texts do hold the stems, in and out of words


SEARCH_WORDS = ("library", "budget", "pier", "housing", "museum")


def search_story(n: int, rng: random.Random, when: datetime | None) -> ParsedItem:
    words = rng.sample(SEARCH_WORDS, rng.randint(1, 3))
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


def search_page_by_hand(store: Store, q: ItemQuery) -> list[int]:
    """The page by brute force: every story, filtered and sorted in Python."""
    rows = store.conn.execute(
        "SELECT i.id, f.url, i.title, i.text, i.sort_date, i.read, i.starred FROM items i"
        " JOIN feeds f ON f.id = i.feed_id"
    ).fetchall()
    tags = {(r[0], r[1]) for r in store.conn.execute("SELECT item_id, council FROM item_councils")}
    word = (q.search or "").lower()
    since = iso_utc(q.since)
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


def test_search_pages_match_a_plain_sort_under_every_filter(store: Store) -> None:
    """Few matches are sorted directly, many walked off the date index: either way a page lists
    what a plain filter-and-sort over every story lists, whatever the filters."""
    rng = random.Random(5)
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
            items.append(search_story(n, rng, when))
            councils = rng.sample([BPL, ESS], rng.randint(0, 2))
            tags.append([Mention(council=c, salience=0.5) for c in councils])
        store.save_items(feed.id, items, tags)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM items")]
    store.set_read(rng.sample(ids, 150))
    store.set_starred(rng.sample(ids, 60))
    # a feed redates a story: its place in every list moves with it
    moved = replace(search_story(7, rng, base + timedelta(days=7300)), content_hash="redated")
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
    for q in queries:
        got = [r.id for r in store.list_items(q)]
        assert got == search_page_by_hand(store, q), q
        if not q.offset and not q.limit:
            assert store.count_items(q) == len(got), q
    assert [r.title for r in store.list_items(ItemQuery(search="story", limit=1))] == [moved.title]
