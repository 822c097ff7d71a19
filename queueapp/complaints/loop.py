"""Service recovery: every complaint or unmet request is recorded, handled,
rechecked by a lead and fed back to the part of the business that can fix it.

Each step is stamped with who and when; a step can only follow the one before,
so no item can silently drop out — open items stay on the lead's list, oldest
first, until fed back.
"""

from __future__ import annotations

from dataclasses import dataclass

from queueapp.i18n import Translator
from queueapp.store import Conflict, Store, StoreError, epoch, iso
from queueapp.waitlist.room import Room

CATEGORIES = ("food", "wait", "service", "cleanliness", "unmet_request", "other")
FEEDBACK_TO = ("kitchen", "floor", "management", "purchasing", "cleaning", "other")
STEPS = ("recorded", "handled", "rechecked", "fed_back")
LONG_WAIT = "long_wait"  # source of items opened by the app itself


@dataclass
class Complaint:
    id: int
    recorded_at: float
    party: str
    table_name: str
    category: str
    what: str
    action: str
    recorded_by: str
    source: str = ""
    handled_at: float | None = None
    handled_by: str = ""
    handled_note: str = ""
    rechecked_at: float | None = None
    rechecked_by: str = ""
    recheck_note: str = ""
    fed_back_at: float | None = None
    fed_back_to: str = ""
    fed_back_by: str = ""
    fed_back_note: str = ""

    @property
    def step(self) -> str:
        """The last step done."""
        if self.fed_back_at is not None:
            return "fed_back"
        if self.rechecked_at is not None:
            return "rechecked"
        if self.handled_at is not None:
            return "handled"
        return "recorded"

    @property
    def closed(self) -> bool:
        return self.fed_back_at is not None


_COLUMNS = ("id, recorded_at, party, table_name, category, what, action, recorded_by, source, "
            "handled_at, handled_by, handled_note, rechecked_at, rechecked_by, recheck_note, "
            "fed_back_at, fed_back_to, fed_back_by, fed_back_note")


def _from_row(r: tuple) -> Complaint:
    return Complaint(r[0], epoch(r[1]) or 0.0, r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                     epoch(r[9]), r[10], r[11], epoch(r[12]), r[13], r[14], epoch(r[15]),
                     r[16], r[17], r[18])


def record(store: Store, now: float, category: str, what: str, action: str = "",
           party: str = "", table: str = "", host: str = "", source: str = "") -> Complaint:
    """Write down a complaint or unmet request, with what was done on the spot."""
    if category not in CATEGORIES:
        raise StoreError(f"Unknown category {category!r}; use one of {', '.join(CATEGORIES)}.")
    if not what.strip():
        raise StoreError("Say what happened: the complaint needs a description.")
    if not party and not table:
        raise StoreError("A complaint belongs to a party or a table; choose one.")
    with store._write() as db:
        cur = db.execute(
            "INSERT INTO complaints (recorded_at, party, table_name, category, what, action, "
            "recorded_by, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [iso(now), party, table, category, what.strip(), action.strip(), host, source])
        cid = cur.lastrowid
    found = get(store, cid)
    assert found is not None
    return found


def get(store: Store, complaint_id: int) -> Complaint | None:
    r = store.db.execute(f"SELECT {_COLUMNS} FROM complaints WHERE id = ?",
                         [complaint_id]).fetchone()
    return _from_row(r) if r else None


def _advance(store: Store, complaint_id: int, need: str, sets: dict[str, object]) -> Complaint:
    with store._write() as db:
        r = db.execute(f"SELECT {_COLUMNS} FROM complaints WHERE id = ?",
                       [complaint_id]).fetchone()
        if r is None:
            raise Conflict(f"Complaint {complaint_id} does not exist.")
        current = _from_row(r).step
        if current != need:
            nxt = STEPS[STEPS.index(need) + 1]
            raise Conflict(f"Complaint {complaint_id} is at '{current}'; it can be "
                           f"{nxt.replace('_', ' ')} only after it is {need.replace('_', ' ')}.",
                           "err_step_order")
        assignments = ", ".join(f"{k} = ?" for k in sets)
        db.execute(f"UPDATE complaints SET {assignments} WHERE id = ?",
                   [*sets.values(), complaint_id])
    found = get(store, complaint_id)
    assert found is not None
    return found


def handle(store: Store, complaint_id: int, now: float, host: str, note: str) -> Complaint:
    """The issue was dealt with (what was done, by whom)."""
    return _advance(store, complaint_id, "recorded",
                    {"handled_at": iso(now), "handled_by": host, "handled_note": note.strip()})


def recheck(store: Store, complaint_id: int, now: float, lead: str, note: str) -> Complaint:
    """A lead checked back that the handling worked (the guest is all right)."""
    if not note.strip():
        raise StoreError("A recheck needs a note: what did the lead find?",
                         "err_note_required")
    return _advance(store, complaint_id, "handled",
                    {"rechecked_at": iso(now), "rechecked_by": lead,
                     "recheck_note": note.strip()})


def feed_back(store: Store, complaint_id: int, now: float, lead: str, to: str,
              note: str = "") -> Complaint:
    """Passed to the part of the business that can fix the cause; closes the item."""
    if to not in FEEDBACK_TO:
        raise StoreError(f"Feed back to one of {', '.join(FEEDBACK_TO)}.")
    return _advance(store, complaint_id, "rechecked",
                    {"fed_back_at": iso(now), "fed_back_to": to, "fed_back_by": lead,
                     "fed_back_note": note.strip()})


def open_count(store: Store) -> int:
    """How many items are not yet fed back (the header's count)."""
    return store.db.execute("SELECT count(*) FROM complaints WHERE fed_back_at IS NULL"
                            ).fetchone()[0]


def open_items(store: Store) -> list[Complaint]:
    """Items not yet fed back, oldest first."""
    rows = store.db.execute(f"SELECT {_COLUMNS} FROM complaints WHERE fed_back_at IS NULL "
                            "ORDER BY recorded_at, id").fetchall()
    return [_from_row(r) for r in rows]


def complaints_where(store: Store, where: str, params: list) -> list[Complaint]:
    """Complaints matching an SQL condition (the review's filters), oldest first."""
    rows = store.db.execute(f"SELECT {_COLUMNS} FROM complaints WHERE {where} "
                            "ORDER BY recorded_at, id", params).fetchall()
    return [_from_row(r) for r in rows]


def open_long_waits(store: Store, room: Room, now: float, past_quote_minutes: float,
                    t: Translator, host: str = "") -> list[int]:
    """Open a 'long wait' item for each waiting party this far past its quote, once each
    (a unique index keeps two terminals from opening it twice). Returns the new ids."""
    due = [p for p in room.waiting()
           if p.quote is not None and p.waited(now) >= p.quote + past_quote_minutes]
    opened: list[int] = []
    if not due:
        return opened
    with store._write() as db:
        for p in due:
            assert p.quote is not None
            waited = round(p.waited(now))
            what = t("long_wait_what", waited=waited, quote=round(p.quote),
                     over=waited - round(p.quote))
            cur = db.execute(
                "INSERT OR IGNORE INTO complaints (recorded_at, party, category, what, "
                "recorded_by, source) VALUES (?, ?, 'wait', ?, ?, ?)",
                [iso(now), p.id, what, host, LONG_WAIT])
            if cur.rowcount:
                opened.append(cur.lastrowid)
    return opened


def import_complaints(store: Store, rows: list[dict]) -> int:
    """Write many complaints at once (simulated history); times are epoch seconds."""
    columns = ("recorded_at", "party", "table_name", "category", "what", "action",
               "recorded_by", "source", "handled_at", "handled_by", "handled_note",
               "rechecked_at", "rechecked_by", "recheck_note", "fed_back_at", "fed_back_to",
               "fed_back_by", "fed_back_note")
    times = {"recorded_at", "handled_at", "rechecked_at", "fed_back_at"}
    with store._write() as db:
        db.conn.executemany(
            f"INSERT INTO complaints ({', '.join(columns)}) VALUES "
            f"({', '.join('?' * len(columns))})",
            [[iso(r.get(c)) if c in times else r.get(c, "") for c in columns] for r in rows])
    return len(rows)
