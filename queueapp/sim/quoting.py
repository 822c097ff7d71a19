"""Simulated arrivals carry the quote the stand would have given them.

A live arrival's quote is kept in its ``arrive`` row (``quote``, ``quote_low``,
``quote_high``) and so in its parties row, where the review, ``queueapp report`` and
the demo read it. Simulated history is quoted the same way before it is written: one
pass of the backtest (``quotes/backtest.py``) with the estimator the stand starts with
(``Estimator.for_config``), so each arrival is quoted having observed only the rows
before it and learns from it afterwards. The pass runs over the file's own events and
the new ones in the order ``queueapp backtest --db`` reads them back, at the times the
file keeps, so that backtest of the written file gives every simulated arrival the
very quote it carries.

Quoting a month takes a while (every quote walks the room forward a few hundred
times), so the demo keeps the quotes of its history (:func:`quote_once`): the same
history, config and quoting code give the same quotes, and the next demo that day
reads them back instead of computing them again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from queueapp.config import Config
from queueapp.quotes.backtest import Metrics, backtest_many
from queueapp.quotes.estimator import Estimator
from queueapp.quotes.rule import Quote
from queueapp.store.times import epoch, iso
from queueapp.waitlist.events import ARRIVE, Event
from queueapp.waitlist.room import QUOTE_KEYS, quote_data

KEEP_MEMOS = 4  # kept quotes of this many demo histories (newest first)
# the code a quote depends on: a change to any of it makes kept quotes stale
_PACKAGE = Path(__file__).resolve().parent.parent
QUOTING_CODE = (*sorted((_PACKAGE / "quotes").glob("*.py")),
                *sorted((_PACKAGE / "waitlist").glob("*.py")), Path(__file__).resolve())


def stored_time(t: float) -> float:
    """``t`` as the file keeps it (to the millisecond) and reads it back."""
    return epoch(iso(t)) or 0.0


def quote_arrivals(events: Sequence[Event], config: Config, known: Sequence[Event] = (),
                   learned: Sequence[Event] = ()) -> Metrics:
    """Give every arrival in ``events`` (in time order, about to be written) the quote
    the stand would have told it, in its data; returns how good those quotes were.

    ``known`` are the events already in the file, as ``store.all_events(by_time=True)``
    gives them (undone ones left out): the estimator learns from them too, and at equal
    times they come first, as they were written first. ``learned`` (earlier than all of
    these) are only observed, never quoted, as the stand learns its history at start-up.
    ``events`` are moved to the millisecond the file keeps (the order stays)."""
    ours: set[int] = set()
    for ev in events:
        ev.time = stored_time(ev.time)
        ours.add(id(ev))
    log = sorted([*known, *events], key=lambda ev: ev.time)  # stable: the file's order

    def keep(_quoter: str, ev: Event, quote: Quote) -> None:
        if id(ev) in ours:
            ev.data.update(quote_data(quote))

    estimator = Estimator.for_config(config)
    for ev in learned:
        estimator.observe(ev)
    result = backtest_many(log, config.tables, {"estimator": estimator},
                           on_quote=keep)["estimator"]
    new = {ev.party for ev in events if ev.event == ARRIVE}
    return Metrics.of(o for o in result.outcomes if o.party in new)


def quote_once(events: Sequence[Event], config: Config, memo: Path | None,
               computing: Callable[[int], object] | None = None) -> bool:
    """:func:`quote_arrivals` for ``events`` alone (a history starting on an empty
    room), keeping the quotes in the folder ``memo``; when that folder already holds
    them for these very events, config and quoting code, they are read back instead.
    ``computing`` is told how many arrivals are about to be quoted (the slow case).
    Returns whether they were read back (True) or computed (False)."""
    for ev in events:
        ev.time = stored_time(ev.time)
    arrivals = [ev for ev in events if ev.event == ARRIVE]
    if not arrivals:
        return False  # nothing to quote (a demo without history)
    path = None if memo is None else memo / f"quotes-{_key(events, config)}.json"
    kept = _read(path, len(arrivals))
    if kept is None:
        if computing is not None:
            computing(len(arrivals))
        quote_arrivals(events, config)
        _write(path, [[ev.data[k] for k in QUOTE_KEYS] for ev in arrivals])
        return False
    for ev, row in zip(arrivals, kept, strict=True):
        ev.data.update(zip(QUOTE_KEYS, row, strict=True))
    return True


def _key(events: Sequence[Event], config: Config) -> str:
    """A digest of everything the quotes follow from."""
    h = hashlib.sha256()
    for path in QUOTING_CODE:
        h.update(path.read_bytes())
    h.update(repr((config.quoting, config.tables, config.joins, config.timezone)).encode())
    for ev in events:
        h.update(json.dumps([iso(ev.time), ev.event, ev.party, ev.size, ev.table, ev.data],
                            sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:32]


def _read(path: Path | None, arrivals: int) -> list[list[float]] | None:
    """Kept quotes, or None when there are none (or they cannot be used as they are)."""
    if path is None:
        return None
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["quotes"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    ok = isinstance(rows, list) and len(rows) == arrivals and all(
        isinstance(r, list) and len(r) == 3 and all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
            for x in r) and r[1] <= r[0] <= r[2] for r in rows)
    return rows if ok else None


def _write(path: Path | None, rows: list[list[float]]) -> None:
    """Keep the quotes (whole or not at all); a folder that cannot be written only means
    the next demo computes them again. Only the newest few are kept."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        part.write_text(json.dumps({"quotes": rows}), encoding="utf-8")
        os.replace(part, path)
        old = sorted(path.parent.glob("quotes-*.json"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
        for stale in old[KEEP_MEMOS:]:
            stale.unlink(missing_ok=True)
    except OSError:
        return
