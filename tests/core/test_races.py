"""Stations racing on one SQLite file, each a process of its own (issue 10, points 1 and 8):
a budget is never overspent without a lead's approval, the PIN lockout allows exactly
``pin_max_wrong`` wrong PINs and then locks every station, and one party is not given
the same gesture twice by two terminals at once, even when one station's clock runs
30 s ahead. The workers are in tests/racers.py."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import racers
from helpers import at

from queueapp.goodwill import gestures
from queueapp.store import Store

STATIONS = 5
AHEAD = 30.0  # seconds: the leading station's clock runs this much fast
NOW = at(0)  # 19:00 on a Friday, well inside the evening shift
JOIN_TIMEOUT = 120.0


def race(db: Path, worker: Callable[..., None], per_station: Callable[[int], tuple[Any, ...]]
         ) -> list[tuple[Any, ...]]:
    """Run ``worker`` on ``db`` in STATIONS processes; station 0 (clock AHEAD) acts first,
    then all race. ``per_station(i)`` gives the arguments after (db, station, now). Returns what
    each reported, after checking every one finished without an error."""
    ctx = multiprocessing.get_context("spawn")  # a clean interpreter each, like a terminal
    first, results = ctx.Event(), ctx.Queue()
    procs = []
    for i in range(STATIONS):
        now = NOW + (AHEAD if i == 0 else 0.0)
        args = (f"S{i}", now, *per_station(i), first, i == 0, results)
        procs.append(ctx.Process(target=worker, args=(str(db), *args)))
    for p in procs:
        p.start()
    reports = [results.get(timeout=JOIN_TIMEOUT) for _ in procs]
    for p in procs:
        p.join(JOIN_TIMEOUT)
        assert p.exitcode == 0
    errors = [r[-1] for r in reports if r[-1]]
    assert not errors, errors[0]
    return sorted(reports)


@pytest.fixture
def shared(db_path: Path, store: Store) -> tuple[Path, Store, str]:
    """The file the stations share, the test's own store on it (to read what they
    wrote) and one waiting party."""
    return db_path, store, store.add_party(NOW - 1200, 4, "Zhou").party


def assert_never_over_budget_unapproved(store: Store, party: str, budget: float) -> None:
    """In the order the rows were written, no gesture without a lead's approval took the
    host past the budget (approved ones may)."""
    total = 0.0
    for g in store.gestures.for_party(party):
        if not g.approved_by:
            assert total + g.cost <= budget + 1e-9, (g, total)
        total += g.cost


@pytest.mark.parametrize("cost", [50.0, 200.0])
def test_stations_racing_never_overspend_a_budget(shared, config, cost):
    """Five stations give for one host at once, one with its clock 30 s ahead (it gives
    first: on the old code the others did not count its gesture, stamped after their
    ``now``): what was given fits the budget exactly, and each station was stopped by
    a request for a lead's approval."""
    db, store, party = shared
    budget = config.goodwill.budget_per_shift  # 300
    reports = race(db, racers.give_until_refused, lambda i: ("Lin", party, cost))
    given = store.gestures.for_party(party)
    assert len(given) == sum(r[1] for r in reports) == budget // cost
    assert sum(g.cost for g in given) <= budget
    assert_never_over_budget_unapproved(store, party, budget)
    assert gestures.budget_left(store, "Lin", NOW, config) == budget - cost * (budget // cost)
    # the clock runs ahead or not, the next one needs a lead (and may have one)
    for now in (NOW, NOW + AHEAD, NOW - AHEAD):
        with pytest.raises(gestures.NeedsApproval):
            gestures.give(store, now, party, "one more", "Lin", cost=cost, config=config)
    gestures.give(store, NOW, party, "one more", "Lin", cost=cost, approved_by="Mei",
                  config=config)
    assert_never_over_budget_unapproved(store, party, budget)


def test_stations_racing_wrong_pins_get_exactly_the_allowed_tries(shared, config):
    """Five stations enter wrong PINs at once, one with its clock 30 s ahead: exactly
    ``pin_max_wrong`` are checked (and logged wrong), every later one is refused as
    locked, and the right PIN is refused too, at a station ahead or behind."""
    db, store, _party = shared
    tries = 4
    reports = race(db, racers.enter_wrong_pins, lambda i: (tries,))
    max_wrong = config.goodwill.pin_max_wrong  # 5
    outcomes = [r[0] for r in store.db.execute(
        "SELECT outcome FROM pin_attempts ORDER BY id").fetchall()]
    assert outcomes == ["wrong"] * max_wrong + ["locked"] * (STATIONS * tries - max_wrong)
    statuses = [s for r in reports for s in r[1]]
    assert statuses.count("wrong") == max_wrong - 1  # the last wrong one locked at once
    for now in (NOW + tries, NOW + AHEAD + tries, NOW - AHEAD):
        assert gestures.check_lead_pin(store, config, "Mei", "246813", now).status == "locked"
    assert gestures.pin_locked_until(store, config, NOW) is not None


def test_stations_giving_the_same_item_to_one_party_log_it_once(shared, config):
    """Five terminals give the party its welcome tea at the same moment (one clock 30 s
    ahead, first): it is logged once; the others are told it was just given."""
    db, store, party = shared
    reports = race(db, racers.give_item, lambda i: ("Lin", party, "welcome_tea"))
    assert [g.interaction for g in store.gestures.for_party(party)] == ["welcome_tea"]
    assert sorted(r[1] for r in reports) == ["err_given_just_now"] * (STATIONS - 1) + ["given"]


def test_stations_voiding_one_gesture_write_one_void(shared, config):
    """Five terminals void the same gesture at once (one clock 30 s ahead, first): one
    void row refunds it once; the others are told it is already voided."""
    db, store, party = shared
    given = gestures.give(store, NOW - 60, party, config.catalogue["welcome_tea"], "Lin",
                          config=config)
    reports = race(db, racers.void_gesture, lambda i: ("Lin", given.id))
    voids = [g for g in store.gestures.for_party(party) if g.void_of == given.id]
    assert len(voids) == 1 and voids[0].cost == -given.cost
    assert sorted(r[1] for r in reports) == ["err_already_voided"] * (STATIONS - 1) + ["voided"]
