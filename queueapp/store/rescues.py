"""Walk-away rescues: what was offered to a party about to leave (``rescues``), and
whether it stayed (``rescue_outcomes``: a decision, or a later ``reopened`` when the
walk-away was undone; both append-only). Read through the ``rescue_status`` view."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from queueapp.store.damage import decode_one, decoded
from queueapp.store.repository import Repository, rowid
from queueapp.store.times import epoch, iso

TABLE_OFFER = "table:"  # an offer of a table about to free up: "table:A4"
OUTCOMES = ("stayed", "left")


@dataclass(frozen=True)
class Rescue:
    id: int
    time: float
    party: str
    host: str
    offer: str  # an interaction id, or "table:NAME"
    outcome: str = ""  # "", "stayed" or "left"
    decided_at: float | None = None
    station: str = ""

    @property
    def table(self) -> str:
        return self.offer[len(TABLE_OFFER):] if self.offer.startswith(TABLE_OFFER) else ""


_COLUMNS = "id, time, party, host, offer, outcome, decided_at, station"  # rescue_status
REOPENED = "reopened"  # an outcome row that makes the rescue undecided again


def rescue_from_row(r: tuple[Any, ...]) -> Rescue:
    return Rescue(r[0], epoch(r[1]) or 0.0, r[2], r[3], r[4], r[5], epoch(r[6]), r[7])


class RescueLog(Repository):
    """``store.rescues``."""

    def add(self, now: float, party: str, host: str, offer: str) -> Rescue:
        with self.store.transaction() as db:
            cur = db.execute("INSERT INTO rescues (time, party, host, offer, station) "
                             "VALUES (?,?,?,?,?)", [iso(now), party, host, offer,
                                                    self.store.station])
        return Rescue(rowid(cur.lastrowid), now, party, host, offer, station=self.store.station)

    def set_outcome(self, rescue_id: int, outcome: str, now: float) -> None:
        """Record the outcome (the caller checked it was not decided yet; a trigger
        refuses a second decision)."""
        with self.store.transaction() as db:
            db.execute("INSERT INTO rescue_outcomes (rescue_id, outcome, time, station) "
                       "VALUES (?, ?, ?, ?)", [rescue_id, outcome, iso(now), self.store.station])

    def reopen_left(self, party: str, decided_at: float, now: float) -> None:
        """Undo of a walk-away: the rescue recorded as "left" with it is undecided again
        (a ``reopened`` row; the decision stays in the record)."""
        with self.store.transaction() as db:
            db.execute("INSERT INTO rescue_outcomes (rescue_id, outcome, time, station) "
                       "SELECT id, ?, ?, ? FROM rescue_status WHERE party = ? "
                       "AND outcome = 'left' AND decided_at = ? ORDER BY id",
                       [REOPENED, iso(now), self.store.station, party, iso(decided_at)])

    def import_rescues(self, rescues: Iterable[Rescue]) -> int:
        """Append many rescues at once (simulated history), as given; their ids are new."""
        given = list(rescues)
        with self.store.transaction() as db:
            first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM rescues").fetchone()[0]
            db.conn.executemany(
                "INSERT INTO rescues (id, time, party, host, offer, station) "
                "VALUES (?,?,?,?,?,?)", [(first + i, iso(r.time), r.party, r.host, r.offer,
                                          r.station) for i, r in enumerate(given)])
            decided = sorted(((r.decided_at if r.decided_at is not None else r.time,
                               first + i, r) for i, r in enumerate(given) if r.outcome),
                             key=lambda d: (d[0], d[1]))
            db.conn.executemany(
                "INSERT INTO rescue_outcomes (rescue_id, outcome, time, station) "
                "VALUES (?,?,?,?)", [(rid, r.outcome, iso(at), r.station)
                                     for at, rid, r in decided])
        return len(given)

    def get(self, rescue_id: int) -> Rescue | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM rescue_status WHERE id = ?",
                              [rescue_id]).fetchone()
        return decode_one(self.store.damage, "rescues", row, rescue_from_row,
                          lambda r: r[0]) if row else None

    def for_party(self, party_id: str) -> list[Rescue]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM rescue_status WHERE party = ? ORDER BY id",
                               [party_id]).fetchall()
        return decoded(self.store.damage, "rescues", rows, rescue_from_row, lambda r: r[0])

    def pending(self) -> dict[str, list[int]]:
        """Rescues offered but not yet decided, by party (oldest first)."""
        pending: dict[str, list[int]] = {}
        for rescue_id, party in self.db.execute(
                "SELECT id, party FROM rescue_status WHERE outcome = '' ORDER BY id"):
            pending.setdefault(party, []).append(rescue_id)
        return pending

    def decided(self, since: float | None = None) -> list[tuple[str, str]]:
        """(offer, outcome) of every decided rescue (since a time), for learning."""
        where = "AND time >= ?" if since is not None else ""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT offer, outcome FROM rescue_status WHERE outcome != '' " + where,
            [iso(since)] if since is not None else [])]
