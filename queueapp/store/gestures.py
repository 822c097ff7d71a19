"""The goodwill log (``gestures``, append-only) and lead PIN attempts.

A mistaken gesture is never changed: a *void* row points at it (``void_of``) with
the negative cost, so ``SUM(cost)`` over any rows is what was really spent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from queueapp.store import chain
from queueapp.store.damage import decoded
from queueapp.store.repository import CHUNK, Repository, marks
from queueapp.store.times import epoch, iso


@dataclass(frozen=True)
class Gesture:
    id: int
    time: float
    party: str
    guest_id: int | None
    interaction: str
    label: str
    category: str
    cost: float
    host: str
    note: str = ""
    approved_by: str = ""
    void_of: int | None = None
    station: str = ""
    voided: bool = False  # a later void row points at this one
    voided_by: str = ""  # on a void row: who corrected the gesture (host stays the giver)

    @property
    def is_void(self) -> bool:
        return self.void_of is not None


@dataclass(frozen=True)
class GestureOutcome:
    """A live gesture with how its party's wait ended (what suggestions learn from)."""

    interaction: str
    time: float
    arrived: float
    quote: float | None
    status: str  # the party's status now
    reason: str  # the party's remove reason, if removed


_COLUMNS = ("id, time, party, guest_id, interaction, label, category, cost, host, note, "
            "approved_by, void_of, station, voided_by")
# neither a void nor voided: what was really given
_LIVE = ("void_of IS NULL AND id NOT IN "
         "(SELECT void_of FROM gestures WHERE void_of IS NOT NULL)")


def _gesture(row: tuple[Any, ...], voided: bool = False) -> Gesture:
    """A gestures row; a time that is not a time or a cost that is not a number raises
    (the row is damaged: ``store.damage``)."""
    when = epoch(row[1])
    if when is None or isinstance(row[7], bool) or not isinstance(row[7], int | float):
        raise ValueError(f"time {row[1]!r} or cost {row[7]!r} cannot be read")
    return Gesture(row[0], when, row[2], row[3], row[4], row[5], row[6],
                   row[7], row[8], row[9], row[10], row[11], row[12], voided, row[13])


class GestureLog(Repository):
    """``store.gestures``: the gesture log and PIN attempts."""

    # -- spending ------------------------------------------------------------------------
    def spent_in_shift(self, host: str, start: float, end: float) -> float:
        """What ``host`` gave in the shift from ``start`` up to (not including) ``end``,
        voided gestures left out: every row the file holds for that shift, whatever
        station wrote it, including rows stamped later than the caller's clock (a
        station whose clock runs ahead). Read inside the write transaction, that is
        everything written before, in insertion order."""
        row = self.db.execute(
            f"SELECT coalesce(sum(cost), 0) FROM gestures WHERE host = ? AND time >= ? "
            f"AND time < ? AND {_LIVE}", [host, iso(start), iso(end)]).fetchone()
        return round(float(row[0]), 2)

    def spent_by_host(self, since: float, until: float) -> dict[str, float]:
        """Net spending per host between two times (voids subtract)."""
        rows = self.db.execute("SELECT host, sum(cost) FROM gestures WHERE time >= ? AND "
                               "time <= ? GROUP BY host ORDER BY host",
                               [iso(since), iso(until)]).fetchall()
        return {r[0]: round(float(r[1]), 2) for r in rows}

    # -- writing -------------------------------------------------------------------------
    def add(self, now: float, party: str, guest_id: int | None, interaction: str, label: str,
            category: str, cost: float, host: str, note: str = "",
            approved_by: str = "") -> Gesture:
        """Append one gesture (the caller has checked host, cost and approval)."""
        with self.store.transaction() as db:
            gesture_id = chain.append(db, "gestures", {
                "time": iso(now), "party": party, "guest_id": guest_id,
                "interaction": interaction, "label": label, "category": category,
                "cost": cost, "host": host, "note": note, "approved_by": approved_by,
                "station": self.store.station})
        return Gesture(gesture_id, now, party, guest_id, interaction, label,
                       category, cost, host, note, approved_by, None, self.store.station)

    def add_void(self, now: float, original: Gesture, note: str, voided_by: str,
                 approved_by: str = "") -> Gesture:
        """Append the void row of ``original``: its host (the giver), the negative cost;
        ``approved_by`` is the lead who allowed the void, when one had to."""
        with self.store.transaction() as db:
            void_id = chain.append(db, "gestures", {
                "time": iso(now), "party": original.party, "guest_id": original.guest_id,
                "interaction": original.interaction, "label": original.label,
                "category": original.category, "cost": -original.cost,
                "host": original.host, "note": note, "void_of": original.id,
                "approved_by": approved_by, "station": self.store.station,
                "voided_by": voided_by})
        return Gesture(void_id, now, original.party, original.guest_id,
                       original.interaction, original.label, original.category,
                       -original.cost, original.host, note, approved_by, original.id,
                       self.store.station, voided_by=voided_by)

    def import_gestures(self, gestures: Iterable[Gesture]) -> int:
        """Append many gestures at once (simulated history), as given; their ids are new."""
        rows = ({"time": iso(g.time), "party": g.party, "guest_id": g.guest_id,
                 "interaction": g.interaction, "label": g.label, "category": g.category,
                 "cost": g.cost, "host": g.host, "note": g.note,
                 "approved_by": g.approved_by, "station": g.station} for g in gestures)
        with self.store.transaction() as db:
            return chain.append_many(db, "gestures", rows)

    # -- reading ---------------------------------------------------------------------------
    def get(self, gesture_id: int) -> Gesture | None:
        found = self._select("id = ?", [gesture_id])
        return found[0] if found else None

    def for_party(self, party_id: str) -> list[Gesture]:
        """The party's rows, voids included, oldest first; voided ones have ``voided``."""
        return self._select("party = ?", [party_id])

    def for_parties(self, party_ids: Iterable[str]) -> dict[str, list[Gesture]]:
        """Each party's rows (voids included), oldest first."""
        ids = list(dict.fromkeys(party_ids))
        out: dict[str, list[Gesture]] = {p: [] for p in ids}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            for g in self._select(f"party IN ({marks(chunk)})", chunk):
                out[g.party].append(g)
        return out

    def by_ids(self, ids: list[int]) -> list[Gesture]:
        """These rows (voids included), with ``voided`` set."""
        out: list[Gesture] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            out += self._select(f"id IN ({marks(chunk)})", chunk)
        return out

    def for_guest(self, guest_id: int) -> list[Gesture]:
        """Every row given to the guest on any visit (voids included)."""
        return self._select("guest_id = ?", [guest_id])

    def outcomes(self, since: float | None = None) -> list[GestureOutcome]:
        """Live catalogue gestures (custom ones left out), with how their party's wait ended."""
        where_time = "AND g.time >= ?" if since is not None else ""
        rows = self.db.execute(
            "SELECT g.interaction, g.time, p.arrived_at, p.quoted_minutes, p.status, "
            "p.remove_reason FROM gestures g JOIN parties p ON p.id = g.party "
            "WHERE g.void_of IS NULL AND g.id NOT IN (SELECT void_of FROM gestures "
            "WHERE void_of IS NOT NULL) AND g.interaction != 'custom' " + where_time,
            [iso(since)] if since is not None else []).fetchall()
        return decoded(self.store.damage, "gestures", rows,
                       lambda r: GestureOutcome(r[0], epoch(r[1]) or 0.0, epoch(r[2]) or 0.0,
                                                r[3], r[4], r[5]), lambda r: "?")

    def _select(self, where: str, params: list[Any]) -> list[Gesture]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM gestures WHERE {where} ORDER BY id",
                               params).fetchall()
        voided = {r[11] for r in rows if r[11] is not None}
        ids = [r[0] for r in rows if r[11] is None and r[0] not in voided]
        for start in range(0, len(ids), CHUNK):  # voids outside this filter (another range)
            chunk = ids[start:start + CHUNK]
            voided.update(r[0] for r in self.db.execute(
                f"SELECT void_of FROM gestures WHERE void_of IN ({marks(chunk)})", chunk))
        return decoded(self.store.damage, "gestures", rows,
                       lambda r: _gesture(r, r[0] in voided), lambda r: r[0])

    # -- lead PIN attempts --------------------------------------------------------------------
    def log_pin_attempt(self, now: float, lead: str, outcome: str) -> None:
        """``outcome`` is "ok", "wrong" or "locked"."""
        with self.store.transaction() as db:
            db.execute("INSERT INTO pin_attempts (time, lead, ok, outcome, station) "
                       "VALUES (?,?,?,?,?)",
                       [iso(now), lead, int(outcome == "ok"), outcome, self.store.station])

    def newest_wrong_pins(self, limit: int) -> list[float]:
        """The times of the newest ``limit`` wrong PINs since the last right one, newest
        first, in the order they were written (rowid), not by their time stamps: a
        station whose clock runs ahead or behind cannot hide an attempt from the count."""
        rows = self.db.execute(
            "SELECT time FROM pin_attempts WHERE outcome = 'wrong' AND id > coalesce("
            "(SELECT id FROM pin_attempts WHERE ok = 1 ORDER BY id DESC LIMIT 1), 0) "
            "ORDER BY id DESC LIMIT ?",
            [limit]).fetchall()
        return [epoch(r[0]) or 0.0 for r in rows]
