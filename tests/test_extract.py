"""Full-text extraction: the story survives, page furniture does not, hostile pages give None."""

from __future__ import annotations

import html as htmlmod
import random
import re
import unicodedata
from pathlib import Path

import pytest

from civicreader import extract as extract_mod
from civicreader.extract import extract_article, is_html

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "site"
URL = "http://127.0.0.1:8000/news/story.html"
LEAD_2024 = SEEDS / "localgov" / "articles" / "blackpool-childrens-services-direction-lifted.html"
PSE_2019 = SEEDS / "pse" / "news" / "blackpool-essex-commissioner-review.html"
# Place names of the councils advertising in the LocalGov job rail.
ADVERT_COUNCILS = ("North Tyneside", "Bromsgrove", "Redditch", "Essex", "Greenwich", "Sandwell")
STORY = (
    "<p>Blackpool Council has agreed a new improvement plan for its children's services after "
    "a long review by inspectors.</p>"
    "<p>The plan sets out how the authority will recruit more social workers and reduce its "
    "reliance on agency staff across the borough.</p>"
    "<p>Councillors said the changes would be monitored by the Department for Education over "
    "the next twelve months.</p>"
)


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>Story</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/jobs">Jobs</a></nav>'
        f"<main><article><h1>Blackpool agrees children's plan</h1>{body}</article></main>"
        "<footer><p>Copyright Example Media</p></footer></body></html>"
    )


def seed(path: Path) -> bytes:
    if not path.is_file():
        pytest.skip(f"seed page {path} absent: needs ../shared beside the checkout")
    return path.read_bytes()


def extracted(path: Path) -> str:
    text = extract_article(seed(path), URL)
    assert text is not None, f"no article extracted from {path.name}"
    return text


def test_2024_seed_keeps_story_and_drops_job_rail_and_newsletter() -> None:
    raw = seed(LEAD_2024).decode("utf-8")
    text = extracted(LEAD_2024)
    for kept in ("£4m investment", "David Johnston OBE MP", "Cllr Jim Hobson"):
        assert kept in raw and kept in text
    furniture = (
        "Recuriter:",
        "Principal Licensing Officer",
        "SIGN UP",
        "For your free daily news bulletin",
        "Highways jobs",
        "The £37,000 SEND Problem",
        "Hemming Group",
    )
    for lost in furniture:
        assert lost in raw, f"fixture changed: {lost!r} not in the page"
        assert lost.lower() not in text.lower()


def test_2019_seed_keeps_story_and_drops_comments_and_sidebar() -> None:
    raw = seed(PSE_2019).decode("utf-8")
    text = extracted(PSE_2019)
    for kept in ("Helen Lincoln", "28 June", "Neil Jack"):
        assert kept in raw and kept in text
    furniture = (
        "Comments",
        "There are no comments",
        "Add your comment",
        "public sector executive tv",
        "last word",
        "public sector focus",
        "Rob Whiteman",
        "Peter Kyle MP",
        "Artificial intelligence",
        "View all News",
    )
    for lost in furniture:
        assert lost in raw, f"fixture changed: {lost!r} not in the page"
        assert lost.lower() not in text.lower()


def _seed_pages() -> list[Path]:
    return sorted(SEEDS.glob("*/*/*.html")) if SEEDS.is_dir() else []


def _story_region(raw: str) -> str:
    match = re.search(r'<article\b.*?</article>|<div class="article">.*?</div>', raw, re.S)
    assert match, "fixture changed: no story element"
    return htmlmod.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))


@pytest.mark.parametrize("path", _seed_pages() or [SEEDS / "absent"], ids=lambda p: p.stem)
def test_every_seed_page_yields_its_story_without_advert_councils(path: Path) -> None:
    raw = seed(path).decode("utf-8")
    text = extracted(path)
    headline = re.search(r"<h1>(.*?)</h1>", raw, re.S)
    assert headline
    words = re.findall(r"[A-Za-z][A-Za-z-]{3,}", htmlmod.unescape(headline.group(1)))
    assert words
    for word in words:
        assert word.lower() in text.lower()
    story = _story_region(raw)
    for name in ADVERT_COUNCILS:
        if name in raw and name not in story:
            assert name not in text, f"job-advert council {name} leaked into {path.stem}"


def test_page_with_no_article_gives_none() -> None:
    empty = page("").replace("<h1>Blackpool agrees children's plan</h1>", "<h1>Page not found</h1>")
    assert extract_article(empty, URL) is None
    assert extract_article(b"", URL) is None
    assert extract_article("   \n ", URL) is None


def test_non_html_bodies_are_refused() -> None:
    json_body = b'{"title": "Blackpool", "text": "' + b"Blackpool Council story. " * 40 + b'"}'
    pdf_body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n" * 20
    rss_body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert extract_article(json_body, URL) is None
    assert extract_article(pdf_body, URL) is None
    assert not is_html("application/json", json_body)
    assert not is_html(None, json_body)
    assert not is_html("application/pdf", pdf_body)
    assert not is_html("text/html", pdf_body)  # mislabelled binary
    assert not is_html("application/rss+xml", rss_body)
    assert not is_html(None, rss_body)


def test_is_html_accepts_html_declared_or_sniffed() -> None:
    body = page(STORY).encode()
    assert is_html("text/html; charset=UTF-8", body)
    assert is_html("application/xhtml+xml", body)
    assert is_html(None, body)
    assert is_html("application/octet-stream", b"\xef\xbb\xbf  \n<html><body>x</body></html>")
    assert is_html("", b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">')
    assert not is_html("text/plain", b"Blackpool Council said on Monday")


def test_page_over_size_cap_is_refused_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    body = page(STORY).encode()
    calls: list[str] = []
    real = extract_mod._run_extractor

    def spy(text: str, url: str) -> str | None:
        calls.append(url)
        return real(text, url)

    monkeypatch.setattr(extract_mod, "_run_extractor", spy)
    assert extract_article(body, URL, max_bytes=len(body) - 1) is None
    assert extract_article(body.decode(), URL, max_bytes=len(body) - 1) is None
    assert calls == []
    assert extract_article(body, URL, max_bytes=len(body)) is not None
    assert calls == [URL]


def test_random_bytes_never_raise_and_give_no_article() -> None:
    rng = random.Random(20240605)
    for size in (1, 7, 100, 1000, 20_000):
        blob = rng.randbytes(size)
        assert extract_article(blob, URL) is None
        wrapped = b"<html><body><p>" + blob + b"</p></body></html>"
        result = extract_article(wrapped, URL)
        assert result is None or not _controls(result)


def test_deeply_nested_markup_does_not_raise() -> None:
    deep = page("<div>" * 50_000 + STORY + "</div>" * 50_000)
    result = extract_article(deep, URL)
    assert result is None or "Blackpool" in result
    shallow = page("<div>" * 100 + STORY + "</div>" * 100)
    assert "social workers" in (extract_article(shallow, URL) or "")


def _controls(text: str) -> list[str]:
    return [c for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cs")]


def test_control_characters_are_removed() -> None:
    dirty = STORY.replace("agreed", "ag\x00re\x07ed\x1b[2J").replace("borough", "bor\u202eough\x85")
    text = extract_article(page(dirty), URL)
    assert text is not None
    assert _controls(text) == []
    assert "\u202e" not in text and "\x1b" not in text
    assert "agreed" in text and "borough" in text


def test_markup_characters_in_text_are_kept_literally() -> None:
    tricky = STORY + (
        "<p>A reader wrote &lt;script&gt;alert(1)&lt;/script&gt; and [bold]Rich[/bold] and "
        "*stars* and R&amp;D in the consultation response to the council.</p>"
        "<script>document.write('hidden script body')</script>"
    )
    text = extract_article(page(tricky), URL)
    assert text is not None
    assert "<script>alert(1)</script>" in text
    assert "[bold]Rich[/bold]" in text
    assert "*stars*" in text and "R&D" in text
    assert "hidden script body" not in text


def test_structure_is_kept_and_link_tables_dropped() -> None:
    links = "".join(f'<tr><td><a href="/s{i}">Related story {i}</a></td></tr>' for i in range(6))
    body = (
        STORY + "<h2>What happens next</h2><ul><li>A new director starts in May</li>"
        "<li>Inspectors return in the autumn</li></ul>"
        f"<table>{links}</table>"
        "<table><tr><th>Year</th><th>Spend</th></tr><tr><td>2024</td><td>£4m</td></tr></table>"
    )
    text = extract_article(page(body), URL)
    assert text is not None
    assert "# Blackpool agrees children's plan" in text
    assert "## What happens next" in text
    assert re.search(r"^\s*[*-] A new director starts in May$", text, re.M)
    assert "£4m" in text
    assert "Related story" not in text
    assert "Home" not in text and "Copyright" not in text


def test_bytes_are_decoded_by_bom_charset_and_meta() -> None:
    cp1252 = page(STORY + "<p>The plan costs \xa34m.</p>", '<meta charset="windows-1252">')
    assert "costs £4m" in (extract_article(cp1252.encode("cp1252"), URL) or "")
    latin = page(STORY + "<p>It costs \x805m.</p>", '<meta charset="iso-8859-1">')
    assert "costs €5m" in (extract_article(latin.encode("latin-1"), URL) or "")  # as browsers do
    utf16 = b"\xff\xfe" + page(STORY + "<p>It costs £4m.</p>").encode("utf-16-le")
    assert "costs £4m" in (extract_article(utf16, URL) or "")
    undeclared = page(STORY + "<p>It costs \xa34m.</p>", "").encode("cp1252")
    text = extract_article(undeclared, URL) or ""
    assert "costs \ufffd4m" in text  # undeclared and not UTF-8: replacement, no crash
    # an HTTP charset from the caller beats <meta>
    mislabelled = page(STORY + "<p>It costs \xa34m.</p>").encode("cp1252")
    assert "costs £4m" in (extract_article(mislabelled, URL, charset="windows-1252") or "")
    bogus = page(STORY, '<meta charset="base64">').encode()
    assert "social workers" in (extract_article(bogus, URL) or "")
