"""The lxml fast path gives exactly what feedparser gives, and hands everything unusual over."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from civicreader.fastfeed import read_fast
from civicreader.parse import parse_feed

from conftest import SHARED, shared_path

BASE = "http://example.org/feeds/feed.xml"
ROOT = Path(__file__).resolve().parents[1]


def _corpus_files() -> list[Path]:
    shared_path("corpora")
    files = [
        p
        for p in (SHARED / "corpora").rglob("*")
        if p.is_file() and p.suffix != ".opml" and p.name not in ("LICENSE", "README.md")
    ]
    return sorted(files + list((SHARED / "seeds" / "site").rglob("*.xml")))


def test_fast_path_matches_feedparser_on_every_corpus_feed_it_accepts() -> None:
    accepted = 0
    for path in _corpus_files():
        data = path.read_bytes()
        if read_fast(data, BASE, None) is None:
            continue
        accepted += 1
        assert parse_feed(data, BASE) == parse_feed(data, BASE, fast=False), path
    assert accepted > 500  # the comparison really covered the common shapes


def test_fast_path_matches_feedparser_on_the_benchmark_feeds() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synth import make_feeds
    finally:
        sys.path.remove(str(ROOT / "bench"))
    for path, data in make_feeds(12, 30, seed=3).items():
        url = "http://127.0.0.1:8000" + path
        assert read_fast(data, url, "application/xml") is not None, path
        fast, slow = parse_feed(data, url), parse_feed(data, url, fast=False)
        assert fast == slow and len(fast.items) == 30, path


RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Council news'
    "</title><link>/news</link><item><title>Budget &amp;amp; cuts</title>{extra}"
    "<link>/news/1</link><guid>/news/1</guid><description>&lt;p&gt;Blackpool&lt;/p&gt;"
    "</description><pubDate>Tue, 04 Jun 2024 10:00:00 GMT</pubDate></item></channel></rss>"
)


def test_a_plain_rss_item_reads_like_feedparser() -> None:
    data = RSS.format(extra="").encode()
    assert read_fast(data, BASE, "application/rss+xml; charset=UTF-8") is not None
    item = parse_feed(data, BASE).items[0]
    assert item.link == "http://example.org/news/1" and item.title == "Budget & cuts"
    assert item.text == "Blackpool" and item.published is not None
    assert item == parse_feed(data, BASE, fast=False).items[0]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        pytest.param(
            RSS.format(extra="<media:title xmlns:media='m'>x</media:title>"),
            None,
            id="unknown-child",
        ),
        pytest.param(
            RSS.format(extra="<category>a<title>b</title></category>"), None, id="nested-in-ignored"
        ),
        pytest.param(
            RSS.format(extra="").replace("<title>Budget", "<title><b>x</b>Budget"),
            None,
            id="markup-as-elements",
        ),
        pytest.param(RSS.format(extra="<title>again</title>"), None, id="repeated-title"),
        pytest.param(RSS.format(extra=""), "text/xml; charset=iso-8859-1", id="http-charset"),
        pytest.param(
            RSS.format(extra="").replace("<rss", '<!DOCTYPE rss [<!ENTITY a "b">]><rss'),
            None,
            id="doctype",
        ),
        pytest.param(RSS.format(extra="&nbsp;"), None, id="undeclared-entity"),
        pytest.param(
            RSS.format(extra="").replace("utf-8", "iso-8859-1"), None, id="other-encoding"
        ),
        pytest.param(
            RSS.format(extra="").replace("<item>", "<item><item/>", 1), None, id="nested-item"
        ),
        pytest.param(
            '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml">'
            '<div xmlns="http://www.w3.org/1999/xhtml">x</div></title></entry></feed>',
            None,
            id="atom-xhtml",
        ),
        pytest.param(
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', None, id="rss-1.0"
        ),
    ],
)
def test_unusual_documents_go_to_feedparser(data: str, content_type: str | None) -> None:
    assert read_fast(data.encode("utf-8"), BASE, content_type) is None


def test_bytes_that_are_not_utf8_go_to_feedparser_and_still_read() -> None:
    data = RSS.format(extra="").replace("Blackpool", "Caf\xe9").encode("latin-1")
    assert read_fast(data, BASE, None) is None
    assert parse_feed(data, BASE).items[0].text == "Café"


def test_atom_links_ids_and_authors_follow_feedparser() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://site.example/a/">'
        b"<title>T</title><id>tag:x</id>"
        b"<entry><id>e1</id><title type='html'>&lt;b&gt;One&lt;/b&gt;</title>"
        b"<link rel='self' href='self.xml'/><link href='one.html'/>"
        b"<author><name>Ann</name><email>ann@site.example</email></author>"
        b"<updated>2024-06-04T10:00:00Z</updated><content type='html'>&lt;p&gt;Hi&lt;/p&gt;"
        b"</content></entry>"
        b"<entry><id>http://site.example/two</id><title>Two</title><summary>S</summary></entry>"
        b"</feed>"
    )
    assert read_fast(data, BASE, None) is not None
    fast = parse_feed(data, BASE)
    assert [i.link for i in fast.items] == [
        "http://site.example/a/one.html",
        "http://site.example/two",
    ]
    assert fast.items[0].title == "One" and fast.items[0].author == "Ann (ann@site.example)"
    assert fast == parse_feed(data, BASE, fast=False)


def test_join_url_is_urljoin() -> None:
    """The shortcut for absolute links gives exactly what urljoin gives, on random URLs."""
    import random
    from urllib.parse import urljoin

    from civicreader.fastfeed import join_url

    rnd = random.Random(7)
    alphabet = "ab/:?#;.%[]@ \t\n\r\x00\x7f=&Hé\u2028s"
    for _ in range(20_000):
        head = rnd.choice(["http://", "https://", "HTTP://", "http:/", "", "http:///"])
        uri = head + "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 14)))
        try:
            expected = urljoin("http://base.example/x/y", uri)
        except ValueError:
            expected = "ValueError"
        try:
            got = join_url("http://base.example/x/y", uri)
        except ValueError:
            got = "ValueError"
        assert got == expected, uri


def test_a_doctype_hidden_after_a_long_comment_still_goes_to_feedparser() -> None:
    """The cheap prolog check looks at the first 4 KB; a DOCTYPE later on is caught after the
    (non-expanding) parse, so entity declarations always meet the hardened path."""
    bomb = '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = "<?xml version='1.0'?><!--" + "x" * 5000 + "-->" + bomb + RSS.format(extra="")[38:]
    assert read_fast(data.encode(), BASE, None) is None
    assert len(parse_feed(data.encode(), BASE).items) == 1


def test_threads_parsing_at_once_get_the_same_items() -> None:
    """Small refreshes parse in threads; each thread has its own lxml parser."""
    from concurrent.futures import ThreadPoolExecutor

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synth import make_feeds
    finally:
        sys.path.remove(str(ROOT / "bench"))
    docs = [("http://127.0.0.1:8000" + p, d) for p, d in make_feeds(8, 30, seed=5).items()] * 4
    expected = [parse_feed(d, u) for u, d in docs]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda doc: parse_feed(doc[1], doc[0]), docs))
    assert got == expected


def _cdata_feed(description: str, head: str = "", tail: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel><title>T</title>'
        f"<item><title>A &#8211; b</title><guid>g1</guid><description>{description}</description>"
        f"</item><item><title>Second</title><guid>g2</guid>"
        f"<description><![CDATA[<p>two</p>]]></description></item></channel></rss>{tail}"
    ).encode("utf-8", "surrogatepass")


CDATA_CASES = {
    "plain": "<![CDATA[<p>Budget &amp; cuts</p>]]>",
    "line-ends": "<![CDATA[one\r\ntwo\rthree\n]]>",
    "text-around": "  before <![CDATA[<b>x</b>]]> after ",
    "two-sections": "<![CDATA[a]]>&amp;<![CDATA[b]]>",
    "opener-inside": "<![CDATA[x <![CDATA[ y <!-- z -->]]>",
    "brackets-inside": "<![CDATA[a ]] b ]> c]]>",
    "empty": "<![CDATA[]]>",
    "non-ascii": "<![CDATA[Café £4m “quoted” \u00a0 ✓]]>",
    "marker-inside": "<![CDATA[private \ue000 use]]>",
    "marker-reference": "&#xE000;0&#xe000; <![CDATA[x]]>",
    "marker-decimal": "&#57344;0&#57344; <![CDATA[x]]>",
    "control-inside": "<![CDATA[bell \x07 ring]]>",
    "nonchar-inside": "<![CDATA[bad \uffff]]>",
    "surrogate-inside": "<![CDATA[bad \udc80]]>",
    "unclosed": "<![CDATA[never closed",
    "close-outside": "text ]]> here",
    "cdata-in-comment": "<!-- <![CDATA[ --> real <![CDATA[x]]>",
}


@pytest.mark.parametrize("case", CDATA_CASES)
def test_cdata_lifted_out_reads_as_lxml_reads_it(case: str, monkeypatch) -> None:
    """CDATA sections are cut out before lxml parses (it reads them slowly) and put back in
    its text: whatever a document holds, the result is what lxml gives reading them itself,
    including refusing a document it refuses."""
    from civicreader import fastfeed

    documents = [
        _cdata_feed(CDATA_CASES[case]),
        _cdata_feed(CDATA_CASES[case], head="<?pi <![CDATA[ ?>"),
        _cdata_feed(CDATA_CASES[case], tail="<!-- ]]> -->"),
    ]
    lifted = [read_fast(doc, BASE, None) for doc in documents]
    monkeypatch.setattr(fastfeed, "_lift_cdata", lambda data: None)
    assert lifted == [read_fast(doc, BASE, None) for doc in documents]


def test_cdata_bodies_are_lifted_and_read_whole() -> None:
    from civicreader.fastfeed import _lift_cdata

    doc = _cdata_feed(CDATA_CASES["line-ends"])
    lifted = _lift_cdata(doc)
    assert lifted is not None and lifted[1] == ["one\ntwo\nthree\n", "<p>two</p>"]
    assert b"one" not in lifted[0]
    item = read_fast(doc, BASE, None)
    assert item is not None and item.entries[0]["summary"] == "one\ntwo\nthree"
    for case in ("marker-inside", "marker-reference", "control-inside", "cdata-in-comment"):
        assert _lift_cdata(_cdata_feed(CDATA_CASES[case])) is None, case
    assert _lift_cdata(b"<a><![CDATA[never closed</a>") is None
