"""What the restaurant's own log teaches: the learned side of the estimator.

:class:`History` is fed events in time order (``observe``, O(1) amortised,
bounded memory: recent samples are kept in rings) and is itself a walk
:class:`~queueapp.quotes.walk.Model`. Until enough history exists for a question it
falls back to coarser history, then to the documented config defaults
(``[quoting]``: dining minutes by party size, clearing minutes).
"""

from __future__ import annotations

import math
import random
import zoneinfo
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from statistics import NormalDist

from queueapp.config import Quoting, Table
from queueapp.quotes.walk import (
    JOIN_KEY,
    Batch,
    Sampler,
    key_seats,
    table_key,
    tail_sampler,
)
from queueapp.waitlist.events import ABANDON, ARRIVE, DEPART, READY, SEAT, Event

RING = 400  # recent samples kept per question: old habits fade
ENOUGH = 30  # samples needed before a finer grouping is trusted
BIN = 5.0  # minutes per walk-away hazard bin
BINS = 60  # hazard known up to 5 hours of waiting
RBIN = 2.0  # minutes per bin of the host's release hazard (order kept, then let go)
RBINS = 30  # release hazard known up to an hour of a table standing free for a later party
HAZARD_PRIOR = 100.0  # minutes at risk a walk-away bin borrows from the bin before it
PACE_DECAY = 0.995  # the pace of dining against the config follows the last ~200 parties
PACE_ENOUGH = 10  # parties dined before that pace is trusted
PACE_PRIOR = 5.0  # parties at the config's own pace it is shrunk toward
PACE_CLIP = math.log(3.0)  # one dinner counts as at most 3 times (or a third of) the config's
PRIOR_SIGMA = 0.3  # spread of the day-one dining-time prior (log scale)
EXTRAS = 4096  # clearing + lag draws the walk reads busy tables' extra minutes from
EXTRAS_EVERY = 100  # events between fresh draws of that pool


def daypart(hour: int) -> int:
    """Meal period of a local hour: night, breakfast, lunch, tea, dinner, late."""
    if hour < 6:
        return 0
    if hour < 11:
        return 1
    if hour < 15:
        return 2
    if hour < 17:
        return 3
    if hour < 21:
        return 4
    return 5


def band(size: int) -> int:
    return 2 if size <= 2 else 4 if size <= 4 else 6 if size <= 6 else 8 if size <= 8 else 12


class Ring:
    """The last ``cap`` values, with a sorted copy made only when asked for."""

    __slots__ = ("values", "pos", "cap", "_sorted")

    def __init__(self, cap: int = RING) -> None:
        self.values: list[float] = []
        self.pos = 0
        self.cap = cap
        self._sorted: list[float] | None = None

    def add(self, x: float) -> None:
        if len(self.values) < self.cap:
            self.values.append(x)
        else:
            self.values[self.pos] = x
            self.pos = (self.pos + 1) % self.cap
        self._sorted = None

    def __len__(self) -> int:
        return len(self.values)

    def sorted(self) -> list[float]:
        if self._sorted is None:
            self._sorted = sorted(self.values)
        return self._sorted


def _inverse_hazard(h: list[float], width: float, start: float) -> Sampler:
    """Sample minutes from ``start`` until the event whose cumulative hazard at each
    ``width``-minute bin edge is ``h`` (linear within a bin, the last rate beyond)."""
    bins = len(h) - 1
    last_rate = (h[-1] - h[-2]) / width

    def at(level: float) -> float:
        if level >= h[-1]:
            return bins * width + (level - h[-1]) / max(last_rate, 1e-9)
        i = bisect_right(h, level) - 1
        step = h[i + 1] - h[i]
        return width * (i + (level - h[i]) / step if step > 0 else i)

    start = min(start, bins * width - 1e-6)
    b = int(start // width)
    base = h[b] + (start % width) * ((h[b + 1] - h[b]) / width)
    return lambda rnd: at(base - math.log(1.0 - rnd())) - start


def _hazard_ahead(h: list[float], slopes: list[float], width: float, start: float,
                  ) -> Callable[[float], float]:
    """``x -> H(start + x) - H(start)`` for the cumulative hazard ``h`` at each
    ``width``-minute bin edge (linear within a bin, the last rate beyond), clipped as
    :func:`_inverse_hazard` clips ``start``: the two agree on who walks away."""
    bins = len(h) - 1
    top = bins * width
    last_rate = slopes[-1]
    start = min(start, top - 1e-6)
    b0 = int(start // width)
    base = h[b0] + (start - b0 * width) * slopes[b0]
    end = h[-1]

    def ahead(x: float) -> float:
        at = start + x
        if at >= top:
            return end + (at - top) * last_rate - base
        b = int(at / width)
        return h[b] + (at - b * width) * slopes[b] - base
    return ahead


def _add_spell(exposure: list[float], ended: list[float], width: float, minutes: float,
               happened: bool) -> None:
    """One spell of ``minutes`` into per-bin exposure (minutes at risk), and the event
    in its last bin if it ``happened`` (else it is censored): a hazard's raw counts."""
    minutes = max(0.0, minutes)
    bins = len(exposure)
    full = min(bins, int(minutes // width))
    for b in range(full):
        exposure[b] += width
    if full < bins:
        exposure[full] += minutes - full * width
        if happened:
            ended[full] += 1


def _lognormal_points(median: float, sigma: float, n: int = 41) -> list[float]:
    nd = NormalDist()
    return [median * math.exp(sigma * nd.inv_cdf((i + 0.5) / n)) for i in range(n)]


class History:
    """Learned dining, clearing, seating habits and walk-aways; a walk Model."""

    def __init__(self, quoting: Quoting, tables: Sequence[Table], timezone: str = "UTC") -> None:
        self.quoting = quoting
        self.seats = {t.name: t.seats for t in tables}
        self.tz = zoneinfo.ZoneInfo(timezone)
        self._clock: dict[int, tuple[int, int]] = {}
        self.dining: dict[tuple, Ring] = {}
        self.clearing_ring = Ring()
        self.lag_ring = Ring(200)
        self.used: dict[int, Counter[int]] = {}  # size -> table class -> seated there
        # size -> bigger class -> (took it, waited for a smaller one while it stood free)
        self.upsize: dict[tuple[int, int], list[int]] = {}
        self.free = {t.name for t in tables}
        self.aband = [0.0] * BINS
        self.exposure = [0.0] * BINS
        self._hazard: list[float] | None = None
        self._slopes: list[float] | None = None  # per-bin rates of the hazard
        self.taken = 0  # a table went to a later party while the head (who did not fit) waited
        self.held = 0  # ... or the head was seated first: the host kept order
        # how long such a table stood free before a later party got it (right-censored
        # when the head was seated first or left): a hazard per RBIN minutes
        self.released = [0.0] * RBINS
        self.r_exposure = [0.0] * RBINS
        self._release: list[float] | None = None
        self._release_points: list[float] | None = None
        self.events_seen = 0
        self._extras: list[float] | None = None
        self._extras_at = 0
        # live state needed to turn events into samples
        self.waiting: dict[str, tuple[float, int]] = {}  # arrival order
        self.at_table: dict[str, tuple[str, int, float]] = {}  # table -> party, size, seated
        self.departed: dict[str, float] = {}
        self.ready_wait: dict[str, float] = {}  # table -> ready time, someone fitting waited
        self.chance: dict[str, tuple[str, float]] = {}  # table -> (head who did not fit, since)
        self._prior: dict[tuple[int, float], list[float]] = {}
        # (daypart, weekend) and None for all: decayed sum of log(dining / config default)
        # and the decayed count of parties behind it
        self._pace: dict[tuple[int, bool] | None, list[float]] = {}
        self._clear_prior = _lognormal_points(quoting.clearing_minutes, 0.4)

    # -- time -------------------------------------------------------------------
    def local(self, t: float) -> tuple[int, int]:
        """(weekday, hour) in the restaurant's zone; cached per hour."""
        h = int(t // 3600)
        got = self._clock.get(h)
        if got is None:
            if len(self._clock) > 20000:
                self._clock.clear()
            d = datetime.fromtimestamp(h * 3600 + 1, self.tz)
            got = self._clock[h] = (d.weekday(), d.hour)
        return got

    # -- learning ----------------------------------------------------------------
    def observe(self, ev: Event) -> None:
        self.events_seen += 1
        kind = ev.event
        if kind == ARRIVE:
            size = int(ev.size or ev.data.get("size") or 1)
            self.waiting[ev.party] = (ev.time, size)
            if len(self.waiting) > 2000:  # a party whose end was never logged
                del self.waiting[next(iter(self.waiting))]
        elif kind == SEAT:
            self._seat(ev)
        elif kind == DEPART:
            self._depart(ev)
        elif kind == READY:
            self._ready(ev)
        elif kind == ABANDON:
            got = self.waiting.pop(ev.party, None)
            if got:
                self._spell((ev.time - got[0]) / 60.0, True)
                self._resolve(ev.party, None, ev.time)

    def _seat(self, ev: Event) -> None:
        names = ev.tables
        got = self.waiting.pop(ev.party, None)
        size = int(ev.size or (got[1] if got else 0) or 1)
        for name in names:
            opened = self.chance.pop(name, None)
            if opened is not None and opened[0] != ev.party and opened[0] in self.waiting:
                self.taken += 1
                self._blocked(ev.time - opened[1], True)
            lag_from = self.ready_wait.pop(name, None)
            if lag_from is not None and got and got[0] <= lag_from \
                    and ev.time - lag_from < 30 * 60:
                self.lag_ring.add((ev.time - lag_from) / 60.0)
            self.at_table[name] = (ev.party, size, ev.time)
            self.departed.pop(name, None)
        if got:
            waited = (ev.time - got[0]) / 60.0
            self._spell(waited, False)
            if waited > 0.5 and names:
                self._learn_upsize(min(size, 20), names)
            self._resolve(ev.party, True, ev.time)
        self.free.difference_update(names)

    def _learn_upsize(self, size: int, names: list[str]) -> None:
        """How readily a waiting party is given a bigger table than it needs."""
        seats = sum(self.seats.get(n, 0) for n in names)
        key = table_key(seats, len(names) > 1)
        self.used.setdefault(size, Counter())[key] += 1
        if len(names) > 1:
            return
        least = min((s for s in self.seats.values() if s >= size), default=None)
        if least is None:
            return
        if seats > least:
            self.upsize.setdefault((size, seats), [0, 0])[0] += 1
        elif seats == least:
            for c in {self.seats[n] for n in self.free if n not in names}:
                if c > least:
                    self.upsize.setdefault((size, c), [0, 0])[1] += 1

    def _depart(self, ev: Event) -> None:
        done = set()
        for name in ev.tables:
            got = self.at_table.pop(name, None)
            if got and got[0] not in done and (not ev.party or got[0] == ev.party):
                done.add(got[0])
                party, size, seated = got
                minutes = (ev.time - seated) / 60.0
                if 0 < minutes < 8 * 60:
                    self._add_dining(size, seated, minutes)
            self.departed[name] = ev.time
        if ev.party:
            self.waiting.pop(ev.party, None)

    def _ready(self, ev: Event) -> None:
        cleared = False
        for name in ev.tables:
            since = self.departed.pop(name, None)
            if since is not None and not cleared and 0 <= ev.time - since < 3 * 3600:
                self.clearing_ring.add((ev.time - since) / 60.0)
                cleared = True
            self.at_table.pop(name, None)
            if name in self.seats:
                self.free.add(name)
            seats = self.seats.get(name)
            if seats is None or not self.waiting:
                continue
            head = next(iter(self.waiting))
            fits = [v[1] <= seats for v in self.waiting.values()]
            if fits[0]:  # the head fits: any delay is the host's, not order-keeping
                self.ready_wait[name] = ev.time
            if not fits[0] and any(fits[1:]):
                self.chance[name] = (head, ev.time)

    def _resolve(self, party: str, seated: bool | None, at: float) -> None:
        """The head of an open chance left the list: seated first means order was kept."""
        for name in [n for n, h in self.chance.items() if h[0] == party]:
            _, since = self.chance.pop(name)
            self._blocked(at - since, False)
            if seated:
                self.held += 1

    def _blocked(self, seconds: float, released: bool) -> None:
        """A table stood free ``seconds`` for a later party while the head waited."""
        _add_spell(self.r_exposure, self.released, RBIN, seconds / 60.0, released)
        self._release = self._release_points = None

    def _spell(self, waited: float, walked: bool) -> None:
        """A finished wait: exposure to walking away, and a walk-away if it ended so."""
        _add_spell(self.exposure, self.aband, BIN, waited, walked)
        self._hazard = self._slopes = None

    def _add_dining(self, size: int, seated: float, minutes: float) -> None:
        wd, hour = self.local(seated)
        s, dp, we = min(size, 20), daypart(hour), wd >= 5
        # clipped: one table seated by mistake and cleared a minute later must not set
        # the pace (the rings behind quotes use quantiles; this is a mean)
        ratio = max(-PACE_CLIP, min(PACE_CLIP, math.log(minutes / self.quoting.dining_for(s))))
        for where in ((dp, we), None):
            acc = self._pace.setdefault(where, [0.0, 0.0])
            acc[0] = acc[0] * PACE_DECAY + ratio
            acc[1] = acc[1] * PACE_DECAY + 1.0
        for key in ((s, dp, we), (s, dp), (s,), ("b", band(s))):
            ring = self.dining.get(key)
            if ring is None:
                ring = self.dining[key] = Ring()
            ring.add(minutes)

    # -- the Model -----------------------------------------------------------------
    @property
    def strictness(self) -> float:
        """Share of such tables kept until the head was seated (the walk uses ``release``)."""
        return (self.held + 0.6) / (self.taken + self.held + 2.0)

    def dining_values(self, size: int, at: float) -> list[float]:
        """Past dining minutes most like this party: same size, meal and kind of day."""
        wd, hour = self.local(at)
        s, dp, we = min(size, 20), daypart(hour), wd >= 5
        for key in ((s, dp, we), (s, dp), (s,), ("b", band(s))):
            ring = self.dining.get(key)
            if ring is not None and len(ring) >= ENOUGH:
                return ring.sorted()
        pace = round(self.pace(dp, we), 2)
        prior = self._prior.get((s, pace))
        if prior is None:
            if len(self._prior) > 2000:
                self._prior.clear()
            prior = self._prior[s, pace] = _lognormal_points(
                self.quoting.dining_for(s) * pace, PRIOR_SIGMA)
        return prior

    def pace(self, dp: int, we: bool) -> float:
        """How long this restaurant's parties dine against the config's defaults, at this
        meal and kind of day (all meals until it has seen some): the config's minutes
        times this stand in for a party size too rare to have its own history yet. The
        many small parties teach it within a day, so a six-top is not quoted at the
        config's pace for the weeks its own history takes."""
        for where in ((dp, we), None):
            acc = self._pace.get(where)
            if acc is not None and acc[1] >= PACE_ENOUGH:
                return math.exp(acc[0] / (acc[1] + PACE_PRIOR))
        return 1.0

    def clearing_values(self) -> list[float]:
        ring = self.clearing_ring
        return ring.sorted() if len(ring) >= ENOUGH else self._clear_prior

    def occupied(self, size: int, seated_at: float, elapsed: float) -> Sampler:
        values = self.dining_values(size, seated_at)
        clear, lag = self.clearing_values(), self.lag_values()
        nc, nl = len(clear), len(lag)
        i = bisect_right(values, elapsed)
        n = len(values) - i
        if n >= 3:  # the walk's hottest sampler: one flat expression (as tail_sampler)
            return Batch(
                lambda rnd: (values[i + int(rnd() * n)] - elapsed + clear[int(rnd() * nc)]
                             + lag[int(rnd() * nl)]),
                lambda rnd, k: self._with_extra(values, i, n, -elapsed, rnd, k))
        rest = tail_sampler(values, elapsed, max(2.0, 0.08 * values[len(values) // 2]))
        return lambda rnd: rest(rnd) + clear[int(rnd() * nc)] + lag[int(rnd() * nl)]

    def clearing(self, elapsed: float) -> Sampler:
        rest = tail_sampler(self.clearing_values(), elapsed, 1.5)
        lag = self.lag_values()
        n = len(lag)
        return lambda rnd: rest(rnd) + lag[int(rnd() * n)]

    def turn(self, size: int, at: float) -> Sampler:
        values = self.dining_values(size, at)
        clear, lag = self.clearing_values(), self.lag_values()
        n, nc, nl = len(values), len(clear), len(lag)
        return Batch(
            lambda rnd: values[int(rnd() * n)] + clear[int(rnd() * nc)] + lag[int(rnd() * nl)],
            lambda rnd, k: self._with_extra(values, 0, n, 0.0, rnd, k))

    def _with_extra(self, values: list[float], first: int, n: int, shift: float,
                    rnd: Callable[[], float], k: int) -> list[float]:
        """``k`` draws of a dining time from ``values[first:first + n]`` plus ``shift``,
        clearing and the host's lag; the last two read from :meth:`extras` at a random
        offset (one uniform a draw instead of three: the walk's biggest cost)."""
        extras = self.extras()
        if k > EXTRAS:
            clear, lag = self.clearing_values(), self.lag_values()
            nc, nl = len(clear), len(lag)
            return [values[first + int(rnd() * n)] + shift + clear[int(rnd() * nc)]
                    + lag[int(rnd() * nl)] for _ in range(k)]
        at = int(rnd() * EXTRAS)
        return [values[first + int(rnd() * n)] + shift + e for e in extras[at:at + k]]

    def extras(self) -> list[float]:
        """Clearing plus the host's lag: EXTRAS draws (then the same again, so a stretch
        from any offset fits), drawn afresh every EXTRAS_EVERY events seen."""
        if self._extras is None or self.events_seen - self._extras_at >= EXTRAS_EVERY:
            clear, lag = self.clearing_values(), self.lag_values()
            nc, nl = len(clear), len(lag)
            r = random.Random(self.events_seen).random
            pool = [clear[int(r() * nc)] + lag[int(r() * nl)] for _ in range(EXTRAS)]
            self._extras, self._extras_at = pool + pool, self.events_seen
        return self._extras

    def options(self, size: int, keys: Sequence[int]) -> tuple[list[tuple[int, ...]], list[float]]:
        """Sets of table classes a party of ``size`` may take, with cumulative chances.

        The smallest class that fits is always allowed. Each bigger class this
        size has been given is allowed with the chance the host took it rather
        than keep waiting while it stood free. Day one allows the smallest fit.
        Parties bigger than any table use joins, or what history shows.
        """
        s = min(size, 20)
        used = self.used.get(s, Counter())
        singles = [k for k in keys if JOIN_KEY > k >= size]
        if not singles:
            joins = [k for k in keys if k >= JOIN_KEY and key_seats(k) >= size]
            seen = [k for k in keys if used[k] > 0]
            base = joins[:1] or sorted(seen, key=lambda k: -used[k])[:1] or \
                [max(keys, key=key_seats)] if keys else []
            return ([tuple(base)], [1.0]) if base else ([], [])
        total = sum(used.values())
        uppers = sorted((k for k in singles[1:] if used[k] >= max(2, 0.02 * total)),
                        key=lambda k: -used[k])[:3]
        chances = []
        for k in uppers:
            took, passed = self.upsize.get((s, k), (0, 0))
            chances.append((took + 0.5) / (took + passed + 1.0))
        opts: list[tuple[int, ...]] = []
        cum: list[float] = []
        acc = 0.0
        for mask in range(1 << len(uppers)):
            p = 1.0
            allowed = [singles[0]]
            for i, (k, c) in enumerate(zip(uppers, chances, strict=True)):
                if mask >> i & 1:
                    p *= c
                    allowed.append(k)
                else:
                    p *= 1 - c
            acc += p
            opts.append(tuple(allowed))
            cum.append(acc)
        return opts, cum

    def release_hazard(self) -> list[float]:
        """Cumulative chance-per-minute that the host lets a later party take a table the
        head cannot use, at each RBIN edge of how long it has stood free for them.

        Each bin is shrunk toward the pooled rate over all bins (prior: 0.5 a minute,
        a host who barely keeps order), so sparse long waits borrow from the rest.
        """
        if self._release is None:
            pooled = (sum(self.released) + 0.5) / (sum(self.r_exposure) + 1.0)
            h, acc = [0.0], 0.0
            for a, x in zip(self.released, self.r_exposure, strict=True):
                acc += RBIN * (a + 10.0 * pooled) / (x + 10.0)
                h.append(acc)
            self._release = h
        return self._release

    def lag_values(self) -> list[float]:
        """The host's minutes from a table ready to seating the head there."""
        return self.lag_ring.sorted() if len(self.lag_ring) >= ENOUGH else [0.5]

    def release(self) -> Sampler:
        """Minutes a table the head of the line does not fit is kept free, beyond the
        host's usual lag (already in every turn), before a later party is given it."""
        if self._release_points is None:  # quantiles: the walk draws this very often
            held = _inverse_hazard(self.release_hazard(), RBIN, 0.0)
            self._release_points = [held(_fixed((i + 0.5) / 64)) for i in range(64)]
        points = self._release_points
        lag = self.lag_values()
        n = len(lag)
        return lambda rnd: max(0.0, points[int(rnd() * 64)] - lag[int(rnd() * n)])

    def leaving_most(self, waited: float) -> float:
        """The highest walk-away rate (per minute) from ``waited`` minutes of waiting on:
        no party can walk away sooner than an Exp(1) draw divided by it."""
        rates = self._rates()
        return max(rates[min(len(rates) - 1, int(max(0.0, waited) // BIN)):])

    def _rates(self) -> list[float]:
        """The walk-away rate per minute in each bin of the current hazard."""
        h = self.hazard()
        if self._slopes is None:
            self._slopes = [(h[b + 1] - h[b]) / BIN for b in range(len(h) - 1)]
        return self._slopes

    def hazard(self) -> list[float]:
        """Cumulative walk-away hazard at each bin edge.

        Each bin's rate is shrunk toward the rate of the bin before it (the first bin's
        toward the pooled rate over all bins, itself 0.2% a minute on day one). Few
        parties wait an hour, so late bins are sparse: pulled toward a fixed 0.2% a
        minute they made a room whose guests leave after half an hour look patient,
        and the parties waiting for its one big table were quoted as if the line ahead
        would all stay; pulled toward the neighbour, a sparse bin follows the trend of
        the waits just shorter than it (guests who stay long are the patient ones).
        """
        if self._hazard is None:
            rate = (sum(self.aband) + 0.4) / (sum(self.exposure) + 200.0)
            h, acc = [0.0], 0.0
            for a, x in zip(self.aband, self.exposure, strict=True):
                rate = (a + HAZARD_PRIOR * rate) / (x + HAZARD_PRIOR)
                acc += BIN * rate
                h.append(acc)
            self._hazard = h
        return self._hazard

    def patience(self, waited: float) -> Sampler | None:
        return _inverse_hazard(self.hazard(), BIN, waited)

    def leaving(self, waited: float) -> Callable[[float], float]:
        """The walk-away hazard still to come between now and ``x`` minutes from now,
        for a party that has waited ``waited`` (what ``patience`` inverts)."""
        rates = self._rates()
        return _hazard_ahead(self.hazard(), rates, BIN, waited)


def _fixed(u: float) -> Callable[[], float]:
    """A "random" draw that always gives ``u``: reads a sampler at a chosen quantile."""
    return lambda: u
