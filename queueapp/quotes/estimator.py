"""The wait estimator: quotes learned from the restaurant's own history.

:class:`Estimator` fills the :class:`~queueapp.quotes.rule.Quoter` protocol. It
learns online from events (:class:`~queueapp.quotes.history.History`) and quotes by a
Monte Carlo walk of the room (:func:`~queueapp.quotes.walk.walk`): each busy table
frees after the rest of a dining time like the ones this restaurant has seen,
given how long the party has sat; parties ahead may walk away; the host keeps
order as strictly as the log shows. The point is the median sampled wait,
raised where the spread is wide so few guests wait more than 5 minutes past it;
the range is the middle 80% of the samples. Each quote carries its reason from the
same walk (:mod:`queueapp.quotes.reason`): which tables the party waits for, how
many parties ahead take them first, and when they should free.
"""

from __future__ import annotations

import random
import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import replace

from queueapp.config import Config, Join, Quoting, Table
from queueapp.quotes.history import History
from queueapp.quotes.reason import explain
from queueapp.quotes.rule import Quote
from queueapp.quotes.walk import Model, Trace, sorted_quantiles, walk_traced
from queueapp.waitlist.events import ABANDON, ARRIVE, SEAT, Event
from queueapp.waitlist.room import FREE, OCCUPIED, Room, TableState

NEW = "__new__"
OVER = 5.0  # minutes past the quote that count as "waited longer than quoted"
GUARD = 0.5  # the point is at least this quantile minus OVER minutes
GUARDS = tuple(g / 100 for g in range(50, 96, 2))  # 0.50, 0.52 ... 0.94
TOO_LONG = 0.10  # aim: at most this share of guests wait more than OVER past the quote
DECAY = 0.998  # calibration memory: roughly the last 500 seated parties
BANDS = (2, 4, 6)  # party-size bands with a guard of their own: 1-2, 3-4, 5-6, 7+
ALL = len(BANDS) + 1  # the calibration slot for every party together


def size_band(size: int) -> int:
    """0 for parties of 1-2, 1 for 3-4, 2 for 5-6, 3 for 7 and more."""
    return next((i for i, top in enumerate(BANDS) if size <= top), len(BANDS))


def quote_from(samples: list[float], guard: float = GUARD) -> Quote:
    """Point, low and high from sampled waits (minutes)."""
    low, mid, high, upper = sorted_quantiles(samples, (0.1, 0.5, 0.9, guard))
    point = max(mid, upper - OVER)
    return Quote(point, min(low, point), max(high, point))


class WalkQuoter:
    """A quoter that walks the room with some Model; learning is left to subclasses."""

    def __init__(self, model: Model, joins: Sequence[Join] = (), samples: int = 80,
                 guard: float = GUARD) -> None:
        self.model = model
        self.joins = tuple(joins)
        self.samples = samples
        self.guard = guard

    def observe(self, event: Event) -> None:
        return None

    def _walk(self, room: Room, now: float, extra: int | None,
              ) -> tuple[dict[str, list[float]], dict[str, Trace], dict[str, int]]:
        """Samples per party, the traces of the parties to explain (the new party
        only, when there is one), and each party's size."""
        parties = [(p.id, p.size, p.waited(now)) for p in room.waiting()]
        if extra is not None:
            parties.append((NEW, extra, 0.0))
        explain_for = (NEW,) if extra is not None else {pid for pid, _, _ in parties}
        samples, traces = walk_traced(room.tables.values(), self.joins, parties, now,
                                      self.model, self.samples, holds=room.holds(now),
                                      trace=explain_for)
        return samples, traces, {pid: size for pid, size, _ in parties}

    def _quote(self, pid: str, samples: list[float], traces: dict[str, Trace],
               sizes: dict[str, int], guard: float) -> Quote:
        quote = quote_from(samples, guard)
        trace = traces.get(pid)
        if trace is None:
            return quote
        return replace(quote, reason=explain(samples, trace, sizes[pid], quote.minutes))

    def quote_all(self, room: Room, now: float) -> dict[str, Quote]:
        samples, traces, sizes = self._walk(room, now, None)
        return {pid: self._quote(pid, s, traces, sizes, self.guard)
                for pid, s in samples.items()}

    def quote_new(self, room: Room, size: int, now: float) -> Quote:
        samples, traces, sizes = self._walk(room, now, size)
        return self._quote(NEW, samples[NEW], traces, sizes, self.guard)


class Estimator(WalkQuoter):
    """Quotes from learned history; from config defaults on day one.

    ``observe`` every event in time order (the app replays the last weeks of
    the database at startup); ``quote_all``/``quote_new`` at any moment.

    It also checks itself: the quote given at arrival (``quote_new``) is kept
    until the party is seated, and the point is raised from the median just
    enough that, on this restaurant's recent parties, no more than 10% waited
    over 5 minutes longer than quoted. Each size band is judged on its own
    parties once it has 50 seated to judge by (before that, on everyone's):
    couples seated at the many two-tops need little guard, the parties of seven
    waiting for the one eight-top need much more, and one guard for the room
    over-quoted the first while it let the second wait past their quotes.
    """

    @classmethod
    def for_config(cls, config: Config) -> Estimator:
        """The estimator the host stand uses for this restaurant."""
        return cls(config.quoting, config.tables, config.timezone, config.joins)

    def __init__(self, quoting: Quoting, tables: Sequence[Table], timezone: str = "UTC",
                 joins: Sequence[Join] = (), samples: int = 200) -> None:
        self.history = History(quoting, tables, timezone)
        super().__init__(self.history, joins, samples, 0.6)
        self._asked: deque[tuple[float, int, list[float]]] = deque(maxlen=50)
        self._open: dict[str, tuple[int, list[float]]] = {}  # party -> band, guard cuts
        self._arrived: dict[str, float] = {}
        # per size band, and (last, ALL) for all parties: over-quotes per guard, seen
        self._over = [[0.0] * len(GUARDS) for _ in range(ALL + 1)]
        self._seen = [0.0] * (ALL + 1)

    def observe(self, event: Event) -> None:
        self.history.observe(event)
        kind = event.event
        if kind == ARRIVE:
            self._match(event)
        elif kind == SEAT:
            got = self._open.pop(event.party, None)
            if got is not None:
                waited = (event.time - self._arrived.pop(event.party)) / 60.0
                self._check(got[1], waited, got[0])
                self._check(got[1], waited, ALL)
        elif kind == ABANDON:
            self._open.pop(event.party, None)
            self._arrived.pop(event.party, None)

    def _match(self, event: Event) -> None:
        """Tie the quote asked for at the stand to the party that then arrived."""
        size = int(event.size or 1)
        for i in range(len(self._asked) - 1, -1, -1):
            at, asked, cuts = self._asked[i]
            if asked == size and 0 <= event.time - at <= 600:
                del self._asked[i]
                if len(self._open) > 5000:
                    old = next(iter(self._open))
                    del self._open[old]
                    self._arrived.pop(old, None)
                self._open[event.party] = (size_band(size), cuts)
                self._arrived[event.party] = event.time
                return

    def _check(self, cuts: list[float], waited: float, slot: int) -> None:
        """Which guard levels would have kept this wait within OVER of the quote
        (``slot``: the party's size band, or ALL)."""
        mid = cuts[0]
        self._seen[slot] = self._seen[slot] * DECAY + 1.0
        over_at = self._over[slot]
        for i, upper in enumerate(cuts):
            over = waited > max(mid, upper - OVER) + OVER
            over_at[i] = over_at[i] * DECAY + over

    def _level(self, slot: int) -> float | None:
        """The lowest guard that kept ``slot``'s recent parties within the aim, or None
        before 50 of them have been seated."""
        seen = self._seen[slot]
        if seen < 50:
            return None
        for g, over in zip(GUARDS, self._over[slot], strict=True):
            if over / seen <= TOO_LONG:
                return g
        return GUARDS[-1]

    def _guard(self, size: int | None = None) -> float:
        """The guard for a party of ``size`` (None: the one for all parties)."""
        every = self._level(ALL)
        if every is None:
            return self.guard
        own = None if size is None else self._level(size_band(size))
        return every if own is None else own

    def ready_in(self, table: TableState, now: float, draws: int = 101) -> float:
        """Median minutes until a table is ready for the next party, from what this
        restaurant's tables have taken (for the walk-away rescue)."""
        if table.state == FREE:
            return 0.0
        elapsed = table.minutes(now)
        if table.state == OCCUPIED:
            sampler = self.history.occupied(table.party_size or table.seats,
                                            table.since or now, elapsed)
        else:
            sampler = self.history.clearing(elapsed)
        rnd = random.Random(table.name).random  # the same answer for the same state
        return statistics.median(sampler(rnd) for _ in range(draws))

    def quote_all(self, room: Room, now: float) -> dict[str, Quote]:
        guards = {band: self._guard(top) for band, top in enumerate((*BANDS, BANDS[-1] + 1))}
        samples, traces, sizes = self._walk(room, now, None)
        return {pid: self._quote(pid, s, traces, sizes, guards[size_band(sizes[pid])])
                for pid, s in samples.items()}

    def quote_new(self, room: Room, size: int, now: float) -> Quote:
        samples, traces, sizes = self._walk(room, now, size)
        mine = samples[NEW]
        self._asked.append((now, size, sorted_quantiles(mine, GUARDS)))
        return self._quote(NEW, mine, traces, sizes, self._guard(size))

    def preview_new(self, room: Room, size: int, now: float) -> Quote:
        """What a newcomer of ``size`` would be quoted, told to nobody in particular (the
        waiting-area board): unlike ``quote_new`` it is not matched to the next arrival,
        so it never enters the estimator's check of its own quotes."""
        samples, traces, sizes = self._walk(room, now, size)
        return self._quote(NEW, samples[NEW], traces, sizes, self._guard(size))
