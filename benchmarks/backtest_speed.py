"""Backtest speed: ``python benchmarks/backtest_speed.py``.

Backtests the estimator alone, exactly as ``queueapp backtest`` does, on the
first 20,000 events of a simulated hotpot log over the 27 tables of the shipped
``config.toml``. Target (issue 14): under 20 s wall.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from queueapp.config import load_config
from queueapp.quotes.backtest import backtest
from queueapp.quotes.estimator import Estimator
from queueapp.sim.simulator import simulate

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 20.0


def log(events: int = 20_000) -> list:
    """The first ``events`` rows of enough simulated days (a cut log keeps the contract)."""
    config = load_config(ROOT / "config.toml")
    out = simulate(config, 45, "hotpot", seed=3)
    if len(out) < events:
        raise SystemExit(f"only {len(out)} events simulated; ask for fewer")
    return out[:events]


def measure(events: int = 20_000) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, events, parties quoted). On a shared machine the
    wall time counts the other work too; the CPU time is this process's own."""
    config = load_config(ROOT / "config.toml")
    rows = log(events)
    t0, c0 = time.perf_counter(), time.process_time()
    result = backtest(rows, config.tables, Estimator.for_config(config))
    return (time.perf_counter() - t0, time.process_time() - c0, len(rows),
            result.metrics.parties)


def line(wall: float, cpu: float, events: int, parties: int) -> str:
    return (f"- backtest (estimator) of {events:,} events ({parties:,} quotes) on the 27-table "
            f"config.toml: {wall:.1f} s wall, {cpu:.1f} s CPU (target < {TARGET_S:.0f} s: "
            f"{'yes' if wall < TARGET_S else 'NO'}).")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=20_000)
    args = ap.parse_args()
    wall, cpu, n, parties = measure(args.events)
    print(line(wall, cpu, n, parties))
    return 0 if wall < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
