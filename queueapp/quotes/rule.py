"""Wait quotes: the interface every quoter fills, and the plain rule.

A quoter takes the current :class:`~queueapp.waitlist.room.Room` and gives a quote for
every waiting party (``quote_all``) and for a party that is about to join the
end of the list (``quote_new``). It may learn from history by being shown
events in time order (``observe``); it must never look at an event later than
the moment it quotes for.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Protocol

from queueapp.clock import clock_minutes
from queueapp.config import Quoting
from queueapp.quotes.reason import Reason, guest_minutes
from queueapp.waitlist.events import Event
from queueapp.waitlist.room import CLEARING, FREE, OCCUPIED, Party, Room


@dataclass(frozen=True)
class Quote:
    """A wait in minutes from now (or from arrival for a new party), with an 80% range,
    and why (``reason``: parts from the estimator's walk, rendered by
    :func:`queueapp.quotes.reason.say`; empty for quoters that cannot tell)."""

    minutes: float
    low: float
    high: float
    reason: tuple[Reason, ...] = ()

    def rounded(self) -> tuple[int, int, int]:
        """Guest-facing numbers: the point to 5 minutes, the range outward to 5 minutes."""
        if self.high <= 0.5:
            return 0, 0, 0
        point = guest_minutes(self.minutes)
        low = min(point, max(0, 5 * math.floor(self.low / 5)))
        high = max(point, 5 * math.ceil(self.high / 5))
        return point, low, high


def as_told(point: float, low: float | None = None,
            high: float | None = None) -> tuple[int, int, int]:
    """A saved quote (its range may be missing on old rows) as the guest was told it:
    what "past the quote" is counted from wherever the stand says it."""
    return Quote(point, point if low is None else low, point if high is None else high
                 ).rounded()


def minutes_past_quote(arrived: float, now: float, quote: float | None,
                       low: float | None = None, high: float | None = None) -> int | None:
    """Whole minutes waited (as the Waited column shows them) past the quote as told
    ("45": +4 at 49 minutes; with its range, as the row shows it); negative before it;
    None without a quote. One number for the row's "+4" and the suggestions' "quote
    passed 4 min ago"."""
    if quote is None:
        return None
    return clock_minutes(arrived, now) - as_told(quote, low, high)[0]


class Quoter(Protocol):
    def observe(self, event: Event) -> None: ...

    def quote_all(self, room: Room, now: float) -> dict[str, Quote]: ...

    def quote_new(self, room: Room, size: int, now: float) -> Quote: ...


class RuleQuoter:
    """The plain rule, used on day one and as a baseline.

    Tables free up at their typical dining time from config (a table past it
    frees after the clearing time); waiting parties take, in order of arrival,
    the first table that fits them. The range is the point -25% / +35%.
    """

    def __init__(self, tables_quoting: Quoting) -> None:
        self.q = tables_quoting

    def observe(self, event: Event) -> None:  # the rule learns nothing
        return None

    def _free_times(self, room: Room, now: float) -> list[tuple[float, int, str]]:
        out = []
        clear = self.q.clearing_minutes * 60
        for t in room.tables.values():
            if t.state == FREE:
                at = now
            elif t.state == CLEARING:
                at = max(now, (t.since or now) + clear)
            elif t.state == OCCUPIED:
                end = (t.since or now) + self.q.dining_for(t.party_size or t.seats) * 60
                at = max(now + clear, end + clear)
            else:
                at = now
            out.append((at, t.seats, t.name))
        return out

    def _walk(self, room: Room, now: float, extra: Party | None) -> dict[str, float]:
        """Assign waiting parties to tables in order; return seat time per party."""
        heap = self._free_times(room, now)
        heapq.heapify(heap)
        waits: dict[str, float] = {}
        queue = room.waiting() + ([extra] if extra else [])
        for p in queue:
            skipped = []
            while heap and heap[0][1] < p.size:
                skipped.append(heapq.heappop(heap))
            if not heap:
                # nothing fits: wait for the biggest table once
                waits[p.id] = now + 2 * self.q.dining_for(p.size) * 60
                for item in skipped:
                    heapq.heappush(heap, item)
                continue
            at, seats, name = heapq.heappop(heap)
            waits[p.id] = at
            for item in skipped:
                heapq.heappush(heap, item)
            done = at + (self.q.dining_for(p.size) + self.q.clearing_minutes) * 60
            heapq.heappush(heap, (done, seats, name))
        return waits

    def _quote(self, seat_at: float, now: float) -> Quote:
        m = max(0.0, (seat_at - now) / 60)
        return Quote(m, m * 0.75, m * 1.35)

    def quote_all(self, room: Room, now: float) -> dict[str, Quote]:
        return {pid: self._quote(at, now) for pid, at in self._walk(room, now, None).items()}

    def quote_new(self, room: Room, size: int, now: float) -> Quote:
        ghost = Party("__new__", size, now)
        return self._quote(self._walk(room, now, ghost)["__new__"], now)
