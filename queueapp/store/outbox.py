"""Messages to guests (``store.outbox``): every message is a row before it is sent.

A row is queued once per idempotency key (party, kind, and the count of a repeated
call, per channel): enqueueing the same key again does nothing, so planning the
same event twice can never send twice. A row's status only goes forward (queued,
then sent or failed; triggers refuse anything else), and rows are never deleted.

Only one sender sends at a time: it holds the lease in ``outbox_state`` (owner and
expiry), taken and renewed inside ``BEGIN IMMEDIATE`` by comparing the caller's
``now`` with what the file holds; each send first claims its row in a transaction
that checks the lease is still the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from queueapp.store.damage import decoded
from queueapp.store.repository import NOT_UNDONE, Repository, marks
from queueapp.store.times import epoch, iso
from queueapp.waitlist.room import Party

QUEUED, SENT, FAILED = "queued", "sent", "failed"
STATUSES = (QUEUED, SENT, FAILED)
FEEDBACK_SOURCE = "feedback"  # complaints opened from the thank-you's feedback form
ERROR_CHARS = 300  # the last error kept on a row (a provider's whole page is not needed)

_COLUMNS = ("id, party, kind, key, channel, text, status, attempts, last_error, created, "
            "next_at, sent_at, failed_at, event")


@dataclass(frozen=True)
class Message:
    """One row of the outbox."""

    id: int
    party: str
    kind: str
    key: str
    channel: str  # "1:json": the channel's number in the config and its scheme
    text: str
    status: str
    attempts: int
    last_error: str
    created: float
    next_at: float
    sent_at: float | None = None
    failed_at: float | None = None
    event: int | None = None

    @property
    def at(self) -> float:
        """When it last changed for the guest: sent, failed, or queued."""
        return self.sent_at or self.failed_at or self.created


@dataclass(frozen=True)
class NewMessage:
    """A message to queue (``Outbox.enqueue``)."""

    party: str
    kind: str
    key: str
    channel: str
    text: str
    event: int | None = None
    not_before: float | None = None  # not sent before this time (else as soon as queued)


@dataclass(frozen=True)
class CallOutcome:
    """A called party, for the review: when it was called and what became of it."""

    party: str
    called: float
    seated: float | None
    status: str
    reason: str


def _message(r: tuple[Any, ...]) -> Message:
    if r[6] not in STATUSES:
        raise ValueError(f"status {r[6]!r} is not one of {', '.join(STATUSES)}")
    created, next_at = epoch(r[9]), epoch(r[10])
    if created is None or next_at is None:
        raise ValueError("a needed time is empty")
    return Message(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                   str(r[6]), int(r[7]), str(r[8]), created, next_at, epoch(r[11]),
                   epoch(r[12]), r[13])


class Outbox(Repository):
    """``store.outbox``."""

    # -- queueing ------------------------------------------------------------------
    def enqueue(self, now: float, messages: Iterable[NewMessage]) -> int:
        """Queue each message whose key is new (a known key is left as it is); how many
        were queued."""
        queued = 0
        with self.store.transaction() as db:
            rev = self._next_rev(db)
            for m in messages:
                cur = db.execute(
                    "INSERT INTO outbox (party, kind, key, channel, text, created, next_at, "
                    "event, rev) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO NOTHING",
                    [m.party, m.kind, m.key, m.channel, m.text, iso(now),
                     iso(max(now, m.not_before or now)), m.event, rev])
                queued += cur.rowcount > 0
        return queued

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        if not keys:
            return set()
        return {r[0] for r in self.db.execute(
            f"SELECT key FROM outbox WHERE key IN ({marks(keys)})", keys)}

    def count_like(self, prefix: str) -> int:
        """Rows whose key starts with ``prefix`` (how many re-sends a message had)."""
        return self.db.execute("SELECT count(*) FROM outbox WHERE substr(key, 1, ?) = ?",
                               [len(prefix), prefix]).fetchone()[0]

    def calls_up_to(self, party: str, event_id: int) -> int:
        """How many times the party was called, up to and including ``event_id`` (calls
        undone since left out): 1 is the first call, 2 the first "called again"."""
        return self.db.execute(
            "SELECT count(*) FROM events WHERE party = ? AND event = 'call' AND id <= ? "
            f"AND {NOT_UNDONE}",
            [party, event_id]).fetchone()[0]

    # -- what the event log has been turned into ------------------------------------
    def cursor(self) -> int:
        """The last event id already planned into messages. The first time (no state
        yet) it starts at the newest event: history is never messaged."""
        with self.store.transaction() as db:
            row = db.execute("SELECT cursor FROM outbox_state WHERE id = 1").fetchone()
            if row is not None:
                return int(row[0])
            last = db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
            db.execute("INSERT INTO outbox_state (id, cursor) VALUES (1, ?)", [last])
            return int(last)

    def advance(self, event_id: int) -> None:
        with self.store.transaction() as db:
            self.cursor()
            db.execute("UPDATE outbox_state SET cursor = max(cursor, ?) WHERE id = 1",
                       [event_id])

    # -- the lease -------------------------------------------------------------------
    def take_lease(self, owner: str, now: float, seconds: float) -> bool:
        """Take or renew the sender's lease: free, expired (by what the file holds,
        against ``now``) or already ``owner``'s. True if ``owner`` holds it now."""
        with self.store.transaction() as db:
            self.cursor()  # makes the state row
            held, expires = db.execute(
                "SELECT owner, expires FROM outbox_state WHERE id = 1").fetchone()
            until = epoch(expires)
            if held and held != owner and until is not None and until > now:
                return False
            db.execute("UPDATE outbox_state SET owner = ?, expires = ? WHERE id = 1",
                       [owner, iso(now + seconds)])
            return True

    def release_lease(self, owner: str) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE outbox_state SET owner = '', expires = NULL "
                       "WHERE id = 1 AND owner = ?", [owner])

    def lease_owner(self, now: float) -> str:
        """Who holds the lease now ("" when nobody)."""
        row = self.db.execute("SELECT owner, expires FROM outbox_state WHERE id = 1").fetchone()
        if row is None or not row[0] or (epoch(row[1]) or 0) <= now:
            return ""
        return str(row[0])

    # -- sending ---------------------------------------------------------------------
    def due(self, now: float, limit: int = 20) -> list[Message]:
        """Queued rows whose time has come, oldest first, not claimed by a live send."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'queued' AND next_at <= ? "
            "AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_at, id LIMIT ?",
            [iso(now), iso(now), limit]).fetchall()
        return decoded(self.store.damage, "outbox", rows, _message, lambda r: r[0])

    def claim(self, message_id: int, owner: str, now: float, seconds: float) -> Message | None:
        """Claim a queued row for one send (its attempt is counted now, so a send cut
        short by a crash still counts): only while ``owner`` holds the lease and nobody
        else's claim is live. The row as claimed, or None."""
        with self.store.transaction() as db:
            held, expires = db.execute(
                "SELECT owner, expires FROM outbox_state WHERE id = 1").fetchone() or ("", None)
            if held != owner or (epoch(expires) or 0) <= now:
                return None
            cur = db.execute(
                "UPDATE outbox SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1, "
                "rev = ? WHERE id = ? AND status = 'queued' AND (claimed_until IS NULL "
                "OR claimed_until <= ? OR claimed_by = ?)",
                [owner, iso(now + seconds), self._next_rev(db), message_id, iso(now), owner])
            if cur.rowcount != 1:
                return None
            return self.get(message_id)

    def reword(self, message_id: int, owner: str, text: str) -> bool:
        """A claimed row's text worded anew just before it is sent (what goes out is what
        the row says). Only while ``owner``'s claim holds and the row is queued."""
        with self.store.transaction() as db:
            cur = db.execute("UPDATE outbox SET text = ?, rev = ? WHERE id = ? AND "
                             "status = 'queued' AND claimed_by = ?",
                             [text, self._next_rev(db), message_id, owner])
            return cur.rowcount == 1

    def mark_sent(self, message_id: int, now: float) -> None:
        self._finish(message_id, "status = 'sent', sent_at = ?, last_error = ''", [iso(now)])

    def mark_retry(self, message_id: int, error: str, next_at: float) -> None:
        self._finish(message_id, "next_at = ?, last_error = ?", [iso(next_at),
                                                                 error[:ERROR_CHARS]])

    def mark_failed(self, message_id: int, error: str, now: float) -> None:
        self._finish(message_id, "status = 'failed', failed_at = ?, last_error = ?",
                     [iso(now), error[:ERROR_CHARS]])

    def _finish(self, message_id: int, sets: str, params: list[Any]) -> None:
        """An attempt's result; the claim ends with it (only a queued row changes)."""
        with self.store.transaction() as db:
            db.execute(f"UPDATE outbox SET {sets}, claimed_until = NULL, rev = ? "
                       "WHERE id = ? AND status = 'queued'",
                       [*params, self._next_rev(db), message_id])

    @staticmethod
    def _next_rev(db: Any) -> int:
        """A number that grows with every change (``version()`` watches its maximum)."""
        return int(db.execute("SELECT coalesce(max(rev), 0) + 1 FROM outbox").fetchone()[0])

    # -- reading ---------------------------------------------------------------------
    def get(self, message_id: int) -> Message | None:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?",
                               [message_id]).fetchall()
        found = decoded(self.store.damage, "outbox", rows, _message, lambda r: r[0])
        return found[0] if found else None

    def for_parties(self, party_ids: Iterable[str]) -> dict[str, list[Message]]:
        """Each party's messages, oldest first."""
        ids = list(party_ids)
        out: dict[str, list[Message]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE party IN "
                                   f"({marks(chunk)}) ORDER BY id", chunk).fetchall()
            for m in decoded(self.store.damage, "outbox", rows, _message, lambda r: r[0]):
                out.setdefault(m.party, []).append(m)
        return out

    def between(self, start: float, end: float) -> list[Message]:
        """Messages created in a time range (the review counts them per day)."""
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE created >= ? "
                               "AND created < ? ORDER BY id", [iso(start), iso(end)]).fetchall()
        return decoded(self.store.damage, "outbox", rows, _message, lambda r: r[0])

    def calls_between(self, start: float, end: float) -> list[CallOutcome]:
        """Parties called in a time range (their last call) and what became of them."""
        rows = self.db.execute(
            "SELECT id, called_at, seated_at, status, remove_reason FROM parties "
            "WHERE called_at >= ? AND called_at < ? ORDER BY called_at",
            [iso(start), iso(end)]).fetchall()
        return decoded(self.store.damage, "parties", rows,
                       lambda r: CallOutcome(str(r[0]), _needed(r[1]), epoch(r[2]), str(r[3]),
                                             str(r[4])), lambda r: r[0])

    # -- guests who answer a message ------------------------------------------------
    def waiting_party_for_phone(self, phone: str) -> Party | None:
        """The party still waiting (or called) with this phone number; of two, the one
        that arrived last. None when no waiting party has it."""
        row = self.db.execute(
            "SELECT id FROM parties WHERE phone = ? AND phone != '' AND status IN "
            "('waiting', 'called') ORDER BY arrived_at DESC, id DESC LIMIT 1",
            [phone]).fetchone()
        return self.store.party(row[0]) if row else None

    def feedback_given(self, party_id: str) -> bool:
        """Has the party already answered its thank-you (one feedback item per party)?"""
        return self.db.execute("SELECT 1 FROM complaints WHERE party = ? AND source = ? "
                               "LIMIT 1", [party_id, FEEDBACK_SOURCE]).fetchone() is not None


def _needed(text: object) -> float:
    found = epoch(text if isinstance(text, str) else None)
    if found is None:
        raise ValueError("a needed time is empty")
    return found
