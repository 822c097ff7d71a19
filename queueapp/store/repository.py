"""What every repository shares: the store it works in, and its connection."""

from __future__ import annotations

from collections.abc import Sized
from typing import TYPE_CHECKING

from sqlite_utils import Database

if TYPE_CHECKING:
    from queueapp.store.database import Store

CHUNK = 500  # ids bound per IN (...) query, well under SQLite's limit on parameters
# an events row no undo points at (the row's own id is ``id``)
NOT_UNDONE = "id NOT IN (SELECT ref FROM events WHERE event = 'undo' AND ref IS NOT NULL)"


class Repository:
    """One domain's tables. Reads use the calling thread's connection; writes run in
    ``store.transaction()`` (joining the caller's, when a core operation holds one)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def db(self) -> Database:
        return self.store.db


def marks(values: Sized) -> str:
    """``?,?,?``: one placeholder per value (for ``IN (...)``)."""
    return ",".join("?" * len(values))


def rowid(value: int | None) -> int:
    """The id SQLite gave the row just inserted (always set after an INSERT)."""
    assert value is not None
    return value
