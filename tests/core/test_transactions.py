"""``store.transaction()``: one BEGIN IMMEDIATE for a whole core operation; the
repositories' writes inside it join it, and any error undoes all of them."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import at

from queueapp.goodwill import gestures
from queueapp.store import Store


def test_an_error_undoes_every_write_in_the_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.stations.set_host(store.station, "Lin")
        store.complaints.add(at(0), "food", "Cold broth", party="p1")
        raise RuntimeError("something went wrong half way")
    assert store.stations.host(store.station) == ""
    assert store.complaints.open_count() == 0
    assert not store.db.conn.in_transaction


def test_writes_inside_are_one_transaction_seen_by_others_only_at_the_end(store: Store,
                                                                         db_path) -> None:
    other = sqlite3.connect(db_path)
    try:
        with store.transaction():
            store.stations.set_host(store.station, "Lin")
            store.complaints.add(at(0), "food", "Cold broth", party="p1")
            assert other.execute("SELECT count(*) FROM complaints").fetchone()[0] == 0
            assert store.db.conn.in_transaction
        assert other.execute("SELECT count(*) FROM complaints").fetchone()[0] == 1
        assert other.execute("SELECT host FROM stations").fetchone()[0] == "Lin"
    finally:
        other.close()


def test_a_gesture_refused_for_approval_writes_nothing(store: Store, config) -> None:
    party = store.add_party(at(0), 2, "Chen").party
    voucher = next(i for i in config.catalogue if i.needs_approval)
    with pytest.raises(gestures.NeedsApproval):
        gestures.give(store, at(1), party, voucher, "Lin", config=config)
    assert store.gestures.for_party(party) == []
    assert not store.db.conn.in_transaction
