"""What the item list shows, as a small value that round-trips through a settings string."""

from __future__ import annotations

import json
from dataclasses import dataclass

from civicreader.model import ItemQuery


@dataclass(frozen=True, slots=True)
class Filter:
    """One view of the stories: everything, unread, starred, a feed, a council or a search."""

    kind: str = "all"  # all | unread | starred | feed | council | search
    value: str = ""
    label: str = "All stories"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind

    def query(self, limit: int = 0, offset: int = 0) -> ItemQuery:
        return ItemQuery(
            feed=self.value if self.kind == "feed" else None,
            council=self.value if self.kind == "council" else None,
            search=self.value if self.kind == "search" else None,
            unread=self.kind == "unread",
            starred=self.kind == "starred",
            limit=limit,
            offset=offset,
        )

    @classmethod
    def from_key(cls, key: str | None, label: str | None = None) -> Filter:
        kind, _, value = (key or "all").partition(":")
        if kind in ("all", "unread", "starred") and not value:
            return FIXED[kind]
        if kind in ("feed", "council", "search") and value:
            default = f"Search: {value}" if kind == "search" else value
            return cls(kind, value, label or default)
        return FIXED["all"]


FIXED = {
    "all": Filter("all", "", "All stories"),
    "unread": Filter("unread", "", "Unread"),
    "starred": Filter("starred", "", "Starred"),
}


@dataclass(frozen=True, slots=True)
class Position:
    """Where the reader was: the filter and the selected story, restored at the next start."""

    filter_key: str = "all"
    item_id: int | None = None

    def dumps(self) -> str:
        return json.dumps({"filter": self.filter_key, "item": self.item_id})

    @classmethod
    def loads(cls, raw: str | None) -> Position:
        try:
            data = json.loads(raw or "{}")
            item = data.get("item")
            return cls(str(data.get("filter") or "all"), item if isinstance(item, int) else None)
        except (ValueError, AttributeError):
            return cls()


def load_searches(raw: str | None) -> list[str]:
    """Saved searches from their JSON setting; anything malformed is dropped."""
    try:
        data = json.loads(raw or "[]")
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    return [s for s in data if isinstance(s, str) and s.strip()][:50]
