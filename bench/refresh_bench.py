"""civicreader refresh beside newsboat on the same synthetic loopback feeds.

The feeds (bench/synth.py, deterministic) are served by bench/server.py in a separate process,
so the server's CPU is never charged to the process under test. civicreader runs as the real
command, ``python -m civicreader --config C --db D refresh --quiet``, in a temporary directory.

Figures, as medians over ``--runs``, runs interleaved so background load hits both tools alike:
  cold   refresh on an empty database (every item parsed, stored, council-tagged);
  warm   the next refresh, every feed answering 304;
  rss    peak memory of a cold refresh, in a separate untimed run (sampling costs the refresh
         CPU): the process tree's summed PSS (sampled every 20 ms from /proc, so pages forked
         workers share are counted once) and the largest single process's peak RSS (wait4);
  leak   ``--leak-runs`` cold refreshes in ONE process (as the reader does them), with the
         tree's peak RSS and the main process's RSS after each, to show it stays flat;
  paint  launch to first paint of the reader on the cold run's database, through
         bench/first_paint.py (``--first-paint``), beside newsboat's feed list in tmux.

    python bench/refresh_bench.py --feeds 500 --items 30 --runs 3 [--leak-runs 10]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

try:
    from bench import newsboat_bench as nb
except ModuleNotFoundError:  # run as a script: bench/ itself is on sys.path
    import newsboat_bench as nb  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
PY = sys.executable
PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def feed_server(feeds: int, items: int, seed: int, workdir: Path) -> Iterator[list[str]]:
    """bench/server.py in its own process on a random free port; yields the feed URLs."""
    urls_file = workdir / "urls.txt"
    args = [PY, str(HERE / "server.py"), "--feeds", str(feeds), "--items", str(items)]
    args += ["--seed", str(seed), "--port", str(free_port()), "--urls", str(urls_file)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "serving N feeds at ..." once it listens
        if not line.startswith("serving"):
            raise RuntimeError(f"feed server did not start: {line}{proc.stdout.read()}")
        yield urls_file.read_text(encoding="utf-8").split()
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            tail = proc.communicate(timeout=10)[0]
            print(f"  server: {tail.strip().splitlines()[-1] if tail.strip() else 'stopped'}")


def write_config(path: Path, urls: list[str], concurrency: int, per_host: int) -> None:
    lines = ["[settings]", f"concurrency = {concurrency}", f"per_host = {per_host}", ""]
    for url in urls:
        lines += ["[[feeds]]", f'url = "{url}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry))
    return out


def _pss(pid: int) -> int:
    """Proportional set size: pages shared by forked workers are counted once, not per process."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


def tree_rss(pid: int) -> int:
    """Memory of ``pid`` and its descendants now (summed PSS, i.e. shared pages split)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += _pss(p)
            todo += _children(p)
    return total


class PeakSampler:
    """Samples the tree RSS of a process in a thread; ``peak`` is the largest seen."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def civic_refresh(
    workdir: Path, sample: bool = False, db: str = "civic.db"
) -> tuple[float, int, int]:
    """One ``civicreader refresh``: (seconds, peak tree RSS, largest process ru_maxrss) bytes.

    ``sample`` reads the tree's memory every 20 ms, which costs the refresh ~0.5 s of CPU on 2
    cores: timed runs do not sample (tree RSS is then 0), memory runs do."""
    argv = [PY, "-m", "civicreader", "--config", str(workdir / "feeds.toml")]
    argv += ["--db", str(workdir / db), "refresh", "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = PeakSampler(proc.pid) if sample else None
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    peak = sampler.stop() if sampler is not None else 0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"civicreader refresh exited {proc.returncode}: {err[-2000:]}")
    return seconds, peak, usage.ru_maxrss * 1024


def db_counts(db: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        q = {
            "items": "SELECT count(*) FROM items",
            "tagged": "SELECT count(DISTINCT item_id) FROM item_councils",
            "fts": "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'council'",
            "304": "SELECT count(*) FROM feeds WHERE last_status = 304",
            "200": "SELECT count(*) FROM feeds WHERE last_status = 200",
        }
        return {k: int(conn.execute(v).fetchone()[0]) for k, v in q.items()}


LEAK_CHILD = r"""
import json, os, sys, time, resource
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from refresh_bench import PeakSampler, tree_rss
from civicreader.config import load_config
from civicreader.refresh import run_refresh
config = load_config(Path(sys.argv[2]))
for i in range(int(sys.argv[3])):
    db = Path(sys.argv[4]) / f"leak{i}.db"
    sampler = PeakSampler(os.getpid())
    start = time.perf_counter()
    report = run_refresh(config, db)
    took = time.perf_counter() - start
    peak = sampler.stop()
    pages = int(Path(f"/proc/{os.getpid()}/statm").read_text().split()[1])
    now = pages * os.sysconf("SC_PAGE_SIZE")
    print(json.dumps({"run": i + 1, "seconds": took, "tree_peak": peak, "main_rss": now,
                      "new": report.new}), flush=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
"""


def leak_runs(workdir: Path, runs: int) -> list[dict[str, float]]:
    import json

    out = subprocess.run(
        [PY, "-c", LEAK_CHILD, str(HERE), str(workdir / "feeds.toml"), str(runs), str(workdir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def first_paint(db: Path, runs: int) -> list[float]:
    """Launch-to-paint of the reader, measured by bench/first_paint.py."""
    try:
        from bench import first_paint as fp
    except ModuleNotFoundError:
        import first_paint as fp  # type: ignore[no-redef]
    measure = getattr(fp, "measure", None)
    if measure is None:
        return []
    return list(measure(db, runs)["paint"])


def tagger_build() -> str:
    """Whether the tagger runs compiled (setup.py builds it with mypyc) or as Python source."""
    probe = "import civicreader.councils.tagger as t; print(t.__file__)"
    path = subprocess.run([PY, "-c", probe], capture_output=True, text=True, check=True).stdout
    return "compiled (mypyc)" if path.strip().endswith((".so", ".pyd")) else "Python source"


def mb(n: float) -> str:
    return f"{n / 1e6:6.0f} MB"


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def show(name: str, ours: list[float], theirs: list[float], goal: float | None) -> None:
    a, b = median(ours), median(theirs)
    sa = f"{a:8.2f} s" if a is not None else "       -  "
    sb = f"{b:8.2f} s" if b is not None else "       -  "
    ratio = f"{a / b:6.3f}x" if a is not None and b else "     - "
    verdict = "" if goal is None or a is None or not b else ("ok" if a / b <= goal else "MISSED")
    target = f"<= {goal}x" if goal is not None else ""
    print(f"{name:<12}{sa}  {sb}  {ratio}  {target:<9}{verdict}")
    if ours:
        print(f"{'':12}civicreader runs: {', '.join(f'{v:.2f}' for v in ours)}")
    if theirs:
        print(f"{'':12}newsboat runs:    {', '.join(f'{v:.2f}' for v in theirs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8, help="newsboat reload-threads")
    parser.add_argument("--concurrency", type=int, default=16, help="civicreader [settings]")
    parser.add_argument(
        "--per-host", type=int, default=8, help="civicreader per_host (all feeds share one host)"
    )
    parser.add_argument("--leak-runs", type=int, default=0, help="in-process refreshes")
    parser.add_argument("--first-paint", action="store_true", help="also time first paint")
    parser.add_argument("--no-newsboat", action="store_true")
    args = parser.parse_args()
    use_nb = nb.newsboat_available() and not args.no_newsboat
    res: dict[str, list[float]] = {k: [] for k in ("cold", "warm", "nb_cold", "nb_warm")}
    peaks: list[tuple[int, int]] = []
    with (
        tempfile.TemporaryDirectory(prefix="civic-bench-") as tmp,
        feed_server(args.feeds, args.items, args.seed, Path(tmp)) as urls,
    ):
        root = Path(tmp)
        print(f"{len(urls)} feeds x {args.items} items; {args.runs} runs; newsboat: {use_nb}")
        print(f"council tagger: {tagger_build()}")
        nb_dir = root / "nb"
        for i in range(args.runs):
            work = root / f"civic{i}"
            work.mkdir()
            write_config(work / "feeds.toml", urls, args.concurrency, args.per_host)
            secs, _, biggest = civic_refresh(work)
            res["cold"].append(secs)
            counts = db_counts(work / "civic.db")
            print(f"  civic cold  {secs:6.2f} s  max-proc {mb(biggest)} {counts}")
            _, tree, biggest = civic_refresh(work, sample=True, db="memory.db")  # untimed
            peaks.append((tree, biggest))
            print(f"  civic cold, memory sampled: tree PSS {mb(tree)}  max-proc {mb(biggest)}")
            secs, tree, biggest = civic_refresh(work)
            res["warm"].append(secs)
            print(f"  civic warm  {secs:6.2f} s  {db_counts(work / 'civic.db')}")
            if use_nb:
                cold = nb.newsboat_cold(urls, threads=args.threads, workdir=nb_dir)
                res["nb_cold"].append(cold or 0.0)
                warm = nb.newsboat_warm(urls, threads=args.threads, workdir=nb_dir)
                res["nb_warm"].append(warm or 0.0)
                print(f"  newsboat    cold {cold:6.2f} s  warm {warm:6.2f} s")
        paint: list[float] = []
        nb_paint: list[float] = []
        if args.first_paint:
            paint = first_paint(root / "civic0" / "civic.db", args.runs)
            if use_nb:
                for _ in range(args.runs):
                    value = nb.newsboat_first_paint(urls, threads=args.threads, workdir=nb_dir)
                    if value is not None:
                        nb_paint.append(value)
        leaks = leak_runs(root / "civic0", args.leak_runs) if args.leak_runs else []
    print(f"\n{'figure':<12}{'civicreader':>10}  {'newsboat':>10}  {'ratio':>7}  goal")
    show("cold", res["cold"], res["nb_cold"], 0.35)
    show("warm (304)", res["warm"], res["nb_warm"], 0.05)
    if args.first_paint:
        show("first paint", paint, nb_paint, 0.10)
    tree_peak = max(p[0] for p in peaks)
    print(
        f"peak memory of a cold refresh: tree PSS {mb(tree_peak)}, largest process RSS "
        f"{mb(max(p[1] for p in peaks))} (goal < 300 MB)"
    )
    for row in leaks:
        print(
            f"  in-process refresh {row['run']:>2}: {row['seconds']:6.2f} s  tree PSS peak "
            f"{mb(row['tree_peak'])}  main RSS after {mb(row['main_rss'])}  new {row['new']}"
        )


if __name__ == "__main__":
    main()
