"""Stations racing on one SQLite file, each in a process of its own: the workers of
tests/core/test_races.py (a module of their own, so a spawned process can import them).

Every station opens its own Store on the file and reads its own clock: ``now`` is what
that station's clock says, so a station whose clock runs ahead is ``now + 30``. The
leading station acts once before the others start (it sets ``first`` after its first
attempt; the others wait for it), then all of them race: the order that, on the old
code, let a station's clock hide what was written.
"""

from __future__ import annotations

import traceback
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from helpers import CONFIG_PATH

from queueapp.config import load_config
from queueapp.goodwill import gestures
from queueapp.store import Store

START_TIMEOUT = 60.0  # seconds a station waits for the first one (a loaded machine)


def _wait_turn(first: Event, leads: bool) -> None:
    """The others wait for the leading station's first attempt (it sets ``first``)."""
    if not leads:
        first.wait(START_TIMEOUT)


def give_until_refused(db_path: str, station: str, now: float, host: str, party: str,
                       cost: float, first: Event, leads: bool, results: Queue) -> None:
    """Give ``cost`` gestures for ``host`` until a lead's approval is asked for; report
    (station, how many were given, the error if anything else went wrong)."""
    given, error = 0, ""
    config = load_config(CONFIG_PATH)
    store = Store.open(db_path, config, station=station)
    try:
        _wait_turn(first, leads)
        while True:
            try:
                gestures.give(store, now + given * 0.001, party, f"{station} gift {given}",
                              host, cost=cost, config=config)
            except gestures.NeedsApproval:
                break
            finally:
                first.set()
            given += 1
    except Exception:  # noqa: BLE001 - reported to the test, which fails on it
        error = traceback.format_exc()
    finally:
        first.set()  # never leave the others waiting
        store.close()
    results.put((station, given, error))


def enter_wrong_pins(db_path: str, station: str, now: float, tries: int, first: Event,
                     leads: bool, results: Queue) -> None:
    """Enter a wrong lead PIN ``tries`` times, a second apart by this station's clock;
    report (station, the statuses, the error if anything went wrong)."""
    statuses: list[str] = []
    error = ""
    config = load_config(CONFIG_PATH)
    store = Store.open(db_path, config, station=station)
    try:
        _wait_turn(first, leads)
        for n in range(tries):
            statuses.append(gestures.check_lead_pin(store, config, "Mei", "0000", now + n).status)
            first.set()
    except Exception:  # noqa: BLE001 - reported to the test, which fails on it
        error = traceback.format_exc()
    finally:
        first.set()
        store.close()
    results.put((station, statuses, error))


def give_item(db_path: str, station: str, now: float, host: str, party: str, item: str,
              first: Event, leads: bool, results: Queue) -> None:
    """Give catalogue item ``item`` to ``party`` once; report (station, "given" or the
    refusal's key, the error if anything else went wrong)."""
    outcome, error = "", ""
    config = load_config(CONFIG_PATH)
    store = Store.open(db_path, config, station=station)
    try:
        _wait_turn(first, leads)
        try:
            gestures.give(store, now, party, config.catalogue[item], host, config=config)
            outcome = "given"
        except gestures.RepeatGesture as exc:
            outcome = exc.key
    except Exception:  # noqa: BLE001 - reported to the test, which fails on it
        error = traceback.format_exc()
    finally:
        first.set()
        store.close()
    results.put((station, outcome, error))


def void_gesture(db_path: str, station: str, now: float, host: str, gesture_id: int,
                 first: Event, leads: bool, results: Queue) -> None:
    """Void gesture ``gesture_id`` once as ``host``; report (station, "voided" or the
    refusal's key, the error if anything else went wrong)."""
    outcome, error = "", ""
    config = load_config(CONFIG_PATH)
    store = Store.open(db_path, config, station=station)
    try:
        _wait_turn(first, leads)
        try:
            gestures.void(store, now, gesture_id, host, f"mistake ({station})", config=config)
            outcome = "voided"
        except gestures.GoodwillError as exc:
            outcome = exc.key
    except Exception:  # noqa: BLE001 - reported to the test, which fails on it
        error = traceback.format_exc()
    finally:
        first.set()
        store.close()
    results.put((station, outcome, error))
