"""civicreader: a terminal reader for UK local-government news that knows its councils."""

__version__ = "0.1.0"
