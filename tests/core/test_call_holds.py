"""A called party's hold (how long their table is kept after the call) in the store:
"hold longer" is an event every terminal reads, undone like any other, and an answer
to a hold that another terminal changed first is refused (real SQLite file)."""

from __future__ import annotations

import pytest
from helpers import at

from queueapp.messages.holds import CallHolds, answer_hold
from queueapp.store import Conflict, Store

HOLD = 10  # minutes promised on the call


def called(store: Store, name: str = "Qian") -> str:
    pid = store.add_party(at(0), 2, name).party
    store.call_party(at(5), pid)
    return pid


def test_holding_longer_moves_the_end_for_every_reader_and_undo_moves_it_back(
        store, db_path, config):
    pid = called(store)
    holds = CallHolds(HOLD)
    assert holds.until(store.party(pid)) == at(15)
    ev = store.keep_call(at(16), pid, HOLD, host="Lin")
    assert (ev.event, ev.data) == ("extend", {"minutes": HOLD})
    other = Store.open(db_path, config, station="other")  # another terminal
    assert holds.until(other.load_room().parties[pid]) == at(26)
    assert holds.due(store.load_room().waiting(), at(20)) == []
    store.undo(at(17), ev.id, host="Lin")
    assert holds.until(other.party(pid)) == at(15)
    other.close()


def test_a_new_call_starts_a_new_hold(store):
    pid = called(store)
    store.keep_call(at(16), pid, 30)
    store.call_party(at(20), pid)
    assert CallHolds(HOLD).until(store.party(pid)) == at(30)


def test_only_a_called_party_is_held_longer(store):
    pid = store.add_party(at(0), 2, "Wu").party
    with pytest.raises(Conflict, match="not called"):
        store.keep_call(at(1), pid, HOLD)
    with pytest.raises(Conflict):
        store.keep_call(at(1), "no-such-party", HOLD)


def test_an_answer_to_a_hold_changed_meanwhile_is_refused(store):
    pid = called(store, "Zhao")
    asked = store.party(pid)  # the question shows at two terminals
    answer_hold(store, asked, HOLD, lambda: store.keep_call(at(16), pid, HOLD))
    with pytest.raises(Conflict, match="Zhao: their hold was changed meanwhile"):
        answer_hold(store, asked, HOLD, lambda: store.remove_party(at(16), pid, "no_show"))
    assert store.party(pid).status == "called"


def test_decide_later_asks_again_at_this_terminal_only(store):
    pid = called(store)
    here, there = CallHolds(HOLD), CallHolds(HOLD)
    party = store.party(pid)
    assert here.due([party], at(15)) == [party]
    here.asked(party)
    here.ask_later(party, at(15))
    assert here.due([party], at(15.5)) == [] and here.due([party], at(16)) == [party]
    assert there.until(party) == at(15)


def held(store: Store, table: str) -> tuple[str, float | None]:
    t = store.load_room().tables[table]
    return t.held_for, t.held_until


def test_the_table_a_party_is_called_for_is_kept_for_them(store):
    """A called party's table was given to the next party in line while the stand still
    counted their hold down: the call now keeps it, for the hold's minutes."""
    li = store.add_party(at(0), 2, "Li").party
    wu = store.add_party(at(1), 2, "Wu").party
    ev = store.call_party(at(5), li, "Lin", table="A1", minutes=HOLD)
    assert (ev.event, ev.table, ev.data) == ("call", "A1", {"minutes": HOLD})
    assert held(store, "A1") == (li, at(15))
    with pytest.raises(Conflict, match="held"):
        store.seat_party(at(6), wu, "A1")
    store.seat_party(at(7), li, "A1")
    assert store.party(li).table == "A1"


def test_holding_longer_keeps_the_table_as_long_and_undo_puts_both_back(store):
    li = store.add_party(at(0), 2, "Li").party
    store.call_party(at(5), li, table="A1", minutes=HOLD)
    kept = store.keep_call(at(15), li, HOLD)
    assert kept.table == "A1" and held(store, "A1") == (li, at(25))
    assert store.party(li).kept_until == at(25)
    store.undo(at(16), kept.id)
    assert held(store, "A1") == (li, at(15)) and store.party(li).kept_until is None


def test_undo_of_a_call_frees_its_table_and_a_new_call_moves_it(store):
    li = store.add_party(at(0), 2, "Li").party
    call = store.call_party(at(5), li, table="A1", minutes=HOLD)
    store.undo(at(6), call.id)
    assert held(store, "A1") == ("", None) and store.party(li).status == "waiting"
    store.call_party(at(7), li, table="A1", minutes=HOLD)
    store.call_party(at(8), li, table="A2", minutes=HOLD)  # called again, for another
    assert held(store, "A1")[0] == "" and held(store, "A2") == (li, at(18))


def test_a_call_for_a_table_in_use_is_refused(store):
    li = store.add_party(at(0), 2, "Li").party
    wu = store.add_party(at(1), 2, "Wu").party
    store.seat_party(at(2), wu, "A1")
    with pytest.raises(Conflict):
        store.call_party(at(5), li, table="A1", minutes=HOLD)
    assert store.party(li).status == "waiting"
