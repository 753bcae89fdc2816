"""HTML bodies become the plain text that is searched and tagged: words, not markup."""

from __future__ import annotations

import pytest

from civicreader.plaintext import html_to_plain


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("<p>Budget set.</p>\n<p>Tax up 5%.</p>", "Budget set.\n\nTax up 5%."),
        ("<P>Budget set.</P><DIV>Tax up.</DIV>", "Budget set.\n\nTax up."),  # capitals
        ("< p >Budget< / p >Tax", "Budget\n\nTax"),
        ("Line one<br>Line two", "Line one\n\nLine two"),
        ("<ul><li>Bins</li><li>Roads</li></ul>", "Bins\n\nRoads"),
        ("<strong>Essex</strong> County <a href='/x'>Council</a>", "Essex County Council"),
        (
            "Cuts &amp; savings &pound;5m &ldquo;now&rdquo; &#8211; done",
            "Cuts & savings £5m “now” – done",
        ),
        ("<b>a</b>\t\tb\xa0\xa0c   d", "a b c d"),
        ("<b>one</b> \n \n \n two \n three", "one\n\ntwo\nthree"),
        ("<script>alert(1)</script>Safe<STYLE>p{}</STYLE> text", "Safe text"),
        ("<head><title>T</title></head>Body", "Body"),
        ("Kept<sCript>x</sCript> too", "Kept too"),  # a hidden element in any case
        ("<b>Line</b>\n   next\n\n\n\nlast", "Line\nnext\n\nlast"),
        ("Plain text, no markup.  ", "Plain text, no markup."),
        ("", ""),
    ],
)
def test_html_becomes_readable_plain_text(html: str, plain: str) -> None:
    assert html_to_plain(html) == plain


def test_an_unclosed_script_hides_the_rest_not_the_text_before_it() -> None:
    assert html_to_plain("Kept<script>var x = '<p>lost</p>'") == "Kept"


def test_the_quick_tag_check_misses_nothing_the_exact_one_finds() -> None:
    """html_to_plain looks for capital or hidden tags with a cheap pattern first; it must match
    every string the exact pattern matches (random markup from tag-like pieces)."""
    import random

    from civicreader.plaintext import _ANY_HIDDEN, _CAPITAL_TAG, _MAYBE_CAPITAL_OR_HIDDEN

    rng = random.Random(5)
    atoms = ["<", ">", "/", " ", "\t", "\n", "!", "p", "P", "s", "S", "script", "SCRIPT"]
    atoms += ["sCrIpT", "style", "svg", "Svg", "head", "hEaD", "template", "noscript", "nOSCRIPT"]
    atoms += ["a", "b", "1", "ſ", "é", "x", "-", "=", "\u00a0", "K"]
    exact = 0
    for _ in range(100_000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 10)))
        if _CAPITAL_TAG.search(text) or _ANY_HIDDEN.search(text):
            exact += 1
            assert _MAYBE_CAPITAL_OR_HIDDEN.search(text), repr(text)
    assert exact > 5_000  # the strings do exercise the exact pattern
