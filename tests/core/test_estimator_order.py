"""How long the host keeps a free table for the head of the line, learned from the log."""

from __future__ import annotations

import random

import pytest

from queueapp.config import Quoting, Table
from queueapp.quotes.estimator import Estimator
from queueapp.quotes.history import History
from queueapp.waitlist.events import ARRIVE, DEPART, READY, SEAT, Event
from queueapp.waitlist.room import OCCUPIED, Party, Room

NOW = 1_780_000_000.0
Q = Quoting(clearing_minutes=5, dining_minutes={2: 55.0, 4: 70.0, 6: 85.0, 12: 110.0})
TABLES = (Table("A", 2), Table("B", 4))
CYCLES = 40


def _order_history(hold: float | None) -> list[Event]:
    """A four at the head of the line and a two behind it, two hours a cycle.

    The two-top A is ready 7 minutes in; the head does not fit it. The host
    gives it to the two after ``hold`` minutes, or (``None``) keeps order and
    seats the two only after the four, whose table B is ready 27 minutes in and
    who is seated a minute later: the host's own lag is always one minute.
    """
    t0 = NOW - (CYCLES + 1) * 7200
    out = [Event(t0 - 3600, SEAT, "pa", 2, "A"), Event(t0 - 3600, SEAT, "pb", 4, "B")]
    prev_a, prev_b = "pa", "pb"
    for i in range(CYCLES):
        t = t0 + i * 7200
        four, two = f"f{i}", f"s{i}"
        rows = [Event(t, ARRIVE, four, 4), Event(t + 1, ARRIVE, two, 2),
                Event(t + 300, DEPART, prev_a, 2, "A"), Event(t + 420, READY, "", None, "A"),
                Event(t + 1560, DEPART, prev_b, 4, "B"), Event(t + 1620, READY, "", None, "B"),
                Event(t + 1680, SEAT, four, 4, "B")]
        if hold is None:
            rows.append(Event(t + 1710, SEAT, two, 2, "A"))
        else:
            rows.append(Event(t + 420 + hold * 60, SEAT, two, 2, "A"))
        out += sorted(rows, key=lambda e: e.time)
        prev_a, prev_b = two, four
    return out


def _learned(hold: float | None) -> Estimator:
    est = Estimator(Q, TABLES)
    for ev in _order_history(hold):
        est.observe(ev)
    return est


def _two_behind_a_four(est: Estimator) -> float:
    """A is free, B's four sat down 20 minutes ago, a four heads the line: quote a two."""
    room = Room.from_tables(TABLES)
    b = room.tables["B"]
    b.state, b.party, b.party_size, b.since = OCCUPIED, "pb", 4, NOW - 20 * 60
    room.parties["w0"] = Party("w0", 4, NOW - 5 * 60)
    return est.quote_new(room, 2, NOW).minutes


@pytest.mark.parametrize("hold", [None, 0.5, 10.0])
def test_order_keeping_is_not_mistaken_for_the_host_lag(hold: float | None) -> None:
    lags = _learned(hold).history.lag_values()
    assert len(lags) >= 30
    assert max(lags) == pytest.approx(1.0)  # only the head's own table: one minute


def test_release_time_is_learned_from_how_long_the_table_stood_free() -> None:
    rnd = random.Random(1).random
    medians = {}
    for hold in (0.5, 10.0, None):
        release = _learned(hold).history.release()
        draws = sorted(release(rnd) for _ in range(2001))
        medians[hold] = draws[1000]
    assert medians[0.5] < 1.0  # let go within the lag: no extra wait
    assert 5.0 <= medians[10.0] <= 13.0  # about ten minutes, less the minute of lag
    assert medians[None] > 20.0  # never let go while the head waited (censored)


def test_day_one_release_is_short() -> None:
    release = History(Q, TABLES).release()
    rnd = random.Random(2).random
    draws = sorted(release(rnd) for _ in range(1001))
    assert draws[500] < 3.0


def test_quotes_follow_how_long_this_host_keeps_order() -> None:
    lenient = _two_behind_a_four(_learned(0.5))
    patient = _two_behind_a_four(_learned(10.0))
    strict = _two_behind_a_four(_learned(None))
    assert lenient < 3.0
    assert 5.0 <= patient <= 15.0  # not the hour and more the four will wait for B
    assert strict > 45.0
