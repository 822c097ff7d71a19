"""When a message that could not be sent is tried again: soon at first, then less
often (a provider's outage of an hour loses nothing), up to ``attempts`` tries."""

from __future__ import annotations

FIRST_DELAY = 10.0  # seconds after the first failed try
LONGEST_DELAY = 600.0  # never more than 10 minutes between tries


def delay(attempts: int) -> float:
    """Seconds to wait after ``attempts`` failed tries (1, 2, ...): 10, 20, 40 ... 600."""
    return min(LONGEST_DELAY, FIRST_DELAY * 2 ** max(0, attempts - 1))


def gives_up(attempts: int, allowed: int) -> bool:
    """After this many tries, is the message failed for good (the host may re-send)?"""
    return attempts >= allowed
