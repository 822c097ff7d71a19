"""The review's message figures, per local day: messages sent and failed, called
parties who came within the hold time, and no-shows after a call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from queueapp.store.outbox import FAILED, QUEUED, SENT, CallOutcome, Message


@dataclass
class MessageDay:
    day: str  # YYYY-MM-DD, local
    sent: int = 0
    failed: int = 0
    queued: int = 0  # still being tried
    called: int = 0
    came_in_time: int = 0  # seated within the hold time of their (last) call
    no_show_after_call: int = 0


def by_day(messages: Iterable[Message], calls: Iterable[CallOutcome], timezone: str,
           hold_minutes: float) -> list[MessageDay]:
    """One row per local day that had a message or a call, oldest first."""
    tz = ZoneInfo(timezone)
    days: dict[str, MessageDay] = {}

    def day(t: float) -> MessageDay:
        key = datetime.fromtimestamp(t, tz).strftime("%Y-%m-%d")
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
