"""The SHA-256 hash chain over ``events`` and ``gestures``: every row carries a ``hash``
of its own content and of the row before it, so a row changed, or taken out of the
middle, after it was written shows (``queueapp verify``).

A row's content is a JSON object of its columns (every one but ``hash``, ``id``
included), leaving out those that hold their column's default: so a column a later
migration adds (with a default) leaves the hashes of the rows before it valid, and the
content is still exactly the row. The personal keys of an event's ``data`` (name, phone,
note) are left out of it: a privacy purge may blank them (the ``events_no_update``
trigger allows exactly that) and the chain stays valid. Rows are appended only here,
inside the caller's write transaction, with the next id (the last id plus one), so the
hash can cover the id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

CHAINED = ("events", "gestures")
PERSONAL_KEYS = ("name", "phone", "note")  # kept out of the hashed content of events.data
PERSONAL_JSON = {"events": "data"}  # the JSON column whose personal keys are not hashed
BATCH = 5000  # rows per executemany when appending many


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "integer", "real", "text" or "json" (the personal JSON column)
    default: Any  # the column's default as stored (None when it has none)


def _literal(sql: str | None) -> Any:
    """A column's DEFAULT as PRAGMA table_info gives it: ``''``, ``'{}'``, ``0``..."""
    if sql is None:
        return None
    if sql.startswith("'") and sql.endswith("'"):
        return sql[1:-1].replace("''", "'")
    try:
        return int(sql)
    except ValueError:
        try:
            return float(sql)
        except ValueError:
            return None if sql.upper() == "NULL" else sql


def columns(db: Database, table: str) -> list[Column]:
    """The table's columns as hashed (``hash`` itself left out), in table order."""
    out = []
    for _cid, name, declared, _notnull, default, _pk in db.execute(
            f"PRAGMA table_info({table})").fetchall():
        if name == "hash":
            continue
        declared = (declared or "").upper()
        kind = "json" if PERSONAL_JSON.get(table) == name else \
            "integer" if "INT" in declared else \
            "real" if any(w in declared for w in ("REAL", "FLOA", "DOUB")) else "text"
        out.append(Column(name, kind, _literal(default)))
    return out


def without_personal(data: str) -> Any:
    """An event's ``data`` as hashed: parsed, with the personal keys taken out."""
    value = json.loads(data)
    if isinstance(value, dict):
        for key in PERSONAL_KEYS:
            value.pop(key, None)
    return value


def _normal(column: Column, value: Any) -> Any:
    """The value as SQLite stores it in that column (4.0 in an INTEGER column is 4)."""
    if value is None:
        return None
    if column.kind == "json":
        return without_personal(value)
    if column.kind == "real" and isinstance(value, (int, float)):
        return float(value) + 0.0  # SQLite reads -0.0 back as 0.0
    if column.kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def content(cols: list[Column], row: Mapping[str, Any]) -> dict[str, Any]:
    """What is hashed of a row: each column's value unless it is the column's default."""
    out = {}
    for column in cols:
        value = _normal(column, row.get(column.name, column.default))
        default = _normal(column, column.default)
        if value != default or type(value) is not type(default):
            out[column.name] = value
    return out


def row_hash(table: str, previous: str | None, cols: list[Column],
             row: Mapping[str, Any]) -> str:
    """The hash of one row of ``table`` after the row whose hash is ``previous``."""
    text = json.dumps([table, content(cols, row)], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(f"{previous or ''}\n{text}".encode()).hexdigest()


def _last(db: Database, table: str) -> tuple[int, str]:
    row = db.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1] or "") if row else (0, "")


def append(db: Database, table: str, row: Mapping[str, Any]) -> int:
    """Insert one row (its columns by name, ``id`` and ``hash`` left to this) with the
    next id and its hash; the caller holds the write transaction. Returns the id."""
    return append_many(db, table, [row], first_only=True)


def append_many(db: Database, table: str, rows: Iterable[Mapping[str, Any]],
                first_only: bool = False) -> int:
    """Insert rows in order (as :func:`append`; all with the same columns). Returns the
    last id written (``first_only``), else how many were written."""
    cols = columns(db, table)
    last_id, previous = _last(db, table)
    batch: list[list[Any]] = []
    sql = ""
    n = 0
    for given in rows:
        last_id += 1
        row = {"id": last_id, **given}
        previous = row_hash(table, previous, cols, row)
        if not sql:
            names = [*row, "hash"]
            sql = (f"INSERT INTO {table} ({', '.join(names)}) "
                   f"VALUES ({', '.join('?' * len(names))})")
        batch.append([*row.values(), previous])
        n += 1
        if len(batch) >= BATCH:
            db.conn.executemany(sql, batch)
            batch = []
    if batch:
        db.conn.executemany(sql, batch)
    return last_id if first_only else n


def stored_rows(db: Database, table: str) -> Iterator[dict[str, Any]]:
    """Every row in id order, as ``{column: value}`` (``hash`` included)."""
    cur = db.execute(f"SELECT * FROM {table} ORDER BY id")
    names = [d[0] for d in cur.description]
    for values in cur:
        yield dict(zip(names, values, strict=True))
