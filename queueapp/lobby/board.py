"""What the waiting-area board shows: numbers being called, the next numbers and the
wait per table class, and whether joining is paused.

Queue numbers only: the board hangs where every guest can read it, so it never
carries a name or a phone number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from queueapp.config import Guests, TicketClass
from queueapp.quotes.rule import Quote
from queueapp.waitlist.room import CALLED, WAITING, Party, Room

NEXT_SHOWN = 3  # next numbers shown per class (one line of its card on any 16:9 screen)


@dataclass(frozen=True)
class Called:
    ticket: str
    at: float  # when it was called (epoch seconds)


@dataclass(frozen=True)
class ClassLine:
    """One table class on the board: its prefix and party sizes, the next numbers in
    line (those not yet called), how many parties wait in it, and what a party of its
    size joining now would wait."""

    prefix: str
    low: int  # smallest party size in the class
    high: int | None  # largest (None: every bigger party)
    next: tuple[str, ...]
    waiting: int
    wait: Quote | None


@dataclass(frozen=True)
class Board:
    called: tuple[Called, ...]  # every number being called, the first called first
    classes: tuple[ClassLine, ...]
    paused: bool  # the host has paused self check-in
    waiting: int  # parties waiting in all (called ones included)


def class_bounds(guests: Guests) -> list[tuple[TicketClass, int, int | None]]:
    """Each ticket class with the party sizes it takes (low, high; high None = more)."""
    bounds = []
    low = 1
    for cls in guests.tickets:
        bounds.append((cls, low, cls.up_to))
        if cls.up_to is not None:
            low = cls.up_to + 1
    return bounds


def class_of(party: Party, guests: Guests) -> str:
    """The class a party queues in: its number's prefix when it has one (a party whose
    size was edited keeps its place in its line), else the class of its size."""
    for cls in sorted(guests.tickets, key=lambda c: -len(c.prefix)):
        if cls.prefix and party.ticket.startswith(cls.prefix) \
                and party.ticket[len(cls.prefix):].isascii() \
                and party.ticket[len(cls.prefix):].isdecimal():
            return cls.prefix
    return guests.ticket_class(party.size).prefix


def in_line(room: Room, guests: Guests, prefix: str) -> list[Party]:
    """Parties of one class still waiting to be called, in order of arrival."""
    return [p for p in room.waiting() if p.status == WAITING and class_of(p, guests) == prefix]


def build(room: Room, guests: Guests, paused: bool,
          wait_for: Callable[[int], Quote | None]) -> Board:
    """The board for ``room``. ``wait_for(size)`` is the wait a party of that size
    joining now would be quoted (None when it cannot be told)."""
    # the first called first: their hold runs out first (the board says "+N more"
    # below what fits, never dropping one)
    called = sorted((p for p in room.waiting() if p.status == CALLED and p.ticket),
                    key=lambda p: (p.called_at or 0.0, p.ticket))
    lines = []
    for cls, low, high in class_bounds(guests):
        queue = in_line(room, guests, cls.prefix)
        lines.append(ClassLine(cls.prefix, low, high,
                               tuple(p.ticket for p in queue if p.ticket)[:NEXT_SHOWN],
                               len(queue), wait_for(high if high is not None else low)))
    return Board(tuple(Called(p.ticket, p.called_at or 0.0) for p in called),
                 tuple(lines), paused, len(room.waiting()))
