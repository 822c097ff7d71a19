"""The Textual app: a thin shell over the core.

The UI thread never touches SQLite or the quoter: reads, writes and the tick's
re-quote run in thread workers and post a new, immutable state back
(``QueueApp.snapshot``, a reactive the main screen's widgets are bound to). A poll
of the store's version picks up what other terminals wrote.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.reactive import var
from textual.screen import Screen

from queueapp import privacy
from queueapp.clock import Clock, SystemClock, clock_minutes
from queueapp.complaints import loop as complaints
from queueapp.config import Config, default_station
from queueapp.goodwill import gestures, guests, suggestions
from queueapp.goodwill.gestures import Gesture
from queueapp.goodwill.guests import GuestCard
from queueapp.i18n import Translator
from queueapp.messages.holds import CallHolds
from queueapp.messages.sender import Sender, start_sender
from queueapp.messages.settings import MissingVariable
from queueapp.quotes.live import LiveQuotes
from queueapp.quotes.rule import Quote, Quoter
from queueapp.review.labels import gesture_label
from queueapp.store import DB_ERRORS, Store, StoreError, as_store_error, integrity
from queueapp.store.backup import make_backup
from queueapp.store.damage import named
from queueapp.store.integrity import Verdict
from queueapp.store.outbox import Message
from queueapp.store.stations import running
from queueapp.ui.bindings import in_language
from queueapp.ui.field import handled_so_far
from queueapp.ui.format import guest_words, party_label, who
from queueapp.ui.keynames import key_label
from queueapp.waitlist.events import ABANDON, ARRIVE, COMING, REPLY, Event
from queueapp.waitlist.room import CALLED, Party, Room, TableState
from queueapp.waitlist.seating import Proposal, propose


@dataclass(frozen=True)
class GuestNews:
    """A guest answered from their page or a message (a REPLY event), or cancelled their
    place (an ABANDON with ``via``): the host is told once, as it arrives."""

    event: Event
    party: Party | None  # as it is now (a cancelled party has left the room)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the screen shows: the live room, a fresh quote per waiting party, and
    what the goodwill panels need (gestures, guest cards, the host's budget).

    Never changed in place: a re-read, a tick or a re-quote makes a new one, so a
    widget holding one always draws a consistent state (``eq=False``: comparing two
    rooms field by field on every tick would cost more than drawing)."""

    room: Room
    quotes: dict[str, Quote] = field(default_factory=dict)
    seq: int = 0  # order of reading: an older read never replaces a newer one
    gestures: dict[str, list[Gesture]] = field(default_factory=dict)
    guests: dict[str, GuestCard] = field(default_factory=dict)
    host: str = ""
    budget_left: float | None = None
    open_items: int = 0
    pending_rescues: dict[str, list[int]] = field(default_factory=dict)
    version: tuple[Any, ...] = ()
    now: float = 0.0  # the clock when this state was made: live clocks count from it
    quoted_at: float = 0.0  # when ``quotes`` were computed
    # who sits next: each ready table's proposed party (computed with the quotes)
    proposals: tuple[Proposal, ...] = ()
    # messages to guests, by party, oldest first (issue 12)
    messages: dict[str, list[Message]] = field(default_factory=dict)
    joining_paused: bool = False  # the host paused self check-in (``[guests]``)
    # guests' answers and cancels written since the read before this one (toasted once)
    guest_news: tuple[GuestNews, ...] = ()
    links: dict[str, str] = field(default_factory=dict)  # waiting party -> its page's token

    guest_address: str = ""  # where guests reach `queueapp serve` (store.guest_address)
    # called parties whose call was made at another stand, running now: when their hold
    # runs out, that stand is asked first (``CallHolds.due``)
    called_elsewhere: frozenset[str] = frozenset()

    def guest_url(self, party_id: str) -> str:
        """The address of the party's own page ("" when it has none)."""
        token = self.links.get(party_id)
        return f"{self.guest_address}/p/{token}" if token else ""

    def minutes_left(self, party_id: str) -> float | None:
        """The live estimate counted down from when it was computed (between re-quotes
        the clock moves on; the estimate must not stand still)."""
        quote = self.quotes.get(party_id)
        if quote is None:
            return None
        return max(0.0, quote.minutes - clock_minutes(self.quoted_at, self.now))


T = TypeVar("T")

# Textual's own palette commands, by title: their name and help in i18n
SYSTEM_COMMANDS = {
    "Theme": ("sys_theme", "sys_theme_help"), "Quit": ("sys_quit", "sys_quit_help"),
    "Keys": ("sys_keys", "sys_keys_help"), "Minimize": ("sys_minimize", "sys_minimize_help"),
    "Maximize": ("sys_maximize", "sys_maximize_help"),
    "Screenshot": ("sys_screenshot", "sys_screenshot_help"),
}

LEARN_DAYS = 90  # how far back what guests accepted and stayed for is learnt
DAY = 86400  # seconds
RELEARN_SECONDS = 600  # how often what guests accept is learnt again
LONG_WAIT_CHECK_SECONDS = 30  # how often long waits are checked (the README says 30 s)
QUIT_AGAIN_SECONDS = 8.0  # a second Ctrl+Q within this quits though a form is typed in
PURGE_CHECK_SECONDS = 3600  # how often the daily purge of old guests' data is looked at
SAVE_WAIT_SECONDS = 10.0  # keys typed after Enter wait at most this long for the save
FLOW_WAIT_SECONDS = 3.0  # and after a key whose flow reads the file before its form


async def _until(done: Callable[[], bool], seconds: float) -> None:
    """Return once ``done()`` is true (looked at every 10 ms), or after ``seconds``."""
    for _ in range(round(seconds / 0.01)):
        if done():
            return
        await asyncio.sleep(0.01)


@runtime_checkable
class Saving(Protocol):
    """A form that may take a moment after Enter to save (the add form waits for its
    quote): until it has, keys typed after Enter wait, instead of landing in it."""

    def saving(self) -> bool: ...


@runtime_checkable
class Refuses(Protocol):
    """A form that may refuse an Enter, a field saying why (``FormScreen.refused``): the
    keys typed after a refused Enter are not typed into it."""

    refusals: int


class QueueApp(App[None]):
    CSS_PATH = "queueapp.tcss"
    TITLE = "queueapp"
    # Textual's own palette key, described in the host's language (with this binding
    # Textual adds no English one of its own). Tab and Shift+Tab are taken by the app
    # itself (see action_next_field).
    BINDINGS = [Binding(App.COMMAND_PALETTE_BINDING, "command_palette", "key_palette",
                        show=False, priority=True, id="palette"),
                Binding("tab", "next_field(1)", "key_focus_next", show=False, priority=True),
                Binding("shift+tab", "next_field(-1)", "key_focus_previous", show=False,
                        priority=True)]

    def __new__(cls, config: Config, *args: Any, **kwargs: Any) -> QueueApp:
        """A QueueApp speaks its config's language, key descriptions included: those
        are read from the class when the app is made, so the app is made from the
        class for that language (public Textual API only)."""
        if cls is QueueApp:
            cls = in_language(QueueApp, config.language)
        return super().__new__(cls)

    # the state on screen; widgets bind to it (always_update: a new state is never
    # compared with the old one, it is simply drawn)
    snapshot: var[Snapshot] = var(cast(Snapshot, None), always_update=True, init=False)
    # what `queueapp verify` says of the record, checked once at start (None until then)
    integrity: var[Verdict | None] = var(None, init=False)

    def __init__(self, config: Config, store: Store, clock: Clock | None = None,
                 quoter: Quoter | None = None) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.clock = clock or SystemClock()
        # the restaurant's quotes, learnt from its file (the same as `queueapp serve`'s)
        self.quotes = LiveQuotes(config, quoter=quoter)
        self.t = Translator(config.language)
        start = self.now()
        self.set_reactive(QueueApp.snapshot, Snapshot(Room.from_config(config), now=start,
                                                      quoted_at=start))
        # this terminal's actions, last on top: an event's id, or a gesture given here
        self.undo_stack: list[int | Gesture] = []
        self._reads = itertools.count(1)
        self._damage_told = 0  # damaged rows the host has been told about
        # the last event looked at for guests' answers and cancels (None: not yet read)
        self._news_after: int | None = None
        self._news_lock = threading.Lock()
        self.stats = suggestions.Stats()
        self.holds = CallHolds(config.hold_minutes)  # called parties' countdowns (issue 12)
        # when Ctrl+Q last named an unsaved form, and what it named
        self._quit_warned: tuple[float, str] = (float("-inf"), "")
        # keys read while a screen's own key (one that may open a form) is being handled,
        # and which such key they wait for (see on_event)
        self._held_keys: list[events.Key] | None = None
        self._key_holds = itertools.count(1)
        self._hold = 0
        self._releases: set[asyncio.Task[None]] = set()  # asyncio keeps weak references
        self._flows_since_hold: list[asyncio.Task[Any]] = []  # flows the held-for key began
        self._reads_in_flight = 0  # in_store reads (reread=False) not yet back
        self.sender: Sender | None = None  # while messages to guests are sent from here
        # head office sync ([headoffice]): one run at a time, stopped when the app ends;
        # the error last shown (each is shown once, until a run succeeds)
        self._headoffice_lock = threading.Lock()
        self._headoffice_stop = threading.Event()
        self._headoffice_error = ""
        if not store.station:  # the stand's name: its host on duty is kept under it
            store.station = default_station()
        self.title = config.name

    # -- lifecycle -----------------------------------------------------------
    def on_mount(self) -> None:
        from queueapp.ui.screens.main import MainScreen

        if self.config.keys:
            self.set_keymap(self.config.keys)
        self.push_screen(MainScreen.in_language(self.t)())
        self.reload()
        self.set_interval(self.config.sync_seconds, self.poll)
        self.set_interval(self.config.refresh_seconds, self.tick)
        self.set_interval(RELEARN_SECONDS, self.learn)
        self.set_interval(LONG_WAIT_CHECK_SECONDS, self.check_long_waits)
        self.set_interval(PURGE_CHECK_SECONDS, self.purge_old_guests)
        self.purge_old_guests()
        self.check_record()
        self.start_sender()
        if self.config.backup_every_minutes:
            self.set_interval(self.config.backup_every_minutes * 60, self.timed_backup)
        headoffice = self.config.headoffice
        if headoffice.resolved_url() and headoffice.site:
            self.set_interval(headoffice.every_seconds, self.sync_headoffice)
            self.sync_headoffice()

    @work(thread=True, group="headoffice", exit_on_error=False)
    def sync_headoffice(self) -> None:
        """Send what is new to head office (``queueapp sync`` in the background). A thread
        of its own with a short connect timeout: a server that is down or slow never
        touches the stand, and what it missed goes on the next run. A failure is shown
        once, quietly, until a run succeeds again."""
        from queueapp.headoffice.push import HeadOfficeError, Target, days_moved, sync

        if not self._headoffice_lock.acquire(blocking=False):
            return  # the last run is still sending
        try:
            target = Target.resolve(self.config, self.store)

            def told(was: tuple[str, int]) -> None:
                # said each time, even if the run then fails: terminals whose configs
                # disagree are seen at once
                self.call_from_thread(self.notify, days_moved(self.t, target.site, was,
                                                              self.config),
                                      severity="warning", timeout=12)

            sync(self.store, self.config, target, stop=self._headoffice_stop, moved=told)
        except (HeadOfficeError, *DB_ERRORS) as exc:
            message = self.t("hq_sync_failed", error=self.t.error(exc))
            if message != self._headoffice_error:
                self._headoffice_error = message
                self.call_from_thread(self.notify, message, severity="warning", timeout=8)
            return
        finally:
            self._headoffice_lock.release()
        if self._headoffice_error:
            self._headoffice_error = ""
            self.call_from_thread(self.notify, self.t("hq_sync_back"), timeout=5)

    def start_sender(self) -> None:
        """Messages to guests (``[messages]``): the sender runs in its own thread, so the
        stand never waits on a provider. A channel whose ``${NAME}`` is not set: the
        host is told, and messages stay queued until a sender can send them."""
        try:
            self.sender = start_sender(self.store, self.config, self.clock,
                                       estimates=self._estimates)
        except MissingVariable as exc:
            self.notify(self.t("messages_env_missing", name=exc.name), severity="error",
                        timeout=20)

    def _estimates(self) -> dict[str, float]:
        """The estimates on screen (for the "getting close" message; sender's thread)."""
        snap = self.snapshot
        left = {pid: snap.minutes_left(pid) for pid in snap.quotes}
        return {pid: m for pid, m in left.items() if m is not None}

    async def action_quit(self) -> None:
        """Ctrl+Q (or the palette's Quit). Everything on the list is saved already, but
        not a form still open with something typed: the first press names it and says how
        to keep it; a second one within QUIT_AGAIN_SECONDS quits without it."""
        from queueapp.ui.screens.forms import FormScreen

        # a PIN typed and not sent is not worth keeping the app open for
        open_forms = [s for s in self.screen_stack if isinstance(s, FormScreen)
                      and s.typed_text()]
        if open_forms:
            typed, now = open_forms[-1].typed_text(), time.monotonic()
            warned_at, warned_of = self._quit_warned
            if warned_of != typed or now - warned_at > QUIT_AGAIN_SECONDS:
                self._quit_warned = (now, typed)
                self.notify(self.t("quit_unsaved", what=typed), severity="warning",
                            timeout=QUIT_AGAIN_SECONDS)
                return
        await super().action_quit()

    def on_unmount(self) -> None:
        self._headoffice_stop.set()  # a long first sync ends after its current batch
        if self.sender is not None:
            self.sender.stop(timeout=2.0)  # a hanging provider must not hold up quitting

    @work(thread=True, group="privacy")
    def purge_old_guests(self) -> None:
        """Once a day (``[privacy] keep_guest_days``): anonymise older guests' data."""
        try:
            purged = privacy.purge_if_due(self.store, self.now(), self.config)
        except DB_ERRORS:
            return  # retried on the next check
        if purged is not None and purged.total:
            self.call_from_thread(self.notify, self.t("purged_toast",
                                                      days=self.config.keep_guest_days),
                                  timeout=8)
            self.call_from_thread(self.reload)

    @work(thread=True, group="integrity", exit_on_error=False)
    def check_record(self) -> Verdict | None:
        """Once at start (slow on a big file: a worker): was the record altered since it
        was written (the main screen's red banner), and is the file sound (``PRAGMA
        quick_check``, part of the same check)? A damaged file is also told to the host
        with what to do; the stand keeps working."""
        try:
            verdict = integrity.verify(self.store)
        except DB_ERRORS:
            return None  # the file is busy or gone: the stand's own reads say so
        self.call_from_thread(setattr, self, "integrity", verdict)
        damage = [str(p.values.get("detail", "")) for p in verdict.problems
                  if p.key == "verify_damaged"]
        if damage:
            self.call_from_thread(
                self.notify, self.t("db_check_failed", path=self.store.path,
                                    detail="; ".join(damage[:3])),
                title=self.t("error_title"), severity="error", timeout=60)
        return verdict

    # -- the file's health -------------------------------------------------------

    @work(thread=True, exclusive=True, group="backup")
    def timed_backup(self) -> Path | None:
        """``[storage] backup_every_minutes``: a backup like ``queueapp backup`` makes."""
        try:
            return make_backup(self.store.path, self.now(), keep=self.config.backup_keep).path
        except StoreError as exc:
            self.call_from_thread(self.notify, self.t("backup_failed",
                                                      error=self.error_text(exc)),
                                  severity="error", timeout=15)
            return None

    def _tell_damage(self) -> None:
        """Rows skipped as damaged since the host was last told: a warning naming them."""
        rows = self.store.damage.rows()
        if len(rows) > self._damage_told:
            self._damage_told = len(rows)
            self.notify(self.t("damaged_rows", n=len(rows), rows=named(rows)),
                        severity="warning", timeout=20)

    @work(thread=True, group="long-waits")
    def check_long_waits(self) -> None:
        """A wait far past its quote opens a service-recovery item by itself."""
        try:
            opened = complaints.open_long_waits(
                self.store, self.snapshot.room, self.now(), self.config.long_wait_minutes,
                self.t, self.snapshot.host)
        except DB_ERRORS:
            return  # retried on the next check
        if opened:
            self.call_from_thread(self.notify, self.t("long_wait_opened", n=len(opened),
                                                        minutes=round(self.config.long_wait_minutes)),
                                  severity="warning", timeout=8)
            self.call_from_thread(self.reload)

    @work(thread=True, group="history")
    def learn_history(self) -> None:
        """Teach a fresh estimator the last weeks, then swap it in (the UI keeps quoting
        with the old one meanwhile)."""
        try:
            self.quotes.learn(self.store, self.now())
        except DB_ERRORS:
            return
        self.call_from_thread(self.reload)

    def _observe_new(self) -> None:
        """Let the quoter learn from what happened since it last looked (worker thread)."""
        self.quotes.catch_up(self.store)

    def _quote_all(self, room: Room) -> dict[str, Quote]:
        return self.quotes.quote_all(room, self.now())

    @work(thread=True, group="learn")
    def learn(self) -> None:
        """What this restaurant's guests accepted and stayed for (last 90 days)."""
        try:
            stats = suggestions.learn(self.store, since=self.now() - LEARN_DAYS * DAY)
        except DB_ERRORS:
            return
        self.call_from_thread(self._learnt, stats)

    def _learnt(self, stats: suggestions.Stats) -> None:
        self.stats = stats
        self.snapshot = replace(self.snapshot)  # the suggestions are drawn again

    def now(self) -> float:
        return self.clock.now().float_timestamp

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """Toasts carry guest names and file paths: never read them as markup, so
        ``Zhang [VIP] 张伟`` shows as typed and a name with ``[/]`` cannot crash the app."""
        super().notify(message, markup=markup, **kwargs)

    # -- reading -------------------------------------------------------------
    def _read(self) -> Snapshot:
        """Runs in a worker thread: everything the main screen shows, in one go."""
        store, now = self.store, self.now()
        seq = next(self._reads)
        version = self.store.version()
        news = self._guest_news()
        room = store.load_room()
        waiting = [p.id for p in room.waiting()]
        cards = {}
        for pid in waiting:
            card = guests.guest_for_party(store, pid)
            if card is not None:
                cards[pid] = card
        host = gestures.host_on_duty(store)
        left = gestures.budget_left(store, host, now, self.config) if host else None
        pending = store.pending_rescues()
        links = {pid: token for pid in waiting if (token := store.guest_link(pid))}
        called = store.stations.callers(pid for pid in waiting
                                        if room.parties[pid].status == CALLED)
        others = {station for station in set(called.values())  # each stand looked at once
                  if station != store.station and running(store.path, station)}
        elsewhere = frozenset(pid for pid, station in called.items() if station in others)
        self._observe_new()
        quotes = self._quote_all(room)
        return Snapshot(room, quotes, seq,
                        gestures.gestures_by_party(store, waiting), cards, host, left,
                        complaints.open_count(store), pending, version, now, now,
                        tuple(propose(room, now, self.config)),
                        messages=store.outbox.for_parties(waiting),
                        joining_paused=store.joining_paused(), guest_news=news, links=links,
                        guest_address=store.guest_address(self.config.guests.base_url),
                        called_elsewhere=elsewhere)

    def _guest_news(self) -> tuple[GuestNews, ...]:
        """Guests' answers and cancels written since the last look (worker thread). The
        first look only marks where to start: what came before is on the rows already."""
        with self._news_lock:
            store = self.store
            if self._news_after is None:
                self._news_after = store.last_event_id()
                return ()
            news = []
            for ev in store.all_events(after_id=self._news_after):
                self._news_after = max(self._news_after, ev.id or 0)
                if ev.event == REPLY or (ev.event in (ABANDON, ARRIVE) and ev.data.get("via")):
                    news.append(GuestNews(ev, store.party(ev.party)))
            return tuple(news)

    def _tell_guest_news(self, news: tuple[GuestNews, ...]) -> None:
        """A toast for each guest's answer or cancel, once, on the terminal that read it."""
        for item in news:
            ev, who = item.event, party_label(item.party, item.event.party)
            if ev.event == ABANDON:
                self.notify(self.t("guest_cancelled_toast", who=who), severity="warning",
                            timeout=12)
            elif ev.event == ARRIVE:  # a guest checked in on their phone (/join)
                self.notify(self.t("guest_joined_toast", who=who, size=ev.size or 1),
                            timeout=12)
            elif ev.data.get("answer") == COMING:
                self.notify(self.t("guest_coming_toast", who=who), timeout=12)
            else:
                said = guest_words(str(ev.data.get("note", "")))
                self.notify(self.t("guest_text_toast", who=who, text=said), timeout=15)

    @work(thread=True, group="read")
    def reload(self) -> None:
        try:
            snap = self._read()
        except DB_ERRORS as exc:
            exc = as_store_error(exc)
            self.call_from_thread(self.notify, self.error_text(exc), severity="error",
                                  timeout=10)
            return
        self.call_from_thread(self._show, snap)

    @work(thread=True, group="poll")
    def poll(self) -> None:
        """Pick up changes made by another terminal (or anyone) since the last read."""
        try:
            if self.store.version() == self.snapshot.version:
                return
            snap = self._read()
        except DB_ERRORS:
            return  # a busy file is retried on the next poll
        self.call_from_thread(self._show, snap)

    def _show(self, snap: Snapshot) -> None:
        self._tell_guest_news(snap.guest_news)  # even from a read a newer one overtook
        if snap.seq < self.snapshot.seq:
            return  # an older read finished after a newer one
        first = self.snapshot.seq == 0
        self.snapshot = snap
        self._tell_damage()
        if first:  # the room is on screen: now the slower background work
            self.check_long_waits()  # waits that grew long while the app was closed
            if self.quotes.learns_history:
                self.learn_history()
            self.learn()

    def tick(self) -> None:
        """Move the live clocks now (times are drawn from absolute timestamps; a list
        is redrawn only where a shown minute changed), and once a minute re-quote in a
        worker: the Monte Carlo walk never runs on the UI thread."""
        now = self.now()
        self.snapshot = replace(self.snapshot, now=now)
        if clock_minutes(self.snapshot.quoted_at, now) >= 1:
            self.requote()  # once a minute: in between the estimates count down

    @work(thread=True, exclusive=True, group="requote")
    def requote(self) -> None:
        """Fresh quotes for the room on screen, posted as a new state."""
        snap = self.snapshot
        at = self.now()
        quotes = self._quote_all(snap.room)
        proposals = tuple(propose(snap.room, at, self.config))  # holds run out with time
        self.call_from_thread(self._requoted, snap, quotes, proposals, at)

    def _requoted(self, quoted: Snapshot, quotes: dict[str, Quote],
                  proposals: tuple[Proposal, ...], at: float) -> None:
        if self.snapshot.room is not quoted.room:
            return  # a newer read (with its own quotes) arrived meanwhile
        self.snapshot = replace(self.snapshot, quotes=quotes, proposals=proposals,
                                quoted_at=at, now=max(at, self.snapshot.now))

    def table_ready_in(self) -> Callable[[TableState], float] | None:
        """Minutes until a busy table is ready, as the quoter learnt it; None when the
        quoter cannot tell (then the config's typical times are used)."""
        if not self.quotes.knows_tables:
            return None
        return lambda table: self.quotes.ready_in(table, self.now())

    def quote_new(self, size: int) -> Quote:
        """The quote for a new party of ``size``. It takes the quoter's lock and may run
        a Monte Carlo walk: call it from a worker thread, never from the UI thread."""
        return self.quotes.quote_new(self.snapshot.room, size, self.now())

    def quote_resized(self, party_id: str, size: int) -> Quote | None:
        """The wait still to come for a waiting party if it were of ``size`` (None once
        it no longer waits); from a worker thread, like ``quote_new``."""
        room = self.snapshot.room
        party = room.parties.get(party_id)
        if party is None or not party.waiting:
            return None
        return self.quotes.quote_resized(room, party_id, size, self.now())

    # -- writing -------------------------------------------------------------
    async def in_store(self, action: Callable[[Store, float], T],
                       quiet: tuple[type[StoreError], ...] = (),
                       reread: bool = True) -> T | StoreError:
        """Await ``action(store, now)`` in a worker thread; the re-read state is on screen
        when it returns. For flows that read top to bottom
        (``result = await app.in_store(...)``): the result, or the StoreError (already
        shown to the host unless ``quiet``). A plain read passes ``reread=False``: the
        stand's state is not read again for it."""
        def run() -> tuple[T, Snapshot | None] | StoreError:
            try:
                result = action(self.store, self.now())
            except DB_ERRORS as exc:
                return as_store_error(exc)
            if self.sender is not None:  # what was written may cause a message: now
                self.sender.wake()
            if not reread:
                return result, None
            try:  # the write is in: a failed re-read must not make it look unsaved
                return result, self._read()
            except DB_ERRORS:
                return result, None

        self._reads_in_flight += not reread  # a flow reading before its form (see on_event)
        try:
            outcome = await self.run_worker(run, thread=True, group="write").wait()
        finally:
            self._reads_in_flight -= not reread
        if isinstance(outcome, StoreError):
            self._failed(outcome, quiet)
            return outcome
        result, snap = outcome
        if snap is not None:
            self._show(snap)
        elif reread:  # the re-read failed: retried in the background (says why if again)
            self.reload()
        return result

    def _failed(self, exc: StoreError, quiet: tuple[type[StoreError], ...]) -> None:
        if not isinstance(exc, quiet):
            self.notify(self.error_text(exc), title=self.t("error_title"), severity="error",
                        timeout=10)
        self.reload()

    def error_text(self, exc: StoreError) -> str:
        """The error in the screen's language when the core named it, else as raised."""
        return self.t.error(exc)

    async def undo_last(self) -> Event | None:
        """Undo this terminal's last action, saying what was undone (or why not); the
        event undone, or None."""
        if not self.undo_stack:
            self.notify(self.t("nothing_to_undo"), severity="warning")
            return None
        last = self.undo_stack.pop()
        if isinstance(last, Gesture):
            await self._void_given(last)
            return None
        ev = await self.in_store(lambda store, now: store.undo(now, last))
        if isinstance(ev, StoreError):
            return None
        self.notify(self.t("undone", what=self.describe(ev)), timeout=6)
        return ev

    async def _void_given(self, given: Gesture) -> None:
        """Undo a gesture given here: it is voided (the record keeps both rows), by the
        host on duty, who may void their own for ``void_free_minutes`` without a lead;
        else they are told how to void it with one."""
        what = gesture_label(given, self.config)

        def void(store: Store, now: float) -> Gesture:
            return gestures.void(store, now, given.id, self.snapshot.host,
                                 self.t("void_note_undo"), config=self.config)

        done = await self.in_store(void, quiet=(gestures.VoidNeedsLead,))
        if isinstance(done, gestures.VoidNeedsLead):
            self.notify(self.error_text(done) + " " + self.t("undo_gesture_with_lead"),
                        severity="warning", timeout=10)
        elif not isinstance(done, StoreError):
            self.notify(self.t("undone", what=self.t("did_give", what=what)), timeout=6)

    def describe(self, ev: Event) -> str:
        """A short sentence for an event, in the screen's language."""
        room = self.snapshot.room
        p = room.parties.get(ev.party)
        name = who(p) if p else (ev.data.get("name", "") or ev.party)
        return self.t(f"did_{ev.event}", name=name, table=ev.table,
                      reason=self.t(f"reason_said_{ev.data.get('reason', '')}")
                      if ev.data.get("reason") else "")

    # -- keys typed in one burst ----------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        """Keys typed after a screen's own key wait until it has been handled.

        The app sends each key on as soon as it reads it, to whatever has focus then. A
        key that opens a form ("a") opens it only once the screen has handled it, so in
        a burst ("a", "Wu", read at once when the stand was busy drawing) the letters
        after it went to the waiting list, where "u" is undo. Now the keys after such a
        key are held until it has been handled (and the form it opened is on screen),
        then sent on in the order they were typed. Keys of the app itself (Tab, Ctrl+Q)
        and of the focused widget (the arrows) go on at once, as before.
        """
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
        elif self._held_keys is not None:
            self._held_keys.append(event)
        elif self._screen_key(event):
            self._held_keys, self._hold = [], next(self._key_holds)
            self._flows_since_hold = []
            screen = self.screen
            target = self.focused or screen
            refused = screen.refusals if isinstance(screen, Refuses) else None
            await super().on_event(event)
            task = asyncio.get_running_loop().create_task(
                self._release_after(screen, target, self._hold, refused))
            self._releases.add(task)
            task.add_done_callback(self._releases.discard)
        else:
            await super().on_event(event)

    def _screen_key(self, event: events.Key) -> bool:
        """Is ``event`` a key of the screen on top, bound to one of its actions?"""
        screen = self.screen
        bindings = screen.active_bindings
        return any(bound.node is screen
                   for key in (event.key, *event.aliases)
                   if (bound := bindings.get(key)) is not None)

    def flow_started(self, task: asyncio.Task[Any]) -> None:
        """A flow began (``flows.start_flow``): if a key's handling began it and it reads
        the file before its form, the keys held after that key wait for the form."""
        if self._held_keys is not None:
            self._flows_since_hold.append(task)

    async def _release_after(self, screen: Screen[Any], target: Any, hold: int,
                             refused: int | None = None) -> None:
        """Send the held keys on (from the app's own queue, so that keys read meanwhile
        keep their place behind them) once the key sent to ``target`` has been handled
        and a flow it started has opened its form or ended (it may read the file first),
        or at once when the screen on top has changed: a form that opened has first
        mounted and taken focus, a form that closed is gone. Whatever happens here, the
        keys are sent on: none stays held. Except after an Enter the form refused (it had
        refused ``refused`` before): those keys were typed for what comes after a save,
        the next party say, and typed into the refused form they replaced what it
        showed and saved a mix of two parties; they are dropped, and the host told."""
        try:
            await self._wait_for_key(screen, target)
            if refused is not None and self.screen is screen and isinstance(screen, Refuses) \
                    and screen.refusals > refused and hold == self._hold and self._held_keys:
                self._held_keys = []
                self.notify(self.t("form_keys_dropped"), severity="warning", timeout=8)
        finally:
            self.call_later(self._release, hold)

    async def _wait_for_key(self, screen: Screen[Any], target: Any) -> None:
        handled = asyncio.ensure_future(handled_so_far(target))
        while not handled.done() and self.screen is screen:
            await asyncio.wait({handled}, timeout=0.01)
        if self.screen is screen:
            await asyncio.sleep(0)
        handled.cancel()
        # a flow the key began that reads the file before its form (`G`, `h`): until it
        # asks, or ends. One that writes instead does not hold the keys (the stand answers
        # keys while a write waits for a busy file).
        flows = [f for f in self._flows_since_hold if not f.done()]
        await _until(lambda: self.screen is not screen or all(f.done() for f in flows)
                     or not self._reads_in_flight, FLOW_WAIT_SECONDS)
        if self.screen is screen and not all(f.done() for f in flows):
            for _turn in range(3):  # the flow's next step, after its read: the form
                await asyncio.sleep(0)
        if isinstance(screen, Saving):  # saved once its quote is in: the keys wait
            await _until(lambda: self.screen is not screen or not screen.saving(),
                         SAVE_WAIT_SECONDS)
        if self.screen is not screen and screen in self.screen_stack:  # one opened
            await handled_so_far(self.screen)

    async def _release(self, hold: int) -> None:
        if hold != self._hold or self._held_keys is None:
            return  # released already
        keys, self._held_keys = self._held_keys, None
        for key in keys:
            await self.on_event(key)  # a screen's key among them holds the rest again

    async def action_next_field(self, step: int) -> None:
        """Tab (``step`` 1) or Shift+Tab (-1), in the order the keys were typed.

        The app sends each key to whatever has focus when it reads it. Left to the field
        it leaves (Textual's default), Tab moved focus only after the keys typed after it
        had been sent to that same field: "Wu", Tab, "4" in one burst gave a name "Wu4".
        Taken here, focus moves before the next key is read. Keys typed while a form was
        still opening wait in the form's own queue: focus moves on only after them.
        """
        screen = self.screen
        if screen.focused is None:
            await handled_so_far(screen)
        if step > 0:
            screen.focus_next()
        else:
            screen.focus_previous()

    # -- command palette -----------------------------------------------------
    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the screen's language."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(placeholder=self.t("palette_placeholder"),
                                            id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):  # Textual's own, translated
            words = SYSTEM_COMMANDS.get(command.title)
            yield SystemCommand(self.t(words[0]), self.t(words[1]), command.callback,
                                command.discover) if words else command
        from queueapp.ui.screens.main import MainScreen

        if isinstance(screen, MainScreen):
            for binding in screen.command_bindings():
                key = key_label(binding.key)  # as mapped: the config's [keys] applied
                yield SystemCommand(binding.description, self.t("palette_help", keys=key),
                                    lambda b=binding: screen.run_action(b.action))

