"""The walk-away rescue offers tables by when this restaurant's tables really free."""

from __future__ import annotations

from helpers import at

from queueapp.goodwill.suggestions import rescue_options
from queueapp.quotes.estimator import Estimator
from queueapp.waitlist.room import TableState


def test_ready_in_falls_as_a_table_is_used_longer(config):
    est = Estimator.for_config(config)
    table = TableState("A4", 4, "Hall", "occupied", "p1", 4, at(0))
    early, late = est.ready_in(table, at(5)), est.ready_in(table, at(60))
    assert early > late >= 0
    assert est.ready_in(TableState("A1", 2, "Hall"), at(5)) == 0.0


def test_rescue_uses_the_given_estimate(store, config):
    pid = store.add_party(at(0), 4, "Wu").party
    other = store.add_party(at(0), 4, "Li").party
    store.seat_party(at(0), other, "A4")
    room = store.load_room()
    for name, t in room.tables.items():  # every other table busy for a long time yet
        if name != "A4" and t.state == "free":
            t.state, t.since, t.party_size = "occupied", at(0), t.seats
    party = room.parties[pid]
    soon = rescue_options(party, at(10), config, room, [], ready_in=lambda t: 3.0
                          if t.name == "A4" else 99.0)
    assert soon[0].table == "A4" and soon[0].minutes == 3.0
    never = rescue_options(party, at(10), config, room, [], ready_in=lambda t: 99.0)
    assert all(not o.table for o in never)
