"""Senders racing in processes of their own (tests/core/test_messages_race.py): each
opens its own Store on the file and runs a real Sender thread on the real clock."""

from __future__ import annotations

import time
import traceback
from multiprocessing.queues import Queue

from receiver import messages_config

from queueapp.clock import SystemClock
from queueapp.messages.sender import Sender
from queueapp.store import Store


def send_for(db_path: str, url: str, owner: str, seconds: float, results: Queue) -> None:
    """Run a sender for ``seconds``, then stop it (freeing the lease); report
    (owner, "" or the error)."""
    error = ""
    try:
        config = messages_config(url, "poll_seconds = 0.2\nclose_position = 0\n"
                                 "close_minutes = 0")
        store = Store.open(db_path, config, station=owner)
        sender = Sender(store, config, SystemClock(), owner=owner, lease_seconds=2.0)
        sender.start()
        time.sleep(seconds)
        sender.stop()
    except Exception:
        error = traceback.format_exc()
    results.put((owner, error))
