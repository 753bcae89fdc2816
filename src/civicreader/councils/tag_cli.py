"""The ``civicreader councils tag`` contract: JSON Lines in, JSON Lines out.

Each input line ``{"id", "title", "text", "published"}`` gives one output line
``{"id", "councils": [{"gss", "code", "name"}]}`` in input order; a line that is not a JSON
object gives ``{"id": null, "error": "..."}`` and the stream carries on.
"""

from __future__ import annotations

import json
from typing import TextIO

from civicreader.councils.tagger import tag

MAX_LINE = 1_000_000  # characters; longer lines are refused rather than parsed


def _tag_line(line: str) -> str:
    if len(line) > MAX_LINE:
        return json.dumps({"id": None, "error": f"line longer than {MAX_LINE} characters"})
    try:
        record = json.loads(line)
    except ValueError as exc:
        return json.dumps({"id": None, "error": f"invalid JSON: {exc}"})
    if not isinstance(record, dict):
        return json.dumps({"id": None, "error": "each line must be a JSON object"})
    title, text = record.get("title"), record.get("text")
    mentions = tag(
        title if isinstance(title, str) else "",
        text if isinstance(text, str) else "",
        record.get("published") if isinstance(record.get("published"), str) else None,
    )
    councils = [m.council.as_json() for m in mentions]
    return json.dumps({"id": record.get("id"), "councils": councils}, ensure_ascii=False)


def tag_stream(inp: TextIO, out: TextIO) -> int:
    """Tag every non-blank line of ``inp`` onto ``out``; return the number of lines written."""
    count = 0
    for line in inp:
        if not line.strip():
            continue
        out.write(_tag_line(line) + "\n")
        count += 1
    return count
