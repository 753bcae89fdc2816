"""The council register (gazetteer) and the tagger that finds councils in stories.

``tagger`` and ``tagger_words`` may be compiled by mypyc at install (setup.py). In an editable
checkout whose source changed since that build, the compiled code would be stale: then both are
loaded from source (they call each other directly when compiled, so it is both or neither).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from civicreader.councils.compiled import COMPILED, DIGEST_FILE, source_digest

_HERE = Path(__file__).parent


def compiled_is_stale(folder: Path = _HERE) -> bool:
    """Whether a compiled tagger sits beside sources other than those it was built from."""
    if not any(folder.glob("tagger*.so")) and not any(folder.glob("tagger*.pyd")):
        return False
    try:
        return (folder / DIGEST_FILE).read_text(encoding="ascii").strip() != source_digest(folder)
    except OSError:
        return False  # an install without the sources: the compiled modules are all there is


def _load_sources() -> None:
    for name in COMPILED:
        full = f"{__name__}.{name}"
        spec = importlib.util.spec_from_file_location(full, _HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)
        setattr(sys.modules[__name__], name, module)


if compiled_is_stale():
    _load_sources()
