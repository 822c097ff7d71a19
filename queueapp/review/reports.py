"""The shift-lead review, as numbers: one function that the review screen, the
``report`` command and the exports all read, so they never disagree.
"""

from __future__ import annotations

import itertools
import json
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from queueapp.complaints import loop as complaints
from queueapp.complaints.loop import Complaint
from queueapp.config import Config
from queueapp.goodwill.gestures import Gesture, Rescue, gestures_by_ids, shift_starts_between
from queueapp.store import Store, epoch, iso
from queueapp.store.names import party_names


def money(currency: str, x: float) -> str:
    """¥81,883.5: grouped, no trailing zeros, never in exponent form (a year's totals)."""
    return currency + f"{x:,.2f}".rstrip("0").rstrip(".")


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
class PartyRow:
    id: str
    name: str
    size: int
    status: str
    arrived: float
    seated: float | None
    left: float | None
    quote: float | None
    reason: str
    host: str

    @property
    def waited(self) -> float | None:
        end = self.seated or (self.left if self.status == "removed" else None)
        return None if end is None else (end - self.arrived) / 60


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
                   sum(abs(e) <= 5 for e in errors) / len(errors), statistics.fmean(errors))


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

    @property
    def complaints_per_100(self) -> float | None:
        return None if not self.parties else 100 * self.complaints / self.parties

    @property
    def walkaways_after_quote(self) -> int:
        return sum(1 for p in self.walkaways
                   if p.quote is not None and p.waited is not None and p.waited > p.quote)


def party_rows(store: Store, f: Filters) -> list[PartyRow]:
    """Parties that arrived in the range; the host is whoever added the party."""
    host = ("coalesce((SELECT e.host FROM events e WHERE e.party = p.id AND e.event = 'arrive' "
            "ORDER BY e.id DESC LIMIT 1), '')")
    sql = ("SELECT p.id, p.name, p.size, p.status, p.arrived_at, p.seated_at, p.left_at, "
           f"p.quoted_minutes, p.remove_reason, {host} FROM parties p "
           "WHERE p.arrived_at >= ? AND p.arrived_at < ?")
    params: list[Any] = [iso(f.start), iso(f.end)]
    if f.party:
        sql += " AND (p.id = ? OR p.name LIKE ?)"
        params += [f.party, f"%{f.party}%"]
    if f.host:
        sql += f" AND {host} = ?"
        params.append(f.host)
    rows = store.db.execute(sql + " ORDER BY p.arrived_at", params).fetchall()
    return [PartyRow(r[0], r[1], r[2], r[3], epoch(r[4]) or 0.0, epoch(r[5]), epoch(r[6]), r[7],
                     r[8], r[9]) for r in rows]


def build(store: Store, f: Filters, config: Config, limit: int = 500) -> Report:
    """Every figure for the filters. ``limit`` caps the gesture rows listed (totals
    always cover everything)."""
    timezone = config.timezone
    tz = ZoneInfo(timezone)
    rep = Report(f)
    rows = party_rows(store, f)
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
        if waited is not None and p.quote is not None and waited > p.quote + 10:
            rep.past_quote_10 += 1
        if p.seated is not None and p.quote is not None and waited is not None:
            err = p.quote - waited
            errors.append(err)
            hour = datetime.fromtimestamp(p.arrived, tz).hour
            by_hour[hour].append(err)
            by_host[p.host or "—"].append(err)
            rep.quoted_vs_actual.append((p.quote, waited))
    rep.accuracy = Accuracy.of(errors)
    rep.accuracy_by_hour = {h: Accuracy.of(v) for h, v in sorted(by_hour.items())}
    rep.accuracy_by_host = {h: Accuracy.of(v) for h, v in sorted(by_host.items())}
    rep.waiting_by_hour = _waiting_by_hour(rows, timezone)
    _complaints(store, f, rep)
    _gestures(store, f, rep, config, limit)
    _rescues(store, f, rep)
    rep.names = _names(store, rep)
    return rep


def _names(store: Store, rep: Report) -> dict[str, str]:
    """Names for the parties the gesture, rescue and complaint lists name."""
    ids = {p.id: p.name for p in rep.walkaways}
    wanted = {g.party for g in rep.gestures} | {r.party for r in rep.rescues} \
        | {c.party for c in rep.complaint_rows}
    return ids | party_names(store, wanted - set(ids))


def _waiting_by_hour(rows: list[PartyRow], timezone: str) -> dict[int, float]:
    """Average number of parties waiting in each local hour, over the days in range."""
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
    return {h: minutes[h] / 60 / max(1, len(days[h])) for h in sorted(minutes)}


def _complaints(store: Store, f: Filters, rep: Report) -> None:
    where, params = _where(f, "recorded_at", "recorded_by", "category", "party")
    rep.complaint_rows = complaints.complaints_where(store, where, params)
    cats: dict[str, int] = defaultdict(int)
    for c in rep.complaint_rows:
        rep.complaints += 1
        cats[c.category] += 1
        rep.complaints_unhandled += c.handled_at is None
        rep.complaints_unrechecked += c.rechecked_at is None
        rep.complaints_open += not c.closed
    rep.complaints_by_category = dict(cats)


def _where(f: Filters, time: str, host: str, category: str | None, party: str
           ) -> tuple[str, list[Any]]:
    """SQL for the filters on one log; a party is an id or part of a name."""
    where, params = f"{time} >= ? AND {time} < ?", [iso(f.start), iso(f.end)]
    if f.host:
        where += f" AND {host} = ?"
        params.append(f.host)
    if f.category and category:
        where += f" AND {category} = ?"
        params.append(f.category)
    if f.party:
        where += f" AND ({party} = ? OR {party} IN (SELECT id FROM parties WHERE name LIKE ?))"
        params += [f.party, f"%{f.party}%"]
    return where, params


def _gestures(store: Store, f: Filters, rep: Report, config: Config, limit: int) -> None:
    """Totals per host in one pass over the ``gestures_review`` index, then one budget per
    shift each host gave anything in, then the newest ``limit`` rows."""
    where, params = _where(f, "g.time", "g.host", "g.category", "g.party")
    db = store.db
    voided = "g.id IN (SELECT void_of FROM gestures WHERE void_of IS NOT NULL)"
    for host, given, voids, gone, cost in db.execute(
            "SELECT g.host, count(*) FILTER (WHERE g.void_of IS NULL), count(g.void_of), "
            f"count(*) FILTER (WHERE g.void_of IS NULL AND {voided}), coalesce(sum(g.cost), 0) "
            f"FROM gestures g WHERE {where} GROUP BY g.host ORDER BY g.host", params):
        rep.gesture_rows += given + voids
        rep.gesture_count += given - gone
        rep.voids += voids
        rep.gesture_cost += cost
        rep.cost_by_host[host or "—"] = round(float(cost), 2)
    rep.gesture_cost = round(rep.gesture_cost, 2)
    starts = shift_starts_between(f.start, f.end, config)
    hosts = list(rep.cost_by_host)
    if starts and hosts:  # for each shift and host: did they give anything? (stops at one)
        bounds = [iso(t) for t in [*starts, f.end]]
        budget = config.goodwill.budget_per_shift
        # shifts and hosts go in as JSON: a range of years would pass SQLite's limit on
        # bound parameters; a void alone does not mean its host worked that shift
        for host, n in db.execute(
                "WITH shift(begins, ends) AS (SELECT json_extract(value, '$[0]'), "
                "json_extract(value, '$[1]') FROM json_each(?)), "
                "h(name) AS (SELECT value FROM json_each(?)) "
                "SELECT h.name, count(*) FROM shift, h WHERE EXISTS (SELECT 1 FROM gestures g "
                "WHERE g.time >= shift.begins AND g.time < shift.ends AND g.host = h.name "
                f"AND g.void_of IS NULL AND {where}) GROUP BY h.name",
                [json.dumps(list(itertools.pairwise(bounds))),
                 json.dumps(["" if h == "—" else h for h in hosts]), *params]):
            rep.budget_by_host[host or "—"] = budget * n
    rows = db.execute(f"SELECT g.id FROM gestures g WHERE {where} ORDER BY g.time DESC, g.id "
                      f"DESC LIMIT ?", [*params, limit]).fetchall()
    ids = [r[0] for r in rows]
    loaded = {g.id: g for g in gestures_by_ids(store, ids)}
    rep.gestures = [loaded[i] for i in ids if i in loaded]


def _rescues(store: Store, f: Filters, rep: Report) -> None:
    where, params = _where(f, "time", "host", None, "party")
    rows = store.db.execute("SELECT id, time, party, host, offer, outcome, decided_at FROM "
                            f"rescues WHERE {where} ORDER BY time DESC", params).fetchall()
    rep.rescues = [Rescue(r[0], epoch(r[1]) or 0.0, r[2], r[3], r[4], r[5], epoch(r[6]))
                   for r in rows]
