"""Complaints and unmet requests: one row per item, stamped step by step in place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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
STEP_COLUMNS = frozenset(COLUMNS[9:])  # what a step may stamp
SELECT = f"SELECT {', '.join(COLUMNS)} FROM complaints"


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

    def stamp(self, complaint_id: int, values: Mapping[str, str | float | None]) -> None:
        """Write one step's columns (times as epoch seconds)."""
        unknown = set(values) - STEP_COLUMNS
        assert not unknown, f"not a step column: {unknown}"
        sets = ", ".join(f"{k} = ?" for k in values)
        params = [iso(v) if k in TIMES and isinstance(v, (int, float)) else v
                  for k, v in values.items()]
        with self.store.transaction() as db:
            db.execute(f"UPDATE complaints SET {sets} WHERE id = ?", [*params, complaint_id])

    def import_complaints(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Write many items at once (simulated history); times are epoch seconds."""
        columns = COLUMNS[1:]
        values = [[iso(r.get(c)) if c in TIMES else r.get(c, "") for c in columns]
                  for r in rows]
        with self.store.transaction() as db:
            db.conn.executemany(f"INSERT INTO complaints ({', '.join(columns)}) VALUES "
                                f"({marks(columns)})", values)
        return len(values)

    def get(self, complaint_id: int) -> Complaint | None:
        r = self.db.execute(SELECT + " WHERE id = ?", [complaint_id]).fetchone()
        return complaint_from_row(r) if r else None

    def open_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM complaints WHERE fed_back_at IS NULL"
                               ).fetchone()[0]

    def open_items(self) -> list[Complaint]:
        """Items not yet fed back, oldest first."""
        rows = self.db.execute(SELECT + " WHERE fed_back_at IS NULL ORDER BY recorded_at, id"
                               ).fetchall()
        return [complaint_from_row(r) for r in rows]

    def count_for_parties(self, party_ids: Iterable[str]) -> int:
        ids = sorted(set(party_ids))
        total = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            total += self.db.execute(f"SELECT count(*) FROM complaints WHERE party IN "
                                     f"({marks(chunk)})", chunk).fetchone()[0]
        return total
