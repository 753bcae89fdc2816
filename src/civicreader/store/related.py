"""Related stories: other items sharing a council, across every feed and year.

Ranking, best first:
1. centrality tier: how central the shared council is to both stories (2 = central to both,
   1 = central to one, 0 = mentioned in passing in both). "Central" means in the title or lead,
   as measured by the tagger's salience;
2. topical closeness: bm25 of the story's own title and lead against each candidate;
3. time: newer first.

Cost follows a council's coverage, never the database: candidates come from the council index
(most central first, at most ``POOL`` per council), and topical closeness is bm25 computed over
that pool alone, from each candidate's title and lead. The pool is the right corpus for word
weights too: among one council's stories its name and "council" say nothing, while
"illuminations" or "children's services" say what a story is about. FTS5 is not used for this
step: matching a story's words against 400 candidates with ``MATCH ... AND rowid IN`` took
60-80 ms at 300,000 stories and its ``bm25()`` 2.4 s (it recounts every word over the whole index
per candidate), and over a small database ``bm25()`` gives words found in half the stories no
weight at all.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable

from civicreader.model import RelatedItem
from civicreader.store.database import StoreBase

_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    "that with from this have been were will would their they them than then there these"
    " which what when also about after into over said says more most other some such only"
    " just like year years while where could should very your ours".split()
)

CENTRAL = 0.5
POOL = 400
K1 = 1.2
LEAD = 300


def _tier(mine: float, theirs: float) -> int:
    return int(mine >= CENTRAL) + int(theirs >= CENTRAL)


def _terms(text: str) -> list[str]:
    """Words with a cheap stem (their first six letters), so "services" meets "service"."""
    return [w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP]


_SEP = "\x00"  # between two texts scanned as one (stored text never holds it: sanitize)
_GAPS = frozenset(" \n\x00,.;:!?'\"’‘“”()-–—/")  # common non-letters: one set look-up


def _counts(texts: list[str], wanted: Iterable[str]) -> list[dict[str, int]]:
    """How often each wanted stem starts a word in each of ``texts`` (a stem of six letters
    starts a longer word; a shorter one is the whole word: what ``_terms`` makes of them).

    The texts are joined and lower-cased once; each stem's places are found by ``str.find``
    (C speed) and kept where the letters before and after say it starts a word. A regex with
    one alternative per stem, compiled per story, took ~16 ms of a related query at 300,000
    stories against ~12 ms for this (sre tries the alternatives at every position that starts
    like one). Kept places never overlap (each starts after a non-letter and is all letters),
    so these are the counts the words of ``_terms`` would give.
    """
    if not texts:
        return []
    joined = _SEP.join(texts).lower()
    if joined.count(_SEP) != len(texts) - 1:  # a text holds the separator: blank it first
        joined = _SEP.join(text.replace(_SEP, " ") for text in texts).lower()
    starts = [0]  # where each text begins in ``joined`` (lower() may change lengths)
    for _ in range(len(texts) - 1):
        starts.append(joined.index(_SEP, starts[-1]) + 1)
    end = len(joined)
    find = joined.find
    out: list[dict[str, int]] = [{} for _ in texts]
    for term in wanted:
        size = len(term)
        whole = size < 6
        at = find(term)
        while at >= 0:
            before = joined[at - 1] if at else " "
            after = joined[at + size] if whole and at + size < end else " "
            if (before in _GAPS or not (before.isalnum() and not before.isdecimal())) and (
                after in _GAPS or not (after.isalnum() and not after.isdecimal())
            ):  # [^\W\d_] matches neither: the stem starts a word (and is one, if short)
                counts = out[bisect_right(starts, at) - 1]
                counts[term] = counts.get(term, 0) + 1
            at = find(term, at + 1)
    return out


def _saturate(tf: int) -> float:
    return tf * (K1 + 1) / (tf + K1) if tf else 0.0


_SATURATED = [_saturate(tf) for tf in range(64)]


def _saturated(tf: int) -> float:
    return _SATURATED[tf] if tf < 64 else _saturate(tf)


class RelatedMixin(StoreBase):
    def related(self, item_id: int, limit: int = 20) -> list[RelatedItem]:
        own = dict(
            self.conn.execute(
                "SELECT council, salience FROM item_councils WHERE item_id = ?", (item_id,)
            ).fetchall()
        )
        if not own:
            return []
        best: dict[int, tuple[int, float]] = {}  # item -> (tier, centrality)
        for code, mine in own.items():
            rows = self.conn.execute(
                "SELECT item_id, salience FROM item_councils WHERE council = ? AND item_id != ?"
                " ORDER BY salience DESC, item_id DESC LIMIT ?",
                (code, item_id, POOL),
            )
            for other, theirs in rows:
                score = (_tier(mine, theirs), mine * theirs)
                if score > best.get(other, (-1, 0.0)):
                    best[other] = score
        pool = sorted(best, key=lambda k: (best[k], k), reverse=True)[:POOL]
        if not pool:
            return []
        marks = ",".join("?" * len(pool))
        candidates = self.conn.execute(  # one look-up of each: its date, title and lead
            f"SELECT id, sort_date, title, substr(text, 1, {LEAD}) FROM items"
            f" WHERE id IN ({marks})",
            pool,
        ).fetchall()
        dates = {row[0]: row[1] for row in candidates}
        topical = self._topical(item_id, [(row[0], row[2], row[3]) for row in candidates])
        ranked = sorted(
            pool,
            key=lambda k: (best[k][0], round(topical.get(k, 0.0), 3), dates.get(k, ""), k),
            reverse=True,
        )
        if limit:
            ranked = ranked[:limit]
        return self._related_rows(ranked, list(own), best, topical)

    def _related_rows(
        self,
        ranked: list[int],
        own: list[str],
        best: dict[int, tuple[int, float]],
        topical: dict[int, float],
    ) -> list[RelatedItem]:
        shared: dict[int, list[str]] = {}
        if ranked:
            rows = self.conn.execute(
                f"SELECT item_id, council FROM item_councils"
                f" WHERE item_id IN ({','.join('?' * len(ranked))})"
                f" AND council IN ({','.join('?' * len(own))})",
                (*ranked, *own),
            )
            for other, code in rows:
                shared.setdefault(other, []).append(code)
        by_id = {r.id: r for r in self.get_items(ranked)}  # type: ignore[attr-defined]
        return [
            RelatedItem(
                item=by_id[k],
                shared=tuple(sorted(shared.get(k, ()))),
                score=best[k][0] + topical.get(k, 0.0),
            )
            for k in ranked
            if k in by_id
        ]

    def _topical(self, item_id: int, rows: list[tuple[int, str, str]]) -> dict[int, float]:
        """bm25 closeness (0..1, 1 = closest in the pool) to this item of each pooled item,
        given as (id, title, lead)."""
        title, lead = self.conn.execute(
            f"SELECT title, substr(text, 1, {LEAD}) FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        query = dict.fromkeys(_terms(lead), 1.0)
        query.update(dict.fromkeys(_terms(title), 2.0))  # the story's title words weigh double
        if not query:
            return {}
        heads = _counts([head for _, head, _ in rows], query)
        bodies = _counts([body for _, _, body in rows], query)
        found = {row[0]: (h, b) for row, h, b in zip(rows, heads, bodies, strict=True)}
        df: Counter[str] = Counter()
        for head_tf, body_tf in found.values():
            df.update(head_tf.keys() | body_tf.keys())
        size = len(found) + 1
        idf = {t: math.log(1 + (size - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        weight = {t: idf[t] * query[t] for t in idf}
        raw: dict[int, float] = {}
        for rowid, (head_tf, body_tf) in found.items():
            # sum over a term of weight * (2 sat(title tf) + sat(lead tf)), in two passes
            score = 0.0
            for t, n in head_tf.items():
                score += weight[t] * 2 * _saturated(n)
            for t, n in body_tf.items():
                score += weight[t] * _saturated(n)
            if score:
                raw[rowid] = score
        top = max(raw.values(), default=0.0) or 1.0
        return {rowid: value / top for rowid, value in raw.items()}
