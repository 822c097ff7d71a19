"""The sender: delivers queued messages through Apprise, in its own thread.

One loop (:meth:`Sender.run_once`, every ``poll_seconds`` or when woken): take or
renew the lease (only its holder plans and sends, across processes and stations),
turn new events into messages (``plan``), then send what is due. Each send first
claims its row (the attempt is counted then, so a send cut short by a crash still
counts), then records the result: sent; or tried again later (``retry.delay``);
or, after ``[messages] attempts`` tries, failed with the reason. A crash between the
provider taking a message and the row saying "sent" is the one moment a message can
go twice: the claim expires and the next holder tries again (a message is never
lost to save a duplicate).

Nothing here runs on the stand's UI thread: the app starts it as a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, replace

from queueapp.clock import Clock
from queueapp.config import Config
from queueapp.messages import retry
from queueapp.messages.plan import Estimates, address, channels, plan, reworded
from queueapp.messages.reach import no_longer_true
from queueapp.messages.settings import ADDED, AGAIN, CLOSE, READY, REMOVED, resolve, variables
from queueapp.store import DB_ERRORS, Store
from queueapp.store.outbox import Message
from queueapp.waitlist.room import CALLED, WAITING, Party
from queueapp.waitlist.room import REMOVED as REMOVED_STATUS

LEASE_SECONDS = 30.0  # the lease lasts this long unless renewed (each round renews it)
CLAIM_SECONDS = 60.0  # one send may take this long before another sender may retry it
BATCH = 20  # messages sent per round (the lease is renewed before each)

# (url, text) -> (delivered, why not); the real one is Apprise, tests may point it at
# a local receiver through a json:// or form:// URL
Deliver = Callable[[str, str], tuple[bool, str]]

log = logging.getLogger(__name__)


def apprise_deliver(url: str, text: str) -> tuple[bool, str]:
    """Send ``text`` through one Apprise URL; (True, "") or (False, the reason). Apprise
    says only whether it worked; the reason is in what it logged for this call."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(url):
        return False, "the channel URL is not one Apprise understands"
    said: list[str] = []
    ok = bool(notifier.notify(body=text, log_level=logging.WARNING,
                              log_callback=lambda entry, _service: said.append(
                                  str(entry.message))))
    if ok:
        return True, ""
    return False, (said[-1] if said else "the provider did not take the message")


@dataclass(frozen=True)
class Round:
    """What one round did (for tests and the log)."""

    leased: bool = False
    planned: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


def new_owner() -> str:
    """A sender's name in the lease: this machine and process, and a random part."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Sender:
    """Plans and sends while it holds the lease. ``start()`` runs it in a daemon thread
    (``stop()`` ends it and frees the lease); ``run_once()`` is one round, for tests."""

    def __init__(self, store: Store, config: Config, clock: Clock, *,
                 deliver: Deliver = apprise_deliver, estimates: Estimates | None = None,
                 owner: str = "", environ: Mapping[str, str] | None = None,
                 lease_seconds: float = LEASE_SECONDS,
                 claim_seconds: float = CLAIM_SECONDS) -> None:
        """Raises ``settings.MissingVariable`` when a channel names an environment
        variable that is not set (the caller says so; messages stay queued)."""
        self.store, self.config, self.clock = store, config, clock
        self.deliver, self.estimates = deliver, estimates
        self.owner = owner or new_owner()
        self.lease_seconds, self.claim_seconds = lease_seconds, claim_seconds
        self.urls = {c.label: resolve(c.url, environ) for c in channels(config)}
        env = os.environ if environ is None else environ
        self._secrets = sorted({env[name] for c in channels(config)
                                for name in variables(c.url) if env.get(name)},
                               key=len, reverse=True)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> float:
        return self.clock.now().float_timestamp

    # -- one round -------------------------------------------------------------------
    def run_once(self) -> Round:
        store = self.store
        if not store.outbox.take_lease(self.owner, self.now(), self.lease_seconds):
            return Round()
        planned = plan(store, self.config, self.now(), self.estimates)
        sent = retried = failed = 0
        for message in store.outbox.due(self.now(), BATCH):
            if self._stop.is_set():
                break
            now = self.now()
            if not store.outbox.take_lease(self.owner, now, self.lease_seconds):
                break  # another sender holds it now: it sends the rest
            claimed = store.outbox.claim(message.id, self.owner, now, self.claim_seconds)
            if claimed is None:
                continue
            party = store.party(claimed.party)  # as it is now, just before sending
            stale = _no_longer_true(claimed, party)
            if stale:  # retried past the moment it was for: sending it would mislead
                store.outbox.mark_failed(claimed.id, stale, self.now())
                failed += 1
                continue
            text = reworded(store, self.config, claimed, party, self.now())
            if text != claimed.text and store.outbox.reword(claimed.id, self.owner, text):
                claimed = replace(claimed, text=text)
            ok, error = self._send(claimed, party)
            after = self.now()
            if ok:
                store.outbox.mark_sent(claimed.id, after)
                sent += 1
            elif retry.gives_up(claimed.attempts, self.config.messages.attempts):
                store.outbox.mark_failed(claimed.id, error, after)
                failed += 1
            else:
                store.outbox.mark_retry(claimed.id, error,
                                        after + retry.delay(claimed.attempts))
                retried += 1
        return Round(True, planned, sent, retried, failed)

    def _send(self, message: Message, party: Party | None) -> tuple[bool, str]:
        url = self.urls.get(message.channel)
        if url is None:
            return False, f"channel {message.channel} is no longer in the config"
        phone = party.phone if party is not None else ""
        if "{phone}" in url and not phone:
            return False, "the party has no phone number"
        try:
            ok, error = self.deliver(address(url, phone), message.text)
        except Exception as exc:  # a provider's library failing must not stop the sender
            ok, error = False, f"{type(exc).__name__}: {exc}"
        return ok, self._scrub(error)

    def _scrub(self, text: str) -> str:
        """A reason fit to store and show: no secret from the environment in it."""
        for secret in self._secrets:
            text = text.replace(secret, "•••")
        return text

    # -- the thread ------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="queueapp-sender",
                                            daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look for work now (after the stand wrote something) instead of at the poll."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        with contextlib.suppress(*DB_ERRORS):  # else it expires by itself
            self.store.outbox.release_lease(self.owner)

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    self.run_once()
                except DB_ERRORS as exc:  # a busy file: the next round tries again
                    log.warning("sender: %s", exc)
                except Exception:  # never let one bad row end the sending for the night
                    log.exception("sender round failed")
                self._wake.wait(self.config.messages.poll_seconds)
                self._wake.clear()
        finally:
            self.store.close()  # the sender thread's connection


def start_sender(store: Store, config: Config, clock: Clock,
                 estimates: Estimates | None = None) -> Sender | None:
    """The sender for the app or ``queueapp serve``, started; None when no channel is
    configured. Raises ``settings.MissingVariable`` (a channel's ``${NAME}`` unset)."""
    if not config.messages.enabled:
        return None
    sender = Sender(store, config, clock, estimates=estimates)
    sender.start()
    return sender


@contextlib.asynccontextmanager
async def running(store: Store, config: Config, clock: Clock,
                  estimates: Estimates | None = None) -> AsyncIterator[Sender | None]:
    """The sender for the life of a server (``queueapp serve``'s lifespan):
    ``async with running(store, config, clock): yield``. Stopping frees the lease at
    once (another station's sender takes over) and never waits long on a provider."""
    sender = start_sender(store, config, clock, estimates)
    try:
        yield sender
    finally:
        if sender is not None:
            await asyncio.to_thread(sender.stop, 2.0)


def _no_longer_true(message: Message, party: Party | None) -> str:
    """Why the message would now mislead its guest ("" when it still holds): a
    "table ready" for a party no longer called, "you are number A012" or "getting
    close" for one seated or gone, "removed" for one put back on the list."""
    status = party.status if party is not None else ""
    holds = {ADDED: (WAITING, CALLED), CLOSE: (WAITING,), READY: (CALLED,),
             AGAIN: (CALLED,), REMOVED: (REMOVED_STATUS,)}.get(message.kind)
    if holds is None or status in holds:
        return ""
    return no_longer_true(status)

