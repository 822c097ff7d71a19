"""The state of the room: who is waiting, which tables are taken.

A :class:`Room` is built by applying events in order. The app, the backtest
and the simulator all use it, so "what the host saw" and "what the estimator
was told" can never drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from queueapp.config import Config, Table
from queueapp.waitlist.events import (
    ABANDON,
    ARRIVE,
    CALL,
    DEPART,
    EDIT,
    EXTEND,
    HOLD,
    READY,
    RELEASE,
    REPLY,
    SEAT,
    Event,
)

if TYPE_CHECKING:
    from queueapp.quotes.rule import Quote

WAITING, CALLED, SEATED, LEFT, REMOVED = "waiting", "called", "seated", "left", "removed"
REPLY_REPEAT_SECONDS = 120.0  # the same answer again within this long is the same answer
FREE, OCCUPIED, CLEARING = "free", "occupied", "clearing"


QUOTE_KEYS = ("quote", "quote_low", "quote_high")


def quote_data(quote: Quote, after: float = 0.0) -> dict[str, float]:
    """A told quote as an ``arrive`` (or ``edit``) row's data keeps it, in minutes from
    arrival to 0.01 minute (``Room`` reads it into the party, the parties row and so the
    review). ``after``: the minutes already waited when a quote counted from now was told
    (a party whose size changed is told the wait still to come)."""
    return {key: round(after + value, 2)
            for key, value in zip(QUOTE_KEYS, (quote.minutes, quote.low, quote.high),
                                  strict=True)}


@dataclass
class Party:
    id: str
    size: int
    arrived: float
    name: str = ""
    phone: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""
    status: str = WAITING
    called_at: float | None = None
    kept_until: float | None = None  # a called party's table kept longer (EXTEND) till then
    seated_at: float | None = None
    table: str = ""
    left_at: float | None = None
    reason: str = ""
    quote: float | None = None
    quote_low: float | None = None
    quote_high: float | None = None
    ticket: str = ""  # the queue number guests see, e.g. "B007" ("" for imported history)
    reply: str = ""  # the guest's last answer (COMING or TEXT), while still waiting
    reply_text: str = ""
    reply_at: float | None = None

    @property
    def waiting(self) -> bool:
        return self.status in (WAITING, CALLED)

    def hold_ends(self, hold_minutes: float) -> float | None:
        """When a called party's table stops being kept for them: ``hold_minutes`` after
        the call, or as long as the host then kept it. None if not called."""
        if self.status != CALLED or self.called_at is None:
            return None
        if self.kept_until is not None:
            return self.kept_until
        return self.called_at + hold_minutes * 60

    def waited(self, now: float) -> float:
        """Minutes waited so far (or until seated/removed)."""
        end = self.seated_at or self.left_at or now
        return max(0.0, (end - self.arrived) / 60.0)

    def said_lately(self, answer: str, text: str, now: float) -> bool:
        """Is ``answer`` (with ``text``) what the guest last said, and said within
        REPLY_REPEAT_SECONDS? A second tap on "I'm on my way back", or a message sent
        twice, is then not a new answer."""
        return (self.reply, self.reply_text) == (answer, text) and self.reply_at is not None \
            and 0 <= now - self.reply_at < REPLY_REPEAT_SECONDS


@dataclass
class TableState:
    name: str
    seats: int
    section: str = ""
    state: str = FREE
    party: str = ""
    party_size: int = 0
    since: float | None = None
    joined: str = ""  # the full "A4+A5" name when joined to others
    held_for: str = ""  # the party this table is kept for, until ``held_until``
    held_until: float | None = None

    def minutes(self, now: float) -> float:
        return 0.0 if self.since is None else max(0.0, (now - self.since) / 60.0)

    def hold_left(self, now: float) -> float:
        """Minutes the hold still lasts (0 when there is none or it has run out):
        a hold ends by itself when its time passes, with no event."""
        if not self.held_for or self.held_until is None:
            return 0.0
        return max(0.0, (self.held_until - now) / 60.0)

    def end_hold(self) -> None:
        self.held_for, self.held_until = "", None


@dataclass
class Room:
    tables: dict[str, TableState]
    parties: dict[str, Party] = field(default_factory=dict)
    now: float = 0.0

    @classmethod
    def from_tables(cls, tables: Iterable[Table]) -> Room:
        return cls({t.name: TableState(t.name, t.seats, t.section) for t in tables})

    @classmethod
    def from_config(cls, config: Config) -> Room:
        return cls.from_tables(config.tables)

    # -- reading -----------------------------------------------------------
    def waiting(self) -> list[Party]:
        """Parties still waiting (called ones included), in order of arrival."""
        return sorted((p for p in self.parties.values() if p.waiting),
                      key=lambda p: (p.arrived, p.id))

    def held_for(self, table: str, now: float) -> str:
        """The waiting party ``table`` is held for at ``now``, or "" (no hold, the hold
        ran out, or its party is no longer waiting)."""
        t = self.tables.get(table)
        if t is None or t.hold_left(now) <= 0:
            return ""
        p = self.parties.get(t.held_for)
        return t.held_for if p is not None and p.waiting else ""

    def free_seats(self, section: str, now: float) -> int:
        """Seats at the section's free tables that are free for anyone: a table held for
        a party at ``now`` is kept for them, not counted."""
        return sum(t.seats for name, t in self.tables.items()
                   if t.section == section and t.state == FREE
                   and not self.held_for(name, now))

    def kept_for(self, party_id: str) -> str:
        """The table (``A4+A5`` if joined) last kept for the party and not taken since,
        whether or not its hold has run out ("" if none): the table a call is for."""
        return "+".join(n for n, t in self.tables.items()
                        if t.held_for == party_id and t.state != OCCUPIED)

    def holds(self, now: float) -> dict[str, str]:
        """Every table held at ``now``, with the party it is held for."""
        return {name: pid for name in self.tables if (pid := self.held_for(name, now))}

    def held_tables(self, party_id: str, now: float) -> str:
        """The table(s) held for ``party_id`` at ``now`` (``A4`` or ``A4+A5``), or ""."""
        return "+".join(name for name, pid in self.holds(now).items() if pid == party_id)

    def resized(self, party_id: str, size: int) -> Room:
        """This room with one party of another size (the rest shared, not copied): what
        a quoter walks to tell a party whose size changes what its wait now is."""
        party = self.parties[party_id]
        return replace(self, parties={**self.parties, party_id: replace(party, size=size)})

    # -- applying events -----------------------------------------------------
    def apply(self, ev: Event) -> None:
        """Fold one event into the state. Unknown or stale events are ignored."""
        self.now = max(self.now, ev.time)
        handler = _HANDLERS.get(ev.event)
        if handler:
            handler(self, ev)

    def _arrive(self, ev: Event) -> None:
        d = ev.data
        self.parties[ev.party] = Party(
            ev.party, int(ev.size or d.get("size") or 1), ev.time,
            name=d.get("name", ""), phone=d.get("phone", ""), tags=tuple(d.get("tags", ())),
            note=d.get("note", ""), quote=d.get("quote"), quote_low=d.get("quote_low"),
            quote_high=d.get("quote_high"), ticket=d.get("ticket", ""),
        )

    def _edit(self, ev: Event) -> None:
        p = self.parties.get(ev.party)
        if not p:
            return
        d: dict[str, Any] = ev.data
        for key in ("name", "phone", "note", "ticket", *QUOTE_KEYS):
            if key in d:
                setattr(p, key, d[key])
        if "tags" in d:
            p.tags = tuple(d["tags"])
        if ev.size:
            p.size = int(ev.size)

    def _call(self, ev: Event) -> None:
        p = self.parties.get(ev.party)
        if p and p.waiting:
            p.status, p.called_at, p.kept_until = CALLED, ev.time, None
        if ev.tables:  # called for a ready table: it is kept for them while they come
            self._hold(ev)

    def _extend(self, ev: Event) -> None:
        until = ev.time + float(ev.data.get("minutes") or 0) * 60.0
        p = self.parties.get(ev.party)
        if p and p.status == CALLED:
            p.kept_until = until
        for name in ev.tables:  # the table kept for them since the call, kept as long
            t = self.tables.get(name)
            if t and t.held_for == ev.party:
                t.held_until = until

    def _seat(self, ev: Event) -> None:
        p = self.parties.get(ev.party)
        if p is None:  # seated without an arrive row: treat as a zero wait
            p = self.parties[ev.party] = Party(ev.party, int(ev.size or 1), ev.time)
        p.status, p.seated_at, p.table = SEATED, ev.time, ev.table
        self._end_holds(p.id)
        for name in ev.tables:
            t = self.tables.get(name)
            if t:
                t.state, t.party, t.party_size, t.since = OCCUPIED, p.id, p.size, ev.time
                t.joined = ev.table if len(ev.tables) > 1 else ""
                t.end_hold()  # whoever it was kept for, it is taken now

    def _depart(self, ev: Event) -> None:
        p = self.parties.get(ev.party)
        names = set(ev.tables)
        if p and p.table:
            names.update(p.table.split("+"))
        if p:
            p.status, p.left_at = LEFT, ev.time
        for name in names:
            t = self.tables.get(name)
            if t and (not ev.party or t.party in ("", ev.party)):
                t.state, t.since = CLEARING, ev.time
        if p:
            # a finished party no longer matters to the live state
            del self.parties[p.id]

    def _ready(self, ev: Event) -> None:
        for name in ev.tables:
            t = self.tables.get(name)
            if t:
                t.state, t.party, t.party_size, t.since, t.joined = FREE, "", 0, ev.time, ""

    def _abandon(self, ev: Event) -> None:
        self._end_holds(ev.party)
        p = self.parties.pop(ev.party, None)
        if p:
            p.status, p.left_at, p.reason = REMOVED, ev.time, ev.data.get("reason", "")

    def _hold(self, ev: Event) -> None:
        """A party holds one table (or joined tables) at a time: a new hold moves it."""
        if not ev.party:
            return
        self._end_holds(ev.party)
        until = ev.time + float(ev.data.get("minutes") or 0) * 60.0
        for name in ev.tables:
            t = self.tables.get(name)
            if t:
                t.held_for, t.held_until = ev.party, until

    def _reply(self, ev: Event) -> None:
        p = self.parties.get(ev.party)
        if p and p.waiting:
            p.reply, p.reply_text = str(ev.data.get("answer", "")), str(ev.data.get("note", ""))
            p.reply_at = ev.time

    def _release_hold(self, ev: Event) -> None:
        for name in ev.tables:
            t = self.tables.get(name)
            if t and (not ev.party or t.held_for == ev.party):
                t.end_hold()

    def _end_holds(self, party_id: str) -> None:
        for t in self.tables.values():
            if t.held_for and t.held_for == party_id:
                t.end_hold()


_HANDLERS = {
    ARRIVE: Room._arrive, EDIT: Room._edit, CALL: Room._call, SEAT: Room._seat,
    DEPART: Room._depart, READY: Room._ready, ABANDON: Room._abandon, HOLD: Room._hold,
    RELEASE: Room._release_hold, REPLY: Room._reply, EXTEND: Room._extend,
}
