"""Guests' personal data: shown masked, written out without control characters, and kept
only for ``[privacy] keep_guest_days``.

A name typed (or imported) with ESC or BEL in it must not drive the terminal a report is
printed to, nor a spreadsheet; a phone number is shown by its last four digits only.
"""

from __future__ import annotations

import re
from typing import Any

import arrow

from queueapp.config import Config
from queueapp.store import Store
from queueapp.store.privacy import LAST_PURGE, Purged
from queueapp.store.times import iso

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and
# isolates that make a name read backwards on screen
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# a whole terminal escape sequence, gone with its ESC rather than leaving "[31m" in the
# name: a control sequence (colour, cursor moves: ESC [ ... letter) or an operating system
# command (a window title: ESC ] ... BEL)
_ESCAPE = re.compile(r"(\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?")
_LINE_BREAKS = re.compile("[\t\n]")
LATEST = 253_402_000_000.0  # late on 9999-12-30 UTC: later than any time the file holds


def printable(text: str, one_line: bool = False) -> str:
    """``text`` without control characters (``one_line``: tabs and newlines become spaces)."""
    text = _CONTROL.sub("", _ESCAPE.sub("", text))
    return _LINE_BREAKS.sub(" ", text) if one_line else text


def scrub(value: Any, one_line: bool = False) -> Any:
    """Every text inside ``value`` (a text, list, tuple or dict, nested) made printable."""
    if isinstance(value, str):
        return printable(value, one_line)
    if isinstance(value, dict):
        return {scrub(k, one_line): scrub(v, one_line) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(v, one_line) for v in value)
    return value


def cutoff(day: str, tz: str) -> float:
    """The start of local day ``day`` (``YYYY-MM-DD``) as epoch seconds; ValueError if it
    is not such a date. A calendar day, not a business day: retention is counted in whole
    days, where a few hours either side make no difference, and "older than 30 November"
    should mean midnight to whoever reads the rule."""
    try:
        return arrow.get(day, "YYYY-MM-DD", tzinfo=tz).float_timestamp
    except (arrow.parser.ParserError, ValueError, OverflowError):
        raise ValueError(day) from None


def purge(store: Store, before: float) -> Purged:
    """Anonymise every name, phone and note older than ``before`` (epoch seconds)."""
    # 0001-01-01 and 9999-12-31 are dates too: before any record, after every one
    before = min(max(before, 0.0), LATEST)
    return store.privacy.anonymise(iso(before) or "")


def to_purge(store: Store, before: float) -> Purged:
    """What :func:`purge` would anonymise now (parties, guests, notes), for asking first."""
    before = min(max(before, 0.0), LATEST)
    return store.privacy.pending(iso(before) or "")


def purge_if_due(store: Store, now: float, config: Config) -> Purged | None:
    """Once a local (calendar) day, when ``keep_guest_days`` is set: purge what is older
    than that many days before midnight (see :func:`cutoff`: retention by whole days need
    not follow the business day). None when it is not due (already done today, or the
    config keeps data forever)."""
    if not config.keep_guest_days:
        return None
    today = arrow.get(now).to(config.timezone)
    if store.get_setting(LAST_PURGE) == today.format("YYYY-MM-DD"):
        return None
    before = today.floor("day").shift(days=-config.keep_guest_days).float_timestamp
    purged = purge(store, before)
    store.set_setting(LAST_PURGE, today.format("YYYY-MM-DD"))
    return purged
