"""The estimator on hand-built rooms, and what learning from history changes."""

from __future__ import annotations

from queueapp.config import Quoting, Table
from queueapp.quotes.estimator import Estimator
from queueapp.sim.simulator import simulate
from queueapp.waitlist.events import ABANDON, ARRIVE, DEPART, READY, SEAT, Event
from queueapp.waitlist.room import OCCUPIED, Party, Room

NOW = 1_780_000_000.0
Q = Quoting(clearing_minutes=5, dining_minutes={2: 55.0, 4: 70.0, 6: 85.0, 12: 110.0})


def tables(*spec: tuple[str, int]) -> tuple[Table, ...]:
    return tuple(Table(name, seats) for name, seats in spec)


def occupy(room: Room, name: str, size: int, minutes_ago: float) -> None:
    t = room.tables[name]
    t.state, t.party, t.party_size, t.since = OCCUPIED, f"p-{name}", size, NOW - minutes_ago * 60


def wait_for(room: Room, *sizes: int, minutes: float = 5.0) -> None:
    for i, size in enumerate(sizes):
        room.parties[f"w{i}"] = Party(f"w{i}", size, NOW - (minutes + len(sizes) - i) * 60)


def test_empty_room_quotes_zero() -> None:
    ts = tables(("A", 2), ("B", 4))
    est = Estimator(Q, ts)
    room = Room.from_tables(ts)
    q = est.quote_new(room, 2, NOW)
    assert q.minutes == 0 and q.high == 0
    assert est.quote_all(room, NOW) == {}


def test_full_room_with_one_table_about_to_free() -> None:
    ts = tables(*((f"T{i}", 4) for i in range(6)))
    room = Room.from_tables(ts)
    for i in range(5):
        occupy(room, f"T{i}", 4, 2)  # just sat down
    occupy(room, "T5", 4, 68)  # typical stay is 70 minutes
    est = Estimator(Q, ts)
    first = est.quote_new(room, 4, NOW)
    assert 2 <= first.minutes <= 30  # the rest of a long stay, plus clearing
    assert first.low <= first.minutes <= first.high
    wait_for(room, 4)  # now someone takes that table first
    second = est.quote_new(room, 4, NOW)
    assert second.minutes > first.minutes + 20


def _walkaway_history(ts: tuple[Table, ...], leave: bool) -> list[Event]:
    """Busy days where waiting parties either walk away after ~10 minutes or all stay."""
    out, t = [], NOW - 30 * 86400
    for i in range(300):
        pid = f"h{i}"
        out.append(Event(t, ARRIVE, pid, 2))
        if leave:
            out.append(Event(t + 600, ABANDON, pid, 2, data={"reason": "walked_away"}))
        else:
            out += [Event(t + 600, SEAT, pid, 2, "A"), Event(t + 3600, DEPART, pid, 2, "A"),
                    Event(t + 3900, READY, "", None, "A")]
        t += 4000
    return out


def test_parties_ahead_who_will_probably_walk_away_shorten_the_quote() -> None:
    ts = tables(("A", 2), ("B", 2))
    quotes = {}
    for leave in (True, False):
        est = Estimator(Q, ts)
        for ev in _walkaway_history(ts, leave):
            est.observe(ev)
        room = Room.from_tables(ts)
        occupy(room, "A", 2, 10)
        occupy(room, "B", 2, 10)
        wait_for(room, 2, 2, 2, 2, 2)
        quotes[leave] = est.quote_new(room, 2, NOW).minutes
    assert quotes[True] < 0.7 * quotes[False]


def test_big_party_waits_for_the_tables_that_fit_it() -> None:
    ts = tables(*((f"S{i}", 2) for i in range(8)), ("R1", 12), ("R2", 12))
    room = Room.from_tables(ts)
    occupy(room, "R1", 12, 10)
    occupy(room, "R2", 12, 70)  # typical stay 110 min: about 40 left, then clearing
    est = Estimator(Q, ts)
    big = est.quote_new(room, 10, NOW)
    assert est.quote_new(room, 2, NOW).minutes == 0  # the 2-tops are free
    assert 25 <= big.minutes <= 70
    occupy(room, "R2", 12, 10)
    assert est.quote_new(room, 10, NOW).minutes > big.minutes + 30


def test_learning_short_dining_times_shortens_quotes() -> None:
    history = simulate(None, 10, "noodle", seed=5)  # meals of about 30 minutes
    names = {e.table for e in history if e.table}
    ts = tuple(Table(n, 4 if n.startswith("B") else 2 if n.startswith("A") else 6)
               for n in sorted(names))
    room = Room.from_tables(ts)
    for t in ts:
        occupy(room, t.name, t.seats, 5)
    wait_for(room, *([2] * 20))
    fresh = Estimator(Q, ts)
    day_one = fresh.quote_new(room, 2, NOW).minutes
    learned = Estimator(Q, ts)
    for ev in history:
        learned.observe(ev)
    after = learned.quote_new(room, 2, NOW).minutes
    assert after < 0.7 * day_one
    assert learned.history.events_seen == len(history)


def test_quote_all_covers_every_waiting_party_in_order() -> None:
    ts = tables(("A", 2), ("B", 4))
    room = Room.from_tables(ts)
    occupy(room, "A", 2, 30)
    occupy(room, "B", 4, 30)
    wait_for(room, 2, 2, 2)
    quotes = Estimator(Q, ts).quote_all(room, NOW)
    assert list(quotes) == ["w0", "w1", "w2"]
    assert quotes["w0"].minutes <= quotes["w2"].minutes
    for q in quotes.values():
        point, low, high = q.rounded()
        assert low <= point <= high


def test_a_rare_party_size_is_quoted_at_the_pace_the_small_parties_set() -> None:
    """Couples who dine in 44 minutes where the config says 55 teach the history that
    this restaurant is quick: a party of six, never seen yet, is no longer taken to
    dine the config's 85 minutes (the dumplings scenario's over-quote in week one)."""
    history = Estimator(Q, tables(("A", 2), ("F", 6))).history
    at = NOW
    day_one = sorted(history.dining_values(6, at))
    for i in range(30):
        t = at + i * 3 * 3600
        history.observe(Event(t, ARRIVE, f"c{i}", 2))
        history.observe(Event(t, SEAT, f"c{i}", 2, "A"))
        history.observe(Event(t + 44 * 60, DEPART, f"c{i}", 2, "A"))
    learned = sorted(history.dining_values(6, at))
    assert 84 <= day_one[len(day_one) // 2] <= 86
    assert 64 <= learned[len(learned) // 2] <= 74  # 85 x 44/55 = 68, shrunk a little to 85


def test_a_size_band_that_waits_past_its_quotes_gets_a_guard_of_its_own() -> None:
    """Parties of eight who keep waiting until the top of their range raise their own
    guard, though they are too few to move the room's; couples seated at once keep the
    room's low one."""
    ts = tables(("A1", 2), ("A2", 2), ("E", 8))
    room = Room.from_tables(ts)
    occupy(room, "E", 8, 10)
    est = Estimator(Q, ts)
    t = NOW
    for i in range(660):
        size = 8 if i % 11 == 0 else 2
        quote = est.quote_new(room, size, t)
        waited = quote.high if size == 8 else 0.0  # eights: the top of the 80% range
        est.observe(Event(t, ARRIVE, f"p{i}", size))
        est.observe(Event(t + waited * 60, SEAT, f"p{i}", size, "E" if size == 8 else "A1"))
        t += 60
    assert est._guard(2) == 0.5
    assert est._guard() == 0.5  # the room: 60 late parties in 660 is within its 10%
    assert est._guard(8) >= 0.9  # the eights: only their 90th percentile holds them


def test_one_table_cleared_by_mistake_does_not_set_the_pace() -> None:
    """A party seated at the wrong table and moved a minute later is a 'dinner' of one
    minute: it may nudge the pace, not drop a six-top's day-one quote by a quarter."""
    history = Estimator(Q, tables(("A", 2), ("F", 6))).history
    for i in range(12):
        t = NOW + i * 3 * 3600
        history.observe(Event(t, ARRIVE, f"c{i}", 2))
        history.observe(Event(t, SEAT, f"c{i}", 2, "A"))
        history.observe(Event(t + 55 * 60, DEPART, f"c{i}", 2, "A"))
    t = NOW + 12 * 3 * 3600
    history.observe(Event(t, ARRIVE, "oops", 2))
    history.observe(Event(t, SEAT, "oops", 2, "A"))
    history.observe(Event(t + 12, DEPART, "oops", 2, "A"))
    six = sorted(history.dining_values(6, NOW))
    assert six[len(six) // 2] >= 78  # 85 at the config's pace; unclipped it fell to 62
