"""The SQLite file: events as the source of truth, plus live projections.

:class:`Store` opens the file (one connection per thread), runs transactions
(:meth:`Store.transaction`) and keeps the waiting list: every action is one
``BEGIN IMMEDIATE`` transaction that re-reads the live state (another terminal
may have changed it), checks the action still makes sense, appends the event and
updates the ``parties`` and ``room_tables`` rows it touched. The other domains'
tables are reached through its repositories (``store.gestures``, ``store.guests``,
``store.complaints``, ``store.rescues``, ``store.review``). Other terminals notice
changes by polling :meth:`Store.version` (see ``store/changes.py``).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlite_utils import Database

from queueapp.clock import period_bounds
from queueapp.config import TICKETS_RESTART, Config, Table
from queueapp.i18n import Term
from queueapp.store import chain
from queueapp.store.backup import quick_check, unknown_migrations
from queueapp.store.changes import version_sql
from queueapp.store.complaints import ComplaintLog
from queueapp.store.damage import DamageLog, decode_one, decoded
from queueapp.store.errors import (
    DB_ERRORS,
    Busy,
    Conflict,
    StoreError,
    as_store_error,
    companions_error,
)
from queueapp.store.gestures import GestureLog
from queueapp.store.guests import GuestBook
from queueapp.store.outbox import Outbox
from queueapp.store.privacy import PersonalData
from queueapp.store.repository import CHUNK, NOT_UNDONE, marks
from queueapp.store.rescues import RescueLog
from queueapp.store.review import ReviewQueries
from queueapp.store.roster import Roster
from queueapp.store.schema import migrations
from queueapp.store.stations import Stations
from queueapp.store.sync import SyncReader
from queueapp.store.times import epoch, iso
from queueapp.waitlist.events import (
    ABANDON,
    ANSWERS,
    ARRIVE,
    CALL,
    DEPART,
    EDIT,
    EXTEND,
    HOLD,
    READY,
    RELEASE,
    REMOVE_REASONS,
    REPLY,
    SEAT,
    UNDO,
    Event,
)
from queueapp.waitlist.room import (
    CALLED,
    CLEARING,
    FREE,
    OCCUPIED,
    SEATED,
    WAITING,
    Party,
    Room,
    TableState,
    quote_data,
)

LIVE = (WAITING, CALLED, SEATED)  # statuses of parties still in the room
BUSY_TIMEOUT = 5.0  # seconds a write waits for another program's lock before Busy
PARTY_NUMBER_AT = 10  # party ids are "YYYYMMDD-NNN": the number starts at the 10th character
LONGEST_HOLD = 24 * 60  # minutes: a hold longer than a day is a typing mistake
TICKET_DIGITS = 3  # A012: queue numbers are zero-padded to this many digits
JOINING_PAUSED = "joining_paused"  # settings key: "1" while the host pauses self check-in
GUEST_ADDRESS = "serve_address"  # settings key: where `queueapp serve` last said guests reach it

__all__ = ["DB_ERRORS", "LIVE", "Busy", "Conflict", "Store", "StoreError", "as_store_error",
           "default_db_path", "epoch", "iso", "resolve_db_path"]


def default_db_path() -> Path:
    return platformdirs.user_data_path("queueapp", appauthor=False) / "queueapp.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None, config: Config | None) -> Path:
    """``--db``, then the config's ``storage.db``, then the user data directory."""
    if explicit:
        return Path(explicit)
    if config and config.db:
        base = config.path.parent if config.path else Path.cwd()
        return (base / Path(config.db).expanduser()).resolve()
    return default_db_path()


def _touches(column: str = "table_name") -> str:
    """SQL matching events whose table field includes :t (joined tables are A4+A5)."""
    return (f"({column} = :t OR {column} LIKE :t || '+%' OR {column} LIKE '%+' || :t "
            f"OR {column} LIKE '%+' || :t || '+%')")


class Store:
    def __init__(self, path: str | os.PathLike[str], station: str = "",
                 busy_timeout: float = BUSY_TIMEOUT, readonly: bool = False) -> None:
        self.path = Path(path)
        self.station = station
        self.busy_timeout = busy_timeout
        self.readonly = readonly
        self._local = threading.local()
        # the file this store reads (device, inode): another program may replace it (a
        # new demo, a restore); every thread's connection is then opened again
        self._identity: tuple[int, int] | None = None
        self._generation = 0
        self.damage = DamageLog()  # rows that could not be read, skipped (store/damage.py)
        self.gestures = GestureLog(self)
        self.guests = GuestBook(self)
        self.complaints = ComplaintLog(self)
        self.rescues = RescueLog(self)
        self.review = ReviewQueries(self)
        self.privacy = PersonalData(self)
        self.roster = Roster(self)
        self.stations = Stations(self)  # each stand's host on duty (store/stations.py)
        self.outbox = Outbox(self)  # messages to guests (issue 12)
        self.sync = SyncReader(self)  # what head office is sent (store/sync.py)

    # -- opening -----------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], config: Config | None = None,
             station: str = "", busy_timeout: float = BUSY_TIMEOUT) -> Store:
        """Open (creating if needed) and migrate the file; check it is writable."""
        p = Path(path)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError("err_db_folder", path=p, detail=exc) from None
        if p.exists() and not os.access(p, os.W_OK):
            raise StoreError("err_db_file_readonly", path=p)
        if not os.access(p.parent, os.W_OK):
            raise StoreError("err_db_folder_readonly", folder=p.parent)
        if p.is_file():  # a newer queueapp's file is refused before anything is written
            cls(p, busy_timeout=busy_timeout, readonly=True)._refuse_newer(close=True)
        _create_private(p)
        store = cls(p, station, busy_timeout)
        try:
            db = store.db
            migrations.apply(db)
        except sqlite3.DatabaseError as exc:
            raise store._explain(exc) from None
        if config is not None:
            store.sync_tables(config.tables)
        return store

    @classmethod
    def open_readonly(cls, path: str | os.PathLike[str]) -> Store:
        """Open an existing file only to read it (reports, exports): nothing is written,
        not even a migration or the tables from the config."""
        store = cls(path, readonly=True)
        store._refuse_newer()
        try:
            pending = migrations.pending(store.db)
        except sqlite3.DatabaseError as exc:
            raise store._explain(exc) from None
        if pending:
            raise StoreError("err_db_version", path=store.path)
        return store

    def _refuse_newer(self, close: bool = False) -> None:
        """A file written by a newer queueapp (a migration this version does not know)
        is refused: this version would misread it, or write rows it cannot hold."""
        try:
            unknown = unknown_migrations(self.db.conn)
        except sqlite3.DatabaseError as exc:
            raise self._explain(exc) from None
        finally:
            if close:
                self.close()
        if unknown:
            raise StoreError("err_db_newer", path=self.path, names=", ".join(unknown))

    def quick_check(self) -> list[str]:
        """``PRAGMA quick_check`` on the file: [] when sound, else what SQLite found
        (slow on a big file: call it from a worker)."""
        return quick_check(self.db.conn)

    @property
    def db(self) -> Database:
        """A connection for the calling thread (sqlite3 connections cannot cross threads)."""
        db = getattr(self._local, "db", None)
        if db is not None and getattr(self._local, "generation", 0) != self._generation \
                and not getattr(self._local, "depth", 0):  # never inside a transaction
            db.conn.close()  # the file was replaced since this thread connected
            self._local.db = db = None
        if db is None:
            self._local.generation = self._generation
            if self._identity is None:
                self._identity = _identity(self.path)
            if self.readonly:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                       timeout=self.busy_timeout, isolation_level=None)
                self._local.db = db = Database(conn)
                return db
            # mode=rw: a file moved away is an error, never a new empty file in its
            # place (``open`` creates the file once; every later connection finds it)
            try:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=rw", uri=True,
                                       timeout=self.busy_timeout, isolation_level=None,
                                       check_same_thread=True)
            except sqlite3.DatabaseError as exc:
                raise self._explain(exc) from None
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
                conn.execute("PRAGMA foreign_keys=ON")
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise self._explain(exc) from None
            db = Database(conn)
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    def explain(self, exc: sqlite3.DatabaseError) -> StoreError:
        """A raw sqlite3 error met while using this file, in words for a person."""
        return self._explain(exc)

    def _explain(self, exc: sqlite3.DatabaseError) -> StoreError:
        msg = str(exc)
        if _identity(self.path) is None:  # moved or deleted: say so, not "locked"
            return StoreError("err_db_gone", path=self.path)
        if "locked" in msg or "busy" in msg:
            return Busy("err_db_locked", path=self.path)
        if "readonly" in msg or "read-only" in msg or "unable to open" in msg:
            if not os.access(self.path.parent, os.W_OK):  # WAL needs -shm/-wal beside it
                return StoreError("err_db_wal_folder", path=self.path, folder=self.path.parent)
            return companions_error(self.path) or StoreError("err_db_readonly", path=self.path)
        if "not a database" in msg or "malformed" in msg:
            return StoreError("err_db_damaged", path=self.path, detail=msg)
        return StoreError("err_db_other", path=self.path, detail=msg)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction: BEGIN IMMEDIATE, then commit, or roll back everything
        on any exception. Inside one, a nested ``transaction()`` (a repository's write
        within a core operation) joins it, so the operation is one transaction."""
        db = self.db
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                yield db
            finally:
                self._local.depth -= 1
            return
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._explain(exc) from None
        self._local.depth = 1
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._explain(exc) from None
            raise
        finally:
            self._local.depth = 0


    # -- tables and settings ---------------------------------------------------
    def sync_tables(self, tables: Iterable[Table]) -> None:
        """Make room_tables match the config: add new tables, update seats and sections."""
        tables = list(tables)
        with self.transaction() as db:
            for t in tables:
                db.execute(
                    "INSERT INTO room_tables (name, seats, section) VALUES (?, ?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET seats = excluded.seats, "
                    "section = excluded.section", [t.name, t.seats, t.section])
            names = [t.name for t in tables]
            db.execute("DELETE FROM room_tables WHERE state = 'free' AND name NOT IN "
                       f"({marks(names)})", names)

    def get_setting(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) "
                       "DO UPDATE SET value = excluded.value", [key, value])

    # -- reading -----------------------------------------------------------------
    @property
    def generation(self) -> int:
        """How many times the file was found replaced by another (see ``version``)."""
        return self._generation

    def version(self) -> tuple[Any, ...]:
        """Any change another terminal should see changes this (every table registers in
        ``store/changes.py``): a station re-reads when it differs from what it last read.
        It also notices the file replaced by another one (a new demo, a restore) and
        reads the new one from then on; a file gone is an error, not an empty list."""
        found = _identity(self.path)
        if found is None:
            raise StoreError("err_db_gone", path=self.path)
        if self._identity is not None and found != self._identity:
            self._identity = found
            self._generation += 1
        return tuple(self.db.execute(_VERSION_SQL).fetchone())

    def pending_rescues(self) -> dict[str, list[int]]:
        """Rescues offered but not yet decided, by party (oldest first)."""
        return self.rescues.pending()

    def last_event_id(self) -> int:
        return self.db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]

    def load_room(self) -> Room:
        """The live state: every table, and the parties waiting, called or seated."""
        db = self.db
        room = Room({})
        rows = db.execute("SELECT name, seats, section, state, party, party_size, joined, "
                          "since, held_for, held_until FROM room_tables "
                          "ORDER BY rowid").fetchall()
        for t in decoded(self.damage, "room_tables", rows, _table_from_row, lambda r: r[0]):
            room.tables[t.name] = t
        parties = db.query(f"SELECT * FROM parties WHERE status IN ({marks(LIVE)})", LIVE)
        for p in decoded(self.damage, "parties", parties, _party_from_row, lambda r: r["id"]):
            room.parties[p.id] = p
        return room

    def party(self, party_id: str) -> Party | None:
        rows = list(self.db.query("SELECT * FROM parties WHERE id = ?", [party_id]))
        return decode_one(self.damage, "parties", rows[0], _party_from_row,
                          lambda r: r["id"]) if rows else None

    def tickets_had(self, party_ids: Iterable[str]) -> dict[str, list[str]]:
        """Every queue number each party was given, first first: its arrival's, then one
        per edit that moved it to another table class (B041, then C012). A guest may
        still hold a paper ticket with an old one. Undone edits are left out."""
        ids = sorted(set(party_ids))
        found: dict[str, list[str]] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            rows = self.db.execute(  # a damaged row's data (not JSON) is passed over
                "SELECT party, CASE WHEN json_valid(data) THEN json_extract(data, '$.ticket') "
                f"END FROM events WHERE event IN ('arrive', 'edit') AND party IN "
                f"({marks(chunk)}) AND {NOT_UNDONE} ORDER BY id", chunk).fetchall()
            for party, ticket in rows:
                had = found.setdefault(party, [])
                if isinstance(ticket, str) and ticket and ticket not in had:
                    had.append(ticket)
        return found

    def all_events(self, include_undone: bool = False, since: float | None = None,
                   until: float | None = None, after_id: int = 0,
                   by_time: bool = False) -> Iterator[Event]:
        """Events in the order they were written (``by_time``: in time order, as the
        contract's files are, even when terminals' clocks differ a little); undone ones
        (and undos) are left out by default."""
        where = ["id > ?"]
        params: list[Any] = [after_id]
        if not include_undone:
            where.append(f"event != 'undo' AND {NOT_UNDONE}")
        if since is not None:
            where.append("time >= ?")
            params.append(iso(since))
        if until is not None:
            where.append("time <= ?")
            params.append(iso(until))
        sql = "SELECT id, time, event, party, size, table_name, data FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        for r in self.db.execute(sql + (" ORDER BY time, id" if by_time else " ORDER BY id"),
                                 params):
            ev = decode_one(self.damage, "events", r, event_from_row, lambda r: r[0])
            if ev is not None:
                yield ev

    def event(self, event_id: int) -> Event | None:
        r = self.db.execute("SELECT id, time, event, party, size, table_name, data FROM events "
                            "WHERE id = ?", [event_id]).fetchone()
        return decode_one(self.damage, "events", r, event_from_row, lambda r: r[0]) \
            if r else None

    # -- writing -----------------------------------------------------------------
    def _insert_event(self, db: Database, ev: Event, ref: int | None = None,
                      host: str = "") -> int:
        """Append the event, chained to the one before (``store/chain.py``)."""
        ev.id = event_id = chain.append(db, "events", _event_row(ev, host, self.station, ref))
        return event_id

    def _save_party(self, db: Database, p: Party) -> None:
        db.execute(
            "INSERT OR REPLACE INTO parties (id, name, size, phone, tags, note, status, "
            "arrived_at, quoted_minutes, quote_low, quote_high, called_at, seated_at, "
            "table_name, left_at, remove_reason, ticket, reply, reply_text, reply_at, "
            "kept_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [p.id, p.name, p.size, p.phone, json.dumps(list(p.tags), ensure_ascii=False),
             p.note, p.status, iso(p.arrived), p.quote, p.quote_low, p.quote_high,
             iso(p.called_at), iso(p.seated_at), p.table, iso(p.left_at), p.reason,
             p.ticket, p.reply, p.reply_text, iso(p.reply_at), iso(p.kept_until)])

    def _save_table(self, db: Database, t: TableState) -> None:
        db.execute("UPDATE room_tables SET state = ?, party = ?, party_size = ?, joined = ?, "
                   "since = ?, held_for = ?, held_until = ? WHERE name = ?",
                   [t.state, t.party, t.party_size, t.joined, iso(t.since), t.held_for,
                    iso(t.held_until), t.name])

    def _act(self, ev: Event, check: Callable[[Room], object], host: str = "") -> Event:
        """Check against the live state, append the event, update what it touched."""
        with self.transaction() as db:
            room = self.load_room()
            check(room)
            before = room.parties.get(ev.party)
            touched = set(ev.tables)
            if before and before.table:
                touched.update(before.table.split("+"))
            if ev.party:  # a hold ends when its party is seated, leaves or holds another
                touched.update(n for n, t in room.tables.items() if t.held_for == ev.party)
            room.apply(ev)
            self._insert_event(db, ev, host=host)
            party = room.parties.get(ev.party) or before
            if party is not None:
                self._save_party(db, party)
            for name in touched:
                if name in room.tables:
                    self._save_table(db, room.tables[name])
        return ev

    def new_party_id(self, now: float, tz: str = "UTC") -> str:
        """``YYYYMMDD-NNN`` (restaurant-local day), never reusing a number: counted over
        every arrival ever written that day, undone ones included."""
        import arrow

        day = arrow.get(now).to(tz).format("YYYYMMDD")
        row = self.db.execute(
            "SELECT max(CAST(substr(party, ?) AS INTEGER)) FROM events "
            "WHERE event = 'arrive' AND party LIKE ?", [PARTY_NUMBER_AT, day + "-%"]).fetchone()
        return f"{day}-{(row[0] or 0) + 1:03d}"

    def _next_ticket(self, day: tuple[float, float], prefix: str) -> str:
        """``prefix`` + the next number in its class on the numbers' ``day`` (its start
        and end, from :func:`numbers_day`), ``A012``: counted over every arrival written
        in it, undone ones included, so a number is never given twice. A row stamped
        beyond the day (a station whose clock was days ahead) does not hold the count up.
        Numbers still waiting from the day before count too: a line that runs through
        the restart (a restaurant open all night) goes on from them instead of showing
        a second A005 beside the first."""
        row = self.db.execute(
            "SELECT max(n) FROM ("
            "SELECT CAST(substr(json_extract(data, '$.ticket'), :n) AS INTEGER) AS n "
            "FROM events WHERE event IN ('arrive', 'edit') AND time >= :since "
            "AND time < :until "
            "AND json_extract(data, '$.ticket') GLOB :prefix || '[0-9]*' "
            "UNION ALL SELECT CAST(substr(ticket, :n) AS INTEGER) FROM parties "
            "WHERE status IN ('waiting', 'called') AND ticket GLOB :prefix || '[0-9]*')",
            {"n": len(prefix) + 1, "since": iso(day[0]), "until": iso(day[1]),
             "prefix": prefix}).fetchone()
        return f"{prefix}{(row[0] or 0) + 1:0{TICKET_DIGITS}d}"

    def add_party(self, now: float, size: int, name: str = "", phone: str = "",
                  tags: Iterable[str] = (), note: str = "", quote: Any = None,
                  tz: str = "UTC", host: str = "", ticket_prefix: str = "",
                  via: str = "", tickets_restart: int = TICKETS_RESTART) -> Event:
        """A party joins the list. With ``ticket_prefix`` (its table class's, from
        ``config.guests.ticket_class(size)``) it gets the next queue number of the day
        and a secret link to its own page; the numbers' day begins ``tickets_restart``
        minutes after local midnight (``[guests] tickets_restart``). ``via`` names a door
        other than the stand (``"join"``: the guest checked in on their phone)."""
        data: dict[str, Any] = {"name": name, "phone": phone, "tags": list(tags), "note": note}
        if quote is not None:
            data.update(quote_data(quote))
        if via:
            data["via"] = via
        with self.transaction() as db:
            pid = self.new_party_id(now, tz)
            if ticket_prefix:
                data["ticket"] = self._next_ticket(numbers_day(now, tz, tickets_restart),
                                                   ticket_prefix)
            ev = Event(now, ARRIVE, pid, size, "", data)
            room = Room({})
            room.apply(ev)
            self._insert_event(db, ev, host=host)
            self._save_party(db, room.parties[pid])
            if ticket_prefix:
                self._new_link(db, pid, now)
        return ev

    # -- the guest's side ------------------------------------------------------------
    def guest_link(self, party_id: str) -> str:
        """The secret token of the party's own page ("" when it has none)."""
        row = self.db.execute("SELECT token FROM guest_links WHERE party = ?",
                              [party_id]).fetchone()
        return row[0] if row else ""

    def give_link(self, party_id: str, now: float) -> str:
        """A page of its own for a party added without one (an imported or simulated
        arrival, one a message must link to): its token, the one it has if it has one
        already."""
        with self.transaction() as db:
            return self.guest_link(party_id) or self._new_link(db, party_id, now)

    @staticmethod
    def _new_link(db: Database, party_id: str, now: float) -> str:
        token = secrets.token_urlsafe(16)  # 128 random bits: unguessable
        db.execute("INSERT INTO guest_links (token, party, created) VALUES (?, ?, ?)",
                   [token, party_id, iso(now)])
        return token

    def _linked_party(self, token: str) -> str:
        """The id of the party ``token`` belongs to ("" when none)."""
        row = self.db.execute("SELECT party FROM guest_links WHERE token = ?",
                              [token]).fetchone()
        return row[0] if row else ""

    def party_for_link(self, token: str) -> Party | None:
        """The party a page's token belongs to, whatever its status now (None: unknown)."""
        party_id = self._linked_party(token)
        return self.party(party_id) if party_id else None

    def _linked_waiting(self, room: Room, token: str) -> Party:
        p = room.parties.get(self._linked_party(token))
        if p is None or not p.waiting:
            raise Conflict("err_link_gone")
        return p

    def guest_reply(self, now: float, token: str, answer: str, note: str = "",
                    via: str = "page") -> Event | None:
        """A guest answers from their page (``via="page"``) or a message: COMING ("on my
        way back") or TEXT with their words in ``note``. Only the token's own party, and
        only while it waits, can be touched. The answer the party last gave, given again
        within ``REPLY_REPEAT_SECONDS``, is not recorded again (None)."""
        if answer not in ANSWERS:
            raise StoreError("err_reply_answer", answer=answer, choices=", ".join(ANSWERS))
        ev = Event(now, REPLY, "", None, "", {"answer": answer, "note": note, "via": via})

        def check(room: Room) -> None:
            ev.party = self._linked_waiting(room, token).id

        with self.transaction():  # the repeat is judged in the write's own transaction
            party = self._linked_waiting(self.load_room(), token)
            if party.said_lately(answer, note, now):
                return None  # the same answer again (a double tap): nothing new to record
            return self._act(ev, check)

    def guest_cancel(self, now: float, token: str, via: str = "page") -> Event:
        """The guest gives up their place ("Cancel my place"): removed as cancelled."""
        ev = Event(now, ABANDON, "", None, "", {"reason": "cancelled", "via": via})

        def check(room: Room) -> None:
            ev.party = self._linked_waiting(room, token).id

        return self._act(ev, check)

    def guest_address(self, configured: str) -> str:
        """The address guests' links and QR codes use: the one the running `queueapp
        serve` wrote (its port may come from ``--port``), else ``configured``."""
        return self.get_setting(GUEST_ADDRESS) or configured

    def set_guest_address(self, url: str) -> None:
        self.set_setting(GUEST_ADDRESS, url.rstrip("/"))

    def joining_paused(self) -> bool:
        """Has the host paused self check-in (``/join``)?"""
        return self.get_setting(JOINING_PAUSED) == "1"

    def set_joining_paused(self, paused: bool) -> None:
        self.set_setting(JOINING_PAUSED, "1" if paused else "0")

    def edit_party(self, now: float, party_id: str, changes: dict[str, Any],
                   host: str = "", ticket_prefix: str = "", tz: str = "UTC",
                   tickets_restart: int = TICKETS_RESTART, quote: Any = None) -> Event:
        """Change what was typed for a waiting party. A new size in another table class
        (``ticket_prefix``, the new size's class's) gives the party that class's next
        queue number, in the same event: the board shows it where it now belongs, and
        their page (same link) shows the new number. ``quote``: the wait from now the
        party was told for its new size; it replaces the quote told on arrival (kept in
        the ``arrive`` row), counted from arrival like it."""
        data = {k: (list(v) if k == "tags" else v) for k, v in changes.items() if k != "size"}
        ev = Event(now, EDIT, party_id, changes.get("size"), "", data)

        def check(room: Room) -> None:
            p = _need_waiting(room, party_id)
            if quote is not None:
                data.update(quote_data(quote, after=p.waited(now)))
            moved = ticket_prefix and p.ticket and "size" in changes \
                and not _in_class(p.ticket, ticket_prefix)
            if moved:
                data["ticket"] = self._next_ticket(numbers_day(now, tz, tickets_restart),
                                                   ticket_prefix)

        return self._act(ev, check, host)

    def call_party(self, now: float, party_id: str, host: str = "", table: str = "",
                   minutes: float = 0) -> Event:
        """Tell the party their table is ready. With ``table`` (the ready table they are
        called for), it is kept for them for ``minutes`` in the same event, as a hold is:
        no one else is seated there while they come."""
        if table and not 0 < minutes <= LONGEST_HOLD:
            raise StoreError("err_hold_minutes", minutes=minutes)

        def check(room: Room) -> None:
            if table:
                _need_tables(room, party_id, table, now, _need_not_occupied)
            else:
                _need_waiting(room, party_id)

        data = {"minutes": round(float(minutes), 2)} if table else {}
        return self._act(Event(now, CALL, party_id, None, table, data), check, host)

    def keep_call(self, now: float, party_id: str, minutes: float, host: str = "") -> Event:
        """The called party's hold ran out and the host keeps their table ``minutes``
        longer, from now: in the record, so every terminal and the guest's page count
        down to the same time."""
        if not 0 < minutes <= LONGEST_HOLD:
            raise StoreError("err_hold_minutes", minutes=minutes)

        ev = Event(now, EXTEND, party_id, None, "", {"minutes": round(float(minutes), 2)})

        def check(room: Room) -> None:
            if _need_waiting(room, party_id).status != CALLED:
                raise Conflict("err_not_called")
            # the table kept for them since the call (if any, and no one sits there; its
            # hold ran out when the host was asked) is kept as long
            ev.table = room.kept_for(party_id)

        return self._act(ev, check, host)

    def seat_party(self, now: float, party_id: str, table: str, host: str = "") -> Event:
        def check(room: Room) -> None:
            ev.size = _need_tables(room, party_id, table, now, _need_free).size

        ev = Event(now, SEAT, party_id, None, table)
        return self._act(ev, check, host)

    def hold_table(self, now: float, table: str, party_id: str, minutes: float,
                   host: str = "") -> Event:
        """Keep ``table`` (or joined tables ``A4+A5``) for a waiting party for ``minutes``:
        no one else is seated there meanwhile. A party holds one table at a time, so a
        new hold moves it; holding the same table again renews it."""
        if not 0 < minutes <= LONGEST_HOLD:
            raise StoreError("err_hold_minutes", minutes=minutes)

        def check(room: Room) -> None:
            _need_tables(room, party_id, table, now, _need_not_occupied)

        ev = Event(now, HOLD, party_id, None, table, {"minutes": round(float(minutes), 2)})
        return self._act(ev, check, host)

    def release_hold(self, now: float, table: str, host: str = "") -> Event:
        """End the hold on ``table`` before its time (the party is named in the event, so
        undo brings the hold back only if that party has not changed since)."""
        ev = Event(now, RELEASE, "", None, table)

        def check(room: Room) -> None:
            holder = room.held_for(table.split("+")[0], now)
            if not holder:
                raise Conflict("err_not_held", table=table)
            ev.party = holder
            ev.table = "+".join(n for n, x in room.tables.items() if x.held_for == holder)

        return self._act(ev, check, host)

    def remove_party(self, now: float, party_id: str, reason: str, host: str = "") -> Event:
        if reason not in REMOVE_REASONS:
            raise StoreError("err_remove_reason", reason=reason, choices=", ".join(REMOVE_REASONS))
        ev = Event(now, ABANDON, party_id, None, "", {"reason": reason})
        return self._act(ev, lambda r: _need_waiting(r, party_id), host)

    def table_departed(self, now: float, table: str, host: str = "") -> Event:
        ev = Event(now, DEPART, "", None, table)

        def check(room: Room) -> None:
            t = room.tables.get(table)
            if t is None or t.state != OCCUPIED:
                raise Conflict("err_table_not_occupied", table=table)
            ev.party, ev.size = t.party, t.party_size
            ev.table = t.joined or table

        return self._act(ev, check, host)

    def table_ready(self, now: float, table: str, host: str = "") -> Event:
        def check(room: Room) -> None:
            t = room.tables.get(table)
            if t is None or t.state != CLEARING:
                raise Conflict("err_table_not_clearing", table=table)

        return self._act(Event(now, READY, "", None, table), check, host)

    # -- undo ----------------------------------------------------------------------
    def undo(self, now: float, event_id: int, host: str = "") -> Event:
        """Undo one event if nothing has touched its party or tables since."""
        with self.transaction() as db:
            ev = self.event(event_id)
            if ev is None:
                raise Conflict("err_undo_missing")
            if ev.event == UNDO:
                raise Conflict("err_undo_undo")
            if db.execute("SELECT 1 FROM events WHERE event = 'undo' AND ref = ?",
                          [event_id]).fetchone():
                raise Conflict("err_undo_twice")
            tables = set(ev.tables)
            clauses: list[str] = []
            params: dict[str, Any] = {"id": event_id}
            if ev.party:
                clauses.append("party = :p")
                params["p"] = ev.party
            for i, name in enumerate(sorted(tables)):
                clauses.append(_touches().replace(":t", f":t{i}"))
                params[f"t{i}"] = name
            later = db.execute(
                f"SELECT event FROM events WHERE id > :id AND event != 'undo' AND {NOT_UNDONE} "
                "AND ("
                + " OR ".join(clauses or ["0"]) + ") LIMIT 1", params).fetchone()
            if later:
                raise Conflict("err_undo_changed", word=later[0])
            self._insert_event(db, Event(now, UNDO, ev.party, ev.size, ev.table,
                                         {"undid": ev.event}), ref=event_id, host=host)
            if ev.party:
                self._rebuild_party(db, ev.party)
                p = self.party(ev.party)
                if p and p.table:
                    tables.update(p.table.split("+"))
                # tables the party held: the undone event may have ended or moved a hold
                for held in self._live_events(db, "event IN ('hold', 'call') AND party = :p",
                                              {"p": ev.party}):
                    tables.update(held.tables)
            for name in tables:
                self._rebuild_table(db, name)
            if ev.event == ABANDON and ev.data.get("reason") == "walked_away":
                # the rescue decided "left" with this walk-away is undecided again: the
                # party is back on the list, and the review must not count it as lost
                self.rescues.reopen_left(ev.party, ev.time, now)
        return ev

    def _live_events(self, db: Database, where: str, params: dict[str, Any]) -> list[Event]:
        rows = db.execute(
            "SELECT id, time, event, party, size, table_name, data FROM events WHERE "
            + where + f" AND event != 'undo' AND {NOT_UNDONE} ORDER BY id",
            params).fetchall()
        return decoded(self.damage, "events", rows, event_from_row, lambda r: r[0])

    def _rebuild_party(self, db: Database, party_id: str) -> None:
        room, party = Room({}), None
        for ev in self._live_events(db, "party = :p", {"p": party_id}):
            room.apply(ev)
            party = room.parties.get(party_id) or party
        if party is None:
            db.execute("DELETE FROM parties WHERE id = ?", [party_id])
        else:
            self._save_party(db, party)

    def _rebuild_table(self, db: Database, name: str) -> None:
        row = db.execute("SELECT seats, section FROM room_tables WHERE name = ?",
                         [name]).fetchone()
        if row is None:
            return
        t = TableState(name, row[0], row[1])
        events = self._live_events(db, "event IN ('seat', 'depart', 'ready') AND " + _touches(),
                                   {"t": name})
        if events:
            last = events[-1]
            t.since = last.time
            if last.event == SEAT:
                p = self.party(last.party)
                t.state, t.party = OCCUPIED, last.party
                t.party_size = p.size if p else (last.size or 0)
                t.joined = last.table if "+" in last.table else ""
            elif last.event == DEPART:
                t.state = CLEARING
        self._rebuild_hold(db, t)
        self._save_table(db, t)

    def _rebuild_hold(self, db: Database, t: TableState) -> None:
        """Who ``t`` is held for, replayed from the live holds and releases on it and
        what the parties they name did since (seated, left, held another table)."""
        events = self._live_events(db, "event IN ('hold', 'release', 'seat', 'call', "
                                   "'extend') AND " + _touches(), {"t": t.name})
        holders = {ev.party for ev in events if ev.event in (HOLD, CALL) and ev.party}
        for i, pid in enumerate(sorted(holders)):
            events += self._live_events(db, f"party = :p{i} AND event IN "
                                        "('seat', 'abandon', 'hold')", {f"p{i}": pid})
            events += self._live_events(db, f"party = :p{i} AND event = 'call' AND "
                                        "table_name != ''", {f"p{i}": pid})
        room = Room({t.name: TableState(t.name, t.seats, t.section)})
        seen: set[int | None] = set()
        for ev in sorted(events, key=lambda e: e.id or 0):
            if ev.id not in seen:
                seen.add(ev.id)
                room.apply(ev)
        replayed = room.tables[t.name]
        t.held_for, t.held_until = replayed.held_for, replayed.held_until

    # -- bulk --------------------------------------------------------------------
    def check_new_parties(self, events: Iterable[Event]) -> None:
        """Refuse, as ``import_events`` would, events whose arriving party id is already in
        the file: checked before slow work on them (quoting a month of history)."""
        ids = [ev.party for ev in events if ev.event == ARRIVE]
        taken = self.db.execute(
            "SELECT id FROM parties WHERE id IN (SELECT value FROM json_each(?)) "
            "ORDER BY id LIMIT 1", [json.dumps(ids)]).fetchone()
        if taken:
            raise Conflict("err_party_id_taken", party=taken[0])

    def import_events(self, events: Iterable[Event], host: str = "",
                      hosts: Mapping[str, str] | None = None) -> int:
        """Append many events in one transaction (simulated or imported history).
        ``hosts`` (party id -> host) says who handled each party; else ``host``."""
        hosts = hosts or {}
        n = 0
        with self.transaction() as db:
            room = self.load_room()
            seen: dict[str, Party] = {}
            existing = {r[0] for r in db.execute("SELECT id FROM parties")}
            rows = []
            for ev in events:
                if ev.event == ARRIVE and ev.party in existing:
                    raise Conflict("err_party_id_taken", party=ev.party)
                room.apply(ev)
                p = room.parties.get(ev.party)
                if p is not None:
                    seen[p.id] = p
                rows.append(_event_row(ev, hosts.get(ev.party, host), self.station))
                n += 1
            chain.append_many(db, "events", rows)
            for p in seen.values():
                self._save_party(db, p)
            for t in room.tables.values():
                self._save_table(db, t)
        return n


_VERSION_SQL = version_sql()


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file now at ``path``; None when there is none."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _create_private(path: Path) -> None:
    """Create a new database file readable by its owner only (guests' names and phones
    are in it). SQLite gives the -wal and -shm files the database file's mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # it exists (another station may have just made it): its mode is kept
    except OSError as exc:
        raise StoreError("err_db_folder", path=path, detail=exc) from None
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask


def _event_row(ev: Event, host: str, station: str, ref: int | None = None) -> dict[str, Any]:
    """An ``events`` row (its id and hash are the chain's)."""
    return {"time": iso(ev.time), "event": ev.event, "party": ev.party, "size": ev.size,
            "table_name": ev.table, "data": json.dumps(ev.data, ensure_ascii=False),
            "host": host, "station": station, "ref": ref}


def _in_class(ticket: str, prefix: str) -> bool:
    """Is queue number ``ticket`` (``B007``) one of class ``prefix``'s?"""
    return ticket.startswith(prefix) and ticket[len(prefix):].isdigit()


def _need_waiting(room: Room, party_id: str) -> Party:
    p = room.parties.get(party_id)
    if p is None or not p.waiting:
        raise Conflict("err_not_waiting")
    return p


def _need_tables(room: Room, party_id: str, table: str, now: float,
                 state_ok: Callable[[TableState], None]) -> Party:
    """The waiting party, if ``table`` (or ``A4+A5``) can take it: every table known,
    in a state ``state_ok`` accepts, not held for another party, and seats enough."""
    p = _need_waiting(room, party_id)
    seats = 0
    for name in table.split("+"):
        t = room.tables.get(name)
        if t is None:
            raise Conflict("err_table_unknown", table=name)
        state_ok(t)
        _not_held_for_other(room, name, party_id, now)
        seats += t.seats
    if seats < p.size:
        raise Conflict("err_table_small", table=table, seats=seats, size=p.size)
    return p


def _need_free(t: TableState) -> None:
    """Seating needs a free table."""
    if t.state != FREE:
        raise Conflict("err_table_taken", table=t.name, state=Term(f"state_{t.state}"))


def _need_not_occupied(t: TableState) -> None:
    """A hold may be on a free table or one being cleared, not on one in use."""
    if t.state == OCCUPIED:
        raise Conflict("err_hold_occupied", table=t.name)

def _not_held_for_other(room: Room, table: str, party_id: str, now: float) -> None:
    holder = room.held_for(table, now)
    if holder and holder != party_id:
        p = room.parties.get(holder)
        name = (p.name if p else "") or holder
        left = max(1, round(room.tables[table].hold_left(now)))
        raise Conflict("err_table_held", table=table, name=name, minutes=left)


def _whole(value: object) -> int:
    """A count read from the file: a whole number, or the row is damaged."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not a whole number")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _time(value: object) -> float:
    """A time the row needs (NULL or unreadable: the row is damaged)."""
    found = epoch(_text(value))
    if found is None:
        raise ValueError("a needed time is empty")
    return found


def _tags(value: object) -> tuple[str, ...]:
    tags = json.loads(_text(value) or "[]")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError(f"tags {value!r} are not a JSON list of words")
    return tuple(tags)


def event_from_row(r: tuple[Any, ...]) -> Event:
    """An events row (id, time, event, party, size, table_name, data)."""
    data = json.loads(r[6])
    if not isinstance(data, dict):
        raise ValueError(f"data {r[6]!r} is not a JSON object")
    return Event(_time(r[1]), _text(r[2]), _text(r[3]), r[4] if r[4] is None else _whole(r[4]),
                 _text(r[5]), data, r[0])


def _table_from_row(r: tuple[Any, ...]) -> TableState:
    return TableState(_text(r[0]), _whole(r[1]), _text(r[2]), _text(r[3]), _text(r[4]),
                      _whole(r[5]), epoch(r[7]), _text(r[6]), _text(r[8]), epoch(r[9]))


def _party_from_row(row: dict[str, Any]) -> Party:
    """A parties row; any value that cannot be what it should raises (a damaged row)."""
    return Party(
        id=_text(row["id"]), size=_whole(row["size"]), arrived=_time(row["arrived_at"]),
        name=_text(row["name"]), phone=_text(row["phone"]), tags=_tags(row["tags"]),
        note=_text(row["note"]), status=_text(row["status"]), called_at=epoch(row["called_at"]),
        seated_at=epoch(row["seated_at"]), table=_text(row["table_name"]),
        left_at=epoch(row["left_at"]), reason=_text(row["remove_reason"]),
        quote=_number(row["quoted_minutes"]),
        quote_low=_number(row["quote_low"]), quote_high=_number(row["quote_high"]),
        ticket=_text(row["ticket"]), reply=_text(row["reply"]),
        reply_text=_text(row["reply_text"]), reply_at=epoch(row["reply_at"]),
        kept_until=epoch(row["kept_until"]),
    )


def _number(value: object) -> float | None:
    """A quote in minutes (or none): a finite number, or the row is damaged."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value \
            or abs(value) == float("inf"):
        raise TypeError(f"{value!r} is not a number of minutes")
    return value


def numbers_day(now: float, tz: str, restart: int) -> tuple[float, float]:
    """The queue numbers' day that ``now`` falls in, as (start, end) epoch seconds: from
    the last local ``restart`` minutes after midnight at or before ``now`` to the next
    (a service running past midnight keeps its day)."""
    return period_bounds(now, tz, (restart,))
