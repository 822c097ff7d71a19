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
"""

from __future__ import annotations

from collections.abc import Sequence

from queueapp.config import Config
from queueapp.quotes.backtest import Metrics, backtest_many
from queueapp.quotes.estimator import Estimator
from queueapp.quotes.rule import Quote
from queueapp.store.times import epoch, iso
from queueapp.waitlist.events import ARRIVE, Event
from queueapp.waitlist.room import quote_data


def stored_time(t: float) -> float:
    """``t`` as the file keeps it (to the millisecond) and reads it back."""
    return epoch(iso(t)) or 0.0


def quote_arrivals(events: Sequence[Event], config: Config,
                   known: Sequence[Event] = ()) -> Metrics:
    """Give every arrival in ``events`` (in time order, about to be written) the quote
    the stand would have told it, in its data; returns how good those quotes were.

    ``known`` are the events already in the file, as ``store.all_events(by_time=True)``
    gives them (undone ones left out): the estimator learns from them too, and at equal
    times they come first, as they were written first. ``events`` are moved to the
    millisecond the file keeps (the order stays: the cut is monotonic)."""
    ours: set[int] = set()
    for ev in events:
        ev.time = stored_time(ev.time)
        ours.add(id(ev))
    log = sorted([*known, *events], key=lambda ev: ev.time)  # stable: the file's order

    def keep(_quoter: str, ev: Event, quote: Quote) -> None:
        if id(ev) in ours:
            ev.data.update(quote_data(quote))

    result = backtest_many(log, config.tables, {"estimator": Estimator.for_config(config)},
                           on_quote=keep)["estimator"]
    new = {ev.party for ev in events if ev.event == ARRIVE}
    return Metrics.of(o for o in result.outcomes if o.party in new)
