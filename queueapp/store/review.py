"""The read-only queries of the shift-lead review, the ``report`` command and exports."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from queueapp.store.complaints import SELECT as COMPLAINTS
from queueapp.store.complaints import Complaint, complaint_from_row
from queueapp.store.damage import decoded
from queueapp.store.repository import Repository
from queueapp.store.rescues import Rescue, rescue_from_row
from queueapp.store.times import epoch, iso


class RangeFilter(Protocol):
    """What the lead is looking at (``review.reports.Filters`` is one)."""

    start: float  # UTC epoch, inclusive
    end: float  # exclusive
    host: str
    category: str
    party: str  # an id, or part of a name


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
    host: str  # who added the party

    @property
    def waited(self) -> float | None:
        end = self.seated or (self.left if self.status == "removed" else None)
        return None if end is None else (end - self.arrived) / 60


class HostTotals(NamedTuple):
    """One host's gesture rows for the filters."""

    host: str
    given: int  # gesture rows (voided ones included)
    voids: int  # void rows
    voided: int  # gesture rows a void points at
    cost: float  # net: voids subtract


def _where(f: RangeFilter, time: str, host: str, category: str | None, party: str
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
        where += (f" AND ({party} = ? OR {party} IN (SELECT id FROM parties "
                  "WHERE name LIKE ? ESCAPE '\\'))")
        params += [f.party, _contains(f.party)]
    return where, params


def _contains(text: str) -> str:
    """A LIKE pattern for names holding ``text`` as typed: ``_`` and ``%`` are letters
    there, not wildcards (``_`` matched every party)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# the host of a party is whoever added it
_ADDED_BY = ("coalesce((SELECT e.host FROM events e WHERE e.party = p.id AND e.event = 'arrive' "
             "ORDER BY e.id DESC LIMIT 1), '')")


def _party_row(r: tuple[Any, ...]) -> PartyRow:
    """A party as the review counts it; a size, arrival or quote that cannot be read
    makes the row damaged (left out, and named: ``store.damage``)."""
    arrived = epoch(r[4])
    if arrived is None or isinstance(r[2], bool) or not isinstance(r[2], int) \
            or not (r[7] is None or isinstance(r[7], int | float)):
        raise ValueError(f"size {r[2]!r}, arrival {r[4]!r} or quote {r[7]!r} cannot be read")
    return PartyRow(r[0], r[1], r[2], r[3], arrived, epoch(r[5]), epoch(r[6]), r[7], r[8],
                    r[9])


class ReviewQueries(Repository):
    """``store.review``: reads only."""

    def party_rows(self, f: RangeFilter) -> list[PartyRow]:
        """Parties that arrived in the range (host and party filters apply)."""
        sql = ("SELECT p.id, p.name, p.size, p.status, p.arrived_at, p.seated_at, p.left_at, "
               f"p.quoted_minutes, p.remove_reason, {_ADDED_BY} FROM parties p "
               "WHERE p.arrived_at >= ? AND p.arrived_at < ?")
        params: list[Any] = [iso(f.start), iso(f.end)]
        if f.party:
            sql += " AND (p.id = ? OR p.name LIKE ? ESCAPE '\\')"
            params += [f.party, _contains(f.party)]
        if f.host:
            sql += f" AND {_ADDED_BY} = ?"
            params.append(f.host)
        rows = self.db.execute(sql + " ORDER BY p.arrived_at", params).fetchall()
        return decoded(self.store.damage, "parties", rows, _party_row, lambda r: r[0])

    def party_names(self, party_ids: Iterable[str]) -> dict[str, str]:
        """``{party id: name}`` for the ids that are parties (unknown ids are left out):
        the review and the report show people, not ids."""
        return {pid: name or "" for pid, name in self._of_parties(party_ids, "name")}

    def party_tickets(self, party_ids: Iterable[str]) -> dict[str, str]:
        """``{party id: queue number}`` for the ids that are parties with one (A012)."""
        return {pid: ticket for pid, ticket in self._of_parties(party_ids, "ticket") if ticket}

    def _of_parties(self, party_ids: Iterable[str], column: Literal["name", "ticket"],
                    ) -> list[tuple[str, Any]]:
        """``(id, column)`` of the ids that are parties. The ids go in as one JSON array
        (a month's review names thousands, more than SQLite binds as parameters)."""
        wanted = sorted({pid for pid in party_ids if pid})
        if not wanted:
            return []
        return self.db.execute(
            f"SELECT id, {column} FROM parties WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(wanted)]).fetchall()

    def complaints(self, f: RangeFilter) -> list[Complaint]:
        """Items recorded in the range, oldest first."""
        where, params = _where(f, "recorded_at", "recorded_by", "category", "party")
        rows = self.db.execute(f"{COMPLAINTS} WHERE {where} ORDER BY recorded_at, id",
                               params).fetchall()
        return decoded(self.store.damage, "complaints", rows, complaint_from_row,
                       lambda r: r[0])

    def gesture_totals(self, f: RangeFilter) -> list[HostTotals]:
        """Per host, in one pass over the ``gestures_review`` index."""
        where, params = _where(f, "g.time", "g.host", "g.category", "g.party")
        voided = "g.id IN (SELECT void_of FROM gestures WHERE void_of IS NOT NULL)"
        return [HostTotals(*r) for r in self.db.execute(
            "SELECT g.host, count(*) FILTER (WHERE g.void_of IS NULL), count(g.void_of), "
            f"count(*) FILTER (WHERE g.void_of IS NULL AND {voided}), "
            f"coalesce(sum(g.cost), 0) FROM gestures g WHERE {where} GROUP BY g.host "
            "ORDER BY g.host", params)]

    def shifts_given_in(self, f: RangeFilter, starts: list[float],
                        hosts: list[str]) -> dict[str, int]:
        """For each host, in how many of the shifts (beginning at ``starts``, the last ending
        at ``f.end``) they gave anything; a void alone does not count."""
        where, params = _where(f, "g.time", "g.host", "g.category", "g.party")
        bounds = [iso(t) for t in [*starts, f.end]]
        # shifts and hosts go in as JSON: a range of years would pass SQLite's limit on
        # bound parameters; EXISTS stops at the first gesture of each shift and host
        return {r[0]: r[1] for r in self.db.execute(
            "WITH shift(begins, ends) AS (SELECT json_extract(value, '$[0]'), "
            "json_extract(value, '$[1]') FROM json_each(?)), "
            "h(name) AS (SELECT value FROM json_each(?)) "
            "SELECT h.name, count(*) FROM shift, h WHERE EXISTS (SELECT 1 FROM gestures g "
            "WHERE g.time >= shift.begins AND g.time < shift.ends AND g.host = h.name "
            f"AND g.void_of IS NULL AND {where}) GROUP BY h.name",
            [json.dumps(list(itertools.pairwise(bounds))), json.dumps(hosts), *params])}

    def newest_gesture_ids(self, f: RangeFilter, limit: int) -> list[int]:
        where, params = _where(f, "g.time", "g.host", "g.category", "g.party")
        return [r[0] for r in self.db.execute(
            f"SELECT g.id FROM gestures g WHERE {where} ORDER BY g.time DESC, g.id DESC "
            "LIMIT ?", [*params, limit])]

    def rescues(self, f: RangeFilter) -> list[Rescue]:
        """Rescues in the range, newest first (the category filter does not apply)."""
        where, params = _where(f, "time", "host", None, "party")
        rows = self.db.execute("SELECT id, time, party, host, offer, outcome, decided_at, "
                               f"station FROM rescue_status WHERE {where} ORDER BY time DESC",
                               params).fetchall()
        return decoded(self.store.damage, "rescues", rows, rescue_from_row, lambda r: r[0])

    # -- logs for exports (raw rows: times in UTC, phones unmasked) ---------------------------
    def gesture_log(self, start: float, end: float) -> list[dict[str, Any]]:
        return self._log("gestures", start, end)

    def complaint_log(self, start: float, end: float) -> list[dict[str, Any]]:
        return self._log("complaints", start, end)

    def party_log(self, start: float, end: float) -> list[dict[str, Any]]:
        return self._log("parties", start, end)

    def log_columns(self, kind: str) -> list[str]:
        """The columns an export of ``kind`` has (its header, even with no rows)."""
        cur = self.db.execute(_LOGS[kind] + " LIMIT 0", ["", ""])
        return [d[0] for d in cur.description]

    def _log(self, kind: str, start: float, end: float) -> list[dict[str, Any]]:
        cur = self.db.execute(_LOGS[kind], [iso(start), iso(end)])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]


_LOGS = {
    "gestures": "SELECT g.id, g.time, g.party, p.name AS guest_name, g.interaction, g.label, "
                "g.category, g.cost, g.host, g.approved_by, g.note, g.void_of, g.voided_by "
                "FROM gestures g LEFT JOIN parties p ON p.id = g.party "
                "WHERE g.time >= ? AND g.time < ? ORDER BY g.time, g.id",
    "complaints": "SELECT c.*, p.name AS guest_name FROM complaint_status c LEFT JOIN parties p "
                  "ON p.id = c.party WHERE c.recorded_at >= ? AND c.recorded_at < ? "
                  "ORDER BY c.recorded_at, c.id",
    "parties": "SELECT id, name, size, phone, tags, note, status, arrived_at, quoted_minutes, "
               "quote_low, quote_high, called_at, seated_at, table_name, left_at, "
               "remove_reason FROM parties WHERE arrived_at >= ? AND arrived_at < ? "
               "ORDER BY arrived_at",
}
