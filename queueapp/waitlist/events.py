"""Events: every change at the host stand, and their CSV form.

The words and the CSV layout are described in ``docs/event-log.md``. The app adds
a few words of its own (see ``APP_WORDS``); exports keep to the contract words
unless asked for all of them.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

import arrow

ARRIVE, SEAT, DEPART, READY, ABANDON = "arrive", "seat", "depart", "ready", "abandon"
CONTRACT_WORDS = (ARRIVE, SEAT, DEPART, READY, ABANDON)
CALL, EDIT, UNDO = "call", "edit", "undo"
# a table kept for one party for some minutes (``data["minutes"]``), and its early end;
# the host stand's own bookkeeping, never part of the contract's files
HOLD, RELEASE = "hold", "release"
# a guest's answer from their own page or a message: ``data["answer"]`` is coming or text,
# the guest's own words in ``data["note"]`` (personal data: purged like a note)
REPLY = "reply"
# a called party's table kept longer: until ``data["minutes"]`` after the event (the host's
# answer when the hold promised on the call ran out); a new call starts a new hold
EXTEND = "extend"
APP_WORDS = (CALL, EDIT, UNDO, HOLD, RELEASE, REPLY, EXTEND)
COMING, TEXT = "coming", "text"  # the answers a guest can give
ANSWERS = (COMING, TEXT)
COLUMNS = ("time", "event", "party", "size", "table")
REMOVE_REASONS = ("walked_away", "cancelled", "no_show")
MAX_SIZE = 1000  # a sanity bound on imported sizes (not the config's largest_party)


class EventLogError(ValueError):
    """An events CSV that does not follow the contract."""


@dataclass
class Event:
    """One thing that happened. ``time`` is seconds since the epoch (UTC)."""

    time: float
    event: str
    party: str = ""
    size: int | None = None
    table: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    @property
    def at(self) -> arrow.Arrow:
        return arrow.get(self.time)

    @property
    def tables(self) -> list[str]:
        """The table names touched: joined tables are written ``A4+A5``."""
        return [t for t in self.table.split("+") if t] if self.table else []


def parse_time(text: str) -> float:
    """ISO 8601 with an offset -> epoch seconds. Raises ValueError without an offset."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"time {text!r} is not ISO 8601") from None
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    return value.timestamp()


def format_time(epoch: float, tz: str = "UTC") -> str:
    return arrow.get(epoch).to(tz).isoformat(timespec="seconds")


def read_events_csv(source: IO[str] | str) -> list[Event]:
    """Read an events CSV (contract format). Unknown event words are kept as they are."""
    fh = io.StringIO(source) if isinstance(source, str) else source
    reader = csv.DictReader(fh)
    try:
        return _read_rows(reader)
    except csv.Error as exc:  # a stray carriage return or NUL: a message, not a traceback
        raise EventLogError(f"line {reader.line_num}: not readable as CSV ({exc}); save the "
                            "file as CSV (UTF-8) and try again") from None


def _read_rows(reader: csv.DictReader[str]) -> list[Event]:
    missing = [c for c in ("time", "event", "party") if c not in (reader.fieldnames or [])]
    if missing:
        raise EventLogError(f"the header lacks the column(s) {', '.join(missing)}; "
                            f"expected {','.join(COLUMNS)}")
    out: list[Event] = []
    for lineno, row in enumerate(reader, start=2):
        try:
            t = parse_time((row.get("time") or "").strip())
        except ValueError as exc:
            raise EventLogError(f"line {lineno}: {exc}") from None
        word = (row.get("event") or "").strip()
        size_text = (row.get("size") or "").strip()
        size = _size(size_text, lineno) if size_text else None
        if word == ARRIVE and not size:
            raise EventLogError(f"line {lineno}: an arrive event needs a size")
        out.append(Event(t, word, (row.get("party") or "").strip(), size,
                         (row.get("table") or "").strip()))
    return out


def _size(text: str, lineno: int) -> int:
    """A party size from a spreadsheet: ``4`` or ``4.0``; anything else (``1e400``,
    ``nan``, ``2.5``, ``-1``) is refused with the line it is on."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value.is_integer() and 0 < value <= MAX_SIZE):
        raise EventLogError(f"line {lineno}: size {text!r} is not a number of guests "
                            f"(a whole number from 1 to {MAX_SIZE})")
    return int(value)


def export_rows(events: Iterable[Event], all_words: bool = False) -> Iterator[Event]:
    """Events as the contract sees them: app-only words dropped, and tables pushed
    together (``A8+A9``) written as one row per table, so every table's state can be
    followed from the file alone."""
    for ev in events:
        if ev.event not in CONTRACT_WORDS:
            if all_words:
                yield ev
            continue
        names = ev.tables
        if ev.event in (SEAT, DEPART, READY) and len(names) > 1:
            for name in names:
                yield Event(ev.time, ev.event, ev.party, ev.size, name, ev.data, ev.id)
        else:
            yield ev


def write_events_csv(events: Iterable[Event], fh: IO[str], tz: str = "UTC",
                     all_words: bool = False) -> int:
    """Write events in the contract format; returns the number of rows written."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for ev in export_rows(events, all_words):
        writer.writerow([format_time(ev.time, tz), ev.event, ev.party,
                         "" if ev.size is None else ev.size, ev.table])
        n += 1
    return n
