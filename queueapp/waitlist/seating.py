"""Which free tables can take a party, best fit first."""

from __future__ import annotations

from dataclasses import dataclass

from queueapp.config import Config
from queueapp.waitlist.room import FREE, Room


@dataclass(frozen=True)
class Option:
    """A free table, or free tables pushed together, that seats the party."""

    table: str  # "A4" or "A4+A5"
    seats: int
    section: str
    joined: bool = False


def seat_options(config: Config, room: Room, size: int) -> list[Option]:
    """Free tables that seat ``size``: smallest first, then by section order, then name.

    Joined tables are offered only to parties bigger than each of their parts,
    so a join never takes two tables that one of them could have served.
    """
    order = {s.name: i for i, s in enumerate(config.sections)}
    out: list[Option] = []
    for t in room.tables.values():
        if t.state == FREE and t.seats >= size:
            out.append(Option(t.name, t.seats, t.section))
    for j in config.joins:
        parts = [room.tables.get(n) for n in j.tables]
        if any(p is None or p.state != FREE for p in parts):
            continue
        if j.seats >= size and all(p.seats < size for p in parts if p):
            section = parts[0].section if parts[0] else ""
            out.append(Option(j.name, j.seats, section, joined=True))
    table_order = {t.name: i for i, t in enumerate(config.tables)}
    out.sort(key=lambda o: (o.seats, o.joined, order.get(o.section, 99),
                            table_order.get(o.table.split("+")[0], 999)))
    return out
