"""Head office at scale (issue 13): many store-years synced into one PostgreSQL.

    python benchmarks/headoffice.py [--stores 100] [--dir /tmp/hq-bench] [--pg URL]

Each store is a year of the hotpot scenario (``queueapp simulate --days 365 --seed N
--site store-NNN``, one seed per store), built once into ``--dir`` and reused. Without
``--pg`` a throwaway PostgreSQL cluster with its default (durable) settings runs on this
machine. Measured: the first full sync of each store-year (the first one is reported on
its own), one store's delta after one more day of service, and ``chain-report`` over every
store for the year (in-process, and as a whole command). Also: the sync after store 1's
day start moved (every daily figure of its year recomputed on the new days).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import psycopg  # noqa: E402

from queueapp.config import load_config  # noqa: E402
from queueapp.headoffice import report as chain  # noqa: E402
from queueapp.headoffice.push import Target, migrate, sync  # noqa: E402
from queueapp.sim.demo import import_with_goodwill  # noqa: E402
from queueapp.sim.simulator import simulate  # noqa: E402
from queueapp.store import Store  # noqa: E402

KEY = "benchmark chain key"
FIRST, LAST = date(2025, 11, 1), date(2026, 10, 31)


def store_file(folder: Path, i: int, config, wait: bool) -> Path:  # type: ignore[no-untyped-def]
    """The store-year of store ``i``: built here, or (``wait``) by another process."""
    path = folder / f"store-{i:03d}.db"
    while wait and not path.exists():
        time.sleep(1)
    if not path.exists():
        part = path.with_suffix(".part")
        part.unlink(missing_ok=True)
        store = Store.open(part, config)
        import_with_goodwill(store, config, simulate(config, 365, "hotpot", i, FIRST), i)
        store.sync.set_site_name(f"store-{i:03d}")
        store.close()
        part.rename(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stores", type=int, default=100)
    ap.add_argument("--dir", default="/tmp/hq-bench")
    ap.add_argument("--pg", default="")
    ap.add_argument("--config", default=str(ROOT / "config.toml"))
    ap.add_argument("--wait", action="store_true",
                    help="Wait for the store files another process simulates.")
    ap.add_argument("--measure-only", action="store_true",
                    help="With --pg: the stores are synced already; measure the delta and "
                         "the chain report only.")
    args = ap.parse_args()
    config = load_config(args.config)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    cluster = None
    url = args.pg
    if not url:
        from pgcluster import Cluster

        cluster = Cluster().init()
        cluster.start(durable=True)
        url = cluster.new_database()
    try:
        migrate(url)
        timings: list[float] = []
        rows: list[int] = []
        for i in range(1, 0 if args.measure_only else args.stores + 1):
            path = store_file(folder, i, config, args.wait)
            store = Store.open(path, config)
            began = time.perf_counter()
            result = sync(store, config, Target(url, f"store-{i:03d}", KEY))
            timings.append(time.perf_counter() - began)
            rows.append(result.total)
            store.close()
            print(f"store-{i:03d}: {result.total:,} rows in {timings[-1]:.1f} s", flush=True)
        # one more day of service at store 1, then its delta
        store = Store.open(folder / "store-001.db", config)
        day = simulate(config, 1, "hotpot", 1001, date(2026, 11, 1))
        import_with_goodwill(store, config, day, 1001)
        began = time.perf_counter()
        delta = sync(store, config, Target(url, "store-001", KEY))
        delta_s = time.perf_counter() - began
        # the first sync after the store's day start changed (as after upgrading to central
        # schema v3, whose stores start at midnight): all its daily figures on the new days
        moved = replace(config, day_starts=(config.day_starts + 60) % (24 * 60))
        began = time.perf_counter()
        sync(store, moved, Target(url, "store-001", KEY))
        redo_s = time.perf_counter() - began
        store.close()
        runs = []
        for _ in range(5):
            began = time.perf_counter()
            rep = chain.build(url, FIRST, LAST)
            runs.append(time.perf_counter() - began)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        cli = []
        for _ in range(3):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "queueapp", "--config", args.config,
                            "chain-report", "--pg", url, "--from", FIRST.isoformat(), "--to",
                            LAST.isoformat()], check=True, env=env, capture_output=True)
            cli.append(time.perf_counter() - began)
        with psycopg.connect(url) as conn:
            size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))"
                                ).fetchone()[0]
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("events", "parties", "gestures", "site_days")}
        print()
        print(f"stores: {len(rep.stores)}; central database {size}; " +
              ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        if timings:
            print(f"first full sync, store-001 (one store-year, {rows[0]:,} rows): "
                  f"{timings[0]:.1f} s")
            print(f"first full sync, every store: median {statistics.median(timings):.1f} s, "
                  f"max {max(timings):.1f} s, total {sum(timings) / 60:.1f} min "
                  f"({sum(rows) / sum(timings):,.0f} rows/s)")
        print(f"a day's delta, store-001 ({delta.total:,} rows, {delta.batches} batches): "
              f"{delta_s:.2f} s (target < 1 s)")
        print(f"store-001's day start moved an hour: its year of daily figures recomputed "
              f"in {redo_s:.2f} s")
        print(f"chain-report, {len(rep.stores)} stores x a year, in-process: median "
              f"{statistics.median(runs):.3f} s, max {max(runs):.3f} s; as a command: "
              f"median {statistics.median(cli):.2f} s (target < 2 s)")
    finally:
        if cluster is not None:
            cluster.destroy()


if __name__ == "__main__":
    main()
