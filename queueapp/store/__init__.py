"""The store: the only code that speaks SQL.

Everything else reads and writes the SQLite file through :class:`Store` and its
typed methods, inside its transactions (see the README's Architecture section).
"""

from queueapp.store.database import (
    DB_ERRORS,
    LIVE,
    Busy,
    Conflict,
    Store,
    StoreError,
    as_store_error,
    default_db_path,
    epoch,
    iso,
    resolve_db_path,
)

__all__ = ["DB_ERRORS", "LIVE", "Busy", "Conflict", "Store", "StoreError", "as_store_error",
           "default_db_path", "epoch", "iso", "resolve_db_path"]
