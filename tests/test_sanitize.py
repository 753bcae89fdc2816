"""Feed text made safe to store and show: controls gone, whitespace tidy, lengths bounded."""

from __future__ import annotations

import pytest

from civicreader.sanitize import clean_line, clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Budget\x1b[31m set\x00.\x7f", "Budget[31m set."),  # ASCII: escape, NUL, DEL
        ("Caf\xe9\x85 \u202eevil\u202c \u200bhidden\ufeff", "Café evil hidden"),  # C1, bidi
        ("Pier \ud800repairs", "Pier repairs"),  # a lone surrogate cannot be stored
        ("one\r\ntwo\rthree\n\n\n\nfour\tfive", "one\ntwo\nthree\n\nfour\tfive"),
        ("  plain words, untouched  ", "plain words, untouched"),
    ],
)
def test_body_text_keeps_words_and_lines_and_drops_controls(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Council  tax\n rises\tagain", "Council tax rises again"),
        ("Single spaces stay single", "Single spaces stay single"),
        ("Rates\xa0\u2003up \x1b]0;title\x07now", "Rates up ]0;titlenow"),
        (" \t\n ", ""),
    ],
)
def test_a_title_is_one_tidy_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


def test_long_values_are_cut_with_an_ellipsis() -> None:
    assert clean_line("word " * 300, limit=20) == "word word word word…"
    assert clean_text("x" * 50, limit=10) == "x" * 10 + " …"
