"""Allow ``python -m civicreader``."""

from civicreader.cli import main

main()
