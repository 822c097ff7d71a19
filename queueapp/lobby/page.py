"""One guest's own page: their number, their place in their class's line, the live
estimate and why it is what it is, and what the restaurant offers while they wait.

Everything here is about the guest's own party; the only thing said about others is
their queue numbers and how many there are (never a name or a phone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from queueapp.config import Config
from queueapp.goodwill.catalogue import Catalogue, Interaction
from queueapp.lobby.board import class_bounds, class_of, in_line
from queueapp.quotes.rule import Quote
from queueapp.waitlist.events import COMING
from queueapp.waitlist.room import CALLED, CLEARING, FREE, OCCUPIED, Party, Room

# catalogue categories a guest is told about: what is offered to anyone waiting (a
# recovery gesture or a custom one is the host's to give, not a promise)
OFFERED = ("drink", "snack", "game", "amenity", "tour")


@dataclass(frozen=True)
class Fact:
    """One true statement for the reason line: an i18n key and its values."""

    key: str
    values: dict[str, Any]


@dataclass(frozen=True)
class GuestView:
    party_id: str
    ticket: str
    name: str
    size: int
    called: bool
    called_at: float | None
    position: int  # 1 = next to be called in the class (0 once called)
    ahead: tuple[str, ...]  # numbers of the parties ahead in the class (those that have one)
    ahead_count: int
    estimate: Quote | None
    reason: tuple[Fact, ...]
    offers: tuple[Interaction, ...]
    coming: bool  # the guest has said they are on their way back
    held: str  # tables kept for them right now ("" when none)
    class_low: int
    class_high: int | None
    hold_ends: float | None = None  # called: until when their table is kept (the record's)
    now: float = 0.0  # when the view was made


def tables_for(room: Room, size: int, low: int, high: int | None) -> list[str]:
    """The tables a party of ``size`` in class (low–high) is seated at: those that seat
    it and are no bigger than the class's largest party; if none is, every table that
    seats it."""
    fits = [t for t in room.tables.values() if t.seats >= size]
    in_class = [t for t in fits if high is None or t.seats <= high]
    return [t.name for t in (in_class or fits)]


def reason(room: Room, party: Party, ahead: int, low: int, high: int | None,
           now: float) -> tuple[Fact, ...]:
    """Why the wait is what it is, from what is true in the room now: the parties ahead
    in line, and how many of the tables that fit the party are in use or being cleared."""
    facts = [Fact("page_reason_first", {}) if ahead == 0 else
             Fact("page_reason_ahead_one", {}) if ahead == 1 else
             Fact("page_reason_ahead", {"n": ahead})]
    if room.held_tables(party.id, now):
        return (*facts, Fact("page_reason_held", {}))
    names = tables_for(room, party.size, low, high)
    states = [room.tables[n].state for n in names]
    used, clearing, free = (states.count(OCCUPIED), states.count(CLEARING),
                            states.count(FREE))
    if len(names) == 1 and used == 1:
        facts.append(Fact("page_reason_all_used_one", {}))
    elif names and used == len(names):
        facts.append(Fact("page_reason_all_used", {"n": len(names)}))
    elif used:
        facts.append(Fact("page_reason_some_used", {"used": used, "n": len(names)}))
    elif free:
        facts.append(Fact("page_reason_free", {}))
    if clearing == 1:
        facts.append(Fact("page_reason_clearing_one", {}))
    elif clearing:
        facts.append(Fact("page_reason_clearing", {"n": clearing}))
    return tuple(facts)


def offers(catalogue: Catalogue, party: Party, now: float) -> tuple[Interaction, ...]:
    """What the restaurant offers a party like this one while it waits, from the
    catalogue: in season and hours now, fitting the party as the stand's suggestions
    judge it (minutes waited, both ways: a fruit plate from 20 minutes on shows from
    then on; size; tags), and not only for parties about to leave, past their quote,
    returning, or needing a lead's approval."""
    waited = party.waited(now)
    tags = {t.casefold() for t in party.tags}
    found = []
    for item in catalogue:
        if item.category not in OFFERED or item.rescue or item.needs_approval \
                or not item.on_guest_page:
            continue
        if item.min_over_quote is not None or item.max_over_quote is not None \
                or item.returning is not None:
            continue
        if item.fits_party(waited, party.size, tags) and catalogue.in_season(item, now):
            found.append(item)
    return tuple(found)


def view(room: Room, party: Party, config: Config, quotes: dict[str, Quote],
         now: float) -> GuestView:
    """The page of ``party`` (waiting or called) in ``room`` with the live ``quotes``."""
    guests = config.guests
    prefix = class_of(party, guests)
    low, high = next(((lo, hi) for cls, lo, hi in class_bounds(guests)
                      if cls.prefix == prefix), (1, None))
    line = in_line(room, guests, prefix)
    ids = [p.id for p in line]
    called = party.status == CALLED
    ahead = line[:ids.index(party.id)] if party.id in ids else []
    return GuestView(
        party.id, party.ticket, party.name, party.size, called, party.called_at,
        0 if called else len(ahead) + 1, tuple(p.ticket for p in ahead if p.ticket),
        len(ahead), None if called else quotes.get(party.id),
        () if called else reason(room, party, len(ahead), low, high, now),
        () if called else offers(config.catalogue, party, now), party.reply == COMING,
        room.held_tables(party.id, now), low, high, party.hold_ends(config.hold_minutes), now)
