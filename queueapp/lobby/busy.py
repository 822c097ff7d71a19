"""Busy hours and the best time to come, learnt from this restaurant's own events.

For each local hour of the day: how many parties arrived on an average day and how
long they waited (arrival to seat, median). Days are the restaurant's business days
(``[restaurant] day_starts``), so a late service's small hours stay with its evening.
Recent weeks only; days of the same weekday as today are preferred when there are
enough of them. With too little
history it says so (``enough`` False) rather than guess.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from queueapp.clock import business_date, business_day_bounds, into_day
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
    hours: tuple[Hour, ...]  # hours with arrivals, in the business day's order
    # busy spans (first hour, hour after the last; past 24 when a span runs past midnight)
    busy: tuple[tuple[int, int], ...]
    best: Hour | None  # among the hours still to come today, the shortest usual wait


NOTHING = Busy(False, 0, None, (), (), None)


def learn(events: Iterable[Event], now: float, tz: str, day_starts: int) -> Busy:
    """The busy hours from ``events`` (any order) before today, as of ``now``. Days are
    business days (from ``day_starts``, local): an arrival at 01:00 belongs to the evening
    before, counts on its weekday, and its hour comes after that evening's."""
    zone = ZoneInfo(tz)
    today = business_date(now, tz, day_starts)
    today_starts = business_day_bounds(today, tz, day_starts)[0]
    arrived: dict[str, tuple[date, int]] = {}  # party -> (business date, local hour)
    seated: dict[str, float] = {}
    times: dict[str, float] = {}
    for ev in events:
        if ev.time >= today_starts:
            continue  # today is not over: its hours would count short
        if ev.event == ARRIVE:
            arrived[ev.party] = (business_date(ev.time, tz, day_starts),
                                 datetime.fromtimestamp(ev.time, zone).hour)
            times[ev.party] = ev.time
        elif ev.event == SEAT:
            seated[ev.party] = ev.time
    same = {d for d, _ in arrived.values() if d.weekday() == today.weekday()}
    every = {d for d, _ in arrived.values()}
    if len(same) >= MIN_DAYS:
        days, weekday = same, today.weekday()
    elif len(every) >= MIN_DAYS:
        days, weekday = every, None
    else:
        return NOTHING
    counts: dict[int, int] = defaultdict(int)
    waits: dict[int, list[float]] = defaultdict(list)
    for pid, (day, hour) in arrived.items():
        if day not in days:
            continue
        counts[hour] += 1
        if pid in seated and seated[pid] >= times[pid]:
            waits[hour].append((seated[pid] - times[pid]) / 60.0)

    def into(hour: int) -> int:  # minutes into the business day the hour starts
        return into_day(hour * 60, day_starts)

    hours = tuple(Hour(h, counts[h] / len(days),
                       statistics.median(waits[h]) if len(waits[h]) >= MIN_WAITS else None)
                  for h in sorted(counts, key=into))
    peak = max(h.arrivals for h in hours)
    busy_hours = [h.hour for h in hours if h.arrivals >= BUSY_SHARE * peak]
    local_now = datetime.fromtimestamp(now, zone)
    now_into = into_day(local_now.hour * 60 + local_now.minute, day_starts)
    to_come = [h for h in hours if into(h.hour) > now_into and h.wait is not None]
    best = min(to_come, key=lambda h: (round(h.wait or 0.0), h.arrivals, into(h.hour))) \
        if to_come else None
    return Busy(True, len(days), weekday, hours, _spans(busy_hours), best)


def _spans(hours: list[int]) -> tuple[tuple[int, int], ...]:
    """Consecutive hours, given in the business day's order, as (first, after last); a
    span past midnight ends past 24: [12, 18, 19, 20] -> (12, 13), (18, 21), and
    [22, 23, 0] -> (22, 25)."""
    spans: list[list[int]] = []
    for h in hours:
        if spans and spans[-1][1] % 24 == h:
            spans[-1][1] += 1
        else:
            spans.append([h, h + 1])
    return tuple((a, b) for a, b in spans)


def busy_hours(store: Store, now: float, tz: str, day_starts: int, weeks: int = WEEKS) -> Busy:
    """The busy hours from the store's events of the last ``weeks`` weeks."""
    return learn(store.all_events(since=now - weeks * 7 * DAY), now, tz, day_starts)
