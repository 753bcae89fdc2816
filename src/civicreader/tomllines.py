"""Where things are in a TOML file's text, which neither tomllib nor tomlkit will say.

Used to put line numbers in configuration errors and to cut a ``[[feeds]]`` block out of the
file without disturbing the comments around it. It is a line scanner, not a parser: it only
has to be right for files that tomllib has already accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Path_ = tuple[str | int, ...]

_HEADER = re.compile(r"\s*(\[\[?)(.*?)\]\]?\s*(?:#.*)?$")


@dataclass
class Layout:
    """Line facts about one TOML text; line indices are 0-based, ``line_of`` is 1-based."""

    lines: list[str]
    kinds: list[str]  # per line: blank, comment, header, key, cont (value continues), other
    positions: dict[Path_, int] = field(default_factory=dict)
    headers: list[int] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """1-based line of ``path`` or of its nearest ancestor that has a line."""
        for end in range(len(path), 0, -1):
            idx = self.positions.get(path[:end])
            if idx is not None:
                return idx + 1
        return None

    def block(self, name: str, n: int) -> tuple[int, int, int] | None:
        """(first, header, last) line indices of the nth ``[[name]]`` block.

        ``first`` includes comment lines directly above the header (they describe the entry);
        ``last`` is the block's last statement line: comments and blank lines after it lead
        into whatever follows, so they are not part of the block.
        """
        header = self.positions.get((name, n))
        if header is None or self.kinds[header] != "header":
            return None
        first = header
        while first > 0 and self.kinds[first - 1] == "comment":
            first -= 1
        nxt = next((h for h in self.headers if h > header), len(self.lines))
        last = header
        for idx in range(header + 1, nxt):
            if self.kinds[idx] in ("key", "cont", "other"):
                last = idx
        return first, header, last

    def count(self, name: str) -> int:
        """How many ``[[name]]`` headers the text has."""
        return sum(
            1 for p in self.positions if len(p) == 2 and p[0] == name and isinstance(p[1], int)
        )


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


def split_key(text: str) -> list[str]:
    """Split a (possibly dotted, possibly quoted) TOML key into its parts."""
    parts: list[str] = []
    buf: list[str] = []
    quote = ""
    for ch in text:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            buf.append(ch)
        elif ch == ".":
            parts.append(_unquote("".join(buf)))
            buf = []
        else:
            buf.append(ch)
    parts.append(_unquote("".join(buf)))
    return parts


def _key_end(line: str) -> int:
    """Index of the ``=`` that ends a key, or -1."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return i
        elif ch == "#":
            return -1
    return -1


def _scan(line: str, i: int, ml: str, depth: int) -> tuple[str, int]:
    """Carry (open multi-line string delimiter, bracket depth) across one line of a value."""
    n = len(line)
    while i < n:
        if ml:
            if ml == '"""' and line[i] == "\\":
                i += 2
                continue
            if line.startswith(ml, i):
                i += 3
                while i < n and line[i] == ml[0]:  # up to two quotes may end the content
                    i += 1
                ml = ""
                continue
            i += 1
            continue
        ch = line[i]
        if ch == "#":
            break
        if ch in "\"'":
            if line.startswith(ch * 3, i):
                ml, i = ch * 3, i + 3
                continue
            i += 1
            while i < n and line[i] != ch:
                i += 2 if (ch == '"' and line[i] == "\\") else 1
            i += 1
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return ml, depth


def scan(text: str) -> Layout:
    """Scan ``text`` line by line, noting every header and key and where values continue."""
    lines = text.splitlines(keepends=True)
    layout = Layout(lines=lines, kinds=["other"] * len(lines))
    table: Path_ = ()
    counts: dict[Path_, int] = {}
    ml, depth = "", 0
    for idx, raw in enumerate(lines):
        if ml or depth:
            ml, depth = _scan(raw, 0, ml, depth)
            layout.kinds[idx] = "cont"
            continue
        stripped = raw.strip()
        if not stripped:
            layout.kinds[idx] = "blank"
            continue
        if stripped.startswith("#"):
            layout.kinds[idx] = "comment"
            continue
        header = _HEADER.match(raw) if stripped.startswith("[") else None
        if header:
            name: Path_ = tuple(split_key(header.group(2)))
            if header.group(1) == "[[":
                n = counts.get(name, 0)
                counts[name] = n + 1
                table = (*name, n)
            else:
                table = name
            layout.positions.setdefault(table, idx)
            layout.kinds[idx] = "header"
            layout.headers.append(idx)
            continue
        eq = _key_end(raw)
        if eq < 0:
            continue
        key = (*table, *split_key(raw[:eq]))
        for end in range(len(table) + 1, len(key) + 1):
            layout.positions.setdefault(key[:end], idx)
        layout.kinds[idx] = "key"
        ml, depth = _scan(raw, eq + 1, "", 0)
    return layout
