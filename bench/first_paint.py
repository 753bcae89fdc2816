"""Reader speed on big databases: first paint, moving through the list, opening stories.

Uses the cached databases of ``build_big_db.py`` (15,000 and 300,000 stories, built on first
use), then starts the reader headless in a fresh process several times. Each run reports:

- first paint: process start to the first screen refresh with the item list populated;
- move: a ``j`` / ``pagedown`` key event to the screen refresh that shows the new cursor row
  (300 ``j`` presses cross the end of the first loaded page, so paging in is included);
- open: an ``Enter`` key event to the refresh that shows the article, and to the refresh that
  shows its Related section (ranked in a worker; the reader stays responsive meanwhile).

The goals (issue 4) are first paint under 1 s and moves / opens under 50 ms at 300,000 items.

    python bench/first_paint.py [--runs 3] [--sizes 15000 300000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_big_db import ensure_big_db  # noqa: E402

CHILD = r"""
import asyncio, json, sys, time, types
from pathlib import Path
from textual import events
from civicreader.model import Config
from civicreader.ui.launch import build_app

started = float(sys.argv[1])
app = build_app(Path(sys.argv[2]), Config(), auto_refresh=False)
result = {"move": [], "page": [], "open": [], "related": []}
waiting = {}

def painted(kind):
    future = waiting.pop(kind, None)
    if future is not None and not future.done():
        future.set_result(time.perf_counter())

async def press(key, kind):
    future = asyncio.get_running_loop().create_future()
    waiting[kind] = future
    began = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    done = await asyncio.wait_for(future, 10)
    return (done - began) * 1000

async def drive(screen):
    items, article = screen.items, screen.article
    move_to, show, show_related = items.move_to, article.show, article.show_related

    def moved(self, index):
        move_to(index)
        app.call_after_refresh(painted, "move")

    async def shown(self, loaded, anchor):
        await show(loaded, anchor)
        app.call_after_refresh(painted, "open")

    def related(self, anchor):
        show_related(anchor)
        app.call_after_refresh(painted, "related")

    items.move_to = types.MethodType(moved, items)
    article.show = types.MethodType(shown, article)
    article.show_related = types.MethodType(related, article)
    for _ in range(300):
        result["move"].append(await press("j", "move"))
    for _ in range(20):
        result["page"].append(await press("pagedown", "move"))
    for _ in range(15):
        await press("j", "move")
        related_future = asyncio.get_running_loop().create_future()
        waiting["related"] = related_future
        began = time.perf_counter()
        result["open"].append(await press("enter", "open"))
        done = await asyncio.wait_for(related_future, 10)
        result["related"].append((done - began) * 1000)
        items.focus()
    app.exit()

def poll():
    screen = app.screen
    items = getattr(screen, "items", None)
    if items is None or not items.rows or "paint" in result:
        return
    result["paint"] = time.time() - started
    app.run_worker(drive(screen))

def start():
    app.set_interval(0.002, lambda: app.call_after_refresh(poll))

app.call_later(start)
app.run(headless=True, size=(120, 40))
print(json.dumps(result))
"""


def measure(db: Path, runs: int) -> dict[str, list[float]]:
    """Every run's figures, pooled: first paints in seconds, the rest in milliseconds."""
    pooled: dict[str, list[float]] = {}
    for _ in range(runs):
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(started), str(db)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        pooled.setdefault("paint", []).append(data["paint"])
        for key in ("move", "page", "open", "related"):
            pooled.setdefault(key, []).extend(data[key])
    return pooled


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[15_000, 300_000])
    args = parser.parse_args()
    for size in args.sizes:
        began = time.perf_counter()
        db = ensure_big_db(size)
        if time.perf_counter() - began > 1:
            print(f"built {db} in {time.perf_counter() - began:.1f} s")
        got = measure(db, args.runs)
        paints = got["paint"]
        print(
            f"{size:>8,} items, {args.runs} runs: first paint median"
            f" {statistics.median(paints) * 1000:.0f} ms (max {max(paints) * 1000:.0f})"
        )
        for key, what in (
            ("move", "j, one row"),
            ("page", "pagedown"),
            ("open", "Enter to article"),
            ("related", "Enter to Related"),
        ):
            values = got[key]
            print(
                f"{'':>10}{what:<18} median {statistics.median(values):6.1f} ms,"
                f" p95 {p95(values):6.1f}, max {max(values):6.1f} (n={len(values)})"
            )


if __name__ == "__main__":
    main()
