"""Live quotes for a running front door (the stand, the guest web server).

:class:`LiveQuotes` owns one estimator for the restaurant and keeps it current:
``learn`` teaches a fresh estimator the last weeks of the file and swaps it in,
``catch_up`` shows it what was written since, and the quote methods ask it under one
lock, so any number of threads may quote while another learns. Until the history is
learnt it quotes from the config's day-one defaults. Given a quoter of its own (tests,
benchmarks), it learns nothing at start and shows that quoter every event instead.
"""

from __future__ import annotations

import threading

from queueapp.config import Config
from queueapp.quotes.estimator import Estimator
from queueapp.quotes.rule import Quote, Quoter
from queueapp.store import Store
from queueapp.waitlist.room import Room, TableState

HISTORY_DAYS = 56  # how far back the estimator learns from at start-up
DAY = 86400  # seconds


class LiveQuotes:
    """The restaurant's estimator, learnt from its file and kept current; thread-safe."""

    def __init__(self, config: Config, history_days: int = HISTORY_DAYS,
                 quoter: Quoter | None = None) -> None:
        self.config = config
        self.history_days = history_days
        self._estimator: Quoter = quoter or Estimator.for_config(config)
        self.learns_history = quoter is None
        self._lock = threading.Lock()
        # the last event id seen; None until the history is learnt
        self._observed: int | None = None if self.learns_history else 0

    @property
    def learnt(self) -> bool:
        """Has the history been learnt (quotes no longer the day-one defaults)?"""
        return self._observed is not None

    def learn(self, store: Store, now: float) -> None:
        """Teach a fresh estimator the last ``history_days`` of events, then swap it in:
        quotes keep coming from the old one meanwhile (this may take seconds)."""
        fresh = Estimator.for_config(self.config)
        # from the newest event written, not the newest learnt: after weeks with no
        # events (a seasonal closing) the window is empty, and catching up from 0
        # would teach it everything the window leaves out
        last = store.last_event_id()
        for ev in store.all_events(since=now - self.history_days * DAY, by_time=True):
            if (ev.id or 0) <= last:
                fresh.observe(ev)
        with self._lock:
            self._estimator, self._observed = fresh, last

    def catch_up(self, store: Store) -> None:
        """Let the estimator learn from what was written since it last looked (nothing
        before ``learn``: the history would be read twice)."""
        with self._lock:
            if self._observed is None:
                return
            for ev in store.all_events(after_id=self._observed):
                self._estimator.observe(ev)
                self._observed = ev.id or self._observed

    def quote_all(self, room: Room, now: float) -> dict[str, Quote]:
        """A fresh quote for every waiting party."""
        with self._lock:
            return self._estimator.quote_all(room, now)

    def quote_new(self, room: Room, size: int, now: float) -> Quote:
        """The quote a party of ``size`` joining now is told (and checked against later)."""
        with self._lock:
            return self._estimator.quote_new(room, size, now)

    def quote_resized(self, room: Room, party_id: str, size: int, now: float) -> Quote:
        """The wait still to come for a waiting party that is now of ``size`` (friends
        joined, or some went home), in its place in line: what the host tells them."""
        with self._lock:
            return self._estimator.quote_all(room.resized(party_id, size), now)[party_id]

    def preview_new(self, room: Room, size: int, now: float) -> Quote:
        """What a party of ``size`` joining now would be quoted, told to no one party
        (the board's wait per class)."""
        with self._lock:
            preview = getattr(self._estimator, "preview_new", self._estimator.quote_new)
            return preview(room, size, now)

    @property
    def knows_tables(self) -> bool:
        """Can it tell when a busy table will be ready (``ready_in``)? A plain rule
        cannot: then the config's typical times are used."""
        return hasattr(self._estimator, "ready_in")

    def ready_in(self, table: TableState, now: float) -> float:
        """Median minutes until a busy table is ready, as this restaurant's tables take."""
        with self._lock:
            return self._estimator.ready_in(table, now)  # type: ignore[attr-defined]
