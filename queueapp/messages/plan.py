"""Which messages the waiting list's events cause, and the "getting close" rule.

Planning follows the event log: one transaction reads the events after the outbox's
cursor, queues their messages and moves the cursor past them. So a message is tied to
its event by the event's id, whatever door wrote it (the stand, a guest's page,
another terminal): if a process dies after writing an event and before planning,
the next planning pass (any station's sender, or this one after a restart) picks the
event up; and a key per party and kind (and the count of a repeated call) makes
planning the same event twice harmless. Nothing is lost and nothing is sent twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote as url_quote

from queueapp.config import Config
from queueapp.lobby.board import in_line
from queueapp.messages.settings import (
    ADDED,
    AGAIN,
    CANCEL,
    CLOSE,
    COMING,
    PHONE_FIELD,
    READY,
    REMOVED,
    THANKS,
    TWO_WAY_SCHEMES,
    scheme,
)
from queueapp.messages.templates import Words, render
from queueapp.quotes.rule import as_told
from queueapp.store import Store
from queueapp.store.outbox import Message, NewMessage
from queueapp.waitlist.events import ABANDON, ARRIVE, CALL, DEPART, Event
from queueapp.waitlist.room import CALLED, WAITING, Party, Room

# "your place has been cancelled" for a removal made at the stand waits this long, so
# a removal the host undoes at once (the wrong row) is never told: by then it is no
# longer true and is not sent. A guest's own cancel (page or reply) is told at once.
UNDO_GRACE_SECONDS = 60.0
STALE_MINUTES = 60  # an event older than this when first planned is not messaged any more
REMOVED_REASONS = ("cancelled", "no_show")  # a walk-away is not told anything
CLOSE_NOT_BEFORE = 5  # minutes after arrival: "getting close" never follows the first at once
FEEDBACK_PATH = "/feedback"  # after the party's page link: the thank-you's feedback form

Estimates = Callable[[], Mapping[str, float]]  # party id -> minutes left, as the stand shows


@dataclass(frozen=True)
class Channel:
    """One configured channel: its place in the config and its scheme (never its URL,
    which may hold a secret), and whether it writes to the guest's own number."""

    number: int  # 1, 2, ... as in the config's list
    url: str  # as written, ``${ENV}`` not resolved

    @property
    def label(self) -> str:
        return f"{self.number}:{scheme(self.url)}"

    @property
    def per_guest(self) -> bool:
        return PHONE_FIELD in self.url


def channels(config: Config) -> list[Channel]:
    return [Channel(i + 1, url) for i, url in enumerate(config.messages.channels)]


def address(url: str, phone: str) -> str:
    """The channel URL for one guest: ``{phone}`` replaced by the number, URL-encoded."""
    return url.replace(PHONE_FIELD, url_quote(phone, safe=""))


def message_key(party: str, kind: str, channel: Channel, count: int = 0,
                call: int | None = None) -> str:
    """The idempotency key: one message of a kind per party (per count for "called
    again") per channel; "table ready", "called again" and "removed" per event (``call``),
    so a call or a removal undone and made again is told again (a removal undone within
    its grace was never sent: its key must not stand for the one made for good)."""
    return f"{party}:{kind}" + (f":{count}" if count else "") \
        + (f"#{call}" if call is not None else "") + f"@{channel.label}"


def takes_replies(config: Config, channel: Channel) -> bool:
    """Can a guest's answer to a message on ``channel`` reach the stand? Only through an
    SMS provider that passes it to the replies webhook (``TWO_WAY_SCHEMES``), from the
    guest's own number (``{phone}``), and with a ``webhook_secret`` (without one the
    webhook refuses every reply)."""
    return bool(config.messages.webhook_secret) and channel.per_guest \
        and scheme(channel.url) in TWO_WAY_SCHEMES


def reply_words(codes: Mapping[str, str]) -> Words | str:
    """How to answer, with the configured codes (the first of each action): "Reply 1 if
    you are coming, 9 to cancel"; "" when no code acts."""
    coming = next((code for code, action in codes.items() if action == COMING), "")
    cancel = next((code for code, action in codes.items() if action == CANCEL), "")
    if coming and cancel:
        return Words.of("msg_reply", coming=coming, cancel=cancel)
    if coming:
        return Words.of("msg_reply_coming", code=coming)
    return Words.of("msg_reply_cancel", code=cancel) if cancel else ""


def hold_left(config: Config, party: Party, now: float) -> int | None:
    """Whole minutes left at ``now`` of the hold of a called party's table, counted from
    its call, or to where the host kept it (6.2 minutes is 7, as the stand's countdown
    says; 0 once it has run out); None when the party is not called."""
    end = party.hold_ends(config.hold_minutes)
    if end is None:
        return None
    left = min(config.hold_minutes, (end - now) / 60) if party.kept_until is None \
        else (end - now) / 60
    return max(0, math.ceil(round(left, 6)))


def come_words(minutes: int) -> Words:
    """When to come to the stand: "within 7 minutes", "within 1 minute", or "as soon as
    possible" once the hold has run out."""
    if minutes <= 0:
        return Words.of("msg_come_now")
    if minutes == 1:
        return Words.of("msg_come_within_one")
    return Words.of("msg_come_within", minutes=minutes)


def values(config: Config, party: Party, link: str, now: float, count: int = 0,
           replies: bool = False) -> dict[str, object]:
    """What a template's placeholders are filled with for ``party`` at ``now``;
    ``replies``: the channel takes the guest's answer (``{reply}`` says how to give it,
    else ""). For a called party ``{hold}`` is the minutes left of its hold and
    ``{come}`` says when to come in words."""
    left = hold_left(config, party, now)
    point = low = high = 0
    wait = Words.of("msg_wait_unknown")
    if party.quote is not None:
        point, low, high = as_told(party.quote, party.quote_low, party.quote_high)
        wait = wait_words(point, low, high)
    return {"ticket": party.ticket or party.id[-3:], "name": party.name, "minutes": point,
            "low": low, "high": high, "wait": wait, "link": link,
            "hold": round(config.hold_minutes) if left is None else left,
            "come": "" if left is None else come_words(left),
            "reply": reply_words(config.messages.codes) if replies else "",
            "restaurant": config.name, "count": count}


def wait_words(point: int, low: int, high: int) -> Words:
    """The quote as a guest reads it, in the words the host said it and the page shows
    it: "about 25 minutes (20-35)"; no range that says nothing ("0-0" is "no wait right
    now", "25-25" is "about 25", "0-5" is "within 5")."""
    if high <= 0:
        return Words.of("msg_wait_none")
    if low == high:
        return Words.of("msg_wait_about", minutes=high)
    if low <= 0:
        return Words.of("msg_wait_within", minutes=high)
    return Words.of("msg_wait", point=point, low=low, high=high)


def kind_of(ev: Event, calls: int) -> str:
    """The message an event causes ("" for none). ``calls``: the party's calls up to
    and including this one."""
    if ev.event == ARRIVE:
        return ADDED
    if ev.event == CALL:
        return READY if calls <= 1 else AGAIN
    if ev.event == ABANDON and ev.data.get("reason") in REMOVED_REASONS:
        return REMOVED
    if ev.event == DEPART and ev.party:
        return THANKS
    return ""


def is_close(party: Party, position: int, minutes_left: float | None, config: Config,
             now: float) -> bool:
    """The "getting close" rule: ``close_position``-th (or nearer) in its class, or its
    estimate under ``close_minutes``. Not in a party's first ``CLOSE_NOT_BEFORE``
    minutes (its first message has just told it where it stands), nor for a party
    quoted that short on arrival (it already knows)."""
    rule = config.messages
    if now - party.arrived < CLOSE_NOT_BEFORE * 60:
        return False
    if party.quote is not None and party.quote <= rule.close_minutes:
        return False
    near = bool(rule.close_position) and position <= rule.close_position
    soon = bool(rule.close_minutes) and minutes_left is not None \
        and minutes_left < rule.close_minutes
    return near or soon


def positions(room: Room, config: Config) -> dict[str, int]:
    """Each waiting (not yet called) party's place in its table class's line (1 =
    next): the line its own page and the board show."""
    return {p.id: place for cls in config.guests.tickets
            for place, p in enumerate(in_line(room, config.guests, cls.prefix), start=1)}


def plan(store: Store, config: Config, now: float, estimates: Estimates | None = None) -> int:
    """Queue the messages caused by events not planned yet, and the "getting close"
    ones due now, in one transaction; how many were queued. Does nothing without
    channels."""
    if not config.messages.enabled:
        return 0
    wanted: list[NewMessage] = []
    with store.transaction():
        cursor = store.outbox.cursor()
        last = store.last_event_id()
        for ev in store.all_events(after_id=cursor):
            if ev.time >= now - STALE_MINUTES * 60:
                wanted += _for_event(store, config, ev, now)
        wanted += _getting_close(store, config, now, estimates)
        queued = store.outbox.enqueue(now, wanted)
        store.outbox.advance(last)
    return queued


def resend(store: Store, config: Config, now: float, message_id: int) -> int:
    """The host's re-send: the same text again as a new message on the same channel
    (the original keeps its status: a sent row is never sent again). How many queued."""
    with store.transaction():
        original = store.outbox.get(message_id)
        if original is None:
            return 0
        prefix = f"{original.key}#resend"
        n = store.outbox.count_like(prefix) + 1
        return store.outbox.enqueue(now, [NewMessage(
            original.party, original.kind, f"{prefix}{n}", original.channel, original.text,
            original.event)])


def _for_event(store: Store, config: Config, ev: Event, now: float) -> list[NewMessage]:
    party = store.party(ev.party) if ev.party else None
    if party is None or not party.phone and all(c.per_guest for c in channels(config)):
        return []
    calls = store.outbox.calls_up_to(party.id, ev.id or 0) if ev.event == CALL else 0
    kind = kind_of(ev, calls)
    if not kind or kind == THANKS and not config.messages.thanks:
        return []
    if kind in (ADDED, READY, AGAIN) and party.status not in (WAITING, CALLED):
        return []  # seated or gone before the message was planned: it would mislead
    count = calls if kind == AGAIN else 0
    wait = kind == REMOVED and not ev.data.get("via")  # the host's, not the guest's own
    return _messages(store, config, party, kind, now, count, ev.id,
                     ev.time + UNDO_GRACE_SECONDS if wait else None)


def _getting_close(store: Store, config: Config, now: float,
                   estimates: Estimates | None) -> list[NewMessage]:
    room = store.load_room()
    live = estimates() if estimates is not None else {}
    out: list[NewMessage] = []
    for pid, position in positions(room, config).items():
        party = room.parties[pid]
        left = live.get(pid)
        if left is None and party.quote is not None:
            left = party.quote - (now - party.arrived) / 60
        if is_close(party, position, left, config, now):
            out += _messages(store, config, party, CLOSE, now)
    return out


def _messages(store: Store, config: Config, party: Party, kind: str, now: float,
              count: int = 0, event: int | None = None,
              not_before: float | None = None) -> list[NewMessage]:
    """The message of ``kind`` on each channel that can reach ``party`` and has not had
    it yet (its text made only for those), sent not before ``not_before``."""
    targets = [c for c in channels(config) if party.phone or not c.per_guest]
    call = event if kind in (READY, AGAIN, REMOVED) else None
    keys = {c.label: message_key(party.id, kind, c, count, call) for c in targets}
    known = store.outbox.known_keys(keys.values())
    targets = [c for c in targets if keys[c.label] not in known]
    return [NewMessage(party.id, kind, keys[c.label], c.label,
                       wording(store, config, party, kind, now, c, count), event,
                       not_before)
            for c in targets]


def wording(store: Store, config: Config, party: Party, kind: str, now: float,
            channel: Channel, count: int = 0) -> str:
    """The text of a message of ``kind`` to ``party`` on ``channel``: the same for every
    channel but for how to answer, offered only where an answer can arrive."""
    link = store.guest_address(config.guests.base_url) + "/p/" \
        + store.give_link(party.id, now)
    if kind == THANKS:
        link += FEEDBACK_PATH
    filled = values(config, party, link, now, count, takes_replies(config, channel))
    return render(config.messages, kind, filled, config.language)


def reworded(store: Store, config: Config, message: Message, party: Party | None,
             now: float) -> str:
    """A call's message ("table ready", "called again") as it goes out at ``now``: a
    retry five minutes after the call says five minutes fewer, one after the hold ran
    out "as soon as possible". Any other message goes out as it was planned."""
    channel = next((c for c in channels(config) if c.label == message.channel), None)
    if message.kind not in (READY, AGAIN) or party is None or channel is None \
            or message.event is None:
        return message.text
    count = store.outbox.calls_up_to(party.id, message.event) if message.kind == AGAIN else 0
    return wording(store, config, party, message.kind, now, channel, count)
