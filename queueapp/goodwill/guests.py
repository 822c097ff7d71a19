"""Guests: recognised by phone number, with what the staff noticed on earlier visits.

``guests`` holds one row per phone number (E.164); ``guest_visits`` links each
party to its guest; ``guest_notes`` holds likes, dislikes, allergies and other
notes. A :class:`GuestCard` puts together only what is recorded: visits, notes,
birthday, and the gestures (and complaints, where that table exists) of earlier
visits.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import arrow

from queueapp.goodwill.catalogue import parse_month_day
from queueapp.goodwill.gestures import Gesture, gestures_for_guest
from queueapp.i18n import EN, ZH
from queueapp.store import Store, StoreError
from queueapp.store.guests import GuestNote, GuestRow
from queueapp.waitlist.room import Party

NOTE_KINDS = ("like", "dislike", "note", "allergy")
BIRTHDAY_YEARS_AHEAD = 3  # years searched for the next birthday (29 February further: None)
MATCHES = 8  # guests a match by name offers


class GuestError(StoreError):
    """A guest action that cannot be done; the words say why."""


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
        """Days until the next birthday (0 = today), or None when unknown. By the calendar,
        not the business day: a birthday is the guest's date, and at 00:30 it is the
        birthday of whoever was born on the new date."""
        if not self.birthday:
            return None
        today = arrow.get(now).to(tz).floor("day")
        month, day = (int(x) for x in self.birthday.split("-"))
        for year in range(today.year, today.year + BIRTHDAY_YEARS_AHEAD):
            try:
                date = today.replace(year=year, month=month, day=day)
            except ValueError:  # 29 February in a common year
                continue
            if date >= today:
                return (date - today).days
        return None


def _card(store: Store, row: GuestRow, party_id: str | None = None) -> GuestCard:
    """The card as of ``party_id``'s visit, or (without it) for the visit about to come."""
    visits = store.guests.visits(row.id)
    parties = [party for party, _ in visits]
    if party_id is not None and party_id in parties:
        index = parties.index(party_id)
        number = index + 1
        last = visits[index - 1][1] if index else None
        earlier = set(parties[:index])
    else:
        number = row.visits + 1
        last = row.last_seen
        earlier = set(parties)
    notes = tuple(store.guests.notes(row.id))
    gestures = tuple(g for g in gestures_for_guest(store, row.id) if g.party in earlier)
    complaints = store.complaints.count_for_parties(earlier) if earlier else 0
    return GuestCard(row.id, row.phone, row.name, row.birthday, row.first_seen, row.last_seen,
                     row.visits, number, last, notes, gestures, complaints,
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


def recognise(store: Store, phone: str) -> GuestCard | None:
    """The card of a returning guest by E.164 phone, for the visit about to be added; or,
    while the guest's latest visit is still on the list, as of that visit (a guest whose
    first visit is still waiting is not returning: the form says the phone is on the list)."""
    if not phone:
        return None
    row = store.guests.by_phone(phone)
    if row is None:
        return None
    visits = store.guests.visits(row.id)
    if visits:
        latest = store.party(visits[-1][0])
        if latest is not None and latest.waiting:
            return _card(store, row, latest.id)
    return _card(store, row)


def guest(store: Store, guest_id: int) -> GuestCard | None:
    row = store.guests.get(guest_id)
    return _card(store, row) if row else None


def guest_for_party(store: Store, party_id: str) -> GuestCard | None:
    """The card of the guest linked to ``party_id``, as of that party's visit."""
    row = store.guests.for_party(party_id)
    return _card(store, row, party_id) if row else None


def match_by_name(store: Store, name: str, limit: int = MATCHES) -> list[GuestCard]:
    """Known guests whose name matches, latest first: the same name first, then names
    that start with it. Where names are written in words, the typed ones must be whole
    ("Li" is Li Fang, not Liu Yang); a Chinese, Japanese or Korean name has none ("李"
    is 李娜)."""
    text = name.strip()
    if not text:
        return []
    wide = unicodedata.east_asian_width(text[-1]) in ("W", "F")
    return [_card(store, r) for r in store.guests.named(text, limit, whole_words=not wide)]


def record_visit(store: Store, party: Party, guest_id: int | None = None) -> GuestCard | None:
    """Link ``party`` to its guest (by phone, or ``guest_id`` after a name match).

    Creates the guest on a first visit. Calling it again for the same party
    changes nothing. Returns the card as of this visit, or None without a phone
    or guest id.
    """
    if not party.phone and guest_id is None:
        return None
    with store.transaction():
        if store.guests.guest_id_for_party(party.id) is None:
            if guest_id is None:
                found = store.guests.by_phone(party.phone)
            else:
                found = store.guests.get(guest_id)
                if found is None:
                    raise GuestError("err_no_guest", id=guest_id)
            if found is None:
                gid = store.guests.add(party.phone, party.name, party.arrived)
            else:
                gid = found.id
                store.guests.count_visit(gid, party.arrived, party.name)
            store.guests.link_visit(party.id, gid, party.arrived)
    return guest_for_party(store, party.id)


def _kind_words(kind: str) -> list[str]:
    """The words that name ``kind`` in either language (``likes``, ``like``, ``喜欢``),
    longest first."""
    words = {EN[f"note_{kind}"], ZH[f"note_{kind}"], kind}
    return sorted(words, key=len, reverse=True)


def without_kind(kind: str, text: str) -> str:
    """``text`` without a leading word that repeats its kind, which the card shows
    already: kind like, "likes window seats" -> "window seats" (else the card read
    "likes likes window seats"); "喜欢靠窗" -> "靠窗". Nothing is dropped when nothing
    would be left."""
    text = text.strip()
    folded = text.casefold()
    for word in _kind_words(kind):
        if not folded.startswith(word.casefold()):
            continue
        rest = text[len(word):]
        if word.isascii() and rest[:1].isalnum():  # "likes" is not "likesome"
            continue
        rest = rest.lstrip(" :：,，-—").strip()
        return rest or text
    return text


def add_note(store: Store, guest_id: int, kind: str, text: str, host: str,
             now: float) -> GuestNote:
    """Put an observation on the guest's card: kind is like, dislike, note or allergy.
    A leading word that repeats the kind is dropped (:func:`without_kind`)."""
    if kind not in NOTE_KINDS:
        raise GuestError("err_note_kind", kind=kind, choices=", ".join(NOTE_KINDS))
    if not text.strip():
        raise GuestError("err_note_empty")
    text = without_kind(kind, text)
    with store.transaction():
        if store.guests.get(guest_id) is None:
            raise GuestError("err_no_guest", id=guest_id)
        return store.guests.add_note(guest_id, now, kind, text.strip(), host.strip())


def set_birthday(store: Store, guest_id: int, birthday: str) -> None:
    """Birthday as "MM-DD" (or "" to forget it)."""
    try:
        value = parse_month_day(birthday) if birthday.strip() else ""
    except ValueError:
        raise GuestError("err_birthday_value", text=birthday.strip()) from None
    store.guests.set_birthday(guest_id, value)
