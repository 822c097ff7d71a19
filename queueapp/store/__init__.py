"""The store: the only code that speaks SQL.

Everything else reads and writes the SQLite file through :class:`Store` (the
waiting list, transactions, change detection) and its repositories, one per
domain: ``store.gestures``, ``store.guests``, ``store.complaints``,
``store.rescues`` and ``store.review`` (see the README's Architecture section).
"""

from queueapp.store.database import LIVE, Store, default_db_path, resolve_db_path
from queueapp.store.errors import DB_ERRORS, Busy, Conflict, StoreError, as_store_error
from queueapp.store.times import epoch, iso

__all__ = ["DB_ERRORS", "LIVE", "Busy", "Conflict", "Store", "StoreError", "as_store_error",
           "default_db_path", "epoch", "iso", "resolve_db_path"]
