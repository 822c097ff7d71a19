"""Busy hours and the best time to come, learnt from this restaurant's own events.

For each local hour of the day: how many parties arrived on an average day and how
long they waited (arrival to seat, median). Recent weeks only; days of the same
weekday as today are preferred when there are enough of them. With too little
history it says so (``enough`` False) rather than guess.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import arrow

from queueapp.store import Store
from queueapp.waitlist.events import ARRIVE, SEAT, Event

WEEKS = 8  # how far back the hours are learnt
MIN_DAYS = 3  # days with arrivals needed before anything is said
BUSY_SHARE = 0.75  # an hour with at least this share of the peak hour's arrivals is busy
MIN_WAITS = 3  # seated parties an hour needs before its wait is told
DAY = 86400


@dataclass(frozen=True)
class Hour:
    hour: int  # local hour of the day, 0-23
    arrivals: float  # parties arriving in it on an average day
    wait: float | None  # median minutes from arrival to seat (None: too few seated)


@dataclass(frozen=True)
class Busy:
    enough: bool  # False: too little history to say anything
    days: int  # days the figures come from
    weekday: int | None  # 0=Monday..6: the figures are for this weekday (None: every day)
    hours: tuple[Hour, ...]  # hours with arrivals, in order
    busy: tuple[tuple[int, int], ...]  # busy spans (first hour, hour after the last)
    best: Hour | None  # among the hours still to come today, the shortest usual wait


NOTHING = Busy(False, 0, None, (), (), None)


def learn(events: Iterable[Event], now: float, tz: str) -> Busy:
    """The busy hours from ``events`` (any order) before today (local), as of ``now``."""
    local_now = arrow.get(now).to(tz)
    today = local_now.floor("day")
    arrived: dict[str, tuple[str, int, int]] = {}  # party -> (date, weekday, hour)
    seated: dict[str, float] = {}
    times: dict[str, float] = {}
    for ev in events:
        if ev.time >= today.float_timestamp:
            continue  # today is not over: its hours would count short
        if ev.event == ARRIVE:
            at = arrow.get(ev.time).to(tz)
            arrived[ev.party] = (at.format("YYYY-MM-DD"), at.weekday(), at.hour)
            times[ev.party] = ev.time
        elif ev.event == SEAT:
            seated[ev.party] = ev.time
    same = {d for d, wd, _ in arrived.values() if wd == local_now.weekday()}
    every = {d for d, _, _ in arrived.values()}
    if len(same) >= MIN_DAYS:
        days, weekday = same, local_now.weekday()
    elif len(every) >= MIN_DAYS:
        days, weekday = every, None
    else:
        return NOTHING
    counts: dict[int, int] = defaultdict(int)
    waits: dict[int, list[float]] = defaultdict(list)
    for pid, (date, _, hour) in arrived.items():
        if date not in days:
            continue
        counts[hour] += 1
        if pid in seated and seated[pid] >= times[pid]:
            waits[hour].append((seated[pid] - times[pid]) / 60.0)
    hours = tuple(Hour(h, counts[h] / len(days),
                       statistics.median(waits[h]) if len(waits[h]) >= MIN_WAITS else None)
                  for h in sorted(counts))
    peak = max(h.arrivals for h in hours)
    busy_hours = [h.hour for h in hours if h.arrivals >= BUSY_SHARE * peak]
    to_come = [h for h in hours if h.hour > local_now.hour and h.wait is not None]
    best = min(to_come, key=lambda h: (round(h.wait or 0.0), h.arrivals, h.hour)) \
        if to_come else None
    return Busy(True, len(days), weekday, hours, _spans(busy_hours), best)


def _spans(hours: list[int]) -> tuple[tuple[int, int], ...]:
    """Consecutive hours as (first, after last): [18, 19, 20, 12] -> (12, 13), (18, 21)."""
    spans: list[list[int]] = []
    for h in sorted(hours):
        if spans and spans[-1][1] == h:
            spans[-1][1] = h + 1
        else:
            spans.append([h, h + 1])
    return tuple((a, b) for a, b in spans)


def busy_hours(store: Store, now: float, tz: str, weeks: int = WEEKS) -> Busy:
    """The busy hours from the store's events of the last ``weeks`` weeks."""
    return learn(store.all_events(since=now - weeks * 7 * DAY), now, tz)
