"""Which modules setup.py compiles with mypyc, and the digest that ties a build to its sources.

Standalone (standard library only, nothing run at import) so that setup.py can load this file
by path at build time and the package can check its build at import with the same code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

COMPILED = ("tagger_words", "tagger")  # compiled together: they call each other directly
DIGEST_FILE = "compiled.sha1"


def source_digest(folder: Path) -> str:
    """SHA-1 of the compiled modules' sources in ``folder``, in ``COMPILED`` order."""
    return hashlib.sha1(b"".join((folder / f"{n}.py").read_bytes() for n in COMPILED)).hexdigest()
