"""Instructions executed by one cold refresh, per process, counted by valgrind.

Wall-clock figures on a shared machine move 20-30% between runs; instruction counts do not
(the same code and feeds give the same count within ~0.1%), so they tell whether a change made a
refresh cheaper. Each process of the refresh (the main one and its parsing workers) is counted
by valgrind's cachegrind without cache simulation; a refresh takes ~50x as long under it.

    python bench/refresh_instructions.py [--feeds 500] [--items 30]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from refresh_bench import PY, feed_server, tagger_build, write_config  # noqa: E402

COUNT = re.compile(r"I\s+refs:\s+([\d,]+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    with (
        tempfile.TemporaryDirectory(prefix="civic-instr-") as tmp,
        feed_server(args.feeds, args.items, args.seed, Path(tmp)) as urls,
    ):
        root = Path(tmp)
        write_config(root / "feeds.toml", urls, 16, 8)
        print(f"{len(urls)} feeds x {args.items} items; council tagger: {tagger_build()}")
        logs = root / "logs"
        logs.mkdir()
        subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                "--cachegrind-out-file=/dev/null",
                f"--log-file={logs}/%p.log",
                PY,
                "-m",
                "civicreader",
                "--config",
                str(root / "feeds.toml"),
                "--db",
                str(root / "civic.db"),
                "refresh",
                "--quiet",
            ],
            check=True,
        )
        counts = []
        for log in sorted(logs.glob("*.log"), key=lambda p: int(p.stem)):
            found = COUNT.search(log.read_text(encoding="utf-8", errors="replace"))
            if found:
                counts.append(int(found.group(1).replace(",", "")))
    main_count, workers = counts[0], counts[1:]  # the first pid is the refresh itself
    print(f"main process      {main_count / 1e9:7.2f} G instructions")
    for n, count in enumerate(workers, 1):
        print(f"worker {n}          {count / 1e9:7.2f} G")
    print(f"total             {sum(counts) / 1e9:7.2f} G")


if __name__ == "__main__":
    main()
