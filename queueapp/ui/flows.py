"""The host's flows as coroutines that read top to bottom, and the goodwill flows that
ask the host or a lead (who may be on duty and who may approve come from the roster,
``queueapp.goodwill.roster``; they replace the callback chains of ``QueueApp.ask_host``,
``ask_lead`` and ``give``).

A flow awaits its forms with :func:`ask` and its writes with ``app.in_store``. It runs
as an asyncio task started by :func:`start_flow`, not as a worker: waiting for the
host to fill in a form is not background work, and a test (or anything) waiting for
the workers to finish must not wait for the host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any, TypeVar

import arrow
from rich.text import Text
from textual.message_pump import MessagePump
from textual.screen import Screen

from queueapp.config import Config
from queueapp.goodwill import gestures, roster
from queueapp.goodwill.catalogue import Interaction
from queueapp.goodwill.gestures import Gesture
from queueapp.review.labels import gesture_label
from queueapp.store import Store, StoreError
from queueapp.ui.app import QueueApp
from queueapp.ui.format import who
from queueapp.waitlist.room import Party

R = TypeVar("R")
_RUNNING: set[asyncio.Task[Any]] = set()  # asyncio keeps only weak references to tasks


def start_flow(pump: MessagePump, flow: Coroutine[Any, Any, Any]) -> None:
    """Run ``flow`` beside the UI. A bug in it is raised on the app (the screen that
    started it may be closed by then), so it stops the app with a traceback as any
    handler's bug would, never silently."""
    app = pump.app

    async def guarded() -> None:
        try:
            await flow
        except Exception as exc:  # noqa: BLE001 - handed to Textual, not swallowed
            app.call_next(_raise, exc)

    task = asyncio.get_running_loop().create_task(guarded())
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    if isinstance(app, QueueApp):
        app.flow_started(task)  # keys typed after the key that started it wait for it


def _raise(exc: Exception) -> None:
    raise exc


async def off_ui(app: QueueApp, compute: Callable[[], R]) -> R:
    """Run ``compute`` in a thread and await its result: for work that may wait on the
    quoter's lock (a Monte Carlo walk), which the UI thread must never do."""
    return await app.run_worker(compute, thread=True, group="compute").wait()


async def ask(app: QueueApp, screen: Screen[R]) -> R | None:
    """Show ``screen`` and wait for what it is dismissed with."""
    answer: asyncio.Future[R | None] = asyncio.get_running_loop().create_future()

    def answered(result: R | None) -> None:
        if not answer.done():
            answer.set_result(result)

    app.push_screen(screen, answered)
    return await answer


async def ask_host(app: QueueApp) -> str | None:
    """Who is on duty at this stand? Only a name on the roster; a new name needs a lead's
    PIN, and is added to the roster first. Remembered in the database for this stand's
    name (``store.station``) across restarts, as the roster spells it; the other stands
    keep their own hosts. None if cancelled or refused."""
    from queueapp.ui.screens.goodwill import OTHER, HostNameForm, HostPicker

    config = app.config
    names = await app.in_store(lambda store, _now: roster.hosts(store, config), reread=False)
    if isinstance(names, StoreError):
        return None
    name = await ask(app, HostPicker(app, names))
    if name == OTHER:
        entry = await ask(app, HostNameForm())
        if entry is None:
            return None
        typed = entry.name
        known = await app.in_store(lambda store, _now: roster.find_host(store, config, typed),
                                   reread=False)
        if isinstance(known, StoreError):
            return None
        if known is not None:  # "LIN." is Lin, on the roster already: no PIN to ask for
            name = known
        else:
            lead = await ask_lead(app, app.t("host_add_needs_pin", name=typed))
            if lead is None:
                return None
            added = await app.in_store(lambda store, now: roster.add_host(
                store, config, typed, lead, now))
            if isinstance(added, StoreError):
                return None
            app.notify(app.t("host_added", name=added))
            name = added
    if not name:
        return None
    chosen = name
    saved = await app.in_store(lambda store, _now: gestures.set_host_on_duty(
        store, chosen, config))
    if isinstance(saved, StoreError):
        return None
    app.notify(app.t("host_set", host=saved, station=app.store.station))
    return saved


async def ask_lead(app: QueueApp, reason: str, hint: str = "") -> str | None:
    """A lead's PIN, asked again after a wrong one; wrong PINs are counted and logged.
    The lead's name once a PIN is right; None when cancelled or locked. ``hint`` says
    what Enter does (default: the lead approves)."""
    from queueapp.ui.screens.goodwill import PinScreen

    config = app.config
    chosen = ""  # after a wrong PIN, the lead it was checked for stays chosen
    while True:
        entry = await ask(app, PinScreen(reason, chosen, hint))
        if entry is None:
            return None
        chosen = entry.lead
        res = await app.in_store(partial(_check_pin, config=config, lead=entry.lead,
                                         pin=entry.pin))
        if isinstance(res, StoreError):
            return None
        if res.ok:
            return res.lead
        if res.status == "locked" and res.locked_until:
            until = arrow.get(res.locked_until).to(app.config.timezone).format("HH:mm")
            app.notify(app.t("pin_locked", time=until), severity="error", timeout=10)
            return None
        app.notify(app.t("pin_wrong_for", lead=entry.lead, n=res.tries_left),
                   severity="error")


def _check_pin(store: Store, now: float, *, config: Config, lead: str,
               pin: str) -> gestures.PinResult:
    return gestures.check_lead_pin(store, config, lead, pin, now)


async def give(app: QueueApp, party: Party, item: Interaction | str, cost: float | None = None,
               note: str = "") -> Gesture | None:
    """Log a gesture to ``party``; ask who is on duty, or for a lead's PIN, when needed,
    and whether another one is meant when the party already has it (a double tap).
    The gesture, or None when it was not given (cancelled, or the store refused)."""
    approved_by = ""
    again = False

    def log(store: Store, now: float) -> Gesture:
        return gestures.give(store, now, party, item, app.snapshot.host, note, approved_by,
                             cost, config=app.config, again=again)

    while True:
        res = await app.in_store(log, quiet=(gestures.NoHost, gestures.NeedsApproval,
                                             gestures.RepeatGesture))
        if isinstance(res, gestures.NoHost):
            if await ask_host(app) is None:
                return None
        elif isinstance(res, gestures.RepeatGesture):
            if not await _give_again(app, res):
                return None
            again = True
        elif isinstance(res, gestures.NeedsApproval):
            lead = await ask_lead(app, app.error_text(res))
            if lead is None:
                return None
            approved_by = lead
        elif isinstance(res, StoreError):
            return None
        else:
            script = item.script_for(app.config.language) if isinstance(item, Interaction) \
                else ""
            text = app.t("given", what=gesture_label(res, app.config), name=who(party),
                         cost=f"{app.config.currency}{res.cost:g}")
            app.notify(text + (f"\n“{script}”" if script else ""), timeout=8)
            app.undo_stack.append(res)  # `u` voids it, as the host's own correction
            return res


async def _give_again(app: QueueApp, repeat: gestures.RepeatGesture) -> bool:
    """The party already has it: does the host mean another one? "No" is highlighted
    first, so an Enter pressed in the rush does not log it either."""
    from textual.widgets.option_list import Option

    from queueapp.ui.screens.pickers import Chooser

    what = gesture_label(repeat.given, app.config)
    # a custom gesture's label is the host's own text: a Text, never markup
    title = Text(app.t(repeat.key, **{**repeat.values, "what": what}))
    choice = await ask(app, Chooser(title, [Option(app.t("give_again_no"), id="no"),
                                            Option(app.t("give_again_yes"), id="again")]))
    if choice != "again":
        app.notify(app.t("not_given_again", what=what))
        return False
    return True
