"""Score the council tagger on the labelled dev set and measure its throughput.

    python bench/tagger_eval.py [PATH_TO_DEV_JSONL] [--extra PATH] [--items N]

Scores are micro precision/recall/F1 over (item, council code) pairs, where the code is the GSS
code or, for councils without one, the register code; overall and on the ``hard`` items. Every
error is printed. The dev set is scored first, then ``bench/tagger_extra.jsonl``: items the
project wrote itself (same format and labelling rule) to check that rules found on the dev set
generalise. Throughput is measured twice on N short items (feed-summary length, the dev set
repeated): in process through ``tag_stream``, and end to end through a real
``civicreader councils tag`` subprocess reading JSON Lines on stdin and writing JSON Lines, the
figure the issue's goal (10,000 items/s on one core) is about.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from civicreader.councils.tag_cli import tag_stream
from civicreader.councils.tagger import tag

HERE = Path(__file__).resolve().parent
DEFAULT_DEV = HERE.parents[1] / "shared" / "data" / "council-tagging-dev.jsonl"
DEFAULT_EXTRA = HERE / "tagger_extra.jsonl"


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


def short_items(items: list[dict], total: int) -> str:
    """``total`` JSON Lines of feed-summary length (title + first 45 words), dev set repeated."""
    lines = []
    for i in range(total):
        src = items[i % len(items)]
        short = " ".join(src["text"].split()[:45])
        record = {"id": i, "title": src["title"], "text": short, "published": src["published"]}
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


def throughput(data: str, total: int) -> tuple[float, float]:
    """Items per second (wall clock, CPU time) through tag_stream, in this process.

    CPU time is the one-core figure that other load on the machine does not distort.
    """
    tag_stream(io.StringIO(data[:2000]), io.StringIO())  # warm-up: load the gazetteer once
    out = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    count = tag_stream(io.StringIO(data), out)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert count == total, (count, total)
    return total / wall, total / max(cpu, 1e-9)


def end_to_end(data: str, total: int) -> tuple[float, float]:
    """Items per second (wall clock, child CPU time) of ``civicreader councils tag`` run as a
    subprocess on a file of ``total`` lines, start-up and gazetteer load included."""
    exe = Path(sys.executable).with_name("civicreader")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "civicreader"]
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        src.write_text(data, encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        with src.open("rb") as inp, dst.open("wb") as out:
            subprocess.run([*cmd, "councils", "tag"], stdin=inp, stdout=out, check=True)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        with dst.open(encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
    assert [r["id"] for r in rows] == list(range(total)), "output lines out of order or missing"
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return total / wall, total / max(cpu, 1e-9)


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _report(name: str, items: list[dict]) -> None:
    print(f"{name}: errors ({len(items)} items):")
    for group, (p, r, f1) in evaluate(items).items():
        print(f"{group:>4}: precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--extra", type=Path, default=DEFAULT_EXTRA)
    parser.add_argument("--items", type=int, default=50_000)
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"dev set not found: {args.path}", file=sys.stderr)
        return 2
    items = _load(args.path)
    _report("dev set", items)
    if args.extra.is_file():
        _report("project's own items", _load(args.extra))
    data = short_items(items, args.items)
    wall, cpu = throughput(data, args.items)
    print(
        f"in process: {wall:,.0f} items/s wall clock, {cpu:,.0f} items/s per CPU second "
        f"through tag_stream ({args.items:,} short items)"
    )
    wall, cpu = end_to_end(data, args.items)
    print(
        f"end to end: {wall:,.0f} items/s wall clock, {cpu:,.0f} items/s per CPU second "
        f"through `civicreader councils tag` in a subprocess ({args.items:,} short items)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
