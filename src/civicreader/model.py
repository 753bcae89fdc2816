"""Plain value objects shared by every layer. No I/O here, so anything may import this."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[settings]`` table of feeds.toml, with its defaults."""

    refresh_minutes: int = 30
    concurrency: int = 16
    per_host: int = 2
    timeout_seconds: float = 20
    max_feed_mb: float = 15


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One ``[[feeds]]`` entry of feeds.toml."""

    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()
    council: str | None = None
    full_text: bool = False
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Config:
    """A loaded and validated feeds.toml."""

    settings: Settings = field(default_factory=Settings)
    feeds: tuple[FeedConfig, ...] = ()

    def refresh_targets(self, only: Sequence[str] | None = None) -> list[FeedConfig]:
        """The feeds a refresh fetches: every enabled one, or just those of ``only`` (listed
        or not, enabled or not)."""
        if only:
            wanted = set(only)
            return [f for f in self.feeds if f.url in wanted]
        return [f for f in self.feeds if f.enabled]


@dataclass(frozen=True, slots=True)
class Council:
    """A principal local authority from the register.

    ``code`` is the register's three-letter code and always present; ``gss`` is None only for
    councils that never had a GSS code (pre-2015 Northern Ireland districts).
    """

    code: str
    gss: str | None
    name: str
    nice_name: str = ""
    kind: str = ""
    nation: str = ""
    start: date | None = None
    end: date | None = None

    def as_json(self) -> dict[str, str | None]:
        return {"gss": self.gss, "code": self.code, "name": self.name}


@dataclass(frozen=True, slots=True)
class Mention:
    """A council found in an item, with where and how prominently."""

    council: Council
    positions: tuple[tuple[int, int], ...] = ()  # (start, end) offsets in "title\ntext"
    in_title: bool = False
    in_lead: bool = False
    count: int = 1
    salience: float = 0.0  # 0..1, how central the council is to the item


# A mention as stored: (council code, salience, in title, in lead, count). Workers return these
# rather than Mentions: pickling a Mention with its Council cost ~0.36 ms per 30-item feed, ten
# times the plain tuples.
TagRow = tuple[str, float, bool, bool, int]


def tag_rows(mentions: Sequence[Mention]) -> list[TagRow]:
    return [(m.council.code, m.salience, m.in_title, m.in_lead, m.count) for m in mentions]


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One entry as read from a feed, cleaned and ready to store."""

    key: str  # stable identity within its feed: guid, else absolute link, else content hash
    title: str
    link: str | None
    guid: str | None
    published: datetime | None  # UTC
    author: str | None
    summary: str  # plain text
    text: str  # plain text of the fullest body the feed gave: for search and tagging
    content_hash: str
    body: str = ""  # that body as the feed gave it (control characters removed)
    body_format: str = "text"  # "html", "markdown" or "text": how to render ``body``


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed document held: its own title and link, its items, and whether it was a feed."""

    title: str
    link: str | None
    items: tuple[ParsedItem, ...]
    is_feed: bool
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ItemRow:
    """A stored item as lists and the CLI show it."""

    id: int
    feed_url: str
    feed_title: str
    title: str
    link: str | None
    published: datetime | None
    read: bool
    starred: bool
    councils: tuple[Council, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "link": self.link,
            "feed": self.feed_url,
            "feed_title": self.feed_title,
            "published": iso_utc(self.published),
            "read": self.read,
            "starred": self.starred,
            "councils": [c.as_json() for c in self.councils],
        }


@dataclass(frozen=True, slots=True)
class Article:
    """A stored item with its body, for the article pane and ``show``."""

    item: ItemRow
    text: str
    summary: str
    full_text: bool
    author: str | None = None
    note: str | None = None  # why the full article could not be extracted, shown with the text
    body_format: str = "markdown"  # the store hands out raw bodies; services makes Markdown

    def as_json(self) -> dict[str, object]:
        data = self.item.as_json()
        data.update(
            {
                "text": self.text,
                "summary": self.summary,
                "full_text": self.full_text,
                "author": self.author,
                "note": self.note,
            }
        )
        return data


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """An item related to another through shared councils."""

    item: ItemRow
    shared: tuple[str, ...]  # register codes of the councils in common
    score: float

    def as_json(self, gss_of: dict[str, str | None] | None = None) -> dict[str, object]:
        data = self.item.as_json()
        shared = [c for c in self.item.councils if c.code in self.shared]
        data["shared"] = [c.gss or c.code for c in shared]
        data["score"] = round(self.score, 4)
        return data


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A subscription as stored, with the outcome of its last fetch."""

    url: str
    title: str
    unread: int = 0
    total: int = 0
    last_status: int | None = None
    last_error: str | None = None
    last_checked: datetime | None = None
    next_due: datetime | None = None
    gone: bool = False


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """Which items a list shows; every filter optional. ``council`` is a register code."""

    feed: str | None = None
    council: str | None = None
    search: str | None = None
    unread: bool = False
    starred: bool = False
    since: datetime | None = None
    limit: int = 50  # 0 = no limit
    offset: int = 0


def iso_utc(when: datetime | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z, the one date format of the JSON contract."""
    if when is None:
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
