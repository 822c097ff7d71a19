"""The shift-lead review, as numbers: one function that the review screen, the
``report`` command and the exports all read, so they never disagree.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from queueapp.clock import into_day
from queueapp.config import Config
from queueapp.goodwill.gestures import Gesture, Rescue, shift_starts_between
from queueapp.messages.review import MessageDay
from queueapp.messages.review import by_day as messages_by_day
from queueapp.store import Store
from queueapp.store.complaints import Complaint
from queueapp.store.review import PartyRow

WITHIN = 5  # minutes: a quote this close to the wait counts as accurate
LONG_PAST_QUOTE = 10  # minutes past the quote that the lead's third rate counts
GESTURES_LISTED = 500  # gesture rows a report lists by default (totals cover all)
NO_HOST = "—"  # how a row without a host is shown


def money(currency: str, x: float) -> str:
    """¥81,883.5: grouped, no trailing zeros, never in exponent form (a year's totals);
    below zero ``−¥2`` (a minus sign before the currency). The stand's header says a
    budget left with it too: one way to write an amount everywhere."""
    amount = f"{abs(x):,.2f}".rstrip("0").rstrip(".")
    return ("−" if x < 0 and amount != "0" else "") + currency + amount


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


@dataclass
class Filters:
    """What the lead is looking at: a time range (UTC epoch), and optional narrowing."""

    start: float
    end: float
    host: str = ""
    category: str = ""
    party: str = ""


@dataclass
class Accuracy:
    n: int = 0
    mae: float | None = None
    within5: float | None = None
    signed: float | None = None

    @classmethod
    def of(cls, errors: list[float]) -> Accuracy:
        if not errors:
            return cls()
        return cls(len(errors), statistics.fmean(abs(e) for e in errors),
                   sum(abs(e) <= WITHIN for e in errors) / len(errors), statistics.fmean(errors))


@dataclass
class Report:
    filters: Filters
    parties: int = 0
    guests: int = 0
    seated: int = 0
    walkaways: list[PartyRow] = field(default_factory=list)
    removed_other: int = 0
    past_quote_10: int = 0
    accuracy: Accuracy = field(default_factory=Accuracy)
    accuracy_by_hour: dict[int, Accuracy] = field(default_factory=dict)
    accuracy_by_host: dict[str, Accuracy] = field(default_factory=dict)
    waiting_by_hour: dict[int, float] = field(default_factory=dict)
    quoted_vs_actual: list[tuple[float, float]] = field(default_factory=list)
    complaints: int = 0
    complaints_open: int = 0
    complaints_unhandled: int = 0
    complaints_unrechecked: int = 0
    complaints_by_category: dict[str, int] = field(default_factory=dict)
    complaint_rows: list[Complaint] = field(default_factory=list)
    gestures: list[Gesture] = field(default_factory=list)  # newest first, up to the limit
    gesture_rows: int = 0  # rows in the log for the filters: gestures, voided ones, voids
    gesture_count: int = 0  # gestures given (voids and what they void left out)
    voids: int = 0
    gesture_cost: float = 0.0  # net: voids subtract
    cost_by_host: dict[str, float] = field(default_factory=dict)
    budget_by_host: dict[str, float] = field(default_factory=dict)
    rescues: list[Rescue] = field(default_factory=list)
    # party id -> name, for every party the lists above name (people read names, not ids)
    names: dict[str, str] = field(default_factory=dict)
    # party id -> the queue number it was called by (A012), for those that had one
    tickets: dict[str, str] = field(default_factory=dict)
    # messages to guests and what called parties did, per day (only when messaging is
    # configured or messages were sent in range)
    messages: list[MessageDay] = field(default_factory=list)

    @property
    def complaints_per_100(self) -> float | None:
        return None if not self.parties else 100 * self.complaints / self.parties

    @property
    def walkaways_after_quote(self) -> int:
        return sum(1 for p in self.walkaways
                   if p.quote is not None and p.waited is not None and p.waited > p.quote)


def build(store: Store, f: Filters, config: Config, limit: int = GESTURES_LISTED) -> Report:
    """Every figure for the filters. ``limit`` caps the gesture rows listed (totals
    always cover everything)."""
    timezone = config.timezone
    tz = ZoneInfo(timezone)
    rep = Report(f)
    rows = store.review.party_rows(f)  # the host of a party is whoever added it
    rep.parties = len(rows)
    rep.guests = sum(p.size for p in rows)
    errors: list[float] = []
    by_hour: dict[int, list[float]] = defaultdict(list)
    by_host: dict[str, list[float]] = defaultdict(list)
    for p in rows:
        if p.seated is not None:
            rep.seated += 1
        if p.status == "removed":
            if p.reason == "walked_away":
                rep.walkaways.append(p)
            else:
                rep.removed_other += 1
        waited = p.waited
        if waited is not None and p.quote is not None and waited > p.quote + LONG_PAST_QUOTE:
            rep.past_quote_10 += 1
        if p.seated is not None and p.quote is not None and waited is not None:
            err = p.quote - waited
            errors.append(err)
            hour = datetime.fromtimestamp(p.arrived, tz).hour
            by_hour[hour].append(err)
            by_host[p.host or NO_HOST].append(err)
            rep.quoted_vs_actual.append((p.quote, waited))
    rep.accuracy = Accuracy.of(errors)
    rep.accuracy_by_hour = {h: Accuracy.of(by_hour[h])
                            for h in _in_day_order(by_hour, config.day_starts)}
    rep.accuracy_by_host = {h: Accuracy.of(v) for h, v in sorted(by_host.items())}
    rep.waiting_by_hour = _waiting_by_hour(rows, timezone, config.day_starts)
    _complaints(store, f, rep)
    _gestures(store, f, rep, config, limit)
    _rescues(store, f, rep)
    rep.names = _names(store, rep)
    rep.tickets = store.review.party_tickets(rep.names)
    sent = store.outbox.between(f.start, f.end)
    if sent or config.messages.enabled:
        rep.messages = messages_by_day(sent, store.outbox.calls_between(f.start, f.end),
                                       timezone, config.hold_minutes, config.day_starts)
    return rep


def _names(store: Store, rep: Report) -> dict[str, str]:
    """Names for the parties the gesture, rescue and complaint lists name."""
    ids = {p.id: p.name for p in rep.walkaways}
    wanted = {g.party for g in rep.gestures} | {r.party for r in rep.rescues} \
        | {c.party for c in rep.complaint_rows}
    return ids | store.review.party_names(wanted - set(ids))


def _in_day_order(hours: Iterable[int], day_starts: int) -> list[int]:
    """Local hours as the business day runs (a late service's 00:00 after its 23:00)."""
    return sorted(hours, key=lambda h: into_day(h * 60, day_starts))


def _waiting_by_hour(rows: list[PartyRow], timezone: str,
                     day_starts: int) -> dict[int, float]:
    """Average number of parties waiting in each local hour, over the days in range (an
    hour's days are counted by calendar date: for one hour, the same count as by business
    date), in the order of the business day."""
    tz = ZoneInfo(timezone)
    minutes: dict[int, float] = defaultdict(float)
    days: dict[int, set[date]] = defaultdict(set)
    for p in rows:
        end = p.seated or p.left
        if end is None:
            continue
        t = p.arrived
        while t < end:
            local = datetime.fromtimestamp(t, tz)
            into_hour = local.minute * 60 + local.second + local.microsecond / 1e6
            nxt = min(end, t + 3600 - into_hour)
            minutes[local.hour] += (nxt - t) / 60
            days[local.hour].add(local.date())
            t = nxt
    return {h: minutes[h] / 60 / max(1, len(days[h]))
            for h in _in_day_order(minutes, day_starts)}


def _complaints(store: Store, f: Filters, rep: Report) -> None:
    rep.complaint_rows = store.review.complaints(f)
    cats: dict[str, int] = defaultdict(int)
    for c in rep.complaint_rows:
        rep.complaints += 1
        cats[c.category] += 1
        rep.complaints_unhandled += c.handled_at is None
        rep.complaints_unrechecked += c.rechecked_at is None
        rep.complaints_open += not c.closed
    # the most frequent first: what a lead reads (and fixes) first
    rep.complaints_by_category = dict(sorted(cats.items(), key=lambda kv: (-kv[1], kv[0])))


def _gestures(store: Store, f: Filters, rep: Report, config: Config, limit: int) -> None:
    """Totals per host in one pass over the ``gestures_review`` index, then one budget per
    shift each host gave anything in, then the newest ``limit`` rows."""
    for t in store.review.gesture_totals(f):
        rep.gesture_rows += t.given + t.voids
        rep.gesture_count += t.given - t.voided
        rep.voids += t.voids
        rep.gesture_cost += t.cost
        rep.cost_by_host[t.host or NO_HOST] = round(float(t.cost), 2)
    rep.gesture_cost = round(rep.gesture_cost, 2)
    starts = shift_starts_between(f.start, f.end, config)
    hosts = ["" if h == NO_HOST else h for h in rep.cost_by_host]
    if starts and hosts:
        budget = config.goodwill.budget_per_shift
        for host, shifts in store.review.shifts_given_in(f, starts, hosts).items():
            rep.budget_by_host[host or NO_HOST] = budget * shifts
    ids = store.review.newest_gesture_ids(f, limit)
    loaded = {g.id: g for g in store.gestures.by_ids(ids)}
    rep.gestures = [loaded[i] for i in ids if i in loaded]


def _rescues(store: Store, f: Filters, rep: Report) -> None:
    rep.rescues = store.review.rescues(f)
