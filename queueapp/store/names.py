"""Names for party ids: the review and the report show people, not ids."""

from __future__ import annotations

import json
from collections.abc import Iterable

from queueapp.store.database import Store


def party_names(store: Store, party_ids: Iterable[str]) -> dict[str, str]:
    """``{party id: name}`` for the ids that are parties (unknown ids are left out).

    The ids go in as one JSON array: a month's review lists thousands of them, more than
    SQLite allows as bound parameters."""
    wanted = sorted({pid for pid in party_ids if pid})
    if not wanted:
        return {}
    rows = store.db.execute(
        "SELECT id, name FROM parties WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(wanted)])
    return {pid: name or "" for pid, name in rows}
