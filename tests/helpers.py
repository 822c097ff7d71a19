"""Helpers shared by the tests: the tests' own config, the fixed start time, and
waiting for the app to settle. Tests import these; fixtures live in conftest.py."""

from __future__ import annotations

import html
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import arrow
import uvicorn

from queueapp.config import Config, parse_config

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# the tests' own config (a copy of the example as it was): editing the shipped example
# config.toml never breaks a test
CONFIG_PATH = TESTS / "config.toml"
EXAMPLE_CONFIG_PATH = ROOT / "config.toml"
# 19:00 on a Friday evening in Shanghai (11:00 UTC)
START = "2026-03-06T19:00:00+08:00"


# the demo's leads and secrets: the tests' stores hold them, as the demo's database does
LEAD_SECRETS = {"Mei": "246813", "Jun": "135724"}
_LEAD_HASHES: dict[str, str] = {}


def add_leads(store) -> None:
    """Put the demo's leads (Mei 246813, Jun 135724) into ``store``'s ``leads`` table.
    Each secret is hashed once per test session (scrypt at its minimum cost is slow on
    purpose)."""
    from queueapp.goodwill.pins import hash_pin
    from queueapp.goodwill.roster import normalise_name

    by = ""
    for name, secret in LEAD_SECRETS.items():
        if name not in _LEAD_HASHES:
            _LEAD_HASHES[name] = hash_pin(secret)
        if not any(row.name == name for row in store.roster.leads()):
            store.roster.add_lead(at(-600), name, normalise_name(name), _LEAD_HASHES[name], by)
        by = name


def at(minutes: float = 0.0) -> float:
    """Epoch seconds ``minutes`` after START."""
    return arrow.get(START).float_timestamp + minutes * 60


def config_variant(**replace: str) -> Config:
    """The tests' config with some text replaced, e.g. language: 'language = "zh"'."""
    text = CONFIG_PATH.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return parse_config(text, CONFIG_PATH)


async def settle(app, pilot, rounds: int = 3) -> None:
    """Let writes, the re-read after them and any follow-up work (a finished worker may
    start another, or push a modal that does) finish and draw."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


def toasts(app) -> list[str]:
    """The toasts as drawn on screen (not merely as queued): the text a host can read."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def on_screen(app) -> str:
    """The text of the terminal as drawn (from Textual's screenshot, spaces restored):
    what a host can read, whatever widget it is in."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


SERVER_START_SECONDS = 20.0  # how long a test's web server may take to start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: object) -> Iterator[str]:
    """``app`` served by a real uvicorn on a free local port, in a thread; yields its
    base address and stops it (``should_exit``) afterwards."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,  # type: ignore[arg-type]
                                           log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the web server did not start on port {port}")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# -- a service past midnight (the business day) ------------------------------------------
# the tests' config as a restaurant that keeps calendar days: every day from midnight
LATE_MIDNIGHT = 'currency = "¥"\nday_starts = "00:00"'


def local(text: str, tz: str = "Asia/Shanghai") -> float:
    """A local time (``2026-11-20T18:00``) as epoch seconds."""
    return arrow.get(text).replace(tzinfo=tz).float_timestamp


def fill_late_service(store, config) -> None:
    """An evening from 18:00 to 01:30 on Friday 2026-11-20, a guest at 03:59 (still that
    evening, with days starting at 04:00) and the first of Saturday's at 04:00:

    ====  =====  ================  ========================================
    who   size   arrived (local)   then
    ====  =====  ================  ========================================
    Chen  2      11-20 18:00       seated 18:20 at A1
    Wang  4      11-20 22:30       seated 23:00 at A4; jasmine tea at 22:40
    Zhao  2      11-21 00:40       walked away 01:10 (30 on a 15 quote)
    Sun   3      11-21 01:30       seated 01:45 at A5; fruit plate at 01:35
    Li    1      11-21 03:59       seated 03:59:50 at A3
    Wu    2      11-21 04:00       still waiting
    ====  =====  ================  ========================================

    Every party added by Lin.
    """
    from queueapp.goodwill import gestures
    from queueapp.quotes.rule import Quote

    cat = config.catalogue

    def add(when: str, size: int, name: str, quote: float) -> str:
        q = Quote(quote, quote * 0.75, quote * 1.35)
        return store.add_party(local(when), size, name, "", [], "", q, tz=config.timezone,
                               host="Lin").party

    chen = add("2026-11-20T18:00", 2, "Chen", 20)
    store.seat_party(local("2026-11-20T18:20"), chen, "A1")
    wang = add("2026-11-20T22:30", 4, "Wang", 30)
    gestures.give(store, local("2026-11-20T22:40"), wang, cat["jasmine_tea"], "Lin")
    store.seat_party(local("2026-11-20T23:00"), wang, "A4")
    zhao = add("2026-11-21T00:40", 2, "Zhao", 15)
    store.remove_party(local("2026-11-21T01:10"), zhao, "walked_away")
    sun = add("2026-11-21T01:30", 3, "Sun", 15)
    gestures.give(store, local("2026-11-21T01:35"), sun, cat["fruit_plate"], "Lin")
    store.seat_party(local("2026-11-21T01:45"), sun, "A5")
    li = add("2026-11-21T03:59", 1, "Li", 5)
    store.seat_party(local("2026-11-21T03:59") + 50, li, "A3")
    add("2026-11-21T04:00", 2, "Wu", 10)
