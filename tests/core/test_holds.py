"""Table holds in the store (real SQLite file): refused seats, undo, two terminals,
the contract's export and backtest untouched, and what the quotes make of a hold."""

from __future__ import annotations

import io
import threading

import pytest
from helpers import at

from queueapp.quotes.backtest import backtest
from queueapp.quotes.estimator import Estimator
from queueapp.store import Conflict, Store, StoreError
from queueapp.waitlist.events import CONTRACT_WORDS, read_events_csv, write_events_csv

NOW = at(30)


def party(store: Store, name: str, size: int = 2, minutes: float = 0) -> str:
    return store.add_party(at(minutes), size, name).party


def fill_all_but(store: Store, config, free: set[str], when: float = at(0)) -> None:
    """Every table but ``free`` taken by a party of its size, seated at ``when``."""
    for t in config.tables:
        if t.name not in free:
            pid = store.add_party(when, t.seats, f"diner {t.name}").party
            store.seat_party(when, pid, t.name)


def held(store: Store, table: str) -> tuple[str, float | None]:
    t = store.load_room().tables[table]
    return t.held_for, t.held_until


def test_a_held_table_refuses_another_party_and_seats_its_own(store):
    li, wu = party(store, "Li"), party(store, "Wu")
    ev = store.hold_table(NOW, "A1", wu, 10, host="Lin")
    assert (ev.event, ev.party, ev.table, ev.data) == ("hold", wu, "A1", {"minutes": 10})
    assert held(store, "A1") == (wu, NOW + 600)
    with pytest.raises(Conflict, match="A1 is held for Wu for 8 more minutes") as err:
        store.seat_party(NOW + 120, li, "A1")
    assert (err.value.key, err.value.values["name"]) == ("err_table_held", "Wu")
    assert store.party(li).status == "waiting"
    store.seat_party(NOW + 180, wu, "A1")
    assert held(store, "A1") == ("", None)
    assert store.party(wu).table == "A1"


def test_a_hold_on_joined_tables_refuses_a_seat_at_either(store):
    big, other = party(store, "Big", 7), party(store, "Other", 4)
    store.hold_table(NOW, "A4+A5", big, 10)
    with pytest.raises(Conflict, match="held for Big"):
        store.seat_party(NOW, other, "A5")
    store.seat_party(NOW, big, "A4+A5")
    assert {held(store, n)[0] for n in ("A4", "A5")} == {""}


def test_a_hold_runs_out_by_itself(store):
    li, wu = party(store, "Li"), party(store, "Wu")
    store.hold_table(NOW, "A1", wu, 10)
    store.seat_party(NOW + 601, li, "A1")  # no event ended it: its time passed
    room = store.load_room()
    assert room.tables["A1"].party == li and room.tables["A1"].held_for == ""


def test_the_hold_ends_when_its_party_is_seated_elsewhere_or_removed(store):
    li, wu = party(store, "Li"), party(store, "Wu")
    store.hold_table(NOW, "A1", li, 10)
    store.hold_table(NOW, "A2", wu, 10)
    store.seat_party(NOW, li, "W1")
    store.remove_party(NOW, wu, "walked_away")
    assert held(store, "A1") == ("", None) and held(store, "A2") == ("", None)


def test_holding_is_refused_when_it_makes_no_sense(store):
    li, wu, six = party(store, "Li"), party(store, "Wu"), party(store, "Six", 6)
    store.seat_party(NOW, party(store, "Diner"), "A3")
    with pytest.raises(Conflict, match="occupied") as err:
        store.hold_table(NOW, "A3", li, 10)
    assert err.value.key == "err_hold_occupied"
    with pytest.raises(Conflict, match="too few for a party of 6"):
        store.hold_table(NOW, "A1", six, 10)
    with pytest.raises(StoreError, match="minutes"):
        store.hold_table(NOW, "A1", li, 0)
    store.hold_table(NOW, "A1", li, 10)
    with pytest.raises(Conflict, match="held for Li"):
        store.hold_table(NOW, "A1", wu, 10)
    with pytest.raises(Conflict, match="not held") as err:
        store.release_hold(NOW, "A2")
    assert err.value.key == "err_not_held"


def test_release_and_undo_of_hold_release_and_seat(store):
    li = party(store, "Li")
    hold = store.hold_table(NOW, "A1", li, 10)
    release = store.release_hold(NOW + 60, "A1")
    assert release.party == li and held(store, "A1") == ("", None)
    store.undo(NOW + 70, release.id)  # the hold is back, until its own end
    assert held(store, "A1") == (li, NOW + 600)
    seat = store.seat_party(NOW + 80, li, "A1")
    assert held(store, "A1") == ("", None)
    store.undo(NOW + 90, seat.id)  # seated by mistake: waiting again, table held again
    assert store.party(li).status == "waiting"
    assert held(store, "A1") == (li, NOW + 600)
    assert store.load_room().tables["A1"].state == "free"
    store.undo(NOW + 100, hold.id)
    assert held(store, "A1") == ("", None)


def test_undo_of_a_moved_hold_puts_it_back_where_it_was(store):
    li = party(store, "Li")
    store.hold_table(NOW, "A1", li, 10)
    moved = store.hold_table(NOW + 60, "A2", li, 10)
    assert held(store, "A1")[0] == "" and held(store, "A2")[0] == li
    store.undo(NOW + 70, moved.id)
    assert held(store, "A1") == (li, NOW + 600) and held(store, "A2") == ("", None)


def test_undo_of_a_walk_away_brings_the_hold_back(store):
    li = party(store, "Li")
    store.hold_table(NOW, "A1", li, 10)
    gone = store.remove_party(NOW + 30, li, "walked_away")
    assert held(store, "A1")[0] == ""
    store.undo(NOW + 40, gone.id)
    assert held(store, "A1") == (li, NOW + 600)


def test_a_hold_survives_reopening_the_file(store, db_path, config):
    li = party(store, "Li")
    store.hold_table(NOW, "A1", li, 10)
    other = Store.open(db_path, config, station="other")
    try:
        assert other.load_room().held_for("A1", NOW + 60) == li
    finally:
        other.close()


def race(db_path, config, li: str, wu: str) -> dict[str, object]:
    """Terminal a holds A1 for Wu while terminal b seats Li there, at the same moment."""
    a = Store.open(db_path, config, station="a")
    b = Store.open(db_path, config, station="b")
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def run(name: str, store: Store, action) -> None:
        start.wait()
        try:
            results[name] = action(store)
        except Conflict as exc:
            results[name] = exc
        finally:
            store.close()

    threads = [
        threading.Thread(target=run, args=("hold", a, lambda s: s.hold_table(NOW, "A1", wu, 10))),
        threading.Thread(target=run, args=("seat", b, lambda s: s.seat_party(NOW, li, "A1"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_terminals_racing_a_hold_and_a_seat_never_both_win(db_path, config, store):
    li, wu = party(store, "Li"), party(store, "Wu")
    for _ in range(5):
        results = race(db_path, config, li, wu)
        lost = [k for k, v in results.items() if isinstance(v, Conflict)]
        assert len(lost) == 1, results  # one wins, the other is told why
        room = store.load_room()
        if lost == ["seat"]:
            assert "held for Wu" in str(results["seat"])
            assert room.tables["A1"].held_for == wu and room.tables["A1"].state == "free"
        else:
            assert room.tables["A1"].party == li and room.tables["A1"].held_for == ""
        store.undo(NOW, store.last_event_id())  # as before, for the next round


def test_holds_stay_out_of_the_contract_csv_and_the_backtest(store, config):
    li, wu = party(store, "Li", minutes=0), party(store, "Wu", minutes=1)
    store.hold_table(at(2), "A1", wu, 10)
    store.hold_table(at(3), "A2", li, 10)
    store.release_hold(at(4), "A2")
    store.seat_party(at(5), wu, "A1")
    store.seat_party(at(6), li, "A2")
    party(store, "Zhao", minutes=7)
    events = list(store.all_events(by_time=True))
    assert {"hold", "release"} <= {e.event for e in events}
    out = io.StringIO()
    write_events_csv(events, out)
    assert {e.event for e in read_events_csv(out.getvalue())} <= set(CONTRACT_WORDS)
    contract = [e for e in events if e.event in CONTRACT_WORDS]
    with_holds = backtest(events, config.tables, lambda: Estimator.for_config(config))
    without = backtest(contract, config.tables, lambda: Estimator.for_config(config))
    assert with_holds.rows == without.rows


# -- the quotes account for holds ------------------------------------------------------

def test_a_held_table_is_its_partys_in_the_quotes(store, config):
    fill_all_but(store, config, {"A1"})
    li, wu = party(store, "Li", minutes=1), party(store, "Wu", minutes=2)
    est = Estimator.for_config(config)
    before = est.quote_all(store.load_room(), NOW)
    assert before[li].minutes == 0 and before[wu].minutes > 0
    store.hold_table(NOW, "A1", wu, 10)
    after = est.quote_all(store.load_room(), NOW)
    # the held party sits now; the one ahead waits for the next table to free
    assert after[wu].minutes == 0 and after[wu].high == 0
    assert after[li].minutes > 0
    assert after[li].minutes == pytest.approx(before[wu].minutes, abs=5)
    # a new party's quote cannot use the held table either
    assert est.quote_new(store.load_room(), 2, NOW).minutes >= before[wu].minutes


def test_no_hold_or_a_hold_run_out_changes_no_quote(store, config):
    fill_all_but(store, config, {"A1", "A4"})
    li, wu = party(store, "Li", minutes=1), party(store, "Wu", 4, minutes=2)
    party(store, "Zhao", minutes=3)
    est = Estimator.for_config(config)
    plain = est.quote_all(store.load_room(), NOW)
    store.hold_table(NOW, "A1", li, 10)
    room = store.load_room()
    lasting, expired = est.quote_all(room, NOW + 60), est.quote_all(room, NOW + 601)
    room.tables["A1"].end_hold()
    assert lasting != est.quote_all(room, NOW + 60)  # while it lasts the hold counts
    assert expired == est.quote_all(room, NOW + 601)  # run out, it changes nothing
    store.release_hold(NOW + 10, "A1")
    assert est.quote_all(store.load_room(), NOW) == plain
    assert wu in plain


# -- the config's [seating] hold_minutes ---------------------------------------------------

def test_hold_minutes_comes_from_the_config_and_bad_values_say_what_to_fix(config):
    from helpers import config_variant

    from queueapp.config import ConfigError

    assert config.hold_minutes == 10
    assert config_variant(**{"hold_minutes = 10": "hold_minutes = 7.5"}).hold_minutes == 7.5
    for bad, says in (("0", "should be a number from 1 to 120, not 0."),
                      ('"ten"', "should be a number, not 'ten'"),
                      ("500", "should be a number from 1 to 120, not 500.")):
        with pytest.raises(ConfigError) as err:
            config_variant(**{"hold_minutes = 10": f"hold_minutes = {bad}"})
        assert "seating.hold_minutes" in str(err.value) and says in str(err.value)
        assert "line " in str(err.value)
