"""Guest pages benchmark (issue 11): ``python benchmarks/guest_pages.py``.

500 guests' pages kept live at once against one ``queueapp serve`` on this machine;
how long from a host's action at the stand to every page showing it, and what the
server's CPU costs.

What runs, all real:

- the database: the hotpot house's config (``config.toml``), 28 days of simulated
  history (``queueapp simulate``, so the quotes come from a learnt estimator), then a
  busy evening now: every table taken and ``--parties`` parties of 3-4 waiting (class B),
  each with its own page;
- the server: ``queueapp serve`` in a subprocess (uvicorn, the real clock); its CPU is
  read from ``/proc/<pid>/stat``;
- the pages: ``--pages`` live connections spread over the parties' pages (several phones
  per party), most of them made with httpx on the very endpoint the page's script uses
  (``/p/<token>/events``, server-sent events, which every current browser has), and
  ``--chromium`` of them real headless Chromium pages (Debian's ``/usr/bin/chromium``)
  running the page's own script;
- the host: each round calls the party at the head of the line through the stand's
  own Store connection (``call_party``, as the ``n`` key does). Every open page must
  then show it: the called party's pages "table ready", every other page its place in
  line one smaller. Latency = time from just before the write to the page's copy of
  that state arriving (httpx: the event read off the socket; Chromium: the page's DOM
  showing the new place, seen by a 50 ms poll inside the page).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queueapp.config import Config, load_config  # noqa: E402
from queueapp.store import Store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
TICK = os.sysconf("SC_CLK_TCK")
SHOWN_WITHIN = 15.0  # seconds a page may take before it counts as never showing it
POSITION = re.compile(r'data-position="(\d+)"')
STATUS = re.compile(r'data-status="(\w+)"')


# -- the database ------------------------------------------------------------------

def build(folder: Path, config_path: Path, config: Config, parties: int, days: int
          ) -> tuple[Path, list[tuple[str, str]]]:
    """History, then tonight: every table taken and ``parties`` parties of 3-4 waiting.
    Returns the file and the waiting parties (id, page token), first in line first."""
    db = folder / "bench.db"
    subprocess.run([sys.executable, "-m", "queueapp", "simulate", "--db", str(db), "--days",
                    str(days), "--config", str(config_path)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    store = Store.open(db, config, station="stand")
    now = time.time()
    tz = config.timezone
    for n, table in enumerate(config.tables):
        ev = store.add_party(now - (95 - n * 3) * 60, table.seats, f"Seated {n}", tz=tz)
        store.seat_party(now - (90 - n * 3) * 60, ev.party, table.name)
    waiting = []
    for n in range(parties):
        size = 3 + n % 2
        ev = store.add_party(now - (90 - 80 * n / parties) * 60, size, f"Guest {n}", tz=tz,
                             ticket_prefix=config.guests.ticket_class(size).prefix)
        waiting.append((ev.party, store.guest_link(ev.party)))
    store.close()
    return db, waiting


# -- the server --------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used (``/proc/<pid>/stat``, fields 14-15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- the pages ---------------------------------------------------------------------

@dataclass
class Page:
    """One open page: what it was last sent, and every state's arrival."""

    party: str
    url: str
    seq: int = 0
    status: str = ""
    position: int = 0
    log: list[tuple[float, int, str, int]] = field(default_factory=list)  # at, seq, st, pos
    ended: bool = False

    def got(self, at: float, seq: int, fragment: str) -> None:
        status = STATUS.search(fragment)
        position = POSITION.search(fragment)
        self.seq, self.status = seq, status.group(1) if status else "gone"
        self.position = int(position.group(1)) if position else 0
        self.log.append((at, seq, self.status, self.position))

    def first_at_or_after(self, seq: int) -> tuple[float, int, str, int] | None:
        return next((entry for entry in self.log if entry[1] >= seq), None)


async def listen(client: httpx.AsyncClient, page: Page) -> None:
    """Read the page's server-sent events for as long as the benchmark runs."""
    try:
        async with client.stream("GET", page.url) as response:
            kind, data, ident = "", [], 0
            async for line in response.aiter_lines():
                if line.startswith("id: "):
                    ident = int(line[4:])
                elif line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "":
                    if kind:
                        page.got(time.time(), ident, "\n".join(data))
                    kind, data = "", []
    finally:
        page.ended = True


def where_time_goes(db: Path, config: Config, waiting: list[tuple[str, str]], pages: int,
                    repeats: int = 5) -> dict[str, float]:
    """The server's work for one new state, timed in this process on the same file
    (median of ``repeats``, seconds): the hub's state (read, quote every party, the
    board's wait per class), and cutting every page's fragment from it."""
    from queueapp.clock import SystemClock
    from queueapp.i18n import Translator
    from queueapp.lobby import page as lobby_page
    from queueapp.lobby.board import class_bounds
    from queueapp.web import render
    from queueapp.web.hub import Hub

    store = Store.open(db, config, station="probe")
    hub = Hub(config, store, SystemClock())
    hub.quotes.learn(store, time.time())
    t = Translator("en")
    sizes = [high if high is not None else low for _, low, high in class_bounds(config.guests)]
    spent: dict[str, list[float]] = {}

    def timed(name: str, start: tuple[float, float]) -> None:
        wall, cpu = time.perf_counter() - start[0], time.process_time() - start[1]
        spent.setdefault(name + " (wall)", []).append(wall)
        spent.setdefault(name + " (CPU)", []).append(cpu)

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    for _ in range(repeats):
        start = clock()
        state = hub.compute(force=True)
        timed("a new state (read, quotes, board)", start)
        start = clock()
        hub.quotes.quote_all(state.room, state.now)
        timed(f"  of which: quote the {len(waiting)} parties", start)
        start = clock()
        for size in sizes:
            hub.quotes.preview_new(state.room, size, state.now)
        timed(f"  of which: the board's wait for {len(sizes)} classes", start)
        start = clock()
        for i in range(pages):
            pid, token = waiting[i % len(waiting)]
            view = lobby_page.view(state.room, state.room.parties[pid], config, state.quotes,
                                   state.now)
            render.guest_fragment(t, config, view, token)
        timed(f"{pages} pages' fragments cut from it", start)
    hub.close()
    store.close()
    return {name: statistics.median(values) for name, values in spent.items()}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# -- the run -----------------------------------------------------------------------

async def run(args: argparse.Namespace) -> None:
    config_path = Path(args.config)
    config = load_config(config_path)
    folder = Path(tempfile.mkdtemp(prefix="guest-pages-"))
    started = time.time()
    db, waiting = build(folder, config_path, config, args.parties, args.days)
    print(f"database: {args.days} days of history + {args.parties} parties waiting, "
          f"{len(config.tables)} tables taken ({time.time() - started:.1f} s)")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "queueapp", "serve", "--config", str(config_path), "--db",
         str(db), "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    browser = playwright = None
    try:
        limits = httpx.Limits(max_connections=args.pages + 50, max_keepalive_connections=0)
        timeout = httpx.Timeout(None, connect=30.0)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            for _ in range(300):
                try:
                    if (await client.get(base + "/board")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise SystemExit("the server did not start: see " + str(folder / "server.log"))
            # the history is learnt in the background: its first learnt state comes as seq 2+
            await client.get(base + "/board/live?after=1", timeout=60)
            print(f"server: pid {server.pid}, learnt its history "
                  f"({time.time() - started:.1f} s since start)")

            # open the pages: chromium ones on the parties last in line (they stay waiting)
            n_http = args.pages - args.chromium
            pages = [Page(pid, f"{base}/p/{token}/events?lang=en&after=0")
                     for pid, token in (waiting[i % len(waiting)] for i in range(n_http))]
            opening = time.time()
            tasks = [asyncio.create_task(listen(client, p)) for p in pages]
            while sum(1 for p in pages if p.seq) < len(pages):
                if time.time() - opening > 60:
                    raise SystemExit("pages did not all open within 60 s")
                await asyncio.sleep(0.05)
            opened_in = time.time() - opening
            chromium_pages = []
            if args.chromium:
                from playwright.async_api import async_playwright

                playwright = await async_playwright().start()
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                for pid, token in waiting[-args.chromium:]:
                    context = await browser.new_context(viewport={"width": 390,
                                                                  "height": 844})
                    tab = await context.new_page()
                    await tab.goto(f"{base}/p/{token}?lang=en")
                    await tab.wait_for_selector("#position")
                    chromium_pages.append((pid, tab))
            print(f"pages: {len(pages)} httpx event streams open in {opened_in:.1f} s, "
                  f"{len(chromium_pages)} Chromium pages; load average {load_average()}")

            # the server with every page open and nothing happening
            await asyncio.sleep(2)
            idle_cpu, idle_at = cpu_seconds(server.pid), time.time()
            await asyncio.sleep(args.idle)
            idle_share = (cpu_seconds(server.pid) - idle_cpu) / (time.time() - idle_at)

            latencies: list[float] = []
            chromium_latencies: list[float] = []
            per_round: list[float] = []
            wrong = missing = 0
            stand = Store.open(db, config, station="stand")
            line = [pid for pid, _ in waiting]
            rounds_cpu, rounds_at = cpu_seconds(server.pid), time.time()
            usage = resource.getrusage(resource.RUSAGE_SELF)
            client_before = usage.ru_utime + usage.ru_stime
            for _ in range(args.rounds):
                head = line.pop(0)
                before = {id(p): (p.status, p.position) for p in pages}
                watchers = [asyncio.create_task(tab.wait_for_function(
                    "(n) => { const e = document.getElementById('position');"
                    " return e && e.dataset.position === n ? Date.now() : false; }",
                    arg=str(line.index(pid) + 1), polling=50, timeout=SHOWN_WITHIN * 1000))
                    for pid, tab in chromium_pages]
                acted = time.time()
                await asyncio.to_thread(stand.call_party, acted, head)
                # the first state showing the call: the seq every page must reach
                target = None
                while target is None and time.time() - acted < SHOWN_WITHIN:
                    found = [entry[1] for p in pages if p.party == head
                             for entry in p.log if entry[0] >= acted and entry[2] == "called"]
                    target = min(found) if found else None
                    if target is None:
                        await asyncio.sleep(0.02)
                if target is None:
                    raise SystemExit("no page showed the call within "
                                     f"{SHOWN_WITHIN:.0f} s")
                while time.time() - acted < SHOWN_WITHIN and \
                        any(p.seq < target for p in pages):
                    await asyncio.sleep(0.02)
                slowest = 0.0
                for p in pages:
                    entry = p.first_at_or_after(target)
                    if entry is None:
                        missing += 1
                        continue
                    at, _, status, position = entry
                    old_status, old_position = before[id(p)]
                    if p.party == head or old_status == "called":
                        ok = status == "called"
                    else:
                        ok = status == "waiting" and position == old_position - 1
                    wrong += not ok
                    latencies.append(at - acted)
                    slowest = max(slowest, at - acted)
                per_round.append(slowest)
                for watcher in watchers:
                    handle = await watcher
                    chromium_latencies.append(await handle.json_value() / 1000 - acted)
                await asyncio.sleep(args.gap + random.uniform(0, 0.5))
            rounds_wall = time.time() - rounds_at
            rounds_share = (cpu_seconds(server.pid) - rounds_cpu) / rounds_wall
            client_cpu = resource.getrusage(resource.RUSAGE_SELF)
            client_share = (client_cpu.ru_utime + client_cpu.ru_stime - client_before) \
                / rounds_wall
            stand.close()
            memory = rss_mb(server.pid)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        if browser is not None:
            await browser.close()
        if playwright is not None:
            await playwright.stop()
        server.terminate()
        server.wait(10)
        log.close()
    try:
        spent = where_time_goes(db, config, waiting, args.pages)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    n = len(latencies)
    print()
    print(f"rounds: {args.rounds} calls, {len(pages)} httpx pages each ({n} page updates); "
          f"wrong content: {wrong}; never shown within {SHOWN_WITHIN:.0f} s: {missing}")
    print(f"action -> page (httpx, event stream): p50 {percentile(latencies, .5):.3f} s, "
          f"p99 {percentile(latencies, .99):.3f} s, max {max(latencies):.3f} s")
    print(f"action -> every page (slowest page per round): median "
          f"{statistics.median(per_round):.3f} s, max {max(per_round):.3f} s")
    if chromium_latencies:
        print(f"action -> Chromium page DOM ({len(chromium_latencies)} updates): p50 "
              f"{percentile(chromium_latencies, .5):.3f} s, "
              f"p99 {percentile(chromium_latencies, .99):.3f} s, "
              f"max {max(chromium_latencies):.3f} s")
    print(f"server CPU: {idle_share:.1%} of one core idle with every page open, "
          f"{rounds_share:.1%} during the rounds ({rounds_share * rounds_wall / args.rounds:.2f}"
          f" CPU-s per call incl. the idle cost); memory {memory:.0f} MB")
    print(f"client (this process, reading {len(pages)} streams) CPU during the rounds: "
          f"{client_share:.1%} of one core")
    print("where the server's time goes, timed in-process afterwards (median of 5):")
    for name, seconds in spent.items():
        print(f"  {name}: {seconds:.3f} s")
    print(f"machine: {os.cpu_count()} cores, load average {load_average()} at the end "
          "(the benchmark's client, Chromium and the server share them)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=str(ROOT / "config.toml"))
    parser.add_argument("--pages", type=int, default=500, help="live pages in all")
    parser.add_argument("--chromium", type=int, default=3,
                        help="of which real Chromium pages")
    parser.add_argument("--parties", type=int, default=100, help="parties waiting")
    parser.add_argument("--days", type=int, default=28, help="days of simulated history")
    parser.add_argument("--rounds", type=int, default=20, help="host actions measured")
    parser.add_argument("--gap", type=float, default=1.5,
                        help="seconds between actions (plus up to 0.5 s at random)")
    parser.add_argument("--idle", type=float, default=10.0,
                        help="seconds the idle CPU is measured over")
    parser.add_argument("--keep", action="store_true", help="keep the database and log")
    args = parser.parse_args()
    if args.rounds >= args.parties:
        parser.error("--rounds must be smaller than --parties (each round calls one)")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
