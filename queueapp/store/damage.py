"""Rows that cannot be read: skipped and remembered, so one bad row never takes the stand down.

A row edited by hand or half-written by a failing disk (``parties.tags = 'child'``,
``arrived_at = 'yesterday'``) would otherwise end every read that meets it in a
traceback. Repositories decode rows through :func:`decoded`: a row that fails is left
out, and :class:`DamageLog` (``store.damage``) keeps which rows those were, so the
stand, ``report``, ``export`` and ``events`` can say so and name them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

R = TypeVar("R")
T = TypeVar("T")

# what decoding a bad value raises: a time that is not ISO 8601, JSON that is not JSON,
# a NULL or a number where text belongs, a timestamp out of range
DECODE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError,
                 json.JSONDecodeError, AttributeError)
NAMED = 3  # damaged rows a message names (the rest are counted)


@dataclass(frozen=True, order=True)
class DamagedRow:
    table: str
    key: str  # the row's id as text
    detail: str  # what could not be read


class DamageLog:
    """The damaged rows met so far (each once), in the order they were met. Shared by
    every thread of one store."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], DamagedRow] = {}
        self._lock = threading.Lock()

    def add(self, table: str, key: object, exc: BaseException) -> None:
        row = DamagedRow(table, str(key), f"{type(exc).__name__}: {exc}")
        with self._lock:
            self._rows.setdefault((row.table, row.key), row)

    def rows(self) -> list[DamagedRow]:
        with self._lock:
            return list(self._rows.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._rows)


def named(rows: Iterable[DamagedRow], limit: int = NAMED) -> str:
    """``parties 20261129-004, gestures 17 …``: the first few rows, for a message."""
    rows = list(rows)
    text = ", ".join(f"{r.table} {r.key}" for r in rows[:limit])
    return text + (" …" if len(rows) > limit else "")


def decoded(damage: DamageLog, table: str, rows: Iterable[R], decode: Callable[[R], T],
            key: Callable[[R], object]) -> list[T]:
    """Each row decoded; a row that cannot be is left out and noted in ``damage``."""
    out: list[T] = []
    for row in rows:
        try:
            out.append(decode(row))
        except DECODE_ERRORS as exc:
            damage.add(table, _key(key, row), exc)
    return out


def decode_one(damage: DamageLog, table: str, row: R, decode: Callable[[R], T],
               key: Callable[[R], object]) -> T | None:
    """One row decoded, or None (noted in ``damage``) when it cannot be."""
    found = decoded(damage, table, [row], decode, key)
    return found[0] if found else None


def _key(key: Callable[[R], object], row: R) -> object:
    try:
        return key(row)
    except DECODE_ERRORS:
        return "?"
