"""The only package that speaks SQL: schema, writes, reads and related-story queries."""

from civicreader.store.database import CouncilResolver, StoreError
from civicreader.store.feeds import FeedsMixin, FeedState, FetchRecord
from civicreader.store.items import ItemsMixin, SaveResult
from civicreader.store.reads import ReadsMixin, fts_query
from civicreader.store.related import RelatedMixin


class Store(FeedsMixin, ItemsMixin, ReadsMixin, RelatedMixin):
    """One connection to one database. Open one per thread (connections are not shared)."""


__all__ = [
    "CouncilResolver",
    "FeedState",
    "FetchRecord",
    "SaveResult",
    "Store",
    "StoreError",
    "fts_query",
]
