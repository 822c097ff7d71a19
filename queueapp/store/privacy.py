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


_LIVE = ",".join(f"'{s}'" for s in LIVE)
# the rows a purge anonymises: finished parties with something personal left, guests not
# yet anonymised, notes not yet blanked (each older than the cut-off, the first ?)
_PARTIES = (f"arrived_at < ? AND status NOT IN ({_LIVE}) "
            "AND (name != '' OR phone != '' OR note != '' OR reply_text != '')")
_GUESTS = "last_seen < ? AND phone NOT LIKE ? || '%'"
_NOTES = "time < ? AND text != ''"


class PersonalData(Repository):
    """``store.privacy``."""

    def pending(self, before: str) -> Purged:
        """How many parties, guests and notes :meth:`anonymise` would blank now (its
        events are not counted: they follow the parties)."""
        db = self.db
        return Purged(
            db.execute(f"SELECT count(*) FROM parties WHERE {_PARTIES}", [before]).fetchone()[0],
            db.execute(f"SELECT count(*) FROM guests WHERE {_GUESTS}",
                       [before, PURGED_PHONE]).fetchone()[0],
            db.execute(f"SELECT count(*) FROM guest_notes WHERE {_NOTES}",
                       [before]).fetchone()[0])

    def anonymise(self, before: str) -> Purged:
        """Blank the personal data of everything older than ``before`` (an ISO time in
        UTC, as the file writes times), in one transaction."""
        with self.store.transaction() as db:
            parties = db.execute(
                f"UPDATE parties SET name = '', phone = '', note = '', reply_text = '' "
                f"WHERE {_PARTIES}", [before]).rowcount
            guests = db.execute(
                f"UPDATE guests SET name = '', birthday = '', phone = ? || id WHERE {_GUESTS}",
                [PURGED_PHONE, before, PURGED_PHONE]).rowcount
            notes = db.execute(f"UPDATE guest_notes SET text = '' WHERE {_NOTES}",
                               [before]).rowcount
            rows = db.execute(
                "SELECT id, data FROM events WHERE (time < ? OR party IN (SELECT id FROM parties "
                f"WHERE arrived_at < ? AND status NOT IN ({_LIVE}))) AND party NOT IN "
                f"(SELECT id FROM parties WHERE status IN ({_LIVE})) AND CASE WHEN "
                "json_valid(data) THEN "
                + " OR ".join(f"json_extract(data, '$.{k}') != ''" for k in PERSONAL_KEYS)
                + " ELSE 0 END", [before, before]).fetchall()
            changed = [(new, event_id) for event_id, data in rows
                       if (new := _blank_personal(data)) is not None]
            db.conn.executemany("UPDATE events SET data = ? WHERE id = ?", changed)
            # messages to guests hold names and links (issue 12): their words go too
            db.execute("UPDATE outbox SET text = '', last_error = '' WHERE created < ? "
                       "AND status != 'queued' AND (text != '' OR last_error != '')", [before])
        return Purged(parties, guests, notes, len(changed))
