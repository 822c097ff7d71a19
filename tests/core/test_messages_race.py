"""Two senders in two processes on one file (issue 12): one lease, so every message
arrives exactly once — none lost, none twice — while the first hands over to the
second mid-way (it stops and frees the lease) and parties keep arriving."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from pathlib import Path

import message_racers
from receiver import Receiver, messages_config

from queueapp.quotes.rule import Quote
from queueapp.store import Store
from queueapp.store.outbox import SENT

PARTIES = 24
JOIN_TIMEOUT = 120.0


def _add(store: Store, config, n: int) -> str:
    return store.add_party(time.time(), 2, f"Guest {n}", f"+86138{n:08d}",
                           quote=Quote(25, 20, 35), tz=config.timezone,
                           ticket_prefix="A").party


def test_two_senders_one_lease_each_message_once(db_path: Path) -> None:
    receiver = Receiver()
    receiver.delay = 0.03  # a provider slow enough for the two to overlap
    try:
        config = messages_config(receiver.url)
        store = Store.open(db_path, config, station="test")
        store.outbox.cursor()  # messaging starts now: what follows is messaged
        for n in range(PARTIES // 2):
            _add(store, config, n)
        ctx = multiprocessing.get_context("spawn")
        results = ctx.Queue()
        procs = [ctx.Process(target=message_racers.send_for,
                             args=(str(db_path), receiver.url, owner, seconds, results))
                 for owner, seconds in (("first", 1.5), ("second", 8.0))]
        procs[0].start()
        deadline = time.monotonic() + 60
        while store.outbox.lease_owner(time.time()) != "first":  # the first holds it...
            assert time.monotonic() < deadline
            time.sleep(0.02)
        procs[1].start()  # ... and the second wants it
        for n in range(PARTIES // 2, PARTIES):  # more arrive while they race
            _add(store, config, n)
            time.sleep(0.25)
        reports = [results.get(timeout=JOIN_TIMEOUT) for _ in procs]
        for p in procs:
            p.join(JOIN_TIMEOUT)
            assert p.exitcode == 0
        assert not [r for r in reports if r[1]], reports
        sent_to = Counter(r["to"] for r in receiver.received)
        assert len(sent_to) == PARTIES  # none lost
        assert set(sent_to.values()) == {1}  # none twice
        rows = store.db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
        assert rows == [(SENT, PARTIES)]
        owners = {r[0] for r in store.db.execute("SELECT DISTINCT claimed_by FROM outbox")}
        assert owners == {"first", "second"}  # the lease was handed over mid-way
        store.close()
    finally:
        receiver.close()
