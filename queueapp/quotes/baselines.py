"""Baseline quoters the estimator is measured against, each a full Quoter.

The simple ones are the rules products use and the delay predictors from the
queueing literature (Ibrahim & Whitt): host rule, last-to-enter-service,
head-of-line, queue-length. To be fair to them, each quotes 0 when a table
that fits is free and nobody is waiting, as any host would. The last is the
practical limit: the same forward walk as the estimator, told the
simulator's true parameters instead of learning them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from statistics import NormalDist

from queueapp.config import Join, Quoting, Table
from queueapp.quotes.estimator import WalkQuoter
from queueapp.quotes.history import band
from queueapp.quotes.rule import Quote, RuleQuoter
from queueapp.quotes.walk import JOIN_KEY, Sampler, table_key
from queueapp.sim.simulator import Layout, Scenario, slots_for
from queueapp.waitlist.events import ARRIVE, READY, SEAT, Event
from queueapp.waitlist.room import FREE, Party, Room

_N = NormalDist()


def _free_now(room: Room, size: int, ahead: list[Party]) -> bool:
    return not ahead and any(t.state == FREE and t.seats >= size for t in room.tables.values())


def _flat(minutes: float) -> Quote:
    m = max(0.0, minutes)
    return Quote(m, 0.75 * m, 1.35 * m)


class _Simple:
    """Shared shape: a quote for a party of ``size`` with ``ahead`` waiting before it."""

    def observe(self, event: Event) -> None:
        return None

    def wait(self, room: Room, size: int, ahead: list[Party], now: float) -> float:
        raise NotImplementedError

    def _one(self, room: Room, size: int, ahead: list[Party], now: float) -> Quote:
        if _free_now(room, size, ahead):
            return _flat(0.0)
        return _flat(self.wait(room, size, ahead, now))

    def quote_all(self, room: Room, now: float) -> dict[str, Quote]:
        waiting = room.waiting()
        return {p.id: self._one(room, p.size, waiting[:i], now) for i, p in enumerate(waiting)}

    def quote_new(self, room: Room, size: int, now: float) -> Quote:
        return self._one(room, size, room.waiting(), now)


class HostRule(_Simple):
    """What hosts say without a tool: five minutes for every party ahead."""

    def wait(self, room: Room, size: int, ahead: list[Party], now: float) -> float:
        return 5.0 * len(ahead)


class LastToEnter(_Simple):
    """Last-to-enter-service: the wait of the last party of this size band to be seated."""

    def __init__(self) -> None:
        self.arrived: dict[str, tuple[float, int]] = {}
        self.last: dict[int, float] = {}
        self.last_any = 0.0

    def observe(self, event: Event) -> None:
        if event.event == ARRIVE:
            self.arrived[event.party] = (event.time, int(event.size or 1))
        elif event.event == SEAT and event.party in self.arrived:
            t, size = self.arrived.pop(event.party)
            self.last[band(size)] = self.last_any = (event.time - t) / 60.0

    def wait(self, room: Room, size: int, ahead: list[Party], now: float) -> float:
        return self.last.get(band(size), self.last_any)


class HeadOfLine(_Simple):
    """Head-of-line: how long the party longest in line (of this size band) has waited."""

    def wait(self, room: Room, size: int, ahead: list[Party], now: float) -> float:
        same = [p for p in ahead if band(p.size) == band(size)] or ahead
        return same[0].waited(now) if same else 0.0


class QueueLength(_Simple):
    """Queue-length: (parties ahead for the same tables + 1) / those tables x mean turn time.

    A party's tables are the smallest class that fits it; the turn time (seat
    to ready) is learned online per class, from config until five turns are seen.
    """

    def __init__(self, quoting: Quoting, tables: Sequence[Table]) -> None:
        self.quoting = quoting
        self.seats = {t.name: t.seats for t in tables}
        self.seated: dict[str, float] = {}
        self.turns: dict[int, tuple[float, int]] = {}  # seats -> (sum minutes, count)

    def observe(self, event: Event) -> None:
        if event.event == SEAT:
            for name in event.tables:
                self.seated[name] = event.time
        elif event.event == READY:
            for name in event.tables:
                got = self.seated.pop(name, None)
                seats = self.seats.get(name)
                if got is not None and seats:
                    s, n = self.turns.get(seats, (0.0, 0))
                    self.turns[seats] = (s + (event.time - got) / 60.0, n + 1)

    def turn(self, seats: int, size: int) -> float:
        s, n = self.turns.get(seats, (0.0, 0))
        if n >= 5:
            return s / n
        return self.quoting.dining_for(size) + self.quoting.clearing_minutes

    def wait(self, room: Room, size: int, ahead: list[Party], now: float) -> float:
        classes = sorted({t.seats for t in room.tables.values()})

        def cls(n: int) -> int:
            return next((c for c in classes if c >= n), classes[-1])

        mine = cls(size)
        tables = sum(1 for t in room.tables.values() if t.seats == mine)
        compete = sum(1 for p in ahead if cls(p.size) == mine)
        return (compete + 1) / tables * self.turn(mine, size)


class TrueModel:
    """The simulator's own parameters, as a walk Model (the benchmark's limit)."""

    def __init__(self, sc: Scenario, layout: Layout) -> None:
        import zoneinfo

        self.sc = sc
        self.tz = zoneinfo.ZoneInfo(layout.timezone)
        self.strictness = sc.strict
        seats = {t.name: t.seats for t in layout.tables}
        joins = {j.tables: j.seats for j in layout.joins}
        self.keys: dict[int, tuple[int, ...]] = {}
        top = max(list(seats.values()) + list(joins.values()))
        for size in range(1, top + 1):
            slots = slots_for(size, layout, sc.slack)
            self.keys[size] = tuple(sorted({
                table_key(seats[s[0]]) if len(s) == 1 else table_key(joins[s], True)
                for s in slots}))

    def _median(self, size: int, at: float) -> float:
        d = datetime.fromtimestamp(at, self.tz)
        return self.sc.dining_median(size, d.hour, d.weekday())

    def _extra(self, rnd) -> float:
        clear = self.sc.clearing * math.exp(self.sc.clearing_sigma * _N.inv_cdf(
            min(max(rnd(), 1e-9), 1 - 1e-9)))
        return clear + rnd() * self.sc.lag

    def _tail(self, median: float, sigma: float, elapsed: float) -> Sampler:
        p0 = _N.cdf(math.log(elapsed / median) / sigma) if elapsed > 0 else 0.0

        def draw(rnd) -> float:
            u = min(1 - 1e-9, p0 + rnd() * (1 - p0))
            return max(0.0, median * math.exp(sigma * _N.inv_cdf(u)) - elapsed)
        return draw

    def occupied(self, size: int, seated_at: float, elapsed: float) -> Sampler:
        rest = self._tail(self._median(size, seated_at), self.sc.sigma, elapsed)
        return lambda rnd: rest(rnd) + self._extra(rnd)

    def clearing(self, elapsed: float) -> Sampler:
        rest = self._tail(self.sc.clearing, self.sc.clearing_sigma, elapsed)
        return lambda rnd: rest(rnd) + rnd() * self.sc.lag

    def turn(self, size: int, at: float) -> Sampler:
        median = self._median(size, at)
        sigma = self.sc.sigma
        return lambda rnd: median * math.exp(sigma * _N.inv_cdf(
            min(max(rnd(), 1e-9), 1 - 1e-9))) + self._extra(rnd)

    def options(self, size: int, keys: Sequence[int]) -> tuple[list[tuple[int, ...]], list[float]]:
        allowed = self.keys.get(size) or tuple(k for k in keys if k < JOIN_KEY)[-1:]
        return [allowed], [1.0]

    def patience(self, waited: float) -> Sampler | None:
        sc = self.sc
        leaver = (1 - sc.stayers) * math.exp(-waited / sc.patience)
        share = leaver / (leaver + sc.stayers)  # still in line: how likely a leaver

        def draw(rnd) -> float:
            if rnd() >= share:
                return math.inf
            return -sc.patience * math.log(1.0 - rnd())
        return draw


def limit_quoter(sc: Scenario, layout: Layout, samples: int = 200) -> WalkQuoter:
    """Forward simulation with the true parameters; quotes the median (best for MAE)."""
    return WalkQuoter(TrueModel(sc, layout), layout.joins, samples, guard=0.5)


def all_baselines(quoting: Quoting, tables: Sequence[Table], joins: Sequence[Join] = (),
                  ) -> dict[str, object]:
    """The simple baselines by name (the limit needs a scenario: see limit_quoter)."""
    return {"host rule": HostRule(), "last-to-enter": LastToEnter(),
            "head-of-line": HeadOfLine(), "queue-length": QueueLength(quoting, tables),
            "config rule": RuleQuoter(quoting)}
