"""Monte Carlo walk of the waiting list: the engine behind every forward-looking quote.

One sample draws when each busy table frees (its remaining dining time given the
time already spent, then clearing), walks the waiting parties in arrival order
and gives each the earliest table it may use, sampling the dining time of the
parties seated on the way, who walks away first, and how long the host holds
back a later party while an earlier one waits for another table (or, for a
model without that, whether the host keeps strict order). Many samples give a
distribution of seat times per party, so the point quote and its 80% range come
from the same run.

The engine knows nothing of where its numbers come from: a :class:`Model`
supplies them. The estimator's model is learned from the log; the benchmark's
"limit" model holds the simulator's true parameters.
"""

from __future__ import annotations

import heapq
import math
import random
from bisect import bisect_right
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from queueapp.config import Join
from queueapp.waitlist.room import CLEARING, OCCUPIED, TableState

Rnd = Callable[[], float]
Sampler = Callable[[Rnd], float]
JOIN_KEY = 1000  # a join of N seats is the table class JOIN_KEY + N
NO_TABLE = 240.0  # minutes quoted when nothing in the room can ever seat the party
POOL = 256  # release times drawn per walk and reused across its samples


class Model(Protocol):
    """Where the walk gets its numbers. Times are epoch seconds, durations minutes."""

    @property
    def strictness(self) -> float:
        """The chance the host will not seat a party before an earlier one."""
        ...

    # Optional: ``release() -> Sampler``, minutes a table the head of the line cannot
    # use is kept free before a later party is given it. A model that has it is
    # walked with that time instead of the all-or-nothing ``strictness``.

    def occupied(self, size: int, seated_at: float, elapsed: float) -> Sampler:
        """Minutes until a table seated ``elapsed`` minutes ago is ready again."""
        ...

    def clearing(self, elapsed: float) -> Sampler:
        """Minutes until a table being cleared for ``elapsed`` minutes is ready again."""
        ...

    def turn(self, size: int, at: float) -> Sampler:
        """Minutes a table stays out after seating a party of ``size`` at ``at``."""
        ...

    def options(self, size: int, keys: Sequence[int]) -> tuple[list[tuple[int, ...]], list[float]]:
        """Sets of table classes a party may take, with their cumulative chances."""
        ...

    def patience(self, waited: float) -> Sampler | None:
        """Minutes from now until a party that has waited ``waited`` walks away."""
        ...

    # Optional: ``leaving(waited) -> Callable[[float], float] | None``, the cumulative
    # walk-away hazard from now to ``x`` minutes from now. A model that has it is walked
    # with an Exp(1) draw against it (the same as a patience draw, without inverting);
    # with ``leaving_most(waited) -> float``, the highest hazard rate (per minute) ahead,
    # the walk skips the hazard for a draw too big to run out by then.
    # Optional on a Sampler: ``many(rnd, n) -> list[float]``, ``n`` draws in a batch.


def table_key(seats: int, joined: bool = False) -> int:
    return JOIN_KEY + seats if joined else seats


def key_seats(key: int) -> int:
    return key - JOIN_KEY if key >= JOIN_KEY else key


class Batch:
    """A sampler that can also give ``n`` draws at once (``many``): the walk draws
    each busy table's free time for all its samples in one list comprehension."""

    __slots__ = ("one", "many")

    def __init__(self, one: Sampler, many: Callable[[Rnd, int], list[float]]) -> None:
        self.one = one
        self.many = many

    def __call__(self, rnd: Rnd) -> float:
        return self.one(rnd)


def tail_sampler(values: Sequence[float], elapsed: float, overdue_mean: float) -> Sampler:
    """Sample ``x - elapsed`` from sorted ``values`` given ``x > elapsed``.

    When too few past values are that long, the table is overdue: a short
    exponential wait stands in for "any minute now".
    """
    i = bisect_right(values, elapsed)
    n = len(values) - i
    if n >= 3:
        return lambda rnd: values[i + int(rnd() * n)] - elapsed
    return lambda rnd: -overdue_mean * math.log(1.0 - rnd())


def sorted_quantiles(xs: list[float], qs: Iterable[float]) -> list[float]:
    xs = sorted(xs)
    n = len(xs)
    return [xs[min(n - 1, int(q * n))] for q in qs]


@dataclass(frozen=True)
class Trace:
    """What one party's samples found, for the reason given with its quote.

    Per sample, one mark (one append in the walk's hot loop): the table class the
    party was seated at times MARK plus how many tables of that class had to free
    for it, its own included (the parties ahead seated there first, who did not walk
    away, plus one); -1 when nothing seats it, ``HELD`` when a table is kept for it.
    """

    marks: list[int]

    @property
    def keys(self) -> list[int]:
        """The table class per sample (-1: none; ``HELD``: the table kept for it)."""
        return [m // MARK if m >= 0 else m for m in self.marks]

    @property
    def turns(self) -> list[int]:
        """Tables of that class that had to free for the party, per sample."""
        return [m % MARK if m >= 0 else (1 if m == HELD else 0) for m in self.marks]


MARK = 4096  # a trace mark is class * MARK + tables freed (fewer than MARK parties wait)
HELD = -2  # Trace key: the party sits at the table(s) kept for it


def walk(tables: Iterable[TableState], joins: Sequence[Join],
         parties: Sequence[tuple[str, int, float]], now: float, model: Model,
         samples: int = 80, seed: int = 20240901,
         holds: Mapping[str, str] | None = None) -> dict[str, list[float]]:
    """Sampled minutes from ``now`` until each party is seated.

    ``parties`` are ``(id, size, minutes waited)`` in arrival order. A party's
    own samples assume it stays; parties ahead may walk away and then free
    their place. Joins are separate classes whose members are not blocked
    (big parties are rare; the approximation keeps the walk fast).

    ``holds`` (table name -> party id): a held table is its party's; that party
    sits there as soon as it is ready, and no one else gets it before the party
    has dined and the table is ready again.
    """
    return walk_traced(tables, joins, parties, now, model, samples, seed, holds)[0]


def walk_traced(tables: Iterable[TableState], joins: Sequence[Join],
                parties: Sequence[tuple[str, int, float]], now: float, model: Model,
                samples: int = 80, seed: int = 20240901,
                holds: Mapping[str, str] | None = None, trace: Container[str] = (),
                ) -> tuple[dict[str, list[float]], dict[str, Trace]]:
    """:func:`walk`, and the :class:`Trace` of each party named in ``trace``."""
    rng = random.Random(seed)
    rnd = rng.random
    tabs = list(tables)
    free_draw: list[Sampler | None] = []
    keys: list[int] = []
    for t in tabs:
        keys.append(table_key(t.seats))
        elapsed = t.minutes(now)
        if t.state == OCCUPIED:
            free_draw.append(model.occupied(t.party_size or t.seats, t.since or now, elapsed))
        elif t.state == CLEARING:
            free_draw.append(model.clearing(elapsed))
        else:
            free_draw.append(None)
    index = {t.name: i for i, t in enumerate(tabs)}
    kept: dict[str, list[int]] = {}  # party -> the tables held for it
    for name, pid in (holds or {}).items():
        if name in index:
            kept.setdefault(pid, []).append(index[name])
    join_members = [[index[n] for n in j.tables if n in index] for j in joins]
    join_keys = [table_key(j.seats, True) for j in joins]
    all_keys = sorted(set(keys) | set(join_keys))

    plans = []
    held_plans = []
    for pid, size, waited in parties:
        if pid in kept:
            held_plans.append((pid, kept[pid], model.turn(size, now)))
            continue
        opts, cum = model.options(size, all_keys)
        if not opts:
            opts, cum = [()], [1.0]
        plans.append((pid, opts, cum, model.turn(size, now), waited, size))
    out: dict[str, list[float]] = {pid: [] for pid, *_ in plans}
    out.update((pid, []) for pid, _, _ in held_plans)
    traces: dict[str, Trace] = {pid: Trace([]) for pid in out if pid in trace}
    for pid, _, _ in held_plans:
        if pid in traces:
            traces[pid].marks.extend([HELD] * samples)
    free_at_once = _free_at_once(tabs, keys, free_draw, kept, plans, held_plans)
    if free_at_once is not None:  # nobody ahead and a table that fits is free: no draws
        pid = plans[0][0]
        out[pid] = [0.0] * samples
        if pid in traces:
            traces[pid] = Trace([free_at_once * MARK + 1] * samples)
        return out, traces
    strict = model.strictness
    release_of = getattr(model, "release", None)
    held: list[float] = []  # a pool of release times, drawn once: cheap in the loop
    if release_of is not None:
        release: Sampler = release_of()
        held = [max(0.0, release(rnd)) for _ in range(POOL)]
    # every busy table's free times, one column per table, drawn in a batch; only for
    # tables some party may take (a queue of couples never waits for the 12-top)
    reach = {k for _, opts, *_ in plans for o in opts for k in o}
    needed = {i for i, k in enumerate(keys) if k in reach}
    needed.update(m for k, members in zip(join_keys, join_members, strict=True) if k in reach
                  for m in members)
    needed.update(m for _, members, _ in held_plans for m in members)
    cols = [(i, _draws(d, rnd, samples)) for i, d in enumerate(free_draw)
            if d is not None and i in needed]
    # table classes by position: the hot loop indexes lists, not dicts
    where = {k: c for c, k in enumerate(all_keys)}
    # Dining times (per party size) and Exp(1) walk-away draws come from pools of one
    # draw per sample, drawn once per walk: each party reads the pool from its own
    # offset (a different one for each), so within a sample no two parties share a
    # draw, and a walk of sixty parties draws no more than a walk of a few
    offsets = _offsets(rng, len(plans), samples)
    expo = _cycled([-math.log(1.0 - rnd()) for _ in range(samples)])
    dining: dict[int, list[float]] = {}
    loop = []
    for j, (pid, opts, cum, turn, waited, size) in enumerate(plans):
        sets = [tuple(where[k] for k in o if k in where) for o in opts]
        if len(sets) == 1:
            choice: list[tuple[int, ...]] | None = None
        else:
            last = len(sets) - 1
            choice = [sets[min(last, bisect_right(cum, rnd()))] for _ in range(samples)]
        # the last party's dining and walking away change no one's wait: not drawn
        final = j == len(plans) - 1
        at = offsets[j]
        leave = None if final else _leaving(model, waited, rnd, samples, expo[at:at + samples])
        if final:
            turns = [0.0] * samples
        else:
            pool = dining.get(size)
            if pool is None:
                pool = dining[size] = _cycled(_draws(turn, rnd, samples))
            turns = pool[at:at + samples]
        mark_of = traces.get(pid)
        loop.append((out[pid], mark_of.marks if mark_of else None, sets[0], choice, turns,
                     *(leave or (None, None, None))))
    groups = [[i for i, k in enumerate(keys) if k == key] if key in reach else []
              for key in all_keys]
    joined = [(where[k], members) for k, members in zip(join_keys, join_members, strict=True)
              if members and k in reach]
    n_tabs = len(tabs)
    heappush, heapify, heapreplace = heapq.heappush, heapq.heapify, heapq.heapreplace
    marked = [k * MARK for k in all_keys]
    for s in range(samples):  # the hot loop: plain indexing, no helpers
        free = [0.0] * n_tabs
        for i, col in cols:
            x = col[s]
            free[i] = x if x > 0.0 else 0.0
        for pid, members, turn in held_plans:
            seat = max(free[m] for m in members)
            out[pid].append(seat)
            back = seat + turn(rnd)
            for m in members:
                free[m] = back
        heaps = [[free[i] for i in idx] for idx in groups]
        for h in heaps:
            heapify(h)
        for c, members in joined:
            heappush(heaps[c], max(free[m] for m in members))
        hol = 0.0
        seated = [0] * len(heaps)  # per class: parties seated there so far this sample
        for mine, traced, allowed, choice, turns, quick, draw, gone in loop:
            if choice is not None:
                allowed = choice[s]
            best, best_c = math.inf, -1
            for c in allowed:
                h = heaps[c]
                if h and h[0] < best:
                    best, best_c = h[0], c
            if best_c < 0:
                mine.append(NO_TABLE)
                if traced is not None:
                    traced.append(-1)
                continue
            seat = best
            if seat < hol:
                if held:
                    seat += held[int(rnd() * POOL)]
                    if seat > hol:
                        seat = hol
                elif strict and rnd() < strict:
                    seat = hol
            mine.append(seat)
            if traced is not None:
                traced.append(marked[best_c] + seated[best_c] + 1)
            if quick is not None and quick[s] < seat and draw[s] < gone(seat):
                continue  # walked away before a table came: frees their place
            seated[best_c] += 1
            heapreplace(heaps[best_c], seat + turns[s])
            if seat > hol:
                hol = seat
    return out, traces


def _draws(sampler: Sampler, rnd: Rnd, n: int) -> list[float]:
    """``n`` draws of ``sampler``; in one batch when it offers one (``many``)."""
    many = getattr(sampler, "many", None)
    if many is not None:
        drawn: list[float] = many(rnd, n)
        return drawn
    return [sampler(rnd) for _ in range(n)]


def _same(x: float) -> float:
    return x


def _offsets(rng: random.Random, n: int, samples: int) -> list[int]:
    """Where in a pool of ``samples`` draws each of ``n`` parties starts reading: all
    different while they can be."""
    if n <= samples:
        return rng.sample(range(samples), n)
    return [rng.randrange(samples) for _ in range(n)]


def _cycled(pool: list[float]) -> list[float]:
    """The pool twice: a stretch of ``len(pool)`` from any offset in it fits."""
    return pool + pool


def _leaving(model: Model, waited: float, rnd: Rnd, n: int, expo: list[float],
             ) -> tuple[list[float], list[float], Callable[[float], float]] | None:
    """Per sample, whether a party walks away before a seat ``x`` minutes from now:
    ``quick[s] < x and draw[s] < gone(x)``. With the model's cumulative hazard when
    it has one (``leaving``: an Exp(1) draw, from ``expo``, against the hazard to
    come; ``quick`` is the soonest that draw could run out, at the highest rate
    ahead, so most parties who stay are known to without computing the hazard),
    else a patience draw (``quick`` and ``draw`` the same)."""
    by_hazard = getattr(model, "leaving", None)
    if by_hazard is not None:
        gone = by_hazard(waited)
        if gone is None:
            return None
        most = getattr(model, "leaving_most", None)
        fastest = most(waited) if most is not None else math.inf
        quick = [e / fastest for e in expo] if fastest > 0 else expo
        return quick, expo, gone
    patience = model.patience(waited)
    if patience is None:
        return None
    draws = [patience(rnd) for _ in range(n)]
    return draws, draws, _same


def _free_at_once(tabs: Sequence[TableState], keys: Sequence[int],
                  free_draw: Sequence[Sampler | None], kept: Mapping[str, list[int]],
                  plans: Sequence[tuple], held_plans: Sequence[tuple]) -> int | None:
    """The table class a lone party takes at once (a free, unheld table of the class it
    always tries first), or None when the walk has to be sampled. Exactly what the
    sampled walk gives in that case: every sample 0 at that class."""
    if len(plans) != 1 or held_plans:
        return None
    opts = plans[0][1]
    first = {o[0] for o in opts if o}
    if len(first) != 1 or len(opts[0]) == 0:
        return None
    k = first.pop()
    kept_tables = {i for members in kept.values() for i in members}
    if any(keys[i] == k and free_draw[i] is None and i not in kept_tables
           for i in range(len(tabs))):
        return k
    return None
