"""civicreader: a terminal reader for UK local-government news that knows which council a story is about."""

__version__ = "0.1.0"
