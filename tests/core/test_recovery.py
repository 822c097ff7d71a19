"""Service recovery core: four steps in order, none skipped, long waits opened once."""

from pathlib import Path

import arrow
import pytest
from helpers import CONFIG_PATH

from queueapp.complaints import loop as complaints
from queueapp.config import load_config
from queueapp.i18n import Translator
from queueapp.quotes.rule import Quote
from queueapp.store import Conflict, Store, StoreError

CONFIG = CONFIG_PATH
T0 = arrow.get("2026-11-20T18:00:00+08:00").float_timestamp


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "q.db", load_config(CONFIG))


def test_four_steps_in_order(store: Store) -> None:
    c = complaints.record(store, T0, "food", "Cold broth", "Replaced the pot", table="A4",
                        host="Li")
    assert c.step == "recorded" and [i.id for i in complaints.open_items(store)] == [c.id]
    with pytest.raises(Conflict, match="only after it is handled"):
        complaints.recheck(store, c.id, T0 + 60, "Mei", "Guest happy")
    c = complaints.handle(store, c.id, T0 + 60, "Li", "New pot at once")
    assert c.step == "handled" and c.handled_by == "Li"
    with pytest.raises(StoreError, match="needs a note"):
        complaints.recheck(store, c.id, T0 + 120, "Mei", " ")
    c = complaints.recheck(store, c.id, T0 + 120, "Mei", "Guest happy, ate well")
    with pytest.raises(StoreError, match="Feed back to one of"):
        complaints.feed_back(store, c.id, T0 + 180, "Mei", "nobody")
    c = complaints.feed_back(store, c.id, T0 + 180, "Mei", "kitchen", "Check broth heaters")
    assert c.closed and c.step == "fed_back" and c.fed_back_to == "kitchen"
    assert complaints.open_items(store) == []
    with pytest.raises(Conflict):
        complaints.handle(store, c.id, T0 + 200, "Li", "again")


def test_record_needs_category_text_and_target(store: Store) -> None:
    with pytest.raises(StoreError, match="Unknown category"):
        complaints.record(store, T0, "noise", "Loud", party="p1")
    with pytest.raises(StoreError, match="needs a description"):
        complaints.record(store, T0, "food", "  ", party="p1")
    with pytest.raises(StoreError, match="party or a table"):
        complaints.record(store, T0, "food", "Cold")


def test_open_items_oldest_first(store: Store) -> None:
    late = complaints.record(store, T0 + 600, "service", "Slow refill", party="p2")
    early = complaints.record(store, T0, "unmet_request", "Asked for a slotted spoon",
                            party="p1")
    assert [c.id for c in complaints.open_items(store)] == [early.id, late.id]


def test_long_wait_opened_once_per_party(store: Store) -> None:
    t = Translator("en")
    store.add_party(T0, 2, "Wang", quote=Quote(20, 15, 30))
    store.add_party(T0 + 60, 4, "Brown", quote=Quote(40, 30, 50))
    now = T0 + 36 * 60  # Wang: 36 min on a 20 min quote; Brown: 35 on 40
    opened = complaints.open_long_waits(store, store.load_room(), now, 15, t)
    assert len(opened) == 1
    item = complaints.get(store, opened[0])
    assert item is not None and item.category == "wait" and item.source == complaints.LONG_WAIT
    assert "36" in item.what and "20" in item.what
    assert complaints.open_long_waits(store, store.load_room(), now + 600, 15, t) == []
    brown = complaints.open_long_waits(store, store.load_room(), now + 1200, 15, t)
    assert len(brown) == 1  # Brown: 55 min on 40
    assert complaints.open_long_waits(store, store.load_room(), now + 1800, 15, t) == []
    assert len(complaints.open_items(store)) == 2
