"""HTML -> plain text, fast enough for every item of every refresh.

Refresh needs plain words for the search index and the council tagger, not layout; the readable
Markdown (html2text, several times slower) is made only when an article is shown. Every pattern
here stops at the next ``<``, so hostile markup costs linear time.
"""

from __future__ import annotations

import html
import re

_HIDDEN = ("script", "style", "template", "noscript", "svg", "head")
_ANY_HIDDEN = re.compile("<(?i:" + "|".join(_HIDDEN) + ")")
_BLOCK_NAMES = (
    r"(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header"
    r"|footer|pre|hr|dd|dt|figure|figcaption)\b[^<>]*>"
)
# sre finds a pattern's literal first character fast only when the pattern is case-sensitive
# (twice as fast here): the case-blind pattern is used only where a tag name may not be lower case.
_BLOCK = re.compile(r"<\s*/?\s*" + _BLOCK_NAMES)
_BLOCK_ANY_CASE = re.compile(r"<\s*/?\s*" + _BLOCK_NAMES, re.IGNORECASE)
_CAPITAL_TAG = re.compile(r"<\s*/?\s*[^a-z\s/!]")  # a name not starting with a-z (e.g. "P", "ſ")
_TAG = re.compile(r"<[^<>]*>")
# A run of inline space, matched only where it is not already one plain space (a replacement per
# word made the pass twice as slow).
_INLINE_SPACE = re.compile(r"(?:[\t\f\v\u00a0]| (?=[ \t\f\v\u00a0]))[ \t\f\v\u00a0]*")
# A run of newlines and spaces is a paragraph break if it holds two newlines, else a line break.
# Both patterns start with a literal (a fast scan, unlike " ?\n" or "\n{3,}") and replace with
# a string, not a Python function per run.
_PARAGRAPH = re.compile(r"\n *\n[ \n]*")
_LINE = re.compile(r"\n +")
# Matches wherever _CAPITAL_TAG or _ANY_HIDDEN does (not "<" + a-z, "</" + a-z, "<!"; a hidden
# name after a lower-case first letter), 3x faster than those two on typical markup: one scan
# finds that a fragment (as most do) needs neither hidden elements dropped nor case ignored.
_MAYBE_CAPITAL_OR_HIDDEN = re.compile(
    r"<(?:[^a-z/!]|/[^a-z]|s(?i:cript|tyle|vg)|t(?i:emplate)|n(?i:oscript)|h(?i:ead))"
)


def _drop_hidden(text: str) -> str:
    """Remove script/style-like elements with their content, in one linear pass per name."""
    if _ANY_HIDDEN.search(text) is None:
        return text
    lower = text.lower()
    for name in _HIDDEN:
        out: list[str] = []
        pos = 0
        opener, closer = f"<{name}", f"</{name}"
        while True:
            start = lower.find(opener, pos)
            if start < 0:
                break
            end = lower.find(closer, start)
            end = len(lower) if end < 0 else lower.find(">", end) + 1 or len(lower)
            out.append(text[pos:start])
            pos = end
        if out:
            out.append(text[pos:])
            text = "".join(out)
            lower = text.lower()
    return text


def html_to_plain(value: str) -> str:
    """Readable plain text of an HTML fragment: paragraphs kept as blank-line breaks."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value.strip()
    text, block = value, _BLOCK
    if _MAYBE_CAPITAL_OR_HIDDEN.search(value):
        text = _drop_hidden(value)
        block = _BLOCK_ANY_CASE if _CAPITAL_TAG.search(text) else _BLOCK
    text = block.sub("\n\n", text)
    text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    # sre tries a pattern at every position, so each pass is guarded by a cheap substring test
    if "  " in text or "\t" in text or "\xa0" in text or "\f" in text or "\v" in text:
        text = _INLINE_SPACE.sub(" ", text)
    if "\n" in text:  # runs are single spaces now: none before a newline, none after one
        text = _PARAGRAPH.sub("\n\n", text.replace(" \n", "\n"))
        if "\n " in text:
            text = _LINE.sub("\n", text)
    return text.strip()
