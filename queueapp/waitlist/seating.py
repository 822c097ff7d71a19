"""Which free tables can take a party, best fit first; and who sits next at each.

One rule serves the seat picker, the proposals and the skip warning: a party's
tables are :func:`seat_options` (smallest that fits first), and parties are served
in the order of the waiting list. A table held for a party is that party's alone
while the hold lasts.
"""

from __future__ import annotations

from collections.abc import Iterable
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


@dataclass(frozen=True)
class Proposal:
    """A ready table and the party that should sit there next.

    ``skipped``: parties ahead in line that this table also fits and that would be
    left without a ready table (0 when the proposal keeps the order). ``held``: the
    table is held for the party, until ``until`` (epoch seconds).
    """

    table: str  # "A4" or "A4+A5"
    party_id: str
    skipped: int = 0
    held: bool = False
    until: float | None = None

    @property
    def tables(self) -> list[str]:
        return self.table.split("+")


WASTE_OK = 2  # empty seats a proposal may leave at a table a party further down fits well


def seat_options(config: Config, room: Room, size: int, party: str = "",
                 now: float | None = None) -> list[Option]:
    """Free tables that seat ``size``: smallest first, then by section order, then name.

    Joined tables are offered only to parties bigger than each of their parts,
    so a join never takes two tables that one of them could have served. A table
    held for another party than ``party`` is left out while the hold lasts (with
    ``now`` unknown, every recorded hold counts: never offer a kept table by mistake).
    """
    def open_to_party(name: str) -> bool:
        t = room.tables[name]
        if not t.held_for or t.held_for == party:
            return True
        return bool(now is not None and not room.held_for(name, now))

    order = {s.name: i for i, s in enumerate(config.sections)}
    out: list[Option] = []
    for t in room.tables.values():
        if t.state == FREE and t.seats >= size and open_to_party(t.name):
            out.append(Option(t.name, t.seats, t.section))
    for j in config.joins:
        parts = [room.tables.get(n) for n in j.tables]
        if any(p is None or p.state != FREE or not open_to_party(p.name) for p in parts):
            continue
        if j.seats >= size and all(p.seats < size for p in parts if p):
            section = parts[0].section if parts[0] else ""
            out.append(Option(j.name, j.seats, section, joined=True))
    table_order = {t.name: i for i, t in enumerate(config.tables)}
    out.sort(key=lambda o: (o.seats, o.joined, order.get(o.section, 99),
                            table_order.get(o.table.split("+")[0], 999)))
    return out


def _held_ready(room: Room, now: float) -> dict[str, list[str]]:
    """Party -> the tables held for it, when all of them are free now."""
    held: dict[str, list[str]] = {}
    for name, pid in room.holds(now).items():
        held.setdefault(pid, []).append(name)
    return {pid: names for pid, names in held.items()
            if all(room.tables[n].state == FREE for n in names)}


def _assign(room: Room, now: float, config: Config, taken: Iterable[str] = (),
            leave_out: str = "") -> dict[str, str]:
    """Party -> the table it would be given: down the waiting list in order, each
    party takes its first :func:`seat_options` table that no one ahead has taken,
    but not a table that wastes more than WASTE_OK seats on it while a party further
    down fits it well (a party of 3 does not get the one 8-top while a party of 7
    waits for it). Held tables go to their parties (and to no one else); a party
    whose held table is not ready yet waits for it."""
    holds = room.holds(now)
    used = set(taken)
    used.update(holds)
    given = {pid: "+".join(names) for pid, names in _held_ready(room, now).items()
             if pid != leave_out}
    holders = set(holds.values())
    line = [p for p in room.waiting() if p.id != leave_out and p.id not in holders]
    for i, p in enumerate(line):
        if p.id in given:  # a table kept for them already (below)
            continue
        for o in seat_options(config, room, p.size, p.id, now):
            parts = o.table.split("+")
            if used.intersection(parts):
                continue
            used.update(parts)
            fits_well = next((q for q in line[i + 1:] if q.id not in given
                              and q.size <= o.seats <= q.size + WASTE_OK), None)
            if o.seats - p.size > WASTE_OK and fits_well is not None:
                given[fits_well.id] = o.table  # it goes to the party behind that it fits
                continue
            given[p.id] = o.table
            break
    return given


def propose(room: Room, now: float, config: Config) -> list[Proposal]:
    """For each ready table (or tables held together), the party it should go to,
    in the order of the waiting list; a table held for a party goes to that party."""
    given = _assign(room, now, config)
    held = _held_ready(room, now)
    out = []
    for p in room.waiting():
        table = given.get(p.id)
        if table is None:
            continue
        if p.id in held:
            until = room.tables[held[p.id][0]].held_until
            out.append(Proposal(table, p.id, 0, True, until))
        else:
            out.append(Proposal(table, p.id, skipped_if_seated(room, p.id, table, now, config)))
    return out


def proposal_for_party(proposals: Iterable[Proposal], party_id: str) -> Proposal | None:
    """The table proposed for this party, if any."""
    return next((p for p in proposals if p.party_id == party_id), None)


def proposal_for_table(proposals: Iterable[Proposal], table: str) -> Proposal | None:
    """The party proposed for this table (or for tables it is joined with), if any."""
    return next((p for p in proposals if table in p.tables), None)


def skipped_if_seated(room: Room, party_id: str, table: str, now: float,
                      config: Config) -> int:
    """How many parties ahead of ``party_id`` in line, that ``table`` also fits, would
    be left without a ready table if this party sat there now.

    Those given another ready table by the same rule are not counted, nor those
    with a table held for them; a table held for this party skips no one.
    """
    names = table.split("+")
    if all(room.held_for(n, now) == party_id for n in names):
        return 0
    after = _assign(room, now, config, taken=names, leave_out=party_id)
    held = set(room.holds(now).values())
    count = 0
    for p in room.waiting():
        if p.id == party_id:
            break
        if p.id in after or p.id in held:
            continue
        if any(o.table == table for o in seat_options(config, room, p.size, p.id, now)):
            count += 1
    return count
