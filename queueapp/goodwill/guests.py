"""Guests: recognised by phone number, with what the staff noticed on earlier visits.

``guests`` holds one row per phone number (E.164); ``guest_visits`` links each
party to its guest; ``guest_notes`` holds likes, dislikes, allergies and other
notes. A :class:`GuestCard` puts together only what is recorded: visits, notes,
birthday, and the gestures (and complaints, where that table exists) of earlier
visits.
"""

from __future__ import annotations

from dataclasses import dataclass

import arrow

from queueapp.goodwill.catalogue import parse_month_day
from queueapp.goodwill.gestures import Gesture, gestures_for_guest
from queueapp.store import Store, StoreError, epoch, iso
from queueapp.waitlist.room import Party

NOTE_KINDS = ("like", "dislike", "note", "allergy")


class GuestError(StoreError):
    """A guest action that cannot be done; the message says why."""


@dataclass(frozen=True)
class GuestNote:
    id: int
    guest_id: int
    time: float
    kind: str
    text: str
    host: str = ""


@dataclass(frozen=True)
class GuestCard:
    """What the stand knows about a guest.

    ``visit_number`` is the number of the visit the card is for: the coming
    visit for :func:`recognise` (before the party is added), or the party's
    own visit for :func:`guest_for_party`. ``last_visit`` is the visit before it.
    """

    id: int
    phone: str
    name: str
    birthday: str  # "MM-DD" or ""
    first_seen: float
    last_seen: float
    visits: int  # visits recorded so far
    visit_number: int
    last_visit: float | None
    notes: tuple[GuestNote, ...] = ()
    gestures: tuple[Gesture, ...] = ()  # given on earlier visits
    complaints: int = 0  # complaints recorded on earlier visits
    usual_size: int | None = None  # the party size most often seen on earlier visits

    @property
    def returning(self) -> bool:
        return self.visit_number > 1

    def _kind(self, kind: str) -> list[str]:
        return [n.text for n in self.notes if n.kind == kind]

    @property
    def likes(self) -> list[str]:
        return self._kind("like")

    @property
    def dislikes(self) -> list[str]:
        return self._kind("dislike")

    @property
    def allergies(self) -> list[str]:
        return self._kind("allergy")

    @property
    def other_notes(self) -> list[str]:
        return self._kind("note")

    def days_to_birthday(self, now: float, tz: str) -> int | None:
        """Days until the next birthday (0 = today), or None when unknown."""
        if not self.birthday:
            return None
        today = arrow.get(now).to(tz).floor("day")
        month, day = (int(x) for x in self.birthday.split("-"))
        for year in (today.year, today.year + 1, today.year + 2):
            try:
                date = today.replace(year=year, month=month, day=day)
            except ValueError:  # 29 February in a common year
                continue
            if date >= today:
                return (date - today).days
        return None


def _card(store: Store, row: tuple, party_id: str | None = None) -> GuestCard:
    gid = row[0]
    visits = store.db.execute("SELECT party, time FROM guest_visits WHERE guest_id = ? "
                              "ORDER BY time, party", [gid]).fetchall()
    parties = [v[0] for v in visits]
    if party_id is not None and party_id in parties:
        index = parties.index(party_id)
        number = index + 1
        last = epoch(visits[index - 1][1]) if index else None
        earlier = set(parties[:index])
    else:
        number = row[6] + 1
        last = epoch(row[5])
        earlier = set(parties)
    notes = tuple(GuestNote(r[0], r[1], epoch(r[2]) or 0.0, r[3], r[4], r[5])
                  for r in store.db.execute(
                      "SELECT id, guest_id, time, kind, text, host FROM guest_notes "
                      "WHERE guest_id = ? ORDER BY time, id", [gid]))
    gestures = tuple(g for g in gestures_for_guest(store, gid) if g.party in earlier)
    complaints = 0
    if earlier:
        marks = ",".join("?" * len(earlier))
        complaints = store.db.execute(f"SELECT count(*) FROM complaints WHERE party IN ({marks})",
                                      sorted(earlier)).fetchone()[0]
    return GuestCard(gid, row[1], row[2], row[3], epoch(row[4]) or 0.0, epoch(row[5]) or 0.0,
                     row[6], number, last, notes, gestures, complaints,
                     _usual_size(store, [p for p in parties if p in earlier]))


USUAL_SIZE_VISITS = 10  # the usual size is read from the latest visits only


def _usual_size(store: Store, earlier: list[str]) -> int | None:
    """The size most often seen on the latest earlier visits (the latest wins a tie),
    to fill in the add form for a returning guest."""
    sizes = [p.size for pid in earlier[-USUAL_SIZE_VISITS:]
             for p in [store.party(pid)] if p is not None]
    if not sizes:
        return None
    return max(reversed(sizes), key=sizes.count)


_GUEST = "SELECT id, phone, name, birthday, first_seen, last_seen, visits FROM guests"


def recognise(store: Store, phone: str) -> GuestCard | None:
    """The card of a returning guest by E.164 phone, for the visit about to be added."""
    if not phone:
        return None
    row = store.db.execute(_GUEST + " WHERE phone = ?", [phone]).fetchone()
    return _card(store, row) if row else None


def guest(store: Store, guest_id: int) -> GuestCard | None:
    row = store.db.execute(_GUEST + " WHERE id = ?", [guest_id]).fetchone()
    return _card(store, row) if row else None


def guest_for_party(store: Store, party_id: str) -> GuestCard | None:
    """The card of the guest linked to ``party_id``, as of that party's visit."""
    row = store.db.execute(_GUEST + " WHERE id = (SELECT guest_id FROM guest_visits "
                           "WHERE party = ?)", [party_id]).fetchone()
    return _card(store, row, party_id) if row else None


def match_by_name(store: Store, name: str, limit: int = 8) -> list[GuestCard]:
    """Known guests whose name matches (exact first, then starting with it), latest first."""
    text = name.strip()
    if not text:
        return []
    like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.db.execute(
        _GUEST + " WHERE name = ? COLLATE NOCASE OR name LIKE ? ESCAPE '\\' "
        "ORDER BY (name = ? COLLATE NOCASE) DESC, last_seen DESC LIMIT ?",
        [text, like + "%", text, limit]).fetchall()
    return [_card(store, r) for r in rows]


def record_visit(store: Store, party: Party, guest_id: int | None = None) -> GuestCard | None:
    """Link ``party`` to its guest (by phone, or ``guest_id`` after a name match).

    Creates the guest on a first visit. Calling it again for the same party
    changes nothing. Returns the card as of this visit, or None without a phone
    or guest id.
    """
    if not party.phone and guest_id is None:
        return None
    with store._write() as db:
        linked = db.execute("SELECT guest_id FROM guest_visits WHERE party = ?",
                            [party.id]).fetchone()
        if linked is None:
            if guest_id is None:
                row = db.execute("SELECT id FROM guests WHERE phone = ?",
                                 [party.phone]).fetchone()
            else:
                row = db.execute("SELECT id FROM guests WHERE id = ?", [guest_id]).fetchone()
                if row is None:
                    raise GuestError(f"There is no guest number {guest_id}.")
            when = iso(party.arrived)
            if row is None:
                gid = db.execute(
                    "INSERT INTO guests (phone, name, first_seen, last_seen, visits) "
                    "VALUES (?, ?, ?, ?, 1)", [party.phone, party.name, when, when]).lastrowid
            else:
                gid = row[0]
                db.execute("UPDATE guests SET visits = visits + 1, "
                           "last_seen = max(last_seen, ?), "
                           "name = CASE WHEN name = '' THEN ? ELSE name END WHERE id = ?",
                           [when, party.name, gid])
            db.execute("INSERT INTO guest_visits (party, guest_id, time) VALUES (?, ?, ?)",
                       [party.id, gid, when])
    return guest_for_party(store, party.id)


def add_note(store: Store, guest_id: int, kind: str, text: str, host: str,
             now: float) -> GuestNote:
    """Put an observation on the guest's card: kind is like, dislike, note or allergy."""
    if kind not in NOTE_KINDS:
        raise GuestError(f"Note kind {kind!r} should be one of {', '.join(NOTE_KINDS)}.")
    if not text.strip():
        raise GuestError("The note is empty; type what you noticed.")
    with store._write() as db:
        if db.execute("SELECT 1 FROM guests WHERE id = ?", [guest_id]).fetchone() is None:
            raise GuestError(f"There is no guest number {guest_id}.")
        nid = db.execute("INSERT INTO guest_notes (guest_id, time, kind, text, host) "
                         "VALUES (?, ?, ?, ?, ?)",
                         [guest_id, iso(now), kind, text.strip(), host.strip()]).lastrowid
    assert nid is not None  # an INSERT always sets it
    return GuestNote(nid, guest_id, now, kind, text.strip(), host.strip())


def set_birthday(store: Store, guest_id: int, birthday: str) -> None:
    """Birthday as "MM-DD" (or "" to forget it)."""
    try:
        value = parse_month_day(birthday) if birthday.strip() else ""
    except ValueError as exc:
        raise GuestError(f"Birthday: {exc}.") from None
    with store._write() as db:
        db.execute("UPDATE guests SET birthday = ? WHERE id = ?", [value, guest_id])
