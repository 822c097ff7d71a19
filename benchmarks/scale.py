"""Scale benchmark (issue 5): ``python benchmarks/scale.py``.

Builds (once; kept in --dir) a database holding a year of history for a busy
restaurant, written by the same simulator and store as ``queueapp simulate``,
then measures what a host and a lead wait for:

- the app's start: from creating the app to the first screen with the room on it;
- the review screen: from pushing it to its figures on screen, for one day and
  for a month; a filter change (host) on each;
- ``queueapp report`` for a month, as a whole command (process start included).

Targets: start < 2 s, review < 1 s, filter change < 300 ms, month report < 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import subprocess
import sys
import time
from pathlib import Path

import arrow

from queueapp.config import load_config
from queueapp.sim import simulator
from queueapp.sim.demo import import_with_goodwill
from queueapp.store import Store

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "hotpot_hall"
ATTENTION_MINUTES = 10  # how often the simulated team looks in on a waiting party


def big_scenario() -> simulator.Scenario:
    """The hotpot house three times over: 81 tables, ~530 parties a day, long waits."""
    base = simulator.get_scenario("hotpot")
    meals = tuple(dataclasses.replace(m, peak=m.peak * 4.1, base=m.base * 4.1)
                  for m in base.meals)
    tables = tuple((seats, n * 3) for seats, n in base.tables)
    return dataclasses.replace(base, name=SCENARIO, about="a big hotpot hall (benchmark)",
                               meals=meals, tables=tables)


def config_text(sc: simulator.Scenario) -> str:
    """The repo's config with the scenario's tables instead of the hotpot house's, and a
    team that looks in on waiting guests every ``ATTENTION_MINUTES``."""
    kept, skipping = [], False
    for line in (ROOT / "config.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            skipping = line.strip() in ("[[tables]]", "[[joins]]", "[[sections]]")
        if line.startswith("attention_minutes"):
            line = f"attention_minutes = {ATTENTION_MINUTES}"
        if not skipping:
            kept.append(line)
    out = ["\n".join(kept) + "\n"]
    for t in sc.table_list():
        out.append(f'\n[[tables]]\nname = "{t.name}"\nseats = {t.seats}\n'
                   f'section = "{t.section}"\n')
    return "".join(out)


def build(folder: Path, days: int) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sc = big_scenario()
    simulator.SCENARIOS[SCENARIO] = sc
    cfg_path = folder / "config.toml"
    cfg_path.write_text(config_text(sc), encoding="utf-8")
    db = folder / f"year-{days}.db"
    if db.exists():
        print(f"using {db}")
        return cfg_path, db
    config = load_config(cfg_path)
    store = Store.open(folder / "building.db", config)
    today = arrow.now(config.timezone).floor("day")
    t0 = time.perf_counter()
    for month in range(0, days, 30):  # a month at a time keeps memory flat
        n = min(30, days - month)
        start = today.shift(days=-days + month).date()
        events = simulator.simulate(config, n, SCENARIO, seed=month, start=start)
        import_with_goodwill(store, config, events, seed=month)
        print(f"  simulated {month + n}/{days} days ({time.perf_counter() - t0:.0f} s)",
              flush=True)
    store.close()
    (folder / "building.db").rename(db)
    return cfg_path, db


def counts(db: Path) -> dict[str, int]:
    store = Store(db)
    return {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("events", "parties", "gestures", "complaints", "guests")}


async def measure_app(cfg_path: Path, db: Path) -> dict[str, float]:
    from textual.widgets import Input, Select, TabbedContent

    from queueapp.ui.app import QueueApp
    from queueapp.ui.screens.review import ReviewScreen

    config = load_config(cfg_path)
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    store = Store.open(db, config)
    app = QueueApp(config, store)
    async with app.run_test(size=(170, 48)) as pilot:

        async def painted() -> None:
            """The screen has handled what the change queued (layout, paint). Not
            ``pilot.pause()``: that also waits for the whole process to go idle, i.e. for
            tab animations and background workers, which are not what a user waits for."""
            await pilot.pause(0)

        while app.snapshot.seq == 0:
            await asyncio.sleep(0.005)
        await painted()
        out["start: first screen with the room (s)"] = time.perf_counter() - t0
        # then the estimator learns the last 8 weeks and the suggestions the last 90 days,
        # in workers; a lead opens the review once they are done
        await app.workers.wait_for_complete()
        out["start: background learning done (s)"] = time.perf_counter() - t0

        async def figures(screen: ReviewScreen, before: int) -> None:
            # polled every 10 ms (at most 10 ms too long): polling faster would take the
            # interpreter from the worker building the figures and slow what is measured
            while screen.shown <= before:
                await asyncio.sleep(0.01)
            await painted()

        today = arrow.get(app.now()).to(config.timezone)
        for label, days in (("a day", 1), ("a month", 30)):
            screen = ReviewScreen("bench")
            t1 = time.perf_counter()
            await app.push_screen(screen)
            await figures(screen, 0)
            if days > 1:  # the lead types the first day of the month
                t1 = time.perf_counter()
                screen.query_one("#from", Input).value = \
                    today.shift(days=-days + 1).format("YYYY-MM-DD")
                await figures(screen, screen.shown)
            out[f"review shows its figures, {label} (s)"] = time.perf_counter() - t1
            for tab in ("gestures", "walkaways", "complaints", "quotes"):
                t1 = time.perf_counter()
                screen.query_one("#tabs", TabbedContent).active = f"tab-{tab}"
                while f"tab-{tab}" not in screen.drawn:
                    await asyncio.sleep(0.01)
                await painted()
                out[f"{tab} tab, {label} (ms)"] = 1000 * (time.perf_counter() - t1)
            screen.query_one("#tabs", TabbedContent).active = "tab-summary"
            await pilot.pause()
            t2 = time.perf_counter()
            screen.query_one("#host", Select).value = config.hosts[0]
            await figures(screen, screen.shown)
            out[f"filter change (host), {label} (ms)"] = 1000 * (time.perf_counter() - t2)
            screen.dismiss(None)
            await pilot.pause()
    return out


def measure_report(cfg_path: Path, db: Path, runs: int = 3) -> float:
    config = load_config(cfg_path)
    today = arrow.now(config.timezone).floor("day")
    args = [sys.executable, "-m", "queueapp", "report", "--config", str(cfg_path), "--db",
            str(db), "--from", today.shift(days=-30).format("YYYY-MM-DD"), "--to",
            today.shift(days=-1).format("YYYY-MM-DD")]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/queueapp-scale"))
    args = parser.parse_args()
    t0 = time.perf_counter()
    cfg_path, db = build(args.dir, args.days)
    print(f"database: {db} ({db.stat().st_size / 1e6:.0f} MB, built/checked in "
          f"{time.perf_counter() - t0:.0f} s)")
    for table, n in counts(db).items():
        print(f"  {table:<10} {n:>9,}")
    for name, value in asyncio.run(measure_app(cfg_path, db)).items():
        print(f"{name:<42} {value:8.3f}")
    print(f"{'queueapp report, a month (s, median of 3)':<42} "
          f"{measure_report(cfg_path, db):8.3f}")


if __name__ == "__main__":
    main()
