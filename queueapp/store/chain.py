"""The SHA-256 hash chain over ``events`` and ``gestures``: every row carries a ``hash``
of its own content and of the row before it, so a row changed, or taken out of the
middle, after it was written shows (``queueapp verify``).

A row's content is every column but ``hash``, as JSON in a fixed column order. The
personal keys of an event's ``data`` (name, phone, note) are left out of it: a privacy
purge may blank them (the ``events_no_update`` trigger allows exactly that) and the
chain stays valid. Rows are appended only here, inside the caller's write transaction,
with the next id (the last id plus one), so the hash can cover the id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

PERSONAL_KEYS = ("name", "phone", "note")  # kept out of the hashed content of events.data
BATCH = 5000  # rows per executemany when appending many


@dataclass(frozen=True)
class Chained:
    """A hash-chained table: its columns in hashing order (``hash`` excluded)."""

    table: str
    columns: tuple[str, ...]
    real: frozenset[str] = frozenset()  # REAL columns (hashed as floats, as read back)
    personal_json: str = ""  # a JSON column whose personal keys are not hashed

    @property
    def insert_sql(self) -> str:
        names = (*self.columns, "hash")
        return (f"INSERT INTO {self.table} ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))})")

    @property
    def select_sql(self) -> str:
        return f"SELECT {', '.join(self.columns)}, hash FROM {self.table} ORDER BY id"


EVENTS = Chained("events", ("id", "time", "event", "party", "size", "table_name", "data",
                            "host", "station", "ref"), personal_json="data")
GESTURES = Chained("gestures", ("id", "time", "party", "guest_id", "interaction", "label",
                                "category", "cost", "host", "note", "approved_by", "void_of",
                                "station", "voided_by"), real=frozenset({"cost"}))
CHAINED = (EVENTS, GESTURES)


def without_personal(data: str) -> Any:
    """An event's ``data`` as hashed: parsed, with the personal keys taken out."""
    value = json.loads(data)
    if isinstance(value, dict):
        for key in PERSONAL_KEYS:
            value.pop(key, None)
    return value


def _canonical(spec: Chained, values: Sequence[Any]) -> Any:
    out: list[Any] = [spec.table]
    for column, value in zip(spec.columns, values, strict=True):
        if value is None:
            out.append(None)
        elif column in spec.real:
            out.append(float(value))
        elif column == spec.personal_json:
            out.append(without_personal(value))
        elif isinstance(value, float) and value.is_integer():  # an INTEGER column stores 4.0 as 4
            out.append(int(value))
        else:
            out.append(value)
    return out


def row_hash(spec: Chained, previous: str | None, values: Sequence[Any]) -> str:
    """The hash of one row (``values`` in ``spec.columns`` order) after ``previous``."""
    content = json.dumps(_canonical(spec, values), ensure_ascii=False, sort_keys=True,
                         separators=(",", ":"))
    return hashlib.sha256(f"{previous or ''}\n{content}".encode()).hexdigest()


def _last(db: Database, spec: Chained) -> tuple[int, str]:
    row = db.execute(f"SELECT id, hash FROM {spec.table} ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1] or "") if row else (0, "")


def append(db: Database, spec: Chained, values: Sequence[Any]) -> int:
    """Insert one row (``values`` for every column after ``id``) with the next id and its
    hash; the caller holds the write transaction. Returns the id."""
    last_id, previous = _last(db, spec)
    row = (last_id + 1, *values)
    db.execute(spec.insert_sql, [*row, row_hash(spec, previous, row)])
    return last_id + 1


def append_many(db: Database, spec: Chained, rows: Iterable[Sequence[Any]]) -> int:
    """Insert many rows in order (as :func:`append`); returns how many."""
    last_id, previous = _last(db, spec)
    batch: list[tuple[Any, ...]] = []
    n = 0
    for values in rows:
        last_id += 1
        row = (last_id, *values)
        previous = row_hash(spec, previous, row)
        batch.append((*row, previous))
        n += 1
        if len(batch) >= BATCH:
            db.conn.executemany(spec.insert_sql, batch)
            batch = []
    if batch:
        db.conn.executemany(spec.insert_sql, batch)
    return n


def stored_rows(db: Database, spec: Chained) -> Iterator[tuple[Any, ...]]:
    """Every row in id order: the columns, then the stored hash."""
    yield from db.execute(spec.select_sql)
