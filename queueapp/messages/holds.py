"""After a call, how long the party's table is kept ("please come within 10 minutes"),
counted down on its row; when it runs out the host is asked what to do.

Kept per station, in memory: the call's time comes from the record (``called_at``),
the host's "hold longer" and which calls were already asked about are this stand's
own. A new call (called again) starts a new countdown."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from queueapp.waitlist.room import CALLED, Party


class HoldChoice(StrEnum):
    """What the host decided when a called party's hold ran out."""

    CALL_AGAIN = "call_again"
    HOLD_LONGER = "hold_longer"
    NO_SHOW = "no_show"


class CallHolds:
    def __init__(self, hold_minutes: float) -> None:
        self.hold_seconds = hold_minutes * 60
        self._extended: dict[tuple[str, float], float] = {}  # (party, called_at) -> until
        self._asked: set[tuple[str, float]] = set()

    @staticmethod
    def _call(p: Party) -> tuple[str, float] | None:
        if p.status != CALLED or p.called_at is None:
            return None
        return p.id, p.called_at

    def until(self, p: Party) -> float | None:
        """When the called party's hold ends (None: not called)."""
        call = self._call(p)
        if call is None:
            return None
        return self._extended.get(call, call[1] + self.hold_seconds)

    def minutes_left(self, p: Party, now: float) -> float | None:
        end = self.until(p)
        return None if end is None else max(0.0, (end - now) / 60)

    def due(self, parties: Iterable[Party], now: float) -> list[Party]:
        """Called parties whose hold ran out and whom the host was not asked about yet."""
        out = []
        for p in parties:
            call, end = self._call(p), self.until(p)
            if call is not None and end is not None and end <= now and call not in self._asked:
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
            self._extended.pop(call, None)

    def extend(self, p: Party, now: float, minutes: float | None = None) -> None:
        """Hold longer: another ``hold_minutes`` (or ``minutes``) from now, then ask again."""
        call = self._call(p)
        if call is None:
            return
        self._extended[call] = now + (self.hold_seconds if minutes is None else minutes * 60)
        self._asked.discard(call)
