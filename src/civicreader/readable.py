"""HTML -> readable Markdown for the article pane and ``show``, made when a story is shown.

Kept apart from ``parse`` so that showing a story never imports feedparser.
"""

from __future__ import annotations

import html2text


def _converter() -> html2text.HTML2Text:
    conv = html2text.HTML2Text()
    conv.body_width = 0
    conv.ignore_images = True
    conv.unicode_snob = True
    conv.protect_links = True
    conv.single_line_break = False
    conv.inline_links = True
    return conv


def html_to_markdown(value: str, base: str | None = None) -> str:
    """Readable Markdown from an HTML fragment; plain text passes through untouched."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value
    conv = _converter()
    if base:
        conv.baseurl = base
    try:
        return conv.handle(value)
    except Exception:  # html2text on hostile markup: fall back to the raw text, never fail a feed
        return value
