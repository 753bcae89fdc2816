"""Related stories: other items sharing a council, across every feed and year.

Ranking, best first:
1. centrality tier: how central the shared council is to both stories (2 = central to both,
   1 = central to one, 0 = mentioned in passing in both). "Central" means in the title or lead,
   as measured by the tagger's salience;
2. topical closeness: FTS5 bm25 of the story's own title and lead against each candidate;
3. time: newer first.

Only the council index is walked to find candidates, and bm25 is computed only for a bounded
pool of them, so the query cost follows the size of a council's coverage, not of the database.
"""

from __future__ import annotations

import re

from civicreader.model import RelatedItem
from civicreader.store.database import StoreBase
from civicreader.store.reads import query_words

_MARKED = re.compile("\x01([^\x02]*)\x02")

CENTRAL = 0.5
POOL = 400


def _tier(mine: float, theirs: float) -> int:
    return int(mine >= CENTRAL) + int(theirs >= CENTRAL)


class RelatedMixin(StoreBase):
    def related(self, item_id: int, limit: int = 20) -> list[RelatedItem]:
        own = dict(
            self.conn.execute(
                "SELECT council, salience FROM item_councils WHERE item_id = ?", (item_id,)
            ).fetchall()
        )
        if not own:
            return []
        marks = ",".join("?" * len(own))
        rows = self.conn.execute(
            f"SELECT c.item_id, c.council, c.salience, i.sort_date FROM item_councils c"
            f" JOIN items i ON i.id = c.item_id"
            f" WHERE c.council IN ({marks}) AND c.item_id != ?",
            (*own, item_id),
        ).fetchall()
        candidates: dict[int, tuple[int, float, str, list[str]]] = {}
        for other, code, salience, when in rows:
            tier = _tier(own[code], salience)
            central = own[code] * salience
            best = candidates.get(other)
            if best is None:
                candidates[other] = (tier, central, when, [code])
            else:
                best[3].append(code)
                if (tier, central) > (best[0], best[1]):
                    candidates[other] = (tier, central, when, best[3])
        pool = sorted(candidates, key=lambda k: (candidates[k][0], candidates[k][2]), reverse=True)
        pool = pool[:POOL]
        topical = self._topical(item_id, pool)
        ranked = sorted(
            pool,
            key=lambda k: (
                candidates[k][0],
                round(topical.get(k, 0.0), 3),
                candidates[k][2],
                k,
            ),
            reverse=True,
        )
        if limit:
            ranked = ranked[:limit]
        by_id = {r.id: r for r in self.get_items(ranked)}  # type: ignore[attr-defined]
        return [
            RelatedItem(
                item=by_id[k],
                shared=tuple(sorted(candidates[k][3])),
                score=candidates[k][0] + topical.get(k, 0.0) / 2,
            )
            for k in ranked
            if k in by_id
        ]

    def _topical(self, item_id: int, pool: list[int]) -> dict[int, float]:
        """Topical closeness (0..2, higher is closer) of each pooled item to this item.

        Two FTS5 signals over the story's own title and lead: bm25 (normalised to the best
        candidate), plus the share of the story's words that a candidate's title and best
        snippet contain. The second matters while the database is small: bm25 gives words found
        in half the stories no weight at all, and in a new database that is most of them.
        """
        if not pool:
            return {}
        title, text = self.conn.execute(
            "SELECT title, substr(text, 1, 600) FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        words = query_words(f"{title} {text}")
        if not words:
            return {}
        match = " OR ".join(f'"{w}"' for w in words)
        marks = ",".join("?" * len(pool))
        rows = self.conn.execute(
            f"SELECT rowid, bm25(items_fts, 2.0, 1.0),"
            f" highlight(items_fts, 0, char(1), char(2)),"
            f" snippet(items_fts, 1, char(1), char(2), '', 48)"
            f" FROM items_fts WHERE items_fts MATCH ? AND rowid IN ({marks})",
            (match, *pool),
        ).fetchall()
        best = max((-r[1] for r in rows), default=0.0) or 1.0
        out = {}
        for rowid, score, head, snip in rows:
            found = {m.lower()[:5] for m in _MARKED.findall(f"{head} {snip}")}
            out[rowid] = -score / best + min(1.0, len(found) / len(words))
        return out
