"""Time at the stand, injectable so time-based behaviour is testable.

All arithmetic is done in UTC; convert to the restaurant's zone only to show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Protocol
from zoneinfo import ZoneInfo

import arrow


class Clock(Protocol):
    def now(self) -> arrow.Arrow: ...


class SystemClock:
    """The real time."""

    def now(self) -> arrow.Arrow:
        return arrow.utcnow()


class FixedClock:
    """A clock that only moves when told to (tests, simulations, backtests)."""

    def __init__(self, start: arrow.Arrow | str) -> None:
        self._now = arrow.get(start).to("UTC")

    def now(self) -> arrow.Arrow:
        return self._now

    def set(self, when: arrow.Arrow | str) -> None:
        self._now = arrow.get(when).to("UTC")

    def advance(self, minutes: float = 0, seconds: float = 0) -> None:
        self._now = self._now.shift(minutes=minutes, seconds=seconds)


def clock_minutes(since: float | None, now: float) -> int:
    """Whole minutes from ``since`` to ``now`` as a wall clock counts them (the minute
    hand, not the stopwatch): every time on screen steps at the same moment, once a
    minute, so the lists are redrawn once a minute instead of whenever one of sixty
    parties passes its own minute. At most a minute more than the stopwatch."""
    if since is None:
        return 0
    return max(0, int(now // 60) - int(since // 60))


def period_start(now: float, timezone: str, starts: Iterable[int]) -> float:
    """When the period ``now`` falls in began: the latest of the local times of day
    ``starts`` (minutes after midnight) at or before ``now`` (a shift, the queue
    numbers' day)."""
    tz = ZoneInfo(timezone)
    local = datetime.fromtimestamp(now, tz)
    minute = local.hour * 60 + local.minute
    ordered = sorted(starts)
    earlier = [m for m in ordered if m <= minute]
    day = local.date() if earlier else local.date() - timedelta(days=1)
    start = earlier[-1] if earlier else ordered[-1]
    return datetime.combine(day, dtime(start // 60, start % 60), tz).timestamp()


def period_bounds(now: float, timezone: str, starts: Iterable[int]) -> tuple[float, float]:
    """The period ``now`` falls in: when it began and when the next one begins."""
    ordered = sorted(starts)
    start = period_start(now, timezone, ordered)
    tz = ZoneInfo(timezone)
    day = datetime.fromtimestamp(start, tz).date()
    while True:  # the first start after this one (the next day's first, at the latest)
        for m in ordered:
            t = datetime.combine(day, dtime(m // 60, m % 60), tz).timestamp()
            if t > start:
                return start, t
        day += timedelta(days=1)


# -- the business day ---------------------------------------------------------------------
# A restaurant's "day" runs from ``[restaurant] day_starts`` to the next one: a hotpot
# house open until 02:00 has one evening, not the end of one date and the start of the
# next. It is the one-start case of the periods above.

def business_date(now: float, timezone: str, day_starts: int) -> date:
    """The business date ``now`` belongs to: the local date its day began on (01:30 with
    days starting at 04:00 belongs to the evening before)."""
    start = period_start(now, timezone, (day_starts,))
    return datetime.fromtimestamp(start, ZoneInfo(timezone)).date()


# the business dates a report, an export or the review may name; written YYYY-MM-DD
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2199, 12, 31)
DAY_FORM = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)  # ASCII: "２０２６" is no date


def day_problem(text: str) -> str:
    """What is wrong with ``text`` as a business date to report on: ``"form"`` (not
    YYYY-MM-DD), ``"missing"`` (no such day: 2026-02-30), ``"range"`` (outside FIRST_DAY
    to LAST_DAY), or ``""`` when it is one. The command line and the review say the
    same thing about the same date."""
    if not DAY_FORM.fullmatch(text):
        return "form"
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return "missing"
    return "" if FIRST_DAY <= day <= LAST_DAY else "range"


def business_day_bounds(day: date, timezone: str, day_starts: int) -> tuple[float, float]:
    """Business date ``day`` as [start, end) epoch seconds: ``day_starts`` on that date
    to ``day_starts`` on the next (23 or 25 hours across a clock change)."""
    begins = datetime.combine(day, dtime(day_starts // 60, day_starts % 60),
                              ZoneInfo(timezone)).timestamp()
    return period_bounds(begins, timezone, (day_starts,))


def business_days(first: date, last: date, timezone: str,
                  day_starts: int) -> tuple[float, float]:
    """Business dates ``first`` to ``last`` (inclusive) as one [start, end) range."""
    return (business_day_bounds(first, timezone, day_starts)[0],
            business_day_bounds(last, timezone, day_starts)[1])


def clock_change_at(timezone: str, minute: int, years: Iterable[int]) -> date | None:
    """A date in ``years`` on which local time of day ``minute`` is skipped or repeated
    by a change of the clocks in ``timezone`` (None: it never is). A day cannot begin at
    such a time: "02:30" on the night 02:00 becomes 03:00 is no moment at all."""
    at = dtime(minute // 60, minute % 60)
    zone = ZoneInfo(timezone)
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            local = datetime.combine(day, at)
            if (local.replace(tzinfo=zone, fold=0).utcoffset()
                    != local.replace(tzinfo=zone, fold=1).utcoffset()):
                return day
            day += timedelta(days=1)
    return None


def into_day(minute: int, day_starts: int) -> int:
    """How many minutes local time of day ``minute`` is into the business day (with days
    starting at 04:00, 01:00 is 1260 in): sorting hours by it puts a late service's after
    the evening's."""
    return (minute - day_starts) % (24 * 60)
