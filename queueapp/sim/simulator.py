"""A restaurant simulator: days of service written as contract events.

Each :class:`Scenario` is a kind of restaurant: its table mix, arrivals by
hour and weekday (with day-to-day swings), party sizes, dining time by party
size and meal, clearing, walk-aways, and a host who may seat a later party
when a table fits it but not the head of the line. The simulation is
discrete-event and deterministic given a seed. The scenario's parameters are
the truth the benchmark's "limit" quoter is allowed to know.
"""

from __future__ import annotations

import heapq
import math
import random
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

import phonenumbers

from queueapp.config import Config, Join, Table
from queueapp.waitlist.events import ABANDON, ARRIVE, DEPART, READY, SEAT, Event

FAMILY = ["Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"]
GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Yang", "Jun", "Tao", "Xin"]
EN_FIRST = ["Olivia", "James", "Emma", "Noah", "Sophia", "Lucas", "Mia", "Ethan", "Ava", "Isla"]
EN_LAST = ["Brown", "Wilson", "Taylor", "Davies", "Evans", "Smith", "Garcia", "Kim"]
HANZI_FAMILY = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
HANZI_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "杰", "涛", "秀英",
               "建国", "晓梅", "子涵", "一鸣"]
TAGS = ["child", "high chair", "wheelchair", "birthday", "VIP", "long hair"]
NOTES = ["prefers the window", "allergic to peanuts", "celebrating an anniversary",
         "asked for a quiet table", "regular, likes the mushroom broth"]
REASONS = (("walked_away", 0.75), ("cancelled", 0.15), ("no_show", 0.10))
DEFAULT_START = date(2026, 3, 2)  # a Monday


@dataclass(frozen=True)
class Meal:
    """A service period: arrivals per hour rise from ``base`` to ``peak`` at ``peak_hour``."""

    open: float  # local hours; may pass 24 for a service that runs past midnight
    close: float
    peak_hour: float
    width: float
    peak: float
    base: float

    def rate(self, hour: float) -> float:
        return self.base + (self.peak - self.base) * math.exp(
            -(((hour - self.peak_hour) / self.width) ** 2))


@dataclass(frozen=True)
class Scenario:
    name: str  # what it is, in words, is the i18n key scenario_<name> (simulate says it)
    tables: tuple[tuple[int, int], ...]  # (seats, how many)
    meals: tuple[Meal, ...]
    weekday: tuple[float, ...]  # arrival factor Monday..Sunday
    swing: float  # day-to-day swing of arrivals (log-normal sigma)
    sizes: tuple[tuple[int, float], ...]
    dining: tuple[tuple[int, float], ...]  # party size band -> dinner median minutes
    lunch: float = 0.8  # dining factor before 16:00
    late: float = 1.0  # dining factor from 22:00
    weekend: float = 1.1  # dining factor on Saturday and Sunday
    sigma: float = 0.28  # dining spread (log-normal)
    clearing: float = 5.0  # median minutes
    clearing_sigma: float = 0.35
    lag: float = 2.0  # host takes up to this many minutes to seat after a table is ready
    patience: float = 90.0  # mean minutes before an impatient party walks away
    stayers: float = 0.3  # share of parties who never walk away
    strict: float = 0.3  # chance the host keeps strict order at a decision
    slack: int = 2  # spare seats the host accepts when seating a party
    timezone: str = "Asia/Shanghai"

    def dining_median(self, size: int, hour: int, weekday: int) -> float:
        base = self.dining[-1][1]
        for band, minutes in self.dining:
            if size <= band:
                base = minutes
                break
        if 6 <= hour < 16:
            base *= self.lunch
        elif hour >= 22 or hour < 6:
            base *= self.late
        return base * (self.weekend if weekday >= 5 else 1.0)

    def table_list(self) -> tuple[Table, ...]:
        out, letters = [], "ABCDEFGH"
        for i, (seats, n) in enumerate(self.tables):
            out += [Table(f"{letters[i]}{j + 1}", seats, f"{seats}-tops") for j in range(n)]
        return tuple(out)


WEEK_DINNER = (0.85, 0.85, 0.9, 0.95, 1.25, 1.4, 1.15)
SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("hotpot", ((2, 7), (4, 11), (6, 5), (8, 3), (12, 1)),
             (Meal(11, 14, 12.3, 0.8, 22, 5), Meal(17, 22, 19.0, 1.2, 33, 7)),
             WEEK_DINNER, 0.15,
             ((1, 3), (2, 32), (3, 14), (4, 26), (5, 8), (6, 8), (7, 3), (8, 4), (10, 2)),
             ((2, 65), (4, 80), (6, 95), (8, 105), (12, 120)), strict=0.2),
    Scenario("bistro", ((2, 10), (4, 6), (6, 2)),
             (Meal(12, 14.5, 12.8, 0.7, 21, 4), Meal(18, 22, 19.5, 1.0, 24, 5)),
             (0.8, 0.85, 0.9, 1.0, 1.3, 1.35, 0.9), 0.2,
             ((1, 5), (2, 55), (3, 12), (4, 20), (5, 4), (6, 4)),
             ((2, 50), (4, 60), (6, 75)), sigma=0.25, clearing=4, lag=1.5, patience=60,
             stayers=0.2, strict=0.9, slack=1),
    Scenario("family", ((4, 6), (6, 6), (8, 5), (10, 3)),
             (Meal(11, 14.5, 12.5, 1.0, 17, 4), Meal(17, 21, 18.7, 1.0, 18, 4)),
             (0.7, 0.7, 0.75, 0.8, 1.1, 1.7, 1.6), 0.2,
             ((2, 10), (3, 10), (4, 25), (5, 15), (6, 18), (7, 8), (8, 8), (10, 6)),
             ((2, 60), (4, 75), (6, 90), (8, 100), (12, 110)), lunch=0.9, sigma=0.3,
             clearing=7, lag=3, patience=70, stayers=0.15, strict=0.5, slack=4),
    Scenario("noodle", ((2, 14), (4, 14), (6, 2)),
             (Meal(11, 14, 12.2, 0.6, 85, 12), Meal(17, 21, 18.8, 1.0, 58, 9)),
             (1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.1), 0.15,
             ((1, 15), (2, 45), (3, 15), (4, 20), (5, 3), (6, 2)),
             ((2, 28), (4, 35), (6, 45)), lunch=0.9, sigma=0.35, clearing=2.5,
             clearing_sigma=0.4, lag=1, patience=45, stayers=0.2, strict=0.0, slack=2),
    Scenario("late_night", ((2, 6), (4, 12), (6, 4), (8, 2)),
             (Meal(18, 22, 20.0, 1.2, 17, 5), Meal(22, 26, 23.3, 1.0, 16, 3)),
             (0.7, 0.75, 0.8, 0.9, 1.5, 1.7, 1.0), 0.25,
             ((2, 30), (3, 15), (4, 30), (5, 8), (6, 10), (8, 7)),
             ((2, 75), (4, 95), (6, 110), (8, 120)), late=1.15, weekend=1.05, sigma=0.3,
             clearing=6, patience=100, stayers=0.35, strict=0.35, slack=2),
    # issue 14: a large table is scarce, guests leave soon, the host skips ahead
    Scenario("corner", ((2, 8), (4, 8), (6, 1)),
             (Meal(11.5, 14, 12.5, 0.8, 23, 4), Meal(17.5, 21.5, 19.2, 1.0, 26, 5)),
             (0.85, 0.85, 0.9, 0.95, 1.2, 1.35, 1.1), 0.2,
             ((1, 6), (2, 45), (3, 14), (4, 22), (5, 7), (6, 6)),
             ((2, 45), (4, 55), (6, 70)), sigma=0.28, clearing=3, lag=1.5, patience=35,
             stayers=0.1, strict=0.0, slack=2),
    Scenario("dumplings", ((2, 6), (4, 12), (6, 1), (8, 1)),
             (Meal(11, 14, 12.3, 0.8, 22, 5), Meal(17, 21, 18.8, 1.0, 24, 5)),
             (0.9, 0.9, 0.9, 1.0, 1.2, 1.4, 1.2), 0.2,
             ((1, 4), (2, 36), (3, 15), (4, 27), (5, 7), (6, 6), (7, 3), (8, 2)),
             ((2, 45), (4, 55), (6, 70), (8, 80)), sigma=0.3, clearing=4, lag=1.5,
             patience=40, stayers=0.15, strict=0.1, slack=1),
)}


def scenario_names() -> list[str]:
    return list(SCENARIOS)


def get_scenario(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; choose one of "
                         f"{', '.join(SCENARIOS)}") from None


@dataclass(frozen=True)
class Layout:
    """The tables a simulation runs on, and the zone its clock is in."""

    tables: tuple[Table, ...]
    joins: tuple[Join, ...]
    timezone: str
    country: str = "CN"


def layout_for(where: Config | Sequence[Table] | None, scenario: Scenario) -> Layout:
    if isinstance(where, Config):
        return Layout(where.tables, where.joins, where.timezone, where.country)
    if where:
        return Layout(tuple(where), (), scenario.timezone)
    return Layout(scenario.table_list(), (), scenario.timezone)


def slots_for(size: int, layout: Layout, slack: int) -> list[tuple[str, ...]]:
    """Tables (or joins) the host will give a party of ``size``, in order of preference."""
    singles = sorted((t for t in layout.tables if size <= t.seats <= size + slack),
                     key=lambda t: t.seats)
    if not singles:
        fit = [t for t in layout.tables if t.seats >= size]
        if fit:
            least = min(t.seats for t in fit)
            singles = [t for t in fit if t.seats == least]
    if singles:
        return [(t.name,) for t in singles]
    joins = sorted((j for j in layout.joins if j.seats >= size), key=lambda j: j.seats)
    return [j.tables for j in joins]


def largest_seatable(layout: Layout) -> int:
    return max([t.seats for t in layout.tables] + [j.seats for j in layout.joins])


class _Guests:
    """Names, phones, tags and notes for arriving parties."""

    def __init__(self, rng: random.Random, country: str) -> None:
        self.rng = rng
        self.country = country
        example = phonenumbers.example_number_for_type(
            country, phonenumbers.PhoneNumberType.MOBILE)
        self.example = example

    def name(self) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.4:
            return r.choice(HANZI_FAMILY) + r.choice(HANZI_GIVEN)
        if roll < 0.7:
            return f"{r.choice(FAMILY)} {r.choice(GIVEN)}"
        return f"{r.choice(EN_FIRST)} {r.choice(EN_LAST)}"

    def phone(self) -> str:
        ex = self.example
        if ex is None:
            return ""
        digits = str(ex.national_number)
        keep = max(1, len(digits) - 6)
        for _ in range(6):
            tail = "".join(str(self.rng.randrange(10)) for _ in range(len(digits) - keep))
            num = phonenumbers.PhoneNumber(country_code=ex.country_code,
                                           national_number=int(digits[:keep] + tail))
            if phonenumbers.is_valid_number(num):
                return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        return phonenumbers.format_number(ex, phonenumbers.PhoneNumberFormat.E164)

    def data(self) -> dict:
        r = self.rng
        d: dict = {"name": self.name()}
        if r.random() < 0.85:
            d["phone"] = self.phone()
        roll = r.random()
        if roll < 0.2:
            d["tags"] = r.sample(TAGS, 2 if roll < 0.03 else 1)
        if r.random() < 0.03:
            d["note"] = r.choice(NOTES)
        return d


@dataclass
class _Party:
    id: str
    size: int
    arrived: float


class _Service:
    """One service day as a discrete-event simulation."""

    def __init__(self, sc: Scenario, layout: Layout, rng: random.Random,
                 guests: _Guests) -> None:
        self.sc, self.layout, self.rng, self.guests = sc, layout, rng, guests
        self.tz = zoneinfo.ZoneInfo(layout.timezone)
        self.free = {t.name: True for t in layout.tables}
        self.slots = {s: slots_for(s, layout, sc.slack)
                      for s in range(1, largest_seatable(layout) + 1)}
        self.queue: dict[str, _Party] = {}
        self.heap: list[tuple[float, int, str, object]] = []
        self.seq = 0
        self.out: list[Event] = []

    def push(self, t: float, kind: str, what: object) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, kind, what))

    def local(self, t: float) -> datetime:
        return datetime.fromtimestamp(t, self.tz)

    def being_cleared(self) -> int:
        """Tables whose party has left and that are not ready yet."""
        return sum(1 for _, _, kind, _ in self.heap if kind == "ready")

    def run(self, arrivals: list[tuple[float, str, int]], until: float = math.inf) -> None:
        for t, pid, size in arrivals:
            self.push(t, ARRIVE, (pid, size))
        while self.heap and self.heap[0][0] <= until:
            t, _, kind, what = heapq.heappop(self.heap)
            getattr(self, "_" + kind)(t, what)

    # -- event handlers ------------------------------------------------------
    def _arrive(self, t: float, what: object) -> None:
        pid, size = cast(tuple[str, int], what)
        self.queue[pid] = _Party(pid, size, t)
        self.out.append(Event(t, ARRIVE, pid, size, "", self.guests.data()))
        r = self.rng
        if r.random() > self.sc.stayers:
            self.push(t + r.expovariate(1 / self.sc.patience) * 60, "giveup", pid)
        self._seat_waiting(t)

    def _giveup(self, t: float, what: object) -> None:
        pid = cast(str, what)
        if pid in self.queue:
            p = self.queue.pop(pid)
            reason = self.rng.choices([r for r, _ in REASONS], [w for _, w in REASONS])[0]
            self.out.append(Event(t, ABANDON, p.id, p.size, "", {"reason": reason}))

    def _depart(self, t: float, what: object) -> None:
        pid, size, names = cast(tuple[str, int, tuple[str, ...]], what)
        self.out.append(Event(t, DEPART, pid, size, "+".join(names)))
        clear = self.sc.clearing * math.exp(self.rng.gauss(0, self.sc.clearing_sigma))
        self.push(t + clear * 60, "ready", names)

    def _ready(self, t: float, what: object) -> None:
        names = cast(tuple[str, ...], what)
        self.out.append(Event(t, READY, "", None, "+".join(names)))
        for n in names:
            self.free[n] = True
        self.push(t + self.rng.uniform(0, self.sc.lag) * 60, "host", None)

    def _host(self, t: float, _: object) -> None:
        self._seat_waiting(t)

    # -- the host ------------------------------------------------------------
    def _seat_waiting(self, t: float) -> None:
        strict = self.rng.random() < self.sc.strict
        for p in list(self.queue.values()):
            slot = next((s for s in self.slots.get(p.size, ())
                         if all(self.free[n] for n in s)), None)
            if slot is None:
                if strict:
                    return
                continue
            del self.queue[p.id]
            for n in slot:
                self.free[n] = False
            self.out.append(Event(t, SEAT, p.id, p.size, "+".join(slot)))
            d = self.local(t)
            median = self.sc.dining_median(p.size, d.hour, d.weekday())
            dining = median * math.exp(self.rng.gauss(0, self.sc.sigma))
            self.push(t + dining * 60, "depart", (p.id, p.size, slot))


def _arrival_times(sc: Scenario, meals: Sequence[tuple[float, Meal]], factor: float,
                   rng: random.Random) -> list[float]:
    """Arrival epochs by thinning a Poisson process whose rate follows each meal's curve."""
    out = []
    for midnight, meal in meals:
        top = max(meal.peak, meal.base) * factor
        h = meal.open
        while top > 0:
            h += rng.expovariate(top)
            if h >= meal.close:
                break
            if rng.random() * top < meal.rate(h) * factor:
                out.append(midnight + h * 3600)
    return sorted(out)


def _midnight(day: date, tz: zoneinfo.ZoneInfo) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()


def _start_date(start: date | datetime | float | None, tz: zoneinfo.ZoneInfo) -> date:
    if start is None:
        return DEFAULT_START
    if isinstance(start, datetime):
        return start.astimezone(tz).date()
    if isinstance(start, date):
        return start
    return datetime.fromtimestamp(start, tz).date()


def _sizes(sc: Scenario, rng: random.Random, n: int, largest: int) -> list[int]:
    sizes = [min(s, largest) for s, _ in sc.sizes]
    return rng.choices(sizes, [w for _, w in sc.sizes], k=n)


def simulate(where: Config | Sequence[Table] | None = None, days: int = 35,
             scenario: str = "hotpot", seed: int = 0,
             start: date | datetime | float | None = None) -> list[Event]:
    """``days`` of service from ``start`` (a local date; default a Monday in 2026).

    ``where`` gives the tables (a Config also gives joins, time zone and phone
    country); without it the scenario's own table mix is used.
    """
    sc = get_scenario(scenario)
    layout = layout_for(where, sc)
    tz = zoneinfo.ZoneInfo(layout.timezone)
    rng = random.Random(f"{scenario}/{seed}")
    guests = _Guests(rng, layout.country)
    first = _start_date(start, tz)
    largest = largest_seatable(layout)
    events: list[Event] = []
    for d in range(days):
        day = first + timedelta(days=d)
        midnight = _midnight(day, tz)
        factor = sc.weekday[day.weekday()] * math.exp(rng.gauss(0, sc.swing))
        times = _arrival_times(sc, [(midnight, m) for m in sc.meals], factor, rng)
        stamp = day.strftime("%Y%m%d")
        sizes = _sizes(sc, rng, len(times), largest)
        arrivals = [(t, f"{stamp}-{i + 1:03d}", s)
                    for i, (t, s) in enumerate(zip(times, sizes, strict=True))]
        service = _Service(sc, layout, rng, guests)
        service.run(arrivals)
        events += service.out
    events.sort(key=lambda e: e.time)  # stable: same-moment events keep their order
    return events


def evening_so_far(config: Config | Sequence[Table], end: float, seed: int = 7,
                   scenario: str = "hotpot", busy: tuple[int, int] = (15, 30)) -> list[Event]:
    """A busy evening that has run for about two and a half hours until ``end``.

    Arrivals outpace the tables, so at ``end`` some 15-30 parties wait while
    tables are at every stage: just seated, near the end, being cleared.
    Only events at or before ``end`` are returned.
    """
    sc = get_scenario(scenario)
    layout = layout_for(config, sc)
    tz = zoneinfo.ZoneInfo(layout.timezone)
    local = datetime.fromtimestamp(end, tz)
    midnight = _midnight(local.date(), tz)
    hour = (end - midnight) / 3600
    capacity = len(layout.tables) / 1.5  # parties an hour the room can turn, roughly
    best: list[Event] = []
    for attempt, push in enumerate((1.5, 1.8, 1.25, 2.2, 1.1, 2.6) * 3):
        rng = random.Random(f"evening/{scenario}/{seed}/{attempt}")
        meal = Meal(hour - 2.5, hour + 0.5, hour - 0.5, 1.2, capacity * push, capacity * 0.6)
        times = _arrival_times(sc, [(midnight, meal)], 1.0, rng)
        sizes = _sizes(sc, rng, len(times), largest_seatable(layout))
        prefix = local.strftime("%Y%m%d")
        arrivals = [(t, f"{prefix}-{i + 1:03d}", s)
                    for i, (t, s) in enumerate(zip(times, sizes, strict=True))]
        service = _Service(sc, layout, rng, _Guests(rng, layout.country))
        service.run(arrivals, until=end)
        out = [e for e in service.out if e.time <= end]
        best = out
        if busy[0] <= len(service.queue) <= busy[1] and service.being_cleared():
            break
    return best
