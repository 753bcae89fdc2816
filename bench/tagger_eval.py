"""Score the council tagger on the labelled dev set and measure its throughput.

    python bench/tagger_eval.py [PATH_TO_DEV_JSONL] [--items N]

Scores are micro precision/recall/F1 over (item, council code) pairs, where the code is the GSS
code or, for councils without one, the register code; overall and on the ``hard`` items. Every
error is printed. Throughput runs N synthetic short items (the dev set repeated) through
``tag_stream``, the same path as ``civicreader councils tag``.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

from civicreader.councils.tag_cli import tag_stream
from civicreader.councils.tagger import tag

DEFAULT_DEV = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / ("council-tagging-dev.jsonl")
)


def _score(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(items: list[dict]) -> dict[str, tuple[float, float, float]]:
    """Print each error; return {"all": (p, r, f1), "hard": (p, r, f1)}."""
    counts = {"all": [0, 0, 0], "hard": [0, 0, 0]}
    for item in items:
        gold = {c["code"] for c in item["councils"]}
        found = {
            m.council.gss or m.council.code
            for m in tag(item["title"], item["text"], item.get("published"))
        }
        groups = ["all", "hard"] if item.get("hard") else ["all"]
        for group in groups:
            counts[group][0] += len(gold & found)
            counts[group][1] += len(found - gold)
            counts[group][2] += len(gold - found)
        if gold != found:
            print(f"  {item['id']}: missing {sorted(gold - found)} extra {sorted(found - gold)}")
    return {group: _score(*c) for group, c in counts.items()}


def throughput(items: list[dict], total: int) -> tuple[float, float]:
    """Items per second (wall clock, CPU time) through tag_stream on ``total`` short items.

    CPU time is the one-core figure that other load on the machine does not distort.
    """
    lines = []
    for i in range(total):
        src = items[i % len(items)]
        short = " ".join(src["text"].split()[:45])  # a feed summary, not a whole article
        record = {"id": i, "title": src["title"], "text": short, "published": src["published"]}
        lines.append(json.dumps(record))
    data = "\n".join(lines) + "\n"
    tag_stream(io.StringIO(data[:2000]), io.StringIO())  # warm-up: load the gazetteer once
    out = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    count = tag_stream(io.StringIO(data), out)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert count == total, (count, total)
    return total / wall, total / max(cpu, 1e-9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"dev set not found: {args.path}", file=sys.stderr)
        return 2
    with args.path.open(encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    print(f"errors ({len(items)} items):")
    scores = evaluate(items)
    for group, (p, r, f1) in scores.items():
        print(f"{group:>4}: precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}")
    wall, cpu = throughput(items, args.items)
    print(
        f"throughput: {wall:,.0f} items/s wall clock, {cpu:,.0f} items/s per CPU second "
        f"through tag_stream ({args.items:,} short items)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
