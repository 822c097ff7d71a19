"""Crash safety (issue 10, Tests): a process writing through the store, killed with
SIGKILL at random points, again and again on the same file. Afterwards the file opens,
passes ``PRAGMA quick_check``, and every write the process acknowledged is there."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import CONFIG_PATH, ROOT

from queueapp.config import load_config
from queueapp.store import Store

ROUNDS = 5
# the writer: each write is acknowledged (its id printed) only after the store returned,
# that is after its transaction committed
WRITER = """
import sys, time
from queueapp.config import load_config
from queueapp.store import Store

config = load_config(sys.argv[2])
store = Store.open(sys.argv[1], config, station="killed")
print("ready", flush=True)
n = 0
while True:
    n += 1
    now = time.time()
    ev = store.add_party(now, 2, f"Guest {n}", phone="13800138000", tags=["child"])
    print("event", ev.id, ev.party, flush=True)
    g = store.gestures.add(now, ev.party, None, "tea", "Tea", "drink", 5.0, "Lin")
    print("gesture", g.id, flush=True)
    free = [t for t in store.load_room().tables.values() if t.state == "free" and t.seats >= 2]
    if free:
        table = free[n % len(free)].name
        for ev in (store.seat_party(now, ev.party, table),
                   store.table_departed(now + 1, table), store.table_ready(now + 2, table)):
            print("event", ev.id, ev.party or "-", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL on this system")
def test_acknowledged_writes_survive_kill_9(tmp_path: Path):
    db = tmp_path / "killed.db"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    rng = random.Random(10)
    acked: list[list[str]] = []
    started = time.monotonic()
    for _ in range(ROUNDS):
        proc = subprocess.Popen([sys.executable, str(script), str(db), str(CONFIG_PATH)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the writer is running: now kill it mid-write
        assert first == "ready\n", proc.stderr.read() if proc.stderr else ""
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        # a line cut short by the kill was never acknowledged
        acked += [line.split() for line in out.splitlines(keepends=True)
                  if line.endswith("\n")]
    assert time.monotonic() - started < 30
    events = [a for a in acked if a[0] == "event"]
    gestures = [a for a in acked if a[0] == "gesture"]
    assert len(events) > ROUNDS and gestures  # the kills did land mid-loop

    store = Store.open(db, load_config(CONFIG_PATH))
    try:
        assert store.quick_check() == []
        for _, event_id, party in events:
            ev = store.event(int(event_id))
            assert ev is not None and (ev.party or "-") == party, event_id
            assert party == "-" or store.party(party) is not None
        for _, gesture_id in gestures:
            assert store.gestures.get(int(gesture_id)) is not None, gesture_id
        assert len(store.damage) == 0
        store.add_party(time.time(), 2, "After the crashes")  # and it still takes writes
    finally:
        store.close()
