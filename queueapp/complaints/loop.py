"""Service recovery: every complaint or unmet request is recorded, handled,
rechecked by a lead and fed back to the part of the business that can fix it.

Each step is a row of its own, with who and when, never changed afterwards; a step
can only follow the one before, so no item can silently drop out — open items stay on
the lead's list, oldest first, until fed back.
"""

from __future__ import annotations

from queueapp.i18n import Term, Translator
from queueapp.store import Conflict, Store, StoreError
from queueapp.store.complaints import LONG_WAIT as LONG_WAIT  # the source of items the app opens
from queueapp.store.complaints import Complaint
from queueapp.waitlist.room import Room

CATEGORIES = ("food", "wait", "service", "cleanliness", "unmet_request", "other")
FEEDBACK_TO = ("kitchen", "floor", "management", "purchasing", "cleaning", "other")
STEPS = ("recorded", "handled", "rechecked", "fed_back")


def record(store: Store, now: float, category: str, what: str, action: str = "",
           party: str = "", table: str = "", host: str = "", source: str = "") -> Complaint:
    """Write down a complaint or unmet request, with what was done on the spot."""
    if category not in CATEGORIES:
        raise StoreError("err_complaint_category", category=category,
                         choices=", ".join(CATEGORIES))
    if not what.strip():
        raise StoreError("err_complaint_what")
    if not party and not table:
        raise StoreError("err_complaint_subject")
    cid = store.complaints.add(now, category, what.strip(), action.strip(), party, table, host,
                               source)
    return _found(store, cid)


def get(store: Store, complaint_id: int) -> Complaint | None:
    return store.complaints.get(complaint_id)


def _found(store: Store, complaint_id: int) -> Complaint:
    found = store.complaints.get(complaint_id)
    if found is None:
        raise Conflict("err_no_complaint", id=complaint_id)
    return found


def _advance(store: Store, complaint_id: int, need: str, by: str, now: float, note: str,
             to: str = "") -> Complaint:
    """Take the item one step further, if its last step is ``need``."""
    nxt = STEPS[STEPS.index(need) + 1]
    with store.transaction():
        current = _found(store, complaint_id).step
        if current != need:
            raise Conflict("err_complaint_step", id=complaint_id, step=Term(f"step_{current}"),
                           next=Term(f"step_{nxt}"), need=Term(f"step_{need}"))
        store.complaints.add_step(complaint_id, nxt, now, by, note.strip(), to)
    return _found(store, complaint_id)


def handle(store: Store, complaint_id: int, now: float, host: str, note: str) -> Complaint:
    """The issue was dealt with (what was done, by whom)."""
    return _advance(store, complaint_id, "recorded", host, now, note)


def recheck(store: Store, complaint_id: int, now: float, lead: str, note: str) -> Complaint:
    """A lead checked back that the handling worked (the guest is all right)."""
    if not note.strip():
        raise StoreError("err_recheck_note")
    return _advance(store, complaint_id, "handled", lead, now, note)


def feed_back(store: Store, complaint_id: int, now: float, lead: str, to: str,
              note: str = "") -> Complaint:
    """Passed to the part of the business that can fix the cause; closes the item."""
    if to not in FEEDBACK_TO:
        raise StoreError("err_feedback_to", choices=", ".join(FEEDBACK_TO))
    return _advance(store, complaint_id, "rechecked", lead, now, note, to)


def open_count(store: Store) -> int:
    """How many items are not yet fed back (the header's count)."""
    return store.complaints.open_count()


def open_items(store: Store) -> list[Complaint]:
    """Items not yet fed back, oldest first."""
    return store.complaints.open_items()


def open_long_waits(store: Store, room: Room, now: float, past_quote_minutes: float,
                    t: Translator, host: str = "") -> list[int]:
    """Open a 'long wait' item for each waiting party this far past its quote, once each
    (a unique index keeps two terminals from opening it twice). Returns the new ids."""
    due = [(p, p.quote) for p in room.waiting()
           if p.quote is not None and p.waited(now) >= p.quote + past_quote_minutes]
    opened: list[int] = []
    if not due:
        return opened  # checked every 30 s: take no write lock for nothing
    with store.transaction():
        for p, promised in due:
            waited, quote = round(p.waited(now)), round(promised)
            what = t("long_wait_what", waited=waited, quote=quote, over=waited - quote)
            cid = store.complaints.add_long_wait(now, p.id, what, host)
            if cid is not None:
                opened.append(cid)
    return opened

