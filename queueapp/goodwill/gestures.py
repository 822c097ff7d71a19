"""The goodwill log: gestures given, voids, budgets, rescues and lead PINs.

The ``gestures`` table is append-only (SQLite triggers refuse UPDATE and
DELETE). A mistake is corrected by a *void* row: same party, interaction and
label, the negative cost, and ``void_of`` pointing at the original, so
``SUM(cost)`` over any set of rows is what was really spent.

Every write is one ``BEGIN IMMEDIATE`` transaction through the store, so two
terminals cannot both spend the last of a host's budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from queueapp.config import Config
from queueapp.goodwill.catalogue import Interaction, custom
from queueapp.store import Store, StoreError, epoch, iso
from queueapp.waitlist.room import Party

HOST_SETTING = "host_on_duty"
OUTCOMES = ("stayed", "left")
TABLE_OFFER = "table:"


class GoodwillError(StoreError):
    """A gesture, void, rescue or PIN check that cannot be done; the message says why."""


class NoHost(GoodwillError):
    """Nobody is on duty: ask who is giving the gesture."""


class NeedsApproval(GoodwillError):
    """A lead must approve: ``reason`` is "over_budget" or "needs_approval"."""

    def __init__(self, message: str, reason: str, cost: float, left: float,
                 **values: object) -> None:
        super().__init__(message, f"err_{reason}", cost=cost, left=max(left, 0), **values)
        self.reason, self.cost, self.left = reason, cost, left


@dataclass(frozen=True)
class Gesture:
    id: int
    time: float
    party: str
    guest_id: int | None
    interaction: str
    label: str
    category: str
    cost: float
    host: str
    note: str = ""
    approved_by: str = ""
    void_of: int | None = None
    station: str = ""
    voided: bool = False  # a later void row points at this one
    voided_by: str = ""  # on a void row: who corrected the gesture (host stays the giver)

    @property
    def is_void(self) -> bool:
        return self.void_of is not None


@dataclass(frozen=True)
class Rescue:
    id: int
    time: float
    party: str
    host: str
    offer: str  # an interaction id, or "table:NAME"
    outcome: str = ""  # "", "stayed" or "left"
    decided_at: float | None = None

    @property
    def table(self) -> str:
        return self.offer[len(TABLE_OFFER):] if self.offer.startswith(TABLE_OFFER) else ""


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


_COLUMNS = ("id, time, party, guest_id, interaction, label, category, cost, host, note, "
            "approved_by, void_of, station, voided_by")


def _gesture(row: tuple, voided: bool = False) -> Gesture:
    return Gesture(row[0], epoch(row[1]) or 0.0, row[2], row[3], row[4], row[5], row[6],
                   row[7], row[8], row[9], row[10], row[11], row[12], voided, row[13])


# -- host on duty -----------------------------------------------------------------------

def host_on_duty(store: Store) -> str:
    return store.get_setting(HOST_SETTING, "")


def set_host_on_duty(store: Store, name: str) -> None:
    store.set_setting(HOST_SETTING, name.strip())


# -- budgets ---------------------------------------------------------------------------

def shift_start(now: float, config: Config) -> float:
    """When the shift that ``now`` falls in began (``goodwill.shift_starts``, local time)."""
    tz = ZoneInfo(config.timezone)
    local = datetime.fromtimestamp(now, tz)
    minute = local.hour * 60 + local.minute
    starts = sorted(config.goodwill.shift_starts or (0,))
    earlier = [m for m in starts if m <= minute]
    day = local.date() if earlier else local.date() - timedelta(days=1)
    start = earlier[-1] if earlier else starts[-1]
    return datetime.combine(day, dtime(start // 60, start % 60), tz).timestamp()


def shift_starts_between(start: float, end: float, config: Config) -> list[float]:
    """Every shift start from the one ``start`` falls in, up to (not including) ``end``."""
    tz = ZoneInfo(config.timezone)
    starts = sorted(config.goodwill.shift_starts or (0,))
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


def spent_this_shift(store: Store, host: str, now: float, config: Config) -> float:
    """What ``host`` has given this shift, in the restaurant's currency. A voided gesture
    does not count, whenever it was voided: the refund goes back to the shift it was
    given in, not to the shift the mistake was noticed in."""
    row = store.db.execute(
        "SELECT coalesce(sum(cost), 0) FROM gestures WHERE host = ? AND time >= ? AND time <= ? "
        "AND void_of IS NULL AND id NOT IN "
        "(SELECT void_of FROM gestures WHERE void_of IS NOT NULL)",
        [host, iso(shift_start(now, config)), iso(now)]).fetchone()
    return round(float(row[0]), 2)


def budget_left(store: Store, host: str, now: float, config: Config) -> float:
    """The rest of ``host``'s budget this shift (negative once leads approved more)."""
    return round(config.goodwill.budget_per_shift - spent_this_shift(store, host, now, config), 2)


def spent_by_host(store: Store, since: float, until: float) -> dict[str, float]:
    """Spending per host between two times (for the lead's review)."""
    rows = store.db.execute("SELECT host, sum(cost) FROM gestures WHERE time >= ? AND time <= ? "
                            "GROUP BY host ORDER BY host", [iso(since), iso(until)]).fetchall()
    return {r[0]: round(float(r[1]), 2) for r in rows}


def approval_needed(store: Store, config: Config, host: str, interaction: Interaction,
                    now: float, cost: float | None = None) -> str:
    """"" when the host may give it alone; else "needs_approval" or "over_budget"."""
    if interaction.needs_approval:
        return "needs_approval"
    price = interaction.cost if cost is None else cost
    if price > 0 and price > budget_left(store, host, now, config) + 1e-9:
        return "over_budget"
    return ""


# -- giving and voiding ----------------------------------------------------------------

def give(store: Store, now: float, party: Party | str, interaction_or_custom: Interaction | str,
         host: str, note: str = "", approved_by: str = "", cost: float | None = None,
         *, config: Config | None = None) -> Gesture:
    """Log a gesture at once. A text instead of an Interaction is a custom gesture (give ``cost``).

    With ``config``, the budget and the lead list are enforced: raises
    :class:`NeedsApproval` when the gesture needs a lead and ``approved_by`` is
    empty, and :class:`GoodwillError` when ``approved_by`` is not a lead.
    """
    host = host.strip()
    if not host:
        raise NoHost("Nobody is on duty: say who is giving this gesture.")
    party_id = party if isinstance(party, str) else party.id
    if not party_id:
        raise GoodwillError("A gesture needs a party.")
    if isinstance(interaction_or_custom, str):
        if cost is None:
            raise GoodwillError("A custom gesture needs its cost (0 if it was free).")
        try:
            item = custom(interaction_or_custom, cost)
        except ValueError as exc:
            raise GoodwillError(f"Cannot log this custom gesture: {exc}.") from None
    else:
        item = interaction_or_custom
    price = float(item.cost if cost is None else cost)
    if price < 0:
        raise GoodwillError("A gesture's cost cannot be negative; void the gesture instead.")
    approved_by = approved_by.strip()
    if config is not None and approved_by and config.leads:
        lead = config.lead(approved_by)
        if lead is None:
            raise GoodwillError(f"{approved_by!r} is not a shift lead in the config.")
        approved_by = lead.name
    with store._write() as db:
        if config is not None and not approved_by:
            reason = approval_needed(store, config, host, item, now, price)
            if reason:
                left = budget_left(store, host, now, config)
                msg = (f"{item.label} needs a lead's approval." if reason == "needs_approval"
                       else f"{item.label} costs {config.currency}{price:g} but {host} has "
                       f"{config.currency}{max(left, 0):g} left this shift: a lead must approve.")
                raise NeedsApproval(msg, reason, price, left, what=item.label, host=host,
                                    currency=config.currency)
        guest = db.execute("SELECT guest_id FROM guest_visits WHERE party = ?",
                           [party_id]).fetchone()
        cur = db.execute(
            "INSERT INTO gestures (time, party, guest_id, interaction, label, category, cost, "
            "host, note, approved_by, station) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [iso(now), party_id, guest[0] if guest else None, item.id, item.label,
             item.category, price, host, note.strip(), approved_by, store.station])
        gid = cur.lastrowid
    return Gesture(gid, now, party_id, guest[0] if guest else None, item.id, item.label,
                   item.category, price, host, note.strip(), approved_by, None, store.station)


def void(store: Store, now: float, gesture_id: int, host: str, note: str) -> Gesture:
    """Correct a mistaken gesture: append a void row pointing at it (the original stays).
    The void row's host is the giver, so the cost goes back to their budget; ``host``,
    who corrects it, is kept as ``voided_by``."""
    if not note.strip():
        raise GoodwillError("Say why the gesture is voided (a short note).")
    with store._write() as db:
        row = db.execute(f"SELECT {_COLUMNS} FROM gestures WHERE id = ?",
                         [gesture_id]).fetchone()
        if row is None:
            raise GoodwillError(f"There is no gesture number {gesture_id}.")
        original = _gesture(row)
        if original.is_void:
            raise GoodwillError("A void cannot itself be voided; log the gesture again instead.")
        if db.execute("SELECT 1 FROM gestures WHERE void_of = ?", [gesture_id]).fetchone():
            raise GoodwillError(f"Gesture {gesture_id} ({original.label}) is already voided.")
        cur = db.execute(
            "INSERT INTO gestures (time, party, guest_id, interaction, label, category, cost, "
            "host, note, approved_by, void_of, station, voided_by) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [iso(now), original.party, original.guest_id, original.interaction, original.label,
             original.category, -original.cost, original.host, note.strip(), "", gesture_id,
             store.station, host.strip()])
        vid = cur.lastrowid
    return Gesture(vid, now, original.party, original.guest_id, original.interaction,
                   original.label, original.category, -original.cost, original.host,
                   note.strip(), "", gesture_id, store.station, voided_by=host.strip())


def _load(store: Store, where: str, params: list) -> list[Gesture]:
    rows = store.db.execute(f"SELECT {_COLUMNS} FROM gestures WHERE {where} ORDER BY id",
                            params).fetchall()
    voided = {r[11] for r in rows if r[11] is not None}
    ids = [r[0] for r in rows if r[11] is None and r[0] not in voided]
    if ids:  # voids written for these under another filter (e.g. another time range)
        marks = ",".join("?" * len(ids))
        voided.update(r[0] for r in store.db.execute(
            f"SELECT void_of FROM gestures WHERE void_of IN ({marks})", ids))
    return [_gesture(r, r[0] in voided) for r in rows]


def gestures_for_party(store: Store, party_id: str, include_voids: bool = False
                       ) -> list[Gesture]:
    """The party's gestures, oldest first; voided ones have ``voided=True``.

    Void rows themselves are left out unless ``include_voids``.
    """
    rows = _load(store, "party = ?", [party_id])
    return rows if include_voids else [g for g in rows if not g.is_void]


def gestures_by_party(store: Store, party_ids: Iterable[str]) -> dict[str, list[Gesture]]:
    """Live (not voided, not void) gestures for each party, for suggestions and attention."""
    ids = list(dict.fromkeys(party_ids))
    out: dict[str, list[Gesture]] = {p: [] for p in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for g in _load(store, f"party IN ({marks})", chunk):
            if not g.is_void and not g.voided:
                out[g.party].append(g)
    return out


def gestures_by_ids(store: Store, ids: list[int]) -> list[Gesture]:
    """These gesture rows (voids included), with ``voided`` set."""
    out: list[Gesture] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        out += _load(store, f"id IN ({','.join('?' * len(chunk))})", chunk)
    return out


def gestures_for_guest(store: Store, guest_id: int) -> list[Gesture]:
    """Gestures a guest was given on any visit (voided ones and voids left out)."""
    return [g for g in _load(store, "guest_id = ?", [guest_id])
            if not g.is_void and not g.voided]


# -- walk-away rescue ---------------------------------------------------------------------

def _rescue(row: tuple) -> Rescue:
    return Rescue(row[0], epoch(row[1]) or 0.0, row[2], row[3], row[4], row[5], epoch(row[6]))


def start_rescue(store: Store, now: float, party: Party | str, host: str, offer: str) -> Rescue:
    """Record that ``party`` was about to leave and what was offered.

    ``offer`` is an interaction id (also log the gesture with :func:`give`) or
    ``"table:NAME"``. Record the outcome later with :func:`record_outcome`.
    """
    party_id = party if isinstance(party, str) else party.id
    if not offer.strip() or offer.strip() == TABLE_OFFER:
        raise GoodwillError("Say what was offered: an interaction or a table.")
    with store._write() as db:
        cur = db.execute("INSERT INTO rescues (time, party, host, offer, station) "
                         "VALUES (?,?,?,?,?)",
                         [iso(now), party_id, host.strip(), offer.strip(), store.station])
        rid = cur.lastrowid
    return Rescue(rid, now, party_id, host.strip(), offer.strip())


def record_outcome(store: Store, rescue_id: int, outcome: str, now: float) -> Rescue:
    """``outcome`` is "stayed" or "left" (then also remove the party as walked away)."""
    if outcome not in OUTCOMES:
        raise GoodwillError(f"Outcome {outcome!r} should be 'stayed' or 'left'.")
    with store._write() as db:
        row = db.execute("SELECT outcome FROM rescues WHERE id = ?", [rescue_id]).fetchone()
        if row is None:
            raise GoodwillError(f"There is no rescue number {rescue_id}.")
        if row[0]:
            raise GoodwillError(f"The outcome of rescue {rescue_id} is already recorded "
                                f"({row[0]}).")
        db.execute("UPDATE rescues SET outcome = ?, decided_at = ? WHERE id = ?",
                   [outcome, iso(now), rescue_id])
    return rescue(store, rescue_id)  # type: ignore[return-value]


def rescue(store: Store, rescue_id: int) -> Rescue | None:
    row = store.db.execute("SELECT id, time, party, host, offer, outcome, decided_at "
                           "FROM rescues WHERE id = ?", [rescue_id]).fetchone()
    return _rescue(row) if row else None


def rescues_for_party(store: Store, party_id: str) -> list[Rescue]:
    rows = store.db.execute("SELECT id, time, party, host, offer, outcome, decided_at "
                            "FROM rescues WHERE party = ? ORDER BY id", [party_id]).fetchall()
    return [_rescue(r) for r in rows]


def rescues_between(store: Store, since: float, until: float) -> list[Rescue]:
    rows = store.db.execute("SELECT id, time, party, host, offer, outcome, decided_at "
                            "FROM rescues WHERE time >= ? AND time <= ? ORDER BY id",
                            [iso(since), iso(until)]).fetchall()
    return [_rescue(r) for r in rows]


# -- lead PINs -----------------------------------------------------------------------------

def pin_locked_until(store: Store, config: Config, now: float) -> float | None:
    """When PIN entry unlocks, or None if it is open now."""
    g = config.goodwill
    rows = _recent_wrong(store, config, now)
    if len(rows) < g.pin_max_wrong:
        return None
    until = (epoch(rows[-1][0]) or 0.0) + g.pin_lock_minutes * 60
    return until if until > now else None


def _recent_wrong(store: Store, config: Config, now: float) -> list[tuple]:
    """Wrong attempts within the window and after the last successful one."""
    return store.db.execute(
        "SELECT time FROM pin_attempts WHERE outcome = 'wrong' AND time > ? AND time <= ? "
        "AND id > coalesce((SELECT max(id) FROM pin_attempts WHERE ok = 1 AND time <= ?), 0) "
        "ORDER BY time", [iso(now - config.goodwill.pin_window_minutes * 60), iso(now),
                          iso(now)]).fetchall()


def check_lead_pin(store: Store, config: Config, lead_name: str, pin: str,
                   now: float) -> PinResult:
    """Check a lead's PIN; every attempt is logged in ``pin_attempts``.

    ``goodwill.pin_max_wrong`` wrong PINs (any lead) within
    ``pin_window_minutes`` lock PIN entry for ``pin_lock_minutes``; while
    locked nothing is checked. An unknown lead name counts as a wrong PIN.
    """
    from queueapp.goodwill.pins import verify_pin

    lead = config.lead(lead_name)
    name = lead.name if lead else lead_name.strip()
    good = bool(lead) and verify_pin(pin, lead.pin_hash)  # type: ignore[union-attr]
    with store._write() as db:
        locked = pin_locked_until(store, config, now)
        outcome = "locked" if locked else "ok" if good else "wrong"
        db.execute("INSERT INTO pin_attempts (time, lead, ok, outcome, station) "
                   "VALUES (?,?,?,?,?)",
                   [iso(now), name, int(outcome == "ok"), outcome, store.station])
        after = None if outcome == "ok" else pin_locked_until(store, config, now)
        wrong = len(_recent_wrong(store, config, now))
    if outcome == "ok":
        return PinResult("ok", name)
    if locked or after:
        return PinResult("locked", name, 0, locked or after)
    return PinResult("wrong", name, max(0, config.goodwill.pin_max_wrong - wrong))
