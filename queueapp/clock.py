"""Time at the stand, injectable so time-based behaviour is testable.

All arithmetic is done in UTC; convert to the restaurant's zone only to show.
"""

from __future__ import annotations

from typing import Protocol

import arrow


class Clock(Protocol):
    def now(self) -> arrow.Arrow: ...


class SystemClock:
    """The real time."""

    def now(self) -> arrow.Arrow:
        return arrow.utcnow()


class FixedClock:
    """A clock that only moves when told to (tests, simulations, backtests)."""

    def __init__(self, start: arrow.Arrow | str) -> None:
        self._now = arrow.get(start).to("UTC")

    def now(self) -> arrow.Arrow:
        return self._now

    def set(self, when: arrow.Arrow | str) -> None:
        self._now = arrow.get(when).to("UTC")

    def advance(self, minutes: float = 0, seconds: float = 0) -> None:
        self._now = self._now.shift(minutes=minutes, seconds=seconds)
