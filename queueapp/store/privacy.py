"""Personal data kept only as long as ``[privacy] keep_guest_days`` says (``store.privacy``).

Anonymising blanks names, phones, notes (and a guest's birthday) in place; it deletes no
row and touches no count, size, time or table, so every report gives the same figures
after a purge. In ``events`` only the personal keys of ``data`` (``$.name``, ``$.phone``,
``$.note``) change: the append-only rules and the hash chain over events leave those keys
out, so a purge neither trips a trigger nor breaks the chain. Parties still on the list
(waiting, called or seated) are never touched, whatever the date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from queueapp.store.repository import Repository

PERSONAL_KEYS = ("name", "phone", "note")  # the keys of events.data that hold personal data
PURGED_PHONE = "purged:"  # + the guest's id: guests.phone stays unique and matches no number
LIVE = ("waiting", "called", "seated")
LAST_PURGE = "privacy_purged_on"  # settings key: the local day of the last automatic purge


@dataclass(frozen=True)
class Purged:
    """How many rows a purge anonymised, per table."""

    parties: int = 0
    guests: int = 0
    guest_notes: int = 0
    events: int = 0

    @property
    def total(self) -> int:
        return self.parties + self.guests + self.guest_notes + self.events


def _blank_personal(data: str) -> str | None:
    """``data`` with its personal keys emptied, or None if it holds none (or only empty
    ones). Written as the store writes events (``json.dumps``, key order kept)."""
    try:
        value = json.loads(data)
    except ValueError:
        return None  # a damaged row is left for `verify` to report, not rewritten here
    if not isinstance(value, dict) or not any(value.get(k) for k in PERSONAL_KEYS):
        return None
    for key in PERSONAL_KEYS:
        if key in value:
            value[key] = ""
    return json.dumps(value, ensure_ascii=False)


class PersonalData(Repository):
    """``store.privacy``."""

    def anonymise(self, before: str) -> Purged:
        """Blank the personal data of everything older than ``before`` (an ISO time in
        UTC, as the file writes times), in one transaction."""
        live = ",".join(f"'{s}'" for s in LIVE)
        with self.store.transaction() as db:
            parties = db.execute(
                f"UPDATE parties SET name = '', phone = '', note = '', reply_text = '' "
                f"WHERE arrived_at < ? AND status NOT IN ({live}) "
                "AND (name != '' OR phone != '' OR note != '' OR reply_text != '')",
                [before]).rowcount
            guests = db.execute(
                "UPDATE guests SET name = '', birthday = '', phone = ? || id "
                "WHERE last_seen < ? AND phone NOT LIKE ? || '%'",
                [PURGED_PHONE, before, PURGED_PHONE]).rowcount
            notes = db.execute("UPDATE guest_notes SET text = '' WHERE time < ? AND text != ''",
                               [before]).rowcount
            rows = db.execute(
                "SELECT id, data FROM events WHERE (time < ? OR party IN (SELECT id FROM parties "
                f"WHERE arrived_at < ? AND status NOT IN ({live}))) AND party NOT IN "
                f"(SELECT id FROM parties WHERE status IN ({live})) AND CASE WHEN json_valid(data) "
                "THEN " + " OR ".join(f"json_extract(data, '$.{k}') != ''" for k in PERSONAL_KEYS)
                + " ELSE 0 END", [before, before]).fetchall()
            changed = [(new, event_id) for event_id, data in rows
                       if (new := _blank_personal(data)) is not None]
            db.conn.executemany("UPDATE events SET data = ? WHERE id = ?", changed)
            # messages to guests hold names and links (issue 12): their words go too
            db.execute("UPDATE outbox SET text = '', last_error = '' WHERE created < ? "
                       "AND status != 'queued' AND (text != '' OR last_error != '')", [before])
        return Purged(parties, guests, notes, len(changed))
