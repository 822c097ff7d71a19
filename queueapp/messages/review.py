"""The review's message figures, per business day: messages sent and failed, called
parties who came within the hold time, and no-shows after a call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from queueapp.clock import business_date
from queueapp.store.outbox import FAILED, QUEUED, SENT, CallOutcome, Message


@dataclass
class MessageDay:
    day: str  # YYYY-MM-DD, the business date
    sent: int = 0
    failed: int = 0
    queued: int = 0  # still being tried
    called: int = 0
    came_in_time: int = 0  # seated within the hold time of their (last) call
    no_show_after_call: int = 0


def by_day(messages: Iterable[Message], calls: Iterable[CallOutcome], timezone: str,
           hold_minutes: float, day_starts: int) -> list[MessageDay]:
    """One row per business day (from ``day_starts``, local) that had a message or a
    call, oldest first: a call at 00:30 counts with the evening it belongs to."""
    days: dict[str, MessageDay] = {}

    def day(t: float) -> MessageDay:
        key = business_date(t, timezone, day_starts).isoformat()
        return days.setdefault(key, MessageDay(key))

    for m in messages:
        row = day(m.created)
        row.sent += m.status == SENT
        row.failed += m.status == FAILED
        row.queued += m.status == QUEUED
    for c in calls:
        row = day(c.called)
        row.called += 1
        row.came_in_time += c.seated is not None and c.seated - c.called <= hold_minutes * 60
        row.no_show_after_call += c.status == "removed" and c.reason == "no_show"
    return [days[k] for k in sorted(days)]
