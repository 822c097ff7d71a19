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
from collections.abc import Callable, Iterable, Mapping, Sequence
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


def table_key(seats: int, joined: bool = False) -> int:
    return JOIN_KEY + seats if joined else seats


def key_seats(key: int) -> int:
    return key - JOIN_KEY if key >= JOIN_KEY else key


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
        plans.append((pid, opts, cum, model.turn(size, now), model.patience(waited)))
    out: dict[str, list[float]] = {pid: [] for pid, *_ in plans}
    out.update((pid, []) for pid, _, _ in held_plans)
    strict = model.strictness
    release_of = getattr(model, "release", None)
    held: list[float] = []  # a pool of release times, drawn once: cheap in the loop
    if release_of is not None:
        release: Sampler = release_of()
        held = [max(0.0, release(rnd)) for _ in range(POOL)]
    busy = [(i, d) for i, d in enumerate(free_draw) if d is not None]
    by_key: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        by_key.setdefault(k, []).append(i)
    groups = list(by_key.items())
    for _ in range(samples):  # the hot loop: plain indexing, no helpers
        free = [0.0] * len(tabs)
        for i, d in busy:
            x = d(rnd)
            free[i] = x if x > 0.0 else 0.0
        for pid, members, turn in held_plans:
            seat = max(free[m] for m in members)
            out[pid].append(seat)
            back = seat + turn(rnd)
            for m in members:
                free[m] = back
        heaps: dict[int, list[float]] = {k: [free[i] for i in idx] for k, idx in groups}
        for k, members in zip(join_keys, join_members, strict=True):
            if members:
                heaps.setdefault(k, []).append(max(free[m] for m in members))
        for heap in heaps.values():
            heapq.heapify(heap)
        hol = 0.0
        for pid, opts, cum, turn, patience in plans:
            allowed = opts[0] if len(opts) == 1 else opts[min(len(opts) - 1,
                                                              bisect_right(cum, rnd()))]
            best, best_key = math.inf, -1
            for k in allowed:
                h = heaps.get(k)
                if h and h[0] < best:
                    best, best_key = h[0], k
            if best_key < 0:
                out[pid].append(NO_TABLE)
                continue
            seat = best
            if seat < hol:
                if held:
                    seat += held[int(rnd() * POOL)]
                    if seat > hol:
                        seat = hol
                elif strict and rnd() < strict:
                    seat = hol
            out[pid].append(seat)
            if patience is not None and patience(rnd) < seat:
                continue  # walked away before a table came: frees their place
            heapq.heapreplace(heaps[best_key], seat + turn(rnd))
            if seat > hol:
                hol = seat
    return out
