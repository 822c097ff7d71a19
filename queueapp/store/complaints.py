"""Complaints and unmet requests: one ``complaints`` row per item, and one
``complaint_steps`` row per step taken (both append-only); an item's steps are read
back through the ``complaint_status`` view."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from queueapp.store.damage import decode_one, decoded
from queueapp.store.repository import CHUNK, Repository, marks, rowid
from queueapp.store.times import epoch, iso

LONG_WAIT = "long_wait"  # source of items opened by the app itself


@dataclass
class Complaint:
    id: int
    recorded_at: float
    party: str
    table_name: str
    category: str
    what: str
    action: str
    recorded_by: str
    source: str = ""
    handled_at: float | None = None
    handled_by: str = ""
    handled_note: str = ""
    rechecked_at: float | None = None
    rechecked_by: str = ""
    recheck_note: str = ""
    fed_back_at: float | None = None
    fed_back_to: str = ""
    fed_back_by: str = ""
    fed_back_note: str = ""

    @property
    def step(self) -> str:
        """The last step done."""
        if self.fed_back_at is not None:
            return "fed_back"
        if self.rechecked_at is not None:
            return "rechecked"
        if self.handled_at is not None:
            return "handled"
        return "recorded"

    @property
    def closed(self) -> bool:
        return self.fed_back_at is not None


COLUMNS = ("id", "recorded_at", "party", "table_name", "category", "what", "action",
           "recorded_by", "source", "handled_at", "handled_by", "handled_note", "rechecked_at",
           "rechecked_by", "recheck_note", "fed_back_at", "fed_back_to", "fed_back_by",
           "fed_back_note")
TIMES = frozenset(("recorded_at", "handled_at", "rechecked_at", "fed_back_at"))
# each step's fields as the Complaint names them: (time, who, note, sent to)
STEP_FIELDS: dict[str, tuple[str, str, str, str]] = {
    "handled": ("handled_at", "handled_by", "handled_note", ""),
    "rechecked": ("rechecked_at", "rechecked_by", "recheck_note", ""),
    "fed_back": ("fed_back_at", "fed_back_by", "fed_back_note", "fed_back_to"),
}
SELECT = f"SELECT {', '.join(COLUMNS)} FROM complaint_status"
_BASE = COLUMNS[1:9]  # what the complaints row itself holds (after its id)
_NOT_FED_BACK = ("NOT EXISTS (SELECT 1 FROM complaint_steps s WHERE s.complaint_id = "
                 "complaints.id AND s.step = 'fed_back')")


def complaint_from_row(r: tuple[Any, ...]) -> Complaint:
    values: list[Any] = [epoch(v) if c in TIMES else v for c, v in zip(COLUMNS, r, strict=True)]
    values[1] = values[1] or 0.0  # recorded_at is never NULL
    return Complaint(*values)


class ComplaintLog(Repository):
    """``store.complaints``."""

    def add(self, now: float, category: str, what: str, action: str = "", party: str = "",
            table: str = "", host: str = "", source: str = "") -> int:
        with self.store.transaction() as db:
            return rowid(db.execute(
                "INSERT INTO complaints (recorded_at, party, table_name, category, what, "
                "action, recorded_by, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [iso(now), party, table, category, what, action, host, source]).lastrowid)

    def add_long_wait(self, now: float, party: str, what: str, host: str) -> int | None:
        """Open the party's "long wait" item; None when it has one already (a unique index
        keeps two terminals from opening it twice)."""
        with self.store.transaction() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO complaints (recorded_at, party, category, what, "
                "recorded_by, source) VALUES (?, ?, 'wait', ?, ?, ?)",
                [iso(now), party, what, host, LONG_WAIT])
            return cur.lastrowid if cur.rowcount else None

    def add_step(self, complaint_id: int, step: str, now: float, by: str, note: str = "",
                 to: str = "") -> None:
        """Append one step (``handled``, ``rechecked`` or ``fed_back``, in that order: a
        trigger refuses a step out of order, a unique index a step taken twice)."""
        assert step in STEP_FIELDS, f"not a step: {step}"
        with self.store.transaction() as db:
            db.execute("INSERT INTO complaint_steps (complaint_id, step, time, host, note, "
                       "sent_to, station) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [complaint_id, step, iso(now), by, note, to, self.store.station])

    def import_complaints(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Write many items at once (simulated history), each with the steps it has
        (``handled_at``, ``handled_by``... as :class:`Complaint` names them); times are
        epoch seconds."""
        rows = list(rows)
        values = [[iso(r.get(c)) if c in TIMES else r.get(c, "") for c in _BASE] for r in rows]
        with self.store.transaction() as db:
            first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM complaints").fetchone()[0]
            db.conn.executemany(f"INSERT INTO complaints (id, {', '.join(_BASE)}) VALUES "
                                f"(?, {marks(_BASE)})",
                                [[first + i, *v] for i, v in enumerate(values)])
            steps = []
            for i, r in enumerate(rows):
                for step, (at, by, note, to) in STEP_FIELDS.items():
                    if r.get(at) is None:
                        break
                    steps.append((r[at], first + i, step, r.get(by, ""), r.get(note, ""),
                                  r.get(to, "") if to else ""))
            steps.sort(key=lambda s: (s[0], s[1]))
            db.conn.executemany(
                "INSERT INTO complaint_steps (complaint_id, step, time, host, note, sent_to, "
                "station) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(cid, step, iso(at), by, note, to, self.store.station)
                 for at, cid, step, by, note, to in steps])
        return len(values)

    def get(self, complaint_id: int) -> Complaint | None:
        r = self.db.execute(SELECT + " WHERE id = ?", [complaint_id]).fetchone()
        return decode_one(self.store.damage, "complaints", r, complaint_from_row,
                          lambda row: row[0]) if r else None

    def open_count(self) -> int:
        return self.db.execute(f"SELECT count(*) FROM complaints WHERE {_NOT_FED_BACK}"
                               ).fetchone()[0]

    def open_items(self) -> list[Complaint]:
        """Items not yet fed back, oldest first."""
        rows = self.db.execute(SELECT + " WHERE fed_back_at IS NULL ORDER BY recorded_at, id"
                               ).fetchall()
        return decoded(self.store.damage, "complaints", rows, complaint_from_row,
                       lambda row: row[0])

    def count_for_parties(self, party_ids: Iterable[str]) -> int:
        ids = sorted(set(party_ids))
        total = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            total += self.db.execute(f"SELECT count(*) FROM complaints WHERE party IN "
                                     f"({marks(chunk)})", chunk).fetchone()[0]
        return total
