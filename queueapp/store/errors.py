"""Errors the core raises: each names its words in ``queueapp.i18n`` (a key and values).

``str(exc)`` is the English text (what the command line prints); a screen shows
the same error in its own language with ``Translator.error(exc)``. The words are
written once, in ``i18n.EN`` and ``i18n.ZH``, never at the ``raise``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from queueapp.i18n import ENGLISH


class StoreError(Exception):
    """The database (or the core over it) cannot do what was asked; the words say why
    and what to do. ``key`` and ``values`` name them in ``queueapp.i18n``."""

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values

    def __str__(self) -> str:
        return ENGLISH(self.key, **self.values)


class Conflict(StoreError):
    """The action no longer fits the state (often: another terminal got there first)."""


class Busy(StoreError):
    """Another program held the write lock for longer than the busy timeout."""


DB_ERRORS = (StoreError, sqlite3.Error)  # what a worker catches around any database work


def as_store_error(exc: BaseException) -> StoreError:
    """A raw sqlite3 error from a read, as a StoreError with words for a person."""
    if isinstance(exc, StoreError):
        return exc
    return StoreError("err_db_read", detail=exc)


def readonly_companions(path: Path) -> list[Path]:
    """The database's ``-wal`` and ``-shm`` files that are there but cannot be written
    (left by a program run as another user, or by a chmod): with them, the database
    itself cannot be written, however writable it is, and not even read by some."""
    found = (path.with_name(path.name + end) for end in ("-wal", "-shm"))
    return [f for f in found if f.exists() and not os.access(f, os.W_OK)]


def companions_error(path: Path) -> StoreError | None:
    """The words for a database held back by read-only ``-wal``/``-shm`` files, if it is."""
    files = readonly_companions(path)
    if not files:
        return None
    return StoreError("err_db_companions_readonly", path=path,
                      files=" ".join(str(f) for f in files))
