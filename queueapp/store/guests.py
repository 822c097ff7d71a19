"""Guests (one row per phone number), their visits (``guest_visits``) and notes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from queueapp.store.damage import decode_one, decoded
from queueapp.store.repository import Repository, rowid
from queueapp.store.times import epoch, iso


@dataclass(frozen=True)
class GuestRow:
    """A ``guests`` row as stored."""

    id: int
    phone: str
    name: str
    birthday: str  # "MM-DD" or ""
    first_seen: float
    last_seen: float
    visits: int


@dataclass(frozen=True)
class GuestNote:
    id: int
    guest_id: int
    time: float
    kind: str
    text: str
    host: str = ""


_GUEST = "SELECT id, phone, name, birthday, first_seen, last_seen, visits FROM guests"


def _needed(text: str | None) -> float:
    """A time the row needs: an empty or unreadable one makes the row damaged."""
    found = epoch(text)
    if found is None:
        raise ValueError("a needed time is empty")
    return found


def _guest(r: tuple[Any, ...]) -> GuestRow:
    return GuestRow(r[0], r[1], r[2], r[3], _needed(r[4]), _needed(r[5]), r[6])


class GuestBook(Repository):
    """``store.guests``."""

    # -- reading ---------------------------------------------------------------------------
    def _one(self, row: tuple[Any, ...]) -> GuestRow | None:
        return decode_one(self.store.damage, "guests", row, _guest, lambda r: r[0])

    def get(self, guest_id: int) -> GuestRow | None:
        row = self.db.execute(_GUEST + " WHERE id = ?", [guest_id]).fetchone()
        return self._one(row) if row else None

    def by_phone(self, phone: str) -> GuestRow | None:
        row = self.db.execute(_GUEST + " WHERE phone = ?", [phone]).fetchone()
        return self._one(row) if row else None

    def for_party(self, party_id: str) -> GuestRow | None:
        """The guest whose visit ``party_id`` was."""
        row = self.db.execute(_GUEST + " WHERE id = (SELECT guest_id FROM guest_visits "
                              "WHERE party = ?)", [party_id]).fetchone()
        return self._one(row) if row else None

    def guest_id_for_party(self, party_id: str) -> int | None:
        row = self.db.execute("SELECT guest_id FROM guest_visits WHERE party = ?",
                              [party_id]).fetchone()
        return row[0] if row else None

    def named(self, name: str, limit: int, *, whole_words: bool) -> list[GuestRow]:
        """Guests called ``name`` (any case) first, then those whose name starts with it
        (``whole_words``: with its words, "Li" finding "Li Fang" but not "Liu Yang");
        latest visit first."""
        like = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.db.execute(
            _GUEST + " WHERE name = ? COLLATE NOCASE OR name LIKE ? ESCAPE '\\' "
            "ORDER BY (name = ? COLLATE NOCASE) DESC, last_seen DESC LIMIT ?",
            [name, like + (" %" if whole_words else "%"), name, limit]).fetchall()
        return decoded(self.store.damage, "guests", rows, _guest, lambda r: r[0])

    def visits(self, guest_id: int) -> list[tuple[str, float]]:
        """(party id, arrival) of each of the guest's visits, in order."""
        rows = self.db.execute("SELECT party, time FROM guest_visits WHERE guest_id = ? "
                               "ORDER BY time, party", [guest_id])
        return decoded(self.store.damage, "guest_visits", rows,
                       lambda r: (r[0], _needed(r[1])), lambda r: r[0])

    def notes(self, guest_id: int) -> list[GuestNote]:
        rows = self.db.execute("SELECT id, guest_id, time, kind, text, host FROM guest_notes "
                               "WHERE guest_id = ? ORDER BY time, id", [guest_id])
        return decoded(self.store.damage, "guest_notes", rows,
                       lambda r: GuestNote(r[0], r[1], _needed(r[2]), r[3], r[4], r[5]),
                       lambda r: r[0])

    def ids_by_phone(self) -> dict[str, int]:
        return {r[1]: r[0] for r in self.db.execute("SELECT id, phone FROM guests")}

    # -- writing ---------------------------------------------------------------------------
    def add(self, phone: str, name: str, when: float, visits: int = 1) -> int:
        """A new guest first seen at ``when``; returns its id."""
        with self.store.transaction() as db:
            return rowid(db.execute(
                "INSERT INTO guests (phone, name, first_seen, last_seen, visits) "
                "VALUES (?, ?, ?, ?, ?)", [phone, name, iso(when), iso(when), visits]).lastrowid)

    def link_visit(self, party_id: str, guest_id: int, when: float) -> bool:
        """Record ``party_id`` as the guest's visit; False when the party was linked already."""
        with self.store.transaction() as db:
            return bool(db.execute(
                "INSERT OR IGNORE INTO guest_visits (party, guest_id, time) VALUES (?, ?, ?)",
                [party_id, guest_id, iso(when)]).rowcount)

    def count_visit(self, guest_id: int, when: float, name: str = "") -> None:
        """One more visit at ``when``; ``name`` fills in a name that was empty."""
        with self.store.transaction() as db:
            db.execute("UPDATE guests SET visits = visits + 1, last_seen = max(last_seen, ?), "
                       "name = CASE WHEN name = '' THEN ? ELSE name END WHERE id = ?",
                       [iso(when), name, guest_id])

    def add_note(self, guest_id: int, now: float, kind: str, text: str,
                 host: str) -> GuestNote:
        with self.store.transaction() as db:
            nid = rowid(db.execute("INSERT INTO guest_notes (guest_id, time, kind, text, host) "
                                   "VALUES (?, ?, ?, ?, ?)",
                                   [guest_id, iso(now), kind, text, host]).lastrowid)
        return GuestNote(nid, guest_id, now, kind, text, host)

    def import_notes(self, notes: Iterable[GuestNote]) -> int:
        """Append many notes at once (simulated history); their ids are new."""
        rows = [(n.guest_id, iso(n.time), n.kind, n.text, n.host) for n in notes]
        with self.store.transaction() as db:
            db.conn.executemany("INSERT INTO guest_notes (guest_id, time, kind, text, host) "
                                "VALUES (?,?,?,?,?)", rows)
        return len(rows)

    def set_birthday(self, guest_id: int, birthday: str) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE guests SET birthday = ? WHERE id = ?", [birthday, guest_id])
