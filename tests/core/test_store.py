"""The store: every action writes its event and projections, conflicts, undo, joined tables,
restarts, the events CSV, damaged or locked files, and two stores on one file."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3

import arrow
import pytest
from helpers import CONFIG_PATH

from queueapp.store import Busy, Conflict, Store, StoreError
from queueapp.waitlist.events import CONTRACT_WORDS, read_events_csv, write_events_csv
from queueapp.waitlist.room import CALLED, CLEARING, FREE, OCCUPIED, REMOVED, SEATED, WAITING

START = "2026-03-06T19:00:00+08:00"
TZ = "Asia/Shanghai"


def at(minutes: float = 0.0) -> float:
    return arrow.get(START).float_timestamp + minutes * 60


def add(store, minutes=0.0, size=2, name="Li Wei", **kw):
    return store.add_party(at(minutes), size, name, tz=TZ, **kw)


def events(store, **kw):
    return [(e.event, e.party, e.size, e.table) for e in store.all_events(**kw)]


def row(store, sql, *params):
    return store.db.execute(sql, params).fetchone()


# -- actions --------------------------------------------------------------------------------

def test_add_party_writes_arrive_and_party_row(store):
    ev = add(store, size=3, phone="+8613812345678", tags=["child", "VIP"], note="by the window")
    assert ev.event == "arrive" and ev.id == 1
    assert ev.party == "20260306-001"  # the restaurant's local date, then a counter
    assert add(store, 1).party == "20260306-002"
    stored = store.event(ev.id)
    assert (stored.time, stored.event, stored.party, stored.size) == (at(0), "arrive", ev.party, 3)
    assert stored.data["name"] == "Li Wei" and stored.data["tags"] == ["child", "VIP"]
    p = store.party(ev.party)
    assert (p.name, p.size, p.phone, p.tags, p.note, p.status, p.arrived) == (
        "Li Wei", 3, "+8613812345678", ("child", "VIP"), "by the window", WAITING, at(0))
    room = store.load_room()
    assert [q.id for q in room.waiting()] == [ev.party, "20260306-002"]
    # the time is stored as ISO text in UTC
    assert row(store, "SELECT time FROM events WHERE id = 1")[0] == "2026-03-06T11:00:00.000+00:00"


def test_party_ids_follow_the_local_day(store):
    # 23:30 in Shanghai is 15:30 UTC: still the same local day
    late = arrow.get("2026-03-06T23:30:00+08:00").float_timestamp
    assert store.add_party(late, 2, "Late", tz=TZ).party == "20260306-001"
    after_midnight = arrow.get("2026-03-07T00:10:00+08:00").float_timestamp
    assert store.add_party(after_midnight, 2, "Later", tz=TZ).party == "20260307-001"


def test_add_party_keeps_the_quote(store):
    from queueapp.quotes.rule import Quote

    ev = add(store, quote=Quote(12.3456, 9.0, 16.6))
    p = store.party(ev.party)
    assert (p.quote, p.quote_low, p.quote_high) == (12.35, 9.0, 16.6)
    assert store.event(ev.id).data["quote"] == 12.35


def test_edit_party(store):
    pid = add(store, size=2).party
    ev = store.edit_party(at(1), pid, {"name": "Li Na", "size": 5, "tags": ["birthday"],
                                       "note": "cake", "phone": "+8613912345678"})
    assert ev.event == "edit" and ev.size == 5 and "size" not in ev.data
    p = store.party(pid)
    assert (p.name, p.size, p.tags, p.note, p.phone) == (
        "Li Na", 5, ("birthday",), "cake", "+8613912345678")
    assert store.load_room().parties[pid].size == 5


def test_an_edit_with_a_new_size_keeps_the_new_wait_told_from_arrival(store):
    """The wait told when the size changed is counted from now; the party's quote, like
    the one told on arrival, from arrival. The arrive row keeps what was told first."""
    from queueapp.quotes.rule import Quote

    pid = add(store, size=2, quote=Quote(10.0, 5.0, 15.0)).party
    store.edit_party(at(12), pid, {"size": 6}, quote=Quote(20.0, 15.0, 30.0))
    p = store.party(pid)
    assert (p.size, p.quote, p.quote_low, p.quote_high) == (6, 32.0, 27.0, 42.0)
    assert store.load_room().parties[pid].quote == 32.0
    arrive = next(e for e in store.all_events() if e.event == "arrive")
    assert arrive.data["quote"] == 10.0
    edit = next(e for e in store.all_events() if e.event == "edit")
    store.undo(at(13), edit.id)
    p = store.party(pid)
    assert (p.size, p.quote, p.quote_high) == (2, 10.0, 15.0)


def test_call_party(store):
    pid = add(store).party
    ev = store.call_party(at(3), pid)
    assert ev.event == "call"
    p = store.party(pid)
    assert p.status == CALLED and p.called_at == at(3)
    # called parties are still on the waiting list, and can still be seated
    assert [q.id for q in store.load_room().waiting()] == [pid]
    store.seat_party(at(4), pid, "A1")
    assert store.party(pid).status == SEATED


def test_seat_party(store):
    pid = add(store, size=3).party
    ev = store.seat_party(at(10), pid, "A4")
    assert (ev.event, ev.party, ev.size, ev.table) == ("seat", pid, 3, "A4")
    p = store.party(pid)
    assert (p.status, p.table, p.seated_at) == (SEATED, "A4", at(10))
    t = store.load_room().tables["A4"]
    assert (t.state, t.party, t.party_size, t.since, t.joined) == (OCCUPIED, pid, 3, at(10), "")
    assert store.load_room().waiting() == []
    assert p.waited(at(99)) == 10


@pytest.mark.parametrize("reason", ["walked_away", "cancelled", "no_show"])
def test_remove_party_with_each_reason(store, reason):
    pid = add(store).party
    ev = store.remove_party(at(20), pid, reason)
    assert ev.event == "abandon" and ev.data == {"reason": reason}
    p = store.party(pid)
    assert (p.status, p.reason, p.left_at) == (REMOVED, reason, at(20))
    assert pid not in store.load_room().parties


def test_remove_with_unknown_reason_is_refused(store):
    pid = add(store).party
    with pytest.raises(StoreError, match="Unknown reason"):
        store.remove_party(at(1), pid, "bored")
    assert store.party(pid).status == WAITING
    assert [e[0] for e in events(store)] == ["arrive"]


def test_table_departed_and_ready(store):
    pid = add(store, size=2).party
    store.seat_party(at(5), pid, "A1")
    dep = store.table_departed(at(60), "A1")
    assert (dep.event, dep.party, dep.size, dep.table) == ("depart", pid, 2, "A1")
    t = store.load_room().tables["A1"]
    assert (t.state, t.since) == (CLEARING, at(60))
    p = store.party(pid)
    assert p.status == "left" and p.left_at == at(60)
    assert pid not in store.load_room().parties
    rdy = store.table_ready(at(66), "A1")
    assert (rdy.event, rdy.party, rdy.table) == ("ready", "", "A1")
    t = store.load_room().tables["A1"]
    assert (t.state, t.party, t.party_size) == (FREE, "", 0)


# -- conflicts ------------------------------------------------------------------------------

def test_seat_at_a_taken_table_is_a_conflict(store):
    a, b = add(store).party, add(store, 1).party
    store.seat_party(at(2), a, "A1")
    with pytest.raises(Conflict, match="A1 is no longer free"):
        store.seat_party(at(3), b, "A1")
    assert store.party(b).status == WAITING
    assert store.load_room().tables["A1"].party == a
    assert len(events(store)) == 3


def test_seat_at_a_clearing_table_or_unknown_table_is_a_conflict(store):
    a, b = add(store).party, add(store, 1).party
    store.seat_party(at(2), a, "A1")
    store.table_departed(at(30), "A1")
    with pytest.raises(Conflict, match="clearing"):
        store.seat_party(at(31), b, "A1")
    with pytest.raises(Conflict, match="Z9"):
        store.seat_party(at(31), b, "Z9")


def test_acting_on_a_removed_party_is_a_conflict(store):
    pid = add(store).party
    store.remove_party(at(1), pid, "cancelled")
    n = len(events(store))
    for action in (lambda: store.call_party(at(2), pid),
                   lambda: store.seat_party(at(2), pid, "A1"),
                   lambda: store.edit_party(at(2), pid, {"name": "X"}),
                   lambda: store.remove_party(at(2), pid, "no_show")):
        with pytest.raises(Conflict, match="no longer on the waiting list"):
            action()
    assert len(events(store)) == n
    assert store.load_room().tables["A1"].state == FREE


def test_acting_on_a_seated_party_or_wrong_table_state_is_a_conflict(store):
    pid = add(store).party
    store.seat_party(at(1), pid, "A1")
    with pytest.raises(Conflict):
        store.seat_party(at(2), pid, "A2")
    with pytest.raises(Conflict, match="not occupied"):
        store.table_departed(at(2), "A2")
    with pytest.raises(Conflict, match="not being cleared"):
        store.table_ready(at(2), "A1")


# -- undo -----------------------------------------------------------------------------------

def test_undo_add(store):
    ev = add(store)
    undone = store.undo(at(1), ev.id)
    assert undone.id == ev.id and undone.event == "arrive"
    assert store.party(ev.party) is None
    assert store.load_room().waiting() == []
    assert events(store) == []
    full = [(e.event, e.party) for e in store.all_events(include_undone=True)]
    assert full == [("arrive", ev.party), ("undo", ev.party)]
    undo_row = row(store, "SELECT ref, data FROM events WHERE event = 'undo'")
    assert undo_row[0] == ev.id and json.loads(undo_row[1]) == {"undid": "arrive"}


def test_undo_edit(store):
    pid = add(store, size=2, tags=["child"]).party
    ev = store.edit_party(at(1), pid, {"name": "Wang", "size": 6, "tags": []})
    store.undo(at(2), ev.id)
    p = store.party(pid)
    assert (p.name, p.size, p.tags) == ("Li Wei", 2, ("child",))


def test_undo_call(store):
    pid = add(store).party
    ev = store.call_party(at(1), pid)
    store.undo(at(2), ev.id)
    p = store.party(pid)
    assert p.status == WAITING and p.called_at is None


def test_undo_seat(store):
    pid = add(store, size=3).party
    ev = store.seat_party(at(1), pid, "A4")
    store.undo(at(2), ev.id)
    assert store.party(pid).status == WAITING and store.party(pid).table == ""
    t = store.load_room().tables["A4"]
    assert (t.state, t.party, t.party_size) == (FREE, "", 0)
    assert [q.id for q in store.load_room().waiting()] == [pid]


def test_undo_remove(store):
    pid = add(store).party
    ev = store.remove_party(at(1), pid, "walked_away")
    store.undo(at(2), ev.id)
    p = store.party(pid)
    assert (p.status, p.reason, p.left_at) == (WAITING, "", None)
    assert [q.id for q in store.load_room().waiting()] == [pid]


def test_undo_depart(store):
    pid = add(store).party
    store.seat_party(at(1), pid, "A1")
    ev = store.table_departed(at(50), "A1")
    store.undo(at(51), ev.id)
    p = store.party(pid)
    assert (p.status, p.table, p.left_at) == (SEATED, "A1", None)
    t = store.load_room().tables["A1"]
    assert (t.state, t.party, t.party_size, t.since) == (OCCUPIED, pid, 2, at(1))
    assert pid in store.load_room().parties


def test_undo_ready(store):
    pid = add(store).party
    store.seat_party(at(1), pid, "A1")
    store.table_departed(at(50), "A1")
    ev = store.table_ready(at(55), "A1")
    store.undo(at(56), ev.id)
    t = store.load_room().tables["A1"]
    assert (t.state, t.since) == (CLEARING, at(50))


def test_undo_refused_when_the_party_changed_since(store):
    pid = add(store).party
    call = store.call_party(at(1), pid)
    store.seat_party(at(2), pid, "A1")
    with pytest.raises(Conflict, match="changed since"):
        store.undo(at(3), call.id)
    assert store.party(pid).status == SEATED
    assert not [e for e in store.all_events(include_undone=True) if e.event == "undo"]


def test_undo_refused_when_the_table_changed_since(store):
    a, b = add(store).party, add(store).party
    seat = store.seat_party(at(1), a, "A1")
    store.table_departed(at(40), "A1")
    store.table_ready(at(45), "A1")
    store.seat_party(at(46), b, "A1")
    with pytest.raises(Conflict, match="changed since"):
        store.undo(at(47), seat.id)


def test_undo_twice_and_undo_of_an_undo_are_refused(store):
    ev = add(store)
    store.undo(at(1), ev.id)
    with pytest.raises(Conflict, match="already undone"):
        store.undo(at(2), ev.id)
    undo_id = store.last_event_id()
    with pytest.raises(Conflict, match="cannot itself be undone"):
        store.undo(at(2), undo_id)
    with pytest.raises(Conflict, match="nothing to undo"):
        store.undo(at(2), 999)


def test_undo_after_an_undone_later_action_is_allowed(store):
    pid = add(store).party
    call = store.call_party(at(1), pid)
    seat = store.seat_party(at(2), pid, "A1")
    store.undo(at(3), seat.id)
    store.undo(at(4), call.id)
    assert store.party(pid).status == WAITING
    assert store.load_room().tables["A1"].state == FREE


# -- joined tables --------------------------------------------------------------------------

def test_joined_tables_seat_depart_ready(store):
    pid = add(store, size=10).party
    ev = store.seat_party(at(1), pid, "A8+A9")
    assert ev.table == "A8+A9" and ev.size == 10
    room = store.load_room()
    for name in ("A8", "A9"):
        t = room.tables[name]
        assert (t.state, t.party, t.party_size, t.joined) == (OCCUPIED, pid, 10, "A8+A9")
    assert store.party(pid).table == "A8+A9"
    # the host presses "left" on either half: both halves need clearing
    dep = store.table_departed(at(80), "A9")
    assert dep.table == "A8+A9" and dep.party == pid
    room = store.load_room()
    assert room.tables["A8"].state == CLEARING and room.tables["A9"].state == CLEARING
    # each half is made ready on its own
    store.table_ready(at(85), "A8")
    room = store.load_room()
    assert room.tables["A8"].state == FREE and room.tables["A9"].state == CLEARING
    store.table_ready(at(86), "A9")
    assert all(store.load_room().tables[n].state == FREE for n in ("A8", "A9"))


def test_joined_seat_refused_when_one_half_is_taken(store):
    a, big = add(store, size=4).party, add(store, size=10).party
    store.seat_party(at(1), a, "A9")
    with pytest.raises(Conflict, match="A9"):
        store.seat_party(at(2), big, "A8+A9")
    assert store.load_room().tables["A8"].state == FREE


def test_undo_joined_seat_frees_both_halves(store):
    pid = add(store, size=10).party
    ev = store.seat_party(at(1), pid, "T7+T8")
    store.undo(at(2), ev.id)
    room = store.load_room()
    assert room.tables["T7"].state == FREE and room.tables["T8"].state == FREE
    assert room.tables["T7"].joined == "" and store.party(pid).status == WAITING


# -- persistence ----------------------------------------------------------------------------

def _room_state(store):
    room = store.load_room()
    return ({n: (t.state, t.party, t.party_size, t.since, t.joined)
             for n, t in room.tables.items()},
            {p.id: (p.name, p.size, p.status, p.table, p.called_at, p.tags)
             for p in room.parties.values()})


def test_restart_shows_the_same_room(db_path, config):
    s = Store.open(db_path, config)
    a = add(s, size=2, tags=["VIP"]).party
    b = add(s, 1, size=10, name="Zhang [VIP] 张伟").party
    c = add(s, 2, size=4).party
    add(s, 3, size=3)
    s.seat_party(at(4), a, "A1")
    s.seat_party(at(5), b, "A8+A9")
    s.call_party(at(6), c)
    s.table_departed(at(30), "A1")
    before = _room_state(s)
    s.close()

    again = Store.open(db_path, config)
    try:
        assert _room_state(again) == before
        assert again.party(b).name == "Zhang [VIP] 张伟"
        assert again.new_party_id(at(10), TZ) == "20260306-005"
    finally:
        again.close()


def test_two_stores_on_one_file_see_each_others_writes(db_path, config):
    one = Store.open(db_path, config, station="one")
    two = Store.open(db_path, config, station="two")
    try:
        pid = add(one).party
        assert [p.id for p in two.load_room().waiting()] == [pid]
        assert two.last_event_id() == one.last_event_id() == 1
        two.seat_party(at(1), pid, "A2")
        assert one.load_room().tables["A2"].party == pid
        # the check runs against the live file, not a stale copy
        with pytest.raises(Conflict):
            one.seat_party(at(2), pid, "A3")
        stations = [r[0] for r in one.db.execute("SELECT station FROM events ORDER BY id")]
        assert stations == ["one", "two"]
    finally:
        one.close()
        two.close()


def test_file_settings(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_config_tables_are_synced(store, config):
    assert set(store.load_room().tables) == {t.name for t in config.tables}
    assert store.load_room().tables["R4"].seats == 12


# -- events CSV -----------------------------------------------------------------------------

def test_events_csv_in_the_contract_format(store):
    a = add(store, size=3).party
    big = add(store, 1, size=10).party
    gone = add(store, 2, size=2).party
    store.edit_party(at(2.5), a, {"note": "window"})  # app-only word: not exported
    store.call_party(at(3), a)  # app-only word: not exported
    store.seat_party(at(4), a, "A4")
    store.seat_party(at(5), big, "A8+A9")
    store.remove_party(at(6), gone, "walked_away")
    store.table_departed(at(60), "A8")
    store.table_ready(at(66), "A8")
    undone = add(store, 7, size=5)
    store.undo(at(8), undone.id)  # undone actions are not exported

    buf = io.StringIO()
    n = write_events_csv(store.all_events(), buf, TZ)
    text = buf.getvalue()
    lines = text.splitlines()
    assert lines[0] == "time,event,party,size,table"
    assert lines[1] == f"2026-03-06T19:00:00+08:00,arrive,{a},3,"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert n == len(rows) == 10
    assert [(r["event"], r["party"], r["table"]) for r in rows] == [
        ("arrive", a, ""), ("arrive", big, ""), ("arrive", gone, ""),
        ("seat", a, "A4"), ("seat", big, "A8"), ("seat", big, "A9"), ("abandon", gone, ""),
        ("depart", big, "A8"), ("depart", big, "A9"), ("ready", "", "A8"),
    ]
    assert all(r["event"] in CONTRACT_WORDS for r in rows)
    assert all(r["time"].endswith("+08:00") for r in rows)
    assert rows[4]["size"] == rows[5]["size"] == "10" and rows[9]["size"] == ""
    # times are in order, and the file reads back with the contract reader
    times = [arrow.get(r["time"]) for r in rows]
    assert times == sorted(times)
    back = read_events_csv(text)
    assert [e.time for e in back] == [at(0), at(1), at(2), at(4), at(5), at(5), at(6), at(60),
                                      at(60), at(66)]
    # every table name in the file is one table from the config, never "A8+A9"
    assert all("+" not in r["table"] for r in rows)


def test_events_csv_all_words(store):
    a = add(store).party
    store.call_party(at(1), a)
    buf = io.StringIO()
    write_events_csv(store.all_events(), buf, "UTC", all_words=True)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert [r["event"] for r in rows] == ["arrive", "call"]
    assert rows[0]["time"] == "2026-03-06T11:00:00+00:00"


# -- damaged, read-only and locked files ---------------------------------------------------

def test_read_only_database_gives_a_clear_message(db_path, config):
    s = Store.open(db_path, config)
    add(s)
    s.close()
    os.chmod(db_path, 0o444)
    try:
        if os.access(db_path, os.W_OK):
            pytest.skip("running as a user (root) for whom chmod 0444 is still writable")
        with pytest.raises(StoreError) as info:
            Store.open(db_path, config)
        msg = str(info.value)
        assert str(db_path) in msg and "read-only" in msg and "--db" in msg
    finally:
        os.chmod(db_path, 0o644)


def test_file_that_is_not_a_database(tmp_path, config):
    p = tmp_path / "notes.db"
    p.write_text("this is a shopping list, not a database\n" * 200)
    with pytest.raises(StoreError) as info:
        Store.open(p, config)
    msg = str(info.value)
    assert str(p) in msg and "not a queueapp database" in msg and "--db" in msg
    assert "Traceback" not in msg
    # the file is left alone
    assert p.read_text().startswith("this is a shopping list")


def test_folder_that_cannot_be_created(tmp_path, config):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="Cannot create the folder"):
        Store.open(blocker / "sub" / "q.db", config)


def test_busy_file_raises_busy_and_leaves_nothing_half_written(db_path, config):
    s = Store.open(db_path, config, busy_timeout=0.2)
    pid = add(s).party
    before_events = s.last_event_id()
    before = _room_state(s)

    other = sqlite3.connect(db_path, isolation_level=None, timeout=0.1)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO settings (key, value) VALUES ('held', 'yes')")
        with pytest.raises(Busy) as info:
            s.seat_party(at(1), pid, "A1")
        assert "locked" in str(info.value) and "nothing was saved" in str(info.value)
        with pytest.raises(Busy):
            add(s, 2)
        # reads still work while the other program holds the write lock (WAL)
        assert s.last_event_id() == before_events
        other.execute("ROLLBACK")
    finally:
        other.close()

    assert s.last_event_id() == before_events
    assert _room_state(s) == before
    assert not s.db.conn.in_transaction
    # and the store works again once the lock is gone
    s.seat_party(at(3), pid, "A1")
    assert s.load_room().tables["A1"].party == pid
    s.close()


def test_conflict_inside_a_write_rolls_back(store):
    pid = add(store).party
    store.seat_party(at(1), pid, "A1")
    other = add(store, 2).party
    with pytest.raises(Conflict):
        store.seat_party(at(3), other, "A2+A1")
    assert not store.db.conn.in_transaction
    room = store.load_room()
    assert room.tables["A2"].state == FREE and store.party(other).status == WAITING


def test_default_db_path_is_in_the_user_data_directory(config, tmp_path):
    from queueapp.store import default_db_path, resolve_db_path

    assert resolve_db_path(tmp_path / "x.db", config) == tmp_path / "x.db"
    assert resolve_db_path(None, config) == default_db_path()
    assert default_db_path().name == "queueapp.db"
    assert "queueapp" in str(default_db_path().parent)


def test_db_path_from_config_is_relative_to_the_config(tmp_path):
    from queueapp.config import parse_config
    from queueapp.store import resolve_db_path

    text = (CONFIG_PATH).read_text(encoding="utf-8")
    cfg = parse_config(text.replace('db = ""', 'db = "data/q.db"'), tmp_path / "config.toml")
    assert resolve_db_path(None, cfg) == (tmp_path / "data" / "q.db").resolve()


@pytest.mark.parametrize("size", ["1e400", "nan", "2.5", "-1", "0", "²", "lots"])
def test_an_events_csv_with_an_odd_size_is_refused_with_its_line(size):
    """A spreadsheet's odd size never becomes a traceback: the line and the value."""
    from queueapp.waitlist.events import EventLogError, read_events_csv

    text = ("time,event,party,size,table\n"
            "2026-09-01T18:00:00+08:00,arrive,p1,2,\n"
            f"2026-09-01T18:01:00+08:00,arrive,p2,{size},\n")
    with pytest.raises(EventLogError, match=f"line 3: size '{size}' is not a number of guests"):
        read_events_csv(text)
    assert read_events_csv(text.replace(f",{size},", ",4.0,"))[1].size == 4
