"""Compare article extractors on the seed pages: what each keeps, what it lets through, how fast.

This is the evidence behind the choice in ``civicreader.extract``. Run from the checkout:

    .venv/bin/python bench/extract_compare.py [--seeds ../shared/seeds] [--runs 20]

Per page and candidate it prints: story paragraphs kept (of those in the page's story element),
whether the headline survived, the furniture strings that leaked (only those present in the
page outside the story), and the median time. Candidates whose package is not installed
(readability-lxml, jusText) are reported as skipped.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from civicreader.extract import extract_article

URL = "http://127.0.0.1:8000/"
# Page furniture modelled on the seed texts: job rail, newsletter, promo, comments, sidebars.
FURNITURE = (
    "Recuriter:",
    "Principal Licensing Officer",
    "Director of Public Health",
    "Highways jobs",
    "SIGN UP",
    "For your free daily news bulletin",
    "The £37,000 SEND Problem",
    "There are no comments",
    "Add your comment",
    "public sector executive tv",
    "last word",
    "Rob Whiteman",
    "Peter Kyle",
    "View all News",
    "Linkedin Banner",
    "Hemming Group",
)
_STORY = re.compile(r'<article\b.*?</article>|<div class="article">.*?</div>', re.S)
_PARA = re.compile(r"<p>(.*?)</p>", re.S)
_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _candidates() -> dict[str, Callable[[bytes], str | None] | str]:
    """Name -> extractor, or name -> reason it is skipped."""
    found: dict[str, Callable[[bytes], str | None] | str] = {
        "civicreader (trafilatura precision + html2text)": lambda b: extract_article(b, URL),
    }
    import trafilatura

    found["trafilatura defaults (markdown)"] = lambda b: trafilatura.extract(
        b, url=URL, output_format="markdown"
    )
    try:
        import html2text
        from readability import Document
    except ImportError:
        found["readability-lxml + html2text"] = "skipped: pip install readability-lxml"
    else:

        def readability(b: bytes) -> str | None:
            doc = Document(b.decode("utf-8", "replace"))
            conv = html2text.HTML2Text()
            conv.body_width, conv.ignore_links, conv.ignore_images = 0, True, True
            return conv.handle(doc.summary(html_partial=True))

        found["readability-lxml + html2text"] = readability
    try:
        import justext
    except ImportError:
        found["jusText"] = "skipped: pip install jusText"
    else:

        def jus(b: bytes) -> str | None:
            paras = justext.justext(b, justext.get_stoplist("English"))
            return "\n\n".join(p.text for p in paras if not p.is_boilerplate)

        found["jusText"] = jus
    return found


def _check(page: str, text: str | None) -> tuple[int, int, bool, list[str]]:
    story_match = _STORY.search(page)
    story = story_match.group(0) if story_match else ""
    paras = [_plain(p) for p in _PARA.findall(story)]
    flat = " ".join((text or "").split()).lower()
    kept = sum(1 for p in paras if p[:60].lower() in flat)
    h1 = _H1.search(page)
    headline = bool(h1) and _plain(h1.group(1) if h1 else "").lower() in flat
    outside, inside = page.replace(story, " ").lower(), _plain(story).lower()
    leaked = [f for f in FURNITURE if f.lower() in outside and f.lower() not in inside]
    leaked = [f for f in leaked if f.lower() in flat]
    return kept, len(paras), headline, leaked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_seeds = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
    parser.add_argument("--seeds", type=Path, default=default_seeds)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    pages = sorted((args.seeds / "site").glob("*/*/*.html"))
    if not pages:
        print(f"no seed pages under {args.seeds / 'site'}", file=sys.stderr)
        return 1
    totals: dict[str, list[float]] = {}
    for name, fn in _candidates().items():
        print(f"\n== {name}")
        if isinstance(fn, str):
            print(f"   {fn}")
            continue
        sums = totals.setdefault(name, [0.0, 0.0, 0.0, 0.0, 0.0])
        for path in pages:
            raw = path.read_bytes()
            times = []
            for _ in range(max(1, args.runs)):
                start = time.perf_counter()
                text = fn(raw)
                times.append(time.perf_counter() - start)
            kept, total, headline, leaked = _check(raw.decode("utf-8"), text)
            ms = statistics.median(times) * 1000
            sums[0] += kept
            sums[1] += total
            sums[2] += headline
            sums[3] += len(leaked)
            sums[4] += ms
            print(
                f"   {path.parent.parent.name + '/' + path.stem:56} paragraphs {kept:2}/{total:2}"
                f"  headline {'yes' if headline else 'NO '}  {ms:6.1f} ms"
                f"  leaked: {', '.join(leaked) if leaked else '-'}"
            )
    print("\n== totals over", len(pages), "pages")
    for name, (got, out_of, heads, leaks, total_ms) in totals.items():
        print(
            f"   {name:50} paragraphs {got:.0f}/{out_of:.0f}  headlines {heads:.0f}"
            f"  leaked strings {leaks:.0f}  {total_ms:.1f} ms total"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
