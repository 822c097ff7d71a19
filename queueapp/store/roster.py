"""The roster: hosts a lead added (``hosts``) and the shift leads with their secret
hashes (``leads``). Rows are never deleted: removing one stamps ``removed_at``, so a
name on an old gesture or void stays explained. ``name_key`` is the name normalised
(``queueapp.goodwill.roster.normalise_name``); a unique index keeps two live rows from
sharing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from queueapp.store.repository import Repository
from queueapp.store.times import epoch, iso


@dataclass(frozen=True)
class RosterHost:
    name: str
    added_at: float
    added_by: str


@dataclass(frozen=True)
class LeadRow:
    name: str
    secret_hash: str
    created: float
    created_by: str


class Roster(Repository):
    """``store.roster``: hosts and leads on the roster now."""

    # -- hosts -----------------------------------------------------------------------------
    def hosts(self) -> list[RosterHost]:
        rows = self.db.execute("SELECT name, added_at, added_by FROM hosts "
                               "WHERE removed_at IS NULL ORDER BY id").fetchall()
        return [RosterHost(r[0], epoch(r[1]) or 0.0, r[2]) for r in rows]

    def add_host(self, now: float, name: str, name_key: str, added_by: str) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT INTO hosts (name, name_key, added_at, added_by) "
                       "VALUES (?,?,?,?)", [name, name_key, iso(now), added_by])

    def remove_host(self, now: float, name_key: str, removed_by: str) -> int:
        """Stamp the live host with this key as removed; how many rows changed (0 or 1)."""
        with self.store.transaction() as db:
            cur = db.execute("UPDATE hosts SET removed_at = ?, removed_by = ? "
                             "WHERE name_key = ? AND removed_at IS NULL",
                             [iso(now), removed_by, name_key])
        return cur.rowcount

    # -- leads -----------------------------------------------------------------------------
    def leads(self) -> list[LeadRow]:
        rows = self.db.execute("SELECT name, secret_hash, created, created_by FROM leads "
                               "WHERE removed_at IS NULL ORDER BY id").fetchall()
        return [LeadRow(r[0], r[1], epoch(r[2]) or 0.0, r[3]) for r in rows]

    def add_lead(self, now: float, name: str, name_key: str, secret_hash: str,
                 created_by: str) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT INTO leads (name, name_key, secret_hash, created, created_by) "
                       "VALUES (?,?,?,?,?)", [name, name_key, secret_hash, iso(now), created_by])

    def remove_lead(self, now: float, name_key: str, removed_by: str) -> int:
        with self.store.transaction() as db:
            cur = db.execute("UPDATE leads SET removed_at = ?, removed_by = ? "
                             "WHERE name_key = ? AND removed_at IS NULL",
                             [iso(now), removed_by, name_key])
        return cur.rowcount
