"""Did the guest hear of their call? "Table ready" (and "called again") is the message
that matters now: when a try at it fails, the host is told at once (the row's ✗ and an
item in "Needs attention": tell the guest another way) while the retries go on; the
flag clears once it goes through. Other messages are flagged only when given up on."""

from __future__ import annotations

from collections.abc import Sequence

from queueapp.messages.settings import AGAIN, READY
from queueapp.store.outbox import FAILED, SENT, Message

CALL_KINDS = (READY, AGAIN)
NO_LONGER_TRUE = "not sent: no longer true"


def not_reached(messages: Sequence[Message]) -> Message | None:
    """The message of the party's latest call that failed a try, when none of that
    call's messages (any channel, any re-send) has gone through; None when it went
    through, is not tried yet, or there is no call. ``messages``: oldest first."""
    calls = [m for m in messages if m.kind in CALL_KINDS]
    if not calls:
        return None
    latest = max(m.event or 0 for m in calls)
    this_call = [m for m in calls if (m.event or 0) == latest]
    if any(m.status == SENT for m in this_call):
        return None
    tried = [m for m in this_call if m.status == FAILED or m.last_error]
    return tried[-1] if tried else None


def no_longer_true(status: str) -> str:
    """The reason kept on a message not sent because it would have misled its guest."""
    return f"{NO_LONGER_TRUE} (the party is {status or 'gone'} now)"


def moot(message: Message) -> bool:
    """Not sent because it was no longer true (a removal undone, a call since seated):
    no guest was misled and there is nothing to send again."""
    return message.status == FAILED and message.last_error.startswith(NO_LONGER_TRUE)
