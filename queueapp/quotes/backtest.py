"""Backtest quotes against what happened (the format: docs/event-log.md).

For every ``arrive`` the quoter is asked, before that row is applied, exactly
what the stand would have asked live: ``quote_new`` for a party about to join
the end of the list, given the room built from every earlier row and having
observed only those rows. Cutting the log just after an arrival therefore
cannot change its quote.
"""

from __future__ import annotations

import csv
import os
import tomllib
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from queueapp.config import Join, Table
from queueapp.quotes.rule import Quote, Quoter
from queueapp.waitlist.events import ARRIVE, CALL, EXTEND, HOLD, RELEASE, SEAT, Event
from queueapp.waitlist.room import Room

OVER = 5.0


class BacktestError(ValueError):
    """Input the backtest cannot use, with a message fit for a person."""


@dataclass(frozen=True)
class TablesFile:
    tables: tuple[Table, ...]
    joins: tuple[Join, ...] = ()
    timezone: str = "UTC"


def load_tables(path: str | os.PathLike[str]) -> TablesFile:
    """Read a tables file: ``[restaurant]`` (timezone optional) and ``[[tables]]``.

    Lighter than the app's config (no country, hosts, catalogue): the spec's
    tables file may hold only the tables.
    """
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise BacktestError(f"{path}: tables file not found.") from None
    except tomllib.TOMLDecodeError as exc:
        raise BacktestError(f"{path}: not valid TOML: {exc}.") from None
    except OSError as exc:
        raise BacktestError(f"{path}: cannot read the tables file ({exc}).") from None
    rest = raw.get("restaurant", {})
    tz = rest.get("timezone", "UTC") if isinstance(rest, dict) else "UTC"
    try:
        zoneinfo.ZoneInfo(str(tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise BacktestError(f"{path}: restaurant.timezone {tz!r} is not a known time zone; "
                            "use an IANA name such as \"Asia/Shanghai\".") from None
    entries = raw.get("tables")
    if not isinstance(entries, list) or not entries:
        raise BacktestError(f"{path}: no [[tables]] entries; add one per table with "
                            "name and seats.")
    tables: list[Table] = []
    for i, e in enumerate(entries, start=1):
        name = e.get("name") if isinstance(e, dict) else None
        seats = e.get("seats") if isinstance(e, dict) else None
        if not isinstance(name, str) or not name.strip() or "+" in name:
            raise BacktestError(f"{path}: tables[{i}].name should be a name without '+'.")
        if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= 100:
            raise BacktestError(f"{path}: tables[{i}] ({name}).seats should be a whole "
                                "number from 1 to 100.")
        if any(t.name == name.strip() for t in tables):
            raise BacktestError(f"{path}: table {name!r} is defined twice.")
        tables.append(Table(name.strip(), seats, str(e.get("section", ""))))
    known = {t.name: t.seats for t in tables}
    joins: list[Join] = []
    for i, e in enumerate(raw.get("joins", []) or [], start=1):
        names = e.get("tables") if isinstance(e, dict) else None
        if not isinstance(names, list) or len(set(names)) != len(names) or len(names) < 2 \
                or any(n not in known for n in names):
            raise BacktestError(f"{path}: joins[{i}].tables should list two or more different "
                                "[[tables]] names.")
        seats = e.get("seats", sum(known[n] for n in names))
        if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
            raise BacktestError(f"{path}: joins[{i}].seats should be a whole number of seats, "
                                f"not {seats!r}.")
        joins.append(Join(tuple(names), seats))
    return TablesFile(tuple(tables), tuple(joins), str(tz))


@dataclass(frozen=True)
class Outcome:
    party: str
    size: int
    quoted: float
    waited: float | None  # minutes from arrive to seat; None if never seated


@dataclass(frozen=True)
class Metrics:
    """Over seated parties. ``bias`` is quote minus wait: positive means over-quoted."""

    parties: int
    seated: int
    mae: float
    within5: float
    bias: float
    over5: float  # share who waited more than 5 minutes longer than quoted

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Metrics:
        rows = list(outcomes)
        done = [(o.quoted, o.waited) for o in rows if o.waited is not None]
        n = len(done)
        if not n:
            return cls(len(rows), 0, 0.0, 0.0, 0.0, 0.0)
        err = [q - w for q, w in done]
        return cls(len(rows), n, sum(abs(e) for e in err) / n,
                   sum(abs(e) <= OVER for e in err) / n, sum(err) / n,
                   sum(e < -OVER for e in err) / n)


@dataclass
class Result:
    outcomes: list[Outcome]

    @property
    def metrics(self) -> Metrics:
        return Metrics.of(self.outcomes)

    def by_size(self) -> dict[int, Metrics]:
        sizes = sorted({o.size for o in self.outcomes})
        return {s: Metrics.of(o for o in self.outcomes if o.size == s) for s in sizes}

    @property
    def rows(self) -> list[tuple[str, float]]:
        return [(o.party, o.quoted) for o in self.outcomes]


def check_events(events: Sequence[Event], tables: Iterable[Table]) -> None:
    """Events in time order that name only known tables, or a BacktestError saying which row."""
    names = {t.name for t in tables}
    last = float("-inf")
    for i, ev in enumerate(events):
        where = f"line {i + 2}" if ev.id is None else f"event {ev.id}"
        if ev.time < last:
            raise BacktestError(f"{where}: time goes backwards; rows must be in time order.")
        last = ev.time
        for n in ev.tables:
            if n not in names:
                raise BacktestError(f"{where}: table {n!r} is not in the tables file.")


QuoteSeen = Callable[[str, Event, Quote], object]  # quoter name, its arrive row, the quote


def backtest_many(events: Sequence[Event], tables: Sequence[Table],
                  quoters: dict[str, Quoter], on_quote: QuoteSeen | None = None
                  ) -> dict[str, Result]:
    """Backtest several quoters in one pass over the log (they share the Room).
    ``on_quote`` is shown every whole quote with the very arrive row it was given for
    (a simulation keeps them; party ids may repeat in an imported log)."""
    check_events(events, tables)
    room = Room.from_tables(tables)
    order: list[tuple[str, int]] = []
    arrived: dict[str, float] = {}
    seated: dict[str, float] = {}
    quoted: dict[str, dict[str, float]] = {name: {} for name in quoters}
    for ev in events:
        if ev.event in (HOLD, RELEASE, EXTEND):
            continue  # the stand's own bookkeeping (from --db): the contract has no holds
        if ev.event == CALL and ev.table:  # nor a table kept for the party called
            ev = Event(ev.time, CALL, ev.party, ev.size)
        if ev.event == ARRIVE:
            size = int(ev.size or 1)
            if ev.party not in arrived:
                order.append((ev.party, size))
            arrived[ev.party] = ev.time
            for name, q in quoters.items():
                quote = q.quote_new(room, size, ev.time)
                quoted[name][ev.party] = quote.minutes
                if on_quote is not None:
                    on_quote(name, ev, quote)
        elif ev.event == SEAT and ev.party in arrived and ev.party not in seated:
            seated[ev.party] = ev.time
        room.apply(ev)
        for q in quoters.values():
            q.observe(ev)
    out = {}
    for name in quoters:
        rows = []
        for pid, size in order:
            s = seated.get(pid)
            rows.append(Outcome(pid, size, quoted[name][pid],
                                None if s is None else max(0.0, (s - arrived[pid]) / 60.0)))
        out[name] = Result(rows)
    return out


def backtest(events: Sequence[Event], tables: Sequence[Table],
             quoter: Quoter | Callable[[], Quoter]) -> Result:
    """Backtest one quoter (or a factory that makes a fresh one)."""
    q: Any = quoter
    if not hasattr(q, "quote_new"):
        q = q()
    return backtest_many(events, tables, {"quoter": q})["quoter"]


def format_minutes(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def write_quotes_csv(result: Result, fh: IO[str]) -> int:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(("party", "quoted_minutes"))
    for party, minutes in result.rows:
        writer.writerow((party, format_minutes(minutes)))
    return len(result.rows)
