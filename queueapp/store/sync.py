"""What leaves the restaurant for head office (``queueapp sync``): the feeds, read here.

Each :class:`Feed` is one central table: the columns sent (personal ones left out:
no guest names, phones, notes, complaint texts, custom-gesture words or guests'
replies) and the SQLite that reads them after a mark. Adding a table to the sync is one
entry in :data:`FEEDS` (and a central migration that calls ``headoffice.schema.feed_table``).

Every feed is read *after a mark*, the largest local id the central database already
acknowledged, so a run resumes exactly where the last committed batch ended:

- an append-only table (events, gestures, complaints and their steps, rescues and
  their outcomes) by its own ``id``;
- ``parties`` (a projection, rewritten in place) *follows the events*: its mark is an
  event id, and a batch is every party that the events after the mark touched, as it
  stands now (a later event sends it again, and the central row is updated);
- ``messages`` (the outbox: a row's status moves on after it is written) by its
  revision ``rev``, which every insert or change raises: a changed row comes again and
  the central row is updated. No message's words leave (they hold the guest's name).

Columns of kind ``person`` (a host's or lead's name) and ``guest`` (a phone number)
are read raw and turned into keyed pseudonyms before anything is sent
(``headoffice.outgoing``); ``shift`` columns are a time the sender turns into the start
of its goodwill shift.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from queueapp.store.repository import Repository
from queueapp.store.schema import PERSONAL_PATHS
from queueapp.store.times import epoch

KINDS = ("int", "real", "text", "time", "json", "person", "guest", "shift")
SITE_ID = "headoffice_site_id"  # settings: this file's own random id, claimed centrally
SITE_NAME = "headoffice_site"  # settings: the site name `simulate --site` gave the file


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of KINDS
    expr: str  # the SQLite expression that reads it


@dataclass(frozen=True)
class Feed:
    """One central table. ``key`` is the local id (``int``, or ``text`` for parties);
    ``follows`` names the feed whose ids are this feed's marks (parties follow events)."""

    name: str
    key: str
    columns: tuple[Column, ...]
    source: str  # FROM clause (with its alias)
    id_expr: str  # the local id
    follows: str = ""
    upsert: bool = False  # rows change after they are sent (else append-only)
    mark_expr: str = ""  # what the marks count, when not the local id (a revision)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _cols(*spec: tuple[str, str] | tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(s[0], s[1], s[2] if len(s) == 3 else s[0]) for s in spec)


# a party's guest: the card it was linked to (also a match by name), else its own phone
_PARTY_GUEST = ("coalesce((SELECT g.phone FROM guest_visits v JOIN guests g ON g.id = "
                "v.guest_id WHERE v.party = p.id), p.phone)")

FEEDS: tuple[Feed, ...] = (
    Feed("events", "int", _cols(
        ("time", "time"), ("event", "text"), ("party", "text"), ("size", "int"),
        ("table_name", "text"), ("data", "json", f"json_remove(e.data, {PERSONAL_PATHS})"),
        ("host", "person"), ("station", "person"), ("ref", "int")),
        "events e", "e.id"),
    Feed("parties", "text", _cols(
        ("size", "int"), ("tags", "json"), ("status", "text"), ("arrived_at", "time"),
        ("quoted_minutes", "real"), ("quote_low", "real"), ("quote_high", "real"),
        ("called_at", "time"), ("seated_at", "time"), ("table_name", "text"),
        ("left_at", "time"), ("remove_reason", "text"), ("ticket", "text"),
        ("reply", "text"), ("reply_at", "time"), ("guest", "guest", _PARTY_GUEST)),
        "parties p", "p.id", follows="events", upsert=True),
    Feed("gestures", "int", _cols(
        ("time", "time"), ("party", "text"),
        ("guest", "guest", "(SELECT phone FROM guests WHERE id = g.guest_id)"),
        ("interaction", "text"),
        # a custom gesture's label is whatever the host typed: it stays here
        ("label", "text", "CASE WHEN g.category = 'custom' THEN '' ELSE g.label END"),
        ("category", "text"), ("cost", "real"), ("host", "person"),
        ("approved_by", "person"), ("void_of", "int"), ("voided_by", "person"),
        ("station", "person"), ("shift_start", "shift", "g.time")),
        "gestures g", "g.id"),
    Feed("complaints", "int", _cols(
        ("recorded_at", "time"), ("party", "text"), ("table_name", "text"),
        ("category", "text"), ("recorded_by", "person"), ("source", "text")),
        "complaints c", "c.id"),
    Feed("complaint_steps", "int", _cols(
        ("complaint_id", "int"), ("step", "text"), ("time", "time"), ("host", "person"),
        ("sent_to", "text"), ("station", "person")),
        "complaint_steps s", "s.id"),
    Feed("rescues", "int", _cols(
        ("time", "time"), ("party", "text"), ("host", "person"), ("offer", "text"),
        ("station", "person")),
        "rescues r", "r.id"),
    Feed("rescue_outcomes", "int", _cols(
        ("rescue_id", "int"), ("outcome", "text"), ("time", "time"), ("station", "person")),
        "rescue_outcomes o", "o.id"),
    # messages to guests: what was sent and how it went, never its words or errors (the
    # guest's name and number are in them)
    Feed("messages", "int", _cols(
        ("party", "text"), ("kind", "text"),
        ("channel", "text", "substr(m.channel, instr(m.channel, ':') + 1)"),
        ("status", "text"), ("attempts", "int"), ("created", "time"), ("sent_at", "time"),
        ("failed_at", "time")),
        "outbox m", "m.id", upsert=True, mark_expr="m.rev"),
)
FEEDS_BY_NAME = {f.name: f for f in FEEDS}


@dataclass
class Batch:
    """Rows of one feed after a mark: ``rows`` are ``(local id, *columns)`` with raw
    values (pseudonyms not yet made); ``mark`` is what to acknowledge once they are in."""

    feed: Feed
    after: int
    mark: int
    rows: list[tuple[Any, ...]]
    # local ids the events after the mark touched that no longer exist here (an undone
    # arrival's party): head office must forget them too
    gone: tuple[str, ...] = ()


class SyncReader(Repository):
    """``store.sync``: reads only (the site id aside, written once)."""

    def site_id(self) -> str:
        """This file's own random id: a second store claiming the same site name
        centrally is told apart by it (a clash)."""
        found = self.store.get_setting(SITE_ID)
        if found:
            return found
        with self.store.transaction():
            found = self.store.get_setting(SITE_ID)
            if not found:
                found = secrets.token_hex(16)
                self.store.set_setting(SITE_ID, found)
        return found

    def site_name(self) -> str:
        """The site name written into this file (``simulate --site``), or ""."""
        return self.store.get_setting(SITE_NAME)

    def set_site_name(self, name: str) -> None:
        self.store.set_setting(SITE_NAME, name)

    def top(self, feed: Feed) -> int:
        """The largest mark this file could have been acknowledged up to: a central mark
        above it means the file went back in time (restored from a backup)."""
        if feed.follows:
            feed = FEEDS_BY_NAME[feed.follows]
        measure = feed.mark_expr or feed.id_expr
        return int(self.db.execute(f"SELECT coalesce(max({measure}), 0) FROM "
                                   f"{feed.source}").fetchone()[0])

    def stamp(self, feed: Feed, local_id: int) -> tuple[str, float | None] | None:
        """(column, epoch seconds) of the row ``local_id`` of an append-only feed: its
        first time column, to tell that the row head office holds under that id is this
        file's (None: a feed with no such check, or no time column)."""
        if feed.follows or feed.mark_expr:
            return None
        column = next((c for c in feed.columns if c.kind == "time"), None)
        if column is None:
            return None
        row = self.db.execute(f"SELECT {column.expr} FROM {feed.source} "
                              f"WHERE {feed.id_expr} = ?", [local_id]).fetchone()
        return column.name, (epoch(row[0]) if row else None)

    def batch(self, feed: Feed, after: int, limit: int) -> Batch:
        """Up to ``limit`` rows of ``feed`` after the mark ``after``, oldest first."""
        cols = ", ".join(c.expr for c in feed.columns)
        if feed.follows:
            source = FEEDS_BY_NAME[feed.follows]
            table = source.source.split()[0]
            top = self.db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            mark = min(top, after + limit)
            touched = [r[0] for r in self.db.execute(
                f"SELECT DISTINCT party FROM {table} WHERE id > ? AND id <= ? AND party != ''",
                [after, mark])]
            rows = self.db.execute(
                f"SELECT {feed.id_expr}, {cols} FROM {feed.source} WHERE {feed.id_expr} IN "
                f"(SELECT party FROM {table} WHERE id > ? AND id <= ? AND party != '') "
                f"ORDER BY {feed.id_expr}", [after, mark]).fetchall()
            found = {r[0] for r in rows}
            return Batch(feed, after, max(mark, after), [tuple(r) for r in rows],
                         tuple(sorted(p for p in touched if p not in found)))
        if feed.mark_expr:  # by revision: every row up to the last revision taken, whole
            by = feed.mark_expr
            last = self.db.execute(
                f"SELECT max(r) FROM (SELECT {by} AS r FROM {feed.source} WHERE {by} > ? "
                f"ORDER BY {by} LIMIT ?)", [after, limit]).fetchone()[0]
            if last is None:
                return Batch(feed, after, after, [])
            rows = self.db.execute(
                f"SELECT {feed.id_expr}, {cols} FROM {feed.source} WHERE {by} > ? AND "
                f"{by} <= ? ORDER BY {by}, {feed.id_expr}", [after, last]).fetchall()
            return Batch(feed, after, int(last), [tuple(r) for r in rows])
        rows = self.db.execute(
            f"SELECT {feed.id_expr}, {cols} FROM {feed.source} WHERE {feed.id_expr} > ? "
            f"ORDER BY {feed.id_expr} LIMIT ?", [after, limit]).fetchall()
        mark = rows[-1][0] if rows else after
        return Batch(feed, after, mark, [tuple(r) for r in rows])
