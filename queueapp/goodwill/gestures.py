"""The goodwill log: gestures given, voids, budgets, rescues and lead PINs.

The ``gestures`` table is append-only (SQLite triggers refuse UPDATE and
DELETE). A mistake is corrected by a *void* row: same party, interaction and
label, the negative cost, and ``void_of`` pointing at the original, so
``SUM(cost)`` over any set of rows is what was really spent.

Every write is one ``BEGIN IMMEDIATE`` transaction through the store, so two
terminals cannot both spend the last of a host's budget.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from queueapp.clock import period_bounds, period_start
from queueapp.config import Config, Goodwill
from queueapp.goodwill import roster
from queueapp.goodwill.catalogue import CUSTOM_ID, Interaction, custom
from queueapp.goodwill.pins import hash_problem, verify_pin
from queueapp.store import Store, StoreError
from queueapp.store.gestures import Gesture
from queueapp.store.rescues import OUTCOMES, TABLE_OFFER, Rescue
from queueapp.waitlist.room import Party

BUDGET_SLACK = 1e-9  # float sums of costs may miss the budget by a rounding error
MIDNIGHT = 0  # the one shift start when the config names none (minutes after midnight)


class GoodwillError(StoreError):
    """A gesture, void, rescue or PIN check that cannot be done; the words say why."""


class NoHost(GoodwillError):
    """Nobody is on duty: ask who is giving the gesture."""

    def __init__(self) -> None:
        super().__init__("err_no_host")


class NeedsApproval(GoodwillError):
    """A lead must approve: ``reason`` is "over_budget" or "needs_approval"."""

    def __init__(self, reason: str, cost: float, left: float, **values: object) -> None:
        super().__init__(f"err_{reason}", cost=cost, left=max(left, 0), **values)
        self.reason, self.cost, self.left = reason, cost, left


class RepeatGesture(GoodwillError):
    """The party had this gesture already: it is logged again only when the host
    confirms (``give(..., again=True)``). ``given`` is the earlier gesture."""

    def __init__(self, key: str, given: Gesture, **values: object) -> None:
        super().__init__(key, what=given.label, **values)
        self.given = given


class GivenJustNow(RepeatGesture):
    """The same gesture went to the same party ``seconds`` ago: most likely a double tap."""

    def __init__(self, given: Gesture, seconds: int) -> None:
        super().__init__("err_given_just_now", given, seconds=seconds)


class AlreadyGiven(RepeatGesture):
    """The catalogue gives this item once per party, or not again within its
    ``repeat_after`` minutes (then ``again_in`` says how many are left)."""

    def __init__(self, given: Gesture, minutes: int, again_in: int | None) -> None:
        if again_in is None:
            super().__init__("err_given_once", given, minutes=minutes)
        else:
            super().__init__("err_given_recently", given, minutes=minutes, again_in=again_in)


VOID_REASONS = ("approved", "other_host", "old")  # why a void may need a lead


class VoidNeedsLead(GoodwillError):
    """Voiding this gesture needs a lead's PIN: ``reason`` is one of VOID_REASONS."""

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(f"err_void_needs_lead_{reason}", **values)
        self.reason = reason


@dataclass(frozen=True)
class PinResult:
    """``status``: "ok", "wrong" or "locked" (too many wrong PINs: try after ``locked_until``)."""

    status: str
    lead: str = ""
    tries_left: int = 0
    locked_until: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# -- host on duty -----------------------------------------------------------------------

def host_on_duty(store: Store) -> str:
    """Who is on duty at this store's stand (``store.station``): each stand has its own
    host, so a gesture, its budget and the right to void it go to the host at the stand
    that gave it ("" when nobody was put on duty there yet)."""
    return store.stations.host(store.station)


def set_host_on_duty(store: Store, name: str, config: Config) -> str:
    """Put ``name`` on duty at this store's stand (``store.station``; the other stands
    keep theirs), stored as the roster spells it ("lin." -> "Lin"); a name not on the
    roster is refused (a lead adds it first)."""
    with store.transaction():
        found = roster.find_host(store, config, name)
        if found is None:
            raise roster.RosterError("err_not_on_roster", name=name.strip())
        store.stations.set_host(store.station, found)
    return found


# -- budgets ---------------------------------------------------------------------------

def shift_start(now: float, config: Config) -> float:
    """When the shift that ``now`` falls in began (``goodwill.shift_starts``, local time)."""
    return period_start(now, config.timezone, config.goodwill.shift_starts or (MIDNIGHT,))


def shift_starts_between(start: float, end: float, config: Config) -> list[float]:
    """Every shift start from the one ``start`` falls in, up to (not including) ``end``."""
    tz = ZoneInfo(config.timezone)
    starts = sorted(config.goodwill.shift_starts or (MIDNIGHT,))
    first = shift_start(start, config)
    day = datetime.fromtimestamp(first, tz).date()
    out: list[float] = []
    while True:
        for m in starts:
            t = datetime.combine(day, dtime(m // 60, m % 60), tz).timestamp()
            if t < first:
                continue
            if t >= end:
                return out
            out.append(t)
        day += timedelta(days=1)


def shift_bounds(now: float, config: Config) -> tuple[float, float]:
    """The shift ``now`` falls in: when it began and when the next one begins."""
    return period_bounds(now, config.timezone, config.goodwill.shift_starts or (MIDNIGHT,))


def spent_this_shift(store: Store, host: str, now: float, config: Config) -> float:
    """What ``host`` has given in the shift ``now`` falls in, in the restaurant's currency.

    ``now`` only picks the shift: every gesture of that shift already in the file
    counts, also one stamped later than ``now`` by a station whose clock runs ahead.
    Inside ``store.transaction()`` that is exactly what was written before. A voided
    gesture does not count, whenever it was voided: the refund goes back to the shift
    it was given in, not to the shift the mistake was noticed in."""
    return store.gestures.spent_in_shift(host, *shift_bounds(now, config))


def budget_left(store: Store, host: str, now: float, config: Config) -> float:
    """The rest of ``host``'s budget this shift (negative once leads approved more)."""
    return round(config.goodwill.budget_per_shift - spent_this_shift(store, host, now, config), 2)


def spent_by_host(store: Store, since: float, until: float) -> dict[str, float]:
    """Spending per host between two times (for the lead's review)."""
    return store.gestures.spent_by_host(since, until)


def approval_needed(store: Store, config: Config, host: str, interaction: Interaction,
                    now: float, cost: float | None = None) -> str:
    """"" when the host may give it alone; else "needs_approval" or "over_budget"."""
    if interaction.needs_approval:
        return "needs_approval"
    price = interaction.cost if cost is None else cost
    if price > 0 and price > budget_left(store, host, now, config) + BUDGET_SLACK:
        return "over_budget"
    return ""


# -- giving and voiding ----------------------------------------------------------------

def give(store: Store, now: float, party: Party | str, interaction_or_custom: Interaction | str,
         host: str, note: str = "", approved_by: str = "", cost: float | None = None,
         *, config: Config | None = None, again: bool = False) -> Gesture:
    """Log a gesture at once. A text instead of an Interaction is a custom gesture (give ``cost``).

    With ``config``, the repeat rules, the budget and the lead list are enforced, all in
    the one write transaction that logs the gesture (so two terminals cannot both
    spend the last of a host's budget, nor both log the same double tap):

    - :class:`GivenJustNow` when the same gesture went to the same party within
      ``[goodwill] repeat_guard_seconds``, and :class:`AlreadyGiven` when the
      catalogue gives the item once per party (or not again within ``repeat_after``
      minutes); a custom gesture is exempt from the catalogue's rule. ``again=True``
      is the host's confirmation that another one is meant;
    - :class:`NeedsApproval` when the gesture needs a lead and ``approved_by`` is
      empty, and :class:`GoodwillError` when ``approved_by`` is not a lead.
    """
    host = host.strip()
    if not host:
        raise NoHost()
    party_id = party if isinstance(party, str) else party.id
    if not party_id:
        raise GoodwillError("err_gesture_party")
    if isinstance(interaction_or_custom, str):
        if cost is None:
            raise GoodwillError("err_custom_cost")
        try:
            item = custom(interaction_or_custom, cost)
        except ValueError as exc:
            raise GoodwillError("err_custom_gesture", detail=exc) from None
    else:
        item = interaction_or_custom
    price = float(item.cost if cost is None else cost)
    if price < 0:
        raise GoodwillError("err_negative_cost")
    approved_by = approved_by.strip()
    with store.transaction():
        if config is not None:
            # the roster's spelling: "Lin." is Lin, with Lin's budget, not a fresh one
            on_roster = roster.find_host(store, config, host)
            if on_roster is None:
                raise roster.RosterError("err_not_on_roster", name=host)
            host = on_roster
            if approved_by:
                lead = roster.find_lead(store, config, approved_by)
                if lead is None:
                    raise GoodwillError("err_not_a_lead", name=approved_by)
                approved_by = lead.name
        if config is not None and not again:
            _check_repeat(store, config, party_id, item, now)
        if config is not None and not approved_by:
            reason = approval_needed(store, config, host, item, now, price)
            if reason:
                raise NeedsApproval(reason, price, budget_left(store, host, now, config),
                                    what=item.label, host=host, currency=config.currency)
        return store.gestures.add(now, party_id, store.guests.guest_id_for_party(party_id),
                                  item.id, item.label, item.category, price, host, note.strip(),
                                  approved_by)


def _check_repeat(store: Store, config: Config, party_id: str, item: Interaction,
                  now: float) -> None:
    """Raise :class:`RepeatGesture` if the party already has this gesture (live, not
    voided): the same one within the double-tap guard, or a catalogue item its rule
    does not allow again yet. A custom gesture is "the same" when its label is."""
    same = [g for g in store.gestures.for_party(party_id)
            if not g.is_void and not g.voided and g.interaction == item.id
            and (item.id != CUSTOM_ID or g.label == item.label)]
    if not same:
        return
    last = same[-1]  # the newest written (rows come in insertion order)
    ago = max(0.0, now - last.time)  # a row stamped ahead of this clock was given just now
    guard = config.goodwill.repeat_guard_seconds
    if guard and ago < guard:
        raise GivenJustNow(last, round(ago))
    if item.id == CUSTOM_ID:
        return
    if item.repeat_after is None:
        raise AlreadyGiven(last, round(ago / 60), None)
    if ago < item.repeat_after * 60:
        raise AlreadyGiven(last, round(ago / 60), max(1, math.ceil(item.repeat_after - ago / 60)))


def void(store: Store, now: float, gesture_id: int, host: str, note: str,
         approved_by: str = "", *, config: Config | None = None) -> Gesture:
    """Correct a mistaken gesture: append a void row pointing at it (the original stays).
    The void row's host is the giver, so the cost goes back to their budget; ``host``,
    who corrects it, is kept as ``voided_by``.

    A lead must approve (``approved_by``, recorded on the void row) when the gesture was
    lead-approved, was given by another host than ``host``, or is older than
    ``[goodwill] void_free_minutes``; else :class:`VoidNeedsLead` is raised. All three
    are decided inside the write transaction, from the row as the database holds it and
    the void's own time, so two stations cannot race past the rule.
    """
    if not note.strip():
        raise GoodwillError("err_void_reason")
    free_minutes = (config.goodwill if config is not None else Goodwill()).void_free_minutes
    host, approved_by = host.strip(), approved_by.strip()
    with store.transaction():
        original = store.gestures.get(gesture_id)
        if original is None:
            raise GoodwillError("err_no_gesture", id=gesture_id)
        if original.is_void:
            raise GoodwillError("err_void_void")
        if original.voided:
            raise GoodwillError("err_already_voided", id=gesture_id, label=original.label)
        if config is not None:  # who corrects it, as the roster spells them
            host = roster.find_host(store, config, host) or host
        if approved_by:
            lead = roster.find_lead(store, config, approved_by)
            if lead is None:
                raise GoodwillError("err_not_a_lead", name=approved_by)
            approved_by = lead.name
        else:
            reason = void_needs_lead(original, host, now, free_minutes)
            if reason:
                raise VoidNeedsLead(reason, label=original.label, host=original.host,
                                    lead=original.approved_by, minutes=f"{free_minutes:g}")
        return store.gestures.add_void(now, original, note.strip(), host, approved_by)


def void_needs_lead(original: Gesture, host: str, now: float, free_minutes: float) -> str:
    """Why voiding ``original`` by ``host`` at ``now`` needs a lead ("" when it does not):
    "approved" (a lead approved it), "other_host" (not the giver's own), or "old"."""
    if original.approved_by:
        return "approved"
    if not host or roster.normalise_name(original.host) != roster.normalise_name(host):
        return "other_host"
    if now - original.time > free_minutes * 60:
        return "old"
    return ""


def gestures_for_party(store: Store, party_id: str, include_voids: bool = False
                       ) -> list[Gesture]:
    """The party's gestures, oldest first; voided ones have ``voided=True``.

    Void rows themselves are left out unless ``include_voids``.
    """
    rows = store.gestures.for_party(party_id)
    return rows if include_voids else [g for g in rows if not g.is_void]


def gestures_by_party(store: Store, party_ids: Iterable[str]) -> dict[str, list[Gesture]]:
    """Live (not voided, not void) gestures for each party, for suggestions and attention."""
    return {party: [g for g in rows if not g.is_void and not g.voided]
            for party, rows in store.gestures.for_parties(party_ids).items()}


def gestures_for_guest(store: Store, guest_id: int) -> list[Gesture]:
    """Gestures a guest was given on any visit (voided ones and voids left out)."""
    return [g for g in store.gestures.for_guest(guest_id) if not g.is_void and not g.voided]


# -- walk-away rescue ---------------------------------------------------------------------

def start_rescue(store: Store, now: float, party: Party | str, host: str, offer: str) -> Rescue:
    """Record that ``party`` was about to leave and what was offered.

    ``offer`` is an interaction id (also log the gesture with :func:`give`) or
    ``"table:NAME"``. Record the outcome later with :func:`record_outcome`.
    """
    party_id = party if isinstance(party, str) else party.id
    if not offer.strip() or offer.strip() == TABLE_OFFER:
        raise GoodwillError("err_rescue_offer")
    return store.rescues.add(now, party_id, host.strip(), offer.strip())


def record_outcome(store: Store, rescue_id: int, outcome: str, now: float) -> Rescue:
    """``outcome`` is "stayed" or "left" (then also remove the party as walked away)."""
    if outcome not in OUTCOMES:
        raise GoodwillError("err_rescue_outcome", outcome=outcome)
    with store.transaction():
        found = store.rescues.get(rescue_id)
        if found is None:
            raise GoodwillError("err_no_rescue", id=rescue_id)
        if found.outcome:
            raise GoodwillError("err_rescue_decided", id=rescue_id, outcome=found.outcome)
        store.rescues.set_outcome(rescue_id, outcome, now)
        decided = store.rescues.get(rescue_id)
    assert decided is not None
    return decided


def rescue(store: Store, rescue_id: int) -> Rescue | None:
    return store.rescues.get(rescue_id)


def rescues_for_party(store: Store, party_id: str) -> list[Rescue]:
    return store.rescues.for_party(party_id)


# -- lead PINs -----------------------------------------------------------------------------

def pin_locked_until(store: Store, config: Config, now: float) -> float | None:
    """When PIN entry unlocks, or None if it is open now."""
    wrong = _recent_wrong(store, config)
    if len(wrong) < config.goodwill.pin_max_wrong:
        return None
    # from the latest stamp among them: a station whose clock runs behind cannot shorten it
    until = max(wrong) + config.goodwill.pin_lock_minutes * 60
    return until if until > now else None


def _recent_wrong(store: Store, config: Config) -> list[float]:
    """The times of the wrong attempts that count, newest (by insertion) first: since the
    last right PIN, and within ``pin_window_minutes`` of the newest wrong one. Counted
    from the rows in the order they were written, not against this station's clock,
    so a station whose clock runs ahead or behind neither hides attempts nor adds any."""
    g = config.goodwill
    wrong = store.gestures.newest_wrong_pins(g.pin_max_wrong)
    if not wrong:
        return []
    since = wrong[0] - g.pin_window_minutes * 60
    return [t for t in wrong if t > since]


def check_lead_pin(store: Store, config: Config, lead_name: str, pin: str,
                   now: float) -> PinResult:
    """Check a lead's PIN; every attempt is logged in ``pin_attempts``.

    ``goodwill.pin_max_wrong`` wrong PINs (any lead) within
    ``pin_window_minutes`` lock PIN entry for ``pin_lock_minutes``; while
    locked nothing is checked. An unknown lead name counts as a wrong PIN.
    """
    lead = roster.find_lead(store, config, lead_name)
    name = lead.name if lead else lead_name.strip()
    if lead is not None and hash_problem(lead.pin_hash):
        raise GoodwillError("err_weak_hash", name=name)
    good = lead is not None and verify_pin(pin, lead.pin_hash)
    with store.transaction():
        locked = pin_locked_until(store, config, now)
        outcome = "locked" if locked else "ok" if good else "wrong"
        store.gestures.log_pin_attempt(now, name, outcome)
        after = None if outcome == "ok" else pin_locked_until(store, config, now)
        wrong = len(_recent_wrong(store, config))
    if outcome == "ok":
        return PinResult("ok", name)
    if locked or after:
        return PinResult("locked", name, 0, locked or after)
    return PinResult("wrong", name, max(0, config.goodwill.pin_max_wrong - wrong))
