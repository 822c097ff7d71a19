"""One live state for every page the server holds open.

A single background task asks the store for its ``version()`` (one cheap query) every
``POLL_SECONDS``; when it changed, or a new minute began (waits move with the clock), it
reads the room once, quotes every waiting party once and builds the board once, and
wakes every page waiting for news. Five hundred open guest pages therefore cost one
re-quote per change, not five hundred: each page's update is cut from this state.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from queueapp.clock import Clock
from queueapp.config import Config
from queueapp.lobby import board as boards
from queueapp.lobby import busy
from queueapp.quotes.live import LiveQuotes
from queueapp.quotes.rule import Quote
from queueapp.store import DB_ERRORS, Store
from queueapp.waitlist.room import Room

POLL_SECONDS = 0.5  # how often the store's version is asked for
# waits are quoted again (and the board's clock moves) at every new minute, even when
# nothing was written
REQUOTE_SECONDS = 60.0
BUSY_SECONDS = 900.0  # the busy hours are learnt again this often
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class LiveState:
    """What every page shows, computed once per change."""

    seq: int  # grows with every new state; pages ask for news after the seq they have
    version: tuple[Any, ...]
    now: float
    room: Room
    quotes: dict[str, Quote]
    board: boards.Board
    busy: busy.Busy
    paused: bool
    cache: dict[Any, str] = field(default_factory=dict)  # rendered fragments, by key

    def rendered(self, key: Any, render: Callable[[], str]) -> str:
        """A fragment rendered once for this state (the board in one language)."""
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = render()
        return found


class Hub:
    """The live state and the task that keeps it current (start with ``run``)."""

    def __init__(self, config: Config, store: Store, clock: Clock,
                 quotes: LiveQuotes | None = None) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.quotes = quotes or LiveQuotes(config)
        # store work runs on one thread of its own: one connection, never the event loop
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="hub")
        self._state: LiveState | None = None
        self._seq = 0
        self._changed: asyncio.Condition | None = None
        self._compute_lock = threading.Lock()
        self._busy = busy.NOTHING
        self._busy_at = -BUSY_SECONDS
        self._published = 0  # the seq of the last state pages were told about
        self.stale = False  # the last read failed (a busy or missing file); retried

    def now(self) -> float:
        return self.clock.now().float_timestamp

    async def in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, functools.partial(fn, *args))

    # -- computing -------------------------------------------------------------
    def compute(self, force: bool = False) -> LiveState:
        """Read, quote and build the state (on the hub's thread), unless the file has not
        changed since the current one and it is fresh enough."""
        with self._compute_lock:
            version = self.store.version()
            now = self.now()
            old = self._state
            if old is not None and not force and old.version == version \
                    and now // REQUOTE_SECONDS == old.now // REQUOTE_SECONDS:
                return old
            room = self.store.load_room()
            paused = self.store.joining_paused()
            self.quotes.catch_up(self.store)
            quotes = self.quotes.quote_all(room, now)
            if now - self._busy_at >= BUSY_SECONDS:
                self._busy = busy.busy_hours(self.store, now, self.config.timezone,
                                             self.config.day_starts)
                self._busy_at = now
            board = boards.build(room, self.config.guests, paused,
                                 lambda size: self._wait_for(room, size, now))
            self._seq += 1
            self._state = LiveState(self._seq, version, now, room, quotes, board, self._busy,
                                    paused)
            return self._state

    def _wait_for(self, room: Room, size: int, now: float) -> Quote | None:
        if size > max((t.seats for t in room.tables.values()), default=0) \
                and not self.config.joins:
            return None  # no table seats it: there is no honest wait to tell
        return self.quotes.preview_new(room, size, now)

    async def current(self) -> LiveState:
        """The state as of now: a page loaded right after a host's action shows it."""
        state = await self.in_thread(self.compute)
        if state.seq != self._published:
            await self._publish(state)
        return state

    @property
    def state(self) -> LiveState | None:
        return self._state

    # -- news ------------------------------------------------------------------
    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def _publish(self, state: LiveState) -> None:
        """Wake every page waiting for news (they read the newest state themselves)."""
        self._published = state.seq
        cond = self._condition()
        async with cond:
            cond.notify_all()

    async def after(self, seq: int, timeout: float) -> LiveState | None:
        """The first state newer than ``seq``, or None when none came within ``timeout``."""
        cond = self._condition()
        deadline = time.monotonic() + timeout
        async with cond:
            while self._state is None or self._state.seq <= seq:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                try:
                    await asyncio.wait_for(cond.wait(), left)
                except TimeoutError:
                    return None
            return self._state

    # -- the task --------------------------------------------------------------
    async def run(self) -> None:
        """Keep the state current until cancelled: learn the history first (meanwhile
        quotes come from the day-one defaults), then watch the version."""
        learning = asyncio.get_running_loop().run_in_executor(
            None, self._learn)  # a thread of its own: the board stays live while it learns
        learnt_shown = False
        generation = self.store.generation
        while True:
            fresh_quoter = learning.done() and not learnt_shown
            try:
                state = await self.in_thread(self.compute, fresh_quoter)
                learnt_shown = learnt_shown or fresh_quoter
                if self.store.generation != generation:  # another file: its own history
                    generation = self.store.generation
                    learning = asyncio.get_running_loop().run_in_executor(None, self._learn)
                    learnt_shown = False
                self.stale = False
                if state.seq != self._published:
                    await self._publish(state)
            except DB_ERRORS:
                self.stale = True  # a locked or vanished file: try again on the next poll
            await asyncio.sleep(POLL_SECONDS)

    def _learn(self) -> None:
        # a failure keeps the day-one defaults: learnt again at the next start
        with contextlib.suppress(*DB_ERRORS):
            self.quotes.learn(self.store, self.now())

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
