"""After a call, how long the party's table is kept ("please come within 10 minutes"),
counted down on its row; when it runs out the host is asked what to do.

When the hold ends comes from the record (the call's time, and "hold longer", an EXTEND
event), so every terminal counts down to the same time. Which ends this stand has asked
about, and "decide later", are its own, in memory. A new call starts a new countdown."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from enum import StrEnum

from queueapp.store import Conflict, Store
from queueapp.waitlist.events import Event
from queueapp.waitlist.room import Party

OTHER_STAND_SECONDS = 120  # a hold run out, called at another stand: asked here after this


class HoldChoice(StrEnum):
    """What the host decided when a called party's hold ran out."""

    CALL_AGAIN = "call_again"
    HOLD_LONGER = "hold_longer"
    NO_SHOW = "no_show"


class CallHolds:
    def __init__(self, hold_minutes: float) -> None:
        self.hold_minutes = hold_minutes
        # (party, end of hold) -> when to ask again ("decide later")
        self._later: dict[tuple[str, float], float] = {}
        self._asked: set[tuple[str, float]] = set()

    def _call(self, p: Party) -> tuple[str, float] | None:
        """The party and when its hold ends, as the record says (None: not called)."""
        end = p.hold_ends(self.hold_minutes)
        return None if end is None else (p.id, end)

    def until(self, p: Party) -> float | None:
        """When the stand counts the called party's hold down to (None: not called)."""
        call = self._call(p)
        if call is None:
            return None
        return self._later.get(call, call[1])

    def minutes_left(self, p: Party, now: float) -> float | None:
        end = self.until(p)
        return None if end is None else max(0.0, (end - now) / 60)

    def due(self, parties: Iterable[Party], now: float,
            theirs: Collection[str] = ()) -> list[Party]:
        """Called parties whose hold ran out and whom the host was not asked about yet.
        A party in ``theirs`` was called at another stand, running now: that stand's host
        is asked; this one only if it stays unanswered OTHER_STAND_SECONDS (that host may
        have stepped away)."""
        out = []
        for p in parties:
            call, end = self._call(p), self.until(p)
            if call is None or end is None or call in self._asked:
                continue
            if end + (OTHER_STAND_SECONDS if p.id in theirs else 0) <= now:
                out.append(p)
        return out

    def asked(self, p: Party) -> None:
        call = self._call(p)
        if call is not None:
            self._asked.add(call)

    def forget(self, p: Party) -> None:
        """The host answered "no-show": should that be undone, the party is back with its
        hold long run out, and is asked about again (not left counting nothing down)."""
        call = self._call(p)
        if call is not None:
            self._asked.discard(call)
            self._later.pop(call, None)

    def ask_later(self, p: Party, now: float, minutes: float = 1) -> None:
        """Decide later: this stand asks again ``minutes`` from now (the hold's end in
        the record stays as it is)."""
        call = self._call(p)
        if call is None:
            return
        self._later[call] = now + minutes * 60
        self._asked.discard(call)


def answer_hold(store: Store, asked: Party, hold_minutes: float,
                write: Callable[[], Event]) -> Event:
    """The host's answer to "the hold ran out" for ``asked`` (the party as it was when
    asked), written only if the hold is still that one: another terminal may have
    answered first (called again, held longer, or removed), and its answer stands."""
    with store.transaction():
        now = store.party(asked.id)
        if now is None or now.hold_ends(hold_minutes) != asked.hold_ends(hold_minutes):
            raise Conflict("err_hold_answered_elsewhere", name=asked.name or asked.id)
        return write()
