"""The record cannot be bent unnoticed: every audit table is append-only, rows are
checked as they are written, and a SHA-256 chain over events and gestures lets
``queueapp verify`` say which row of which table was changed or taken out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, at
from sqlite_utils import Database, Migrations

from queueapp.cli.main import main
from queueapp.complaints import loop as complaints
from queueapp.goodwill import gestures, guests
from queueapp.i18n import Translator
from queueapp.review.reports import Filters, build
from queueapp.sim.demo import fill_history
from queueapp.store import Store, chain, integrity, schema
from queueapp.store.schema import APPEND_ONLY


def record(store: Store, config) -> dict[str, int]:
    """A row in every audit table; returns the id of one row of each."""
    ev = store.add_party(at(0), 4, "Chen", "+8613800000001", ["child"], "by the window")
    party = store.party(ev.party)
    assert party is not None
    card = guests.record_visit(store, party)
    assert card is not None
    note = guests.add_note(store, card.id, "like", "jasmine tea", "Lin", at(1))
    given = gestures.give(store, at(2), party, "Tea", "Lin", cost=6)
    gestures.give(store, at(3), party, "Cards", "Lin", cost=0)
    gestures.void(store, at(4), given.id, "Lin", "wrong party")
    rescue = gestures.start_rescue(store, at(5), party, "Lin", "table:A4")
    gestures.record_outcome(store, rescue.id, "stayed", at(6))
    item = complaints.record(store, at(7), "food", "Cold broth", party=party.id)
    complaints.handle(store, item.id, at(8), "Lin", "New pot")
    gestures.check_lead_pin(store, config, "Mei", "000000", at(9))
    store.call_party(at(10), ev.party)
    return {"events": 1, "gestures": given.id, "complaints": item.id, "complaint_steps": 1,
            "rescues": rescue.id, "rescue_outcomes": 1, "pin_attempts": 1,
            "guest_notes": note.id}


def plain(path: Path) -> sqlite3.Connection:
    """Another tool on the file: no app code in between."""
    return sqlite3.connect(path, isolation_level=None)


def test_every_audit_table_refuses_update_and_delete(store, config):
    ids = record(store, config)
    assert set(ids) == set(APPEND_ONLY) | {"gestures"}
    store.close()
    conn = plain(store.path)
    try:
        for table, row in ids.items():
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(f"UPDATE {table} SET id = id + 1000 WHERE id = ?", [row])
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(f"DELETE FROM {table} WHERE id = ?", [row])
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(f"DELETE FROM {table}")
            # INSERT OR REPLACE deletes the row it replaces without a DELETE trigger
            with pytest.raises(sqlite3.DatabaseError, match="never replaced"):
                conn.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} "
                             "WHERE id = ?", [row])
        with pytest.raises(sqlite3.DatabaseError, match="never replaced"):  # its unique key
            conn.execute("INSERT OR REPLACE INTO complaint_steps (complaint_id, step, time, "
                         "host) VALUES (1, 'handled', 't', 'Someone else')")
        with pytest.raises(sqlite3.DatabaseError, match="never replaced"):
            conn.execute("INSERT OR REPLACE INTO gestures (time, party, interaction, label, "
                         "category, cost, void_of) SELECT time, party, interaction, label, "
                         "category, cost, void_of FROM gestures WHERE id = 3")
        # a cleared lockout: DELETE FROM pin_attempts is refused like the rest
        assert conn.execute("SELECT count(*) FROM pin_attempts").fetchone()[0] == 1
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE events SET party = 'x', data = json_set(data, '$.name', '') "
                         "WHERE id = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE events SET data = json_set(data, '$.tags', '[]') WHERE id = 1")
    finally:
        conn.close()


def test_blanking_personal_data_in_events_is_allowed_and_keeps_the_chain(store, config):
    record(store, config)
    store.close()
    conn = plain(store.path)
    try:
        conn.execute("UPDATE events SET data = json_set(data, '$.name', '', '$.phone', '', "
                     "'$.note', '') WHERE event = 'arrive'")
        assert conn.execute("SELECT json_extract(data, '$.name'), json_extract(data, '$.tags') "
                            "FROM events WHERE id = 1").fetchone() == ("", '["child"]')
    finally:
        conn.close()
    reopened = Store.open(store.path)
    try:
        verdict = integrity.verify(reopened)
        assert verdict.ok, verdict.problems
        assert verdict.events_upto == 2 and verdict.gestures_upto == 3
    finally:
        reopened.close()


def test_rows_that_break_the_rules_are_refused_as_they_are_written(store, config):
    record(store, config)
    store.close()
    conn = plain(store.path)
    gesture = ("INSERT INTO gestures (time, party, interaction, label, category, cost, "
               "void_of) VALUES ('2026-03-06T11:00:00.000+00:00', 'p', 'x', 'x', 'custom', ?, ?)")
    try:
        with pytest.raises(sqlite3.DatabaseError, match="never below 0"):
            conn.execute(gesture, [-5000, None])  # a budget raised by a negative gesture
        with pytest.raises(sqlite3.DatabaseError, match="minus the cost"):
            conn.execute(gesture, [-1, 2])  # gesture 2 cost 0: its void costs 0
        with pytest.raises(sqlite3.DatabaseError, match="cannot be voided"):
            conn.execute(gesture, [6, 3])  # row 3 is a void
        with pytest.raises(sqlite3.DatabaseError, match="must be a number"):
            conn.execute(gesture, ["lots", None])
        with pytest.raises(sqlite3.DatabaseError, match="JSON object"):
            conn.execute("INSERT INTO events (time, event, data) VALUES ('t', 'call', 'nope')")
        with pytest.raises(sqlite3.DatabaseError, match="follows the one before"):
            conn.execute("INSERT INTO complaint_steps (complaint_id, step, time, sent_to) "
                         "VALUES (1, 'fed_back', 't', 'kitchen')")
        with pytest.raises(sqlite3.DatabaseError, match="never replaced"):
            conn.execute("INSERT INTO complaint_steps (complaint_id, step, time) "
                         "VALUES (1, 'handled', 't')")
        with pytest.raises(sqlite3.DatabaseError, match="decided already"):
            conn.execute("INSERT INTO rescue_outcomes (rescue_id, outcome, time) "
                         "VALUES (1, 'left', 't')")
        with pytest.raises(sqlite3.DatabaseError, match="only a left outcome"):
            conn.execute("INSERT INTO rescue_outcomes (rescue_id, outcome, time) "
                         "VALUES (1, 'reopened', 't')")
        with pytest.raises(sqlite3.DatabaseError, match="CHECK"):
            conn.execute("INSERT INTO rescue_outcomes (rescue_id, outcome, time) "
                         "VALUES (2, 'maybe', 't')")
    finally:
        conn.close()


def test_a_fresh_file_and_a_busy_one_verify_clean(store, config):
    verdict = integrity.verify(store)
    assert verdict.ok and (verdict.events_upto, verdict.gestures_upto) == (0, 0)
    t = Translator("en")
    assert integrity.summary(verdict, t, config.timezone) == \
        "Record verified up to event 0 / gesture 0, never."
    record(store, config)
    gestures.void(store, at(11), 2, "Lin", "never given")  # a free one: its void costs -0.0
    verdict = integrity.verify(store)
    assert verdict.ok, verdict.problems
    assert integrity.summary(verdict, t, config.timezone) == \
        "Record verified up to event 2 / gesture 4, 2026-03-06 19:11."
    # a goodwill gesture is 关怀 in Chinese, here as everywhere in the review (it said 赠送)
    assert integrity.summary(verdict, Translator("zh"), config.timezone) == \
        "记录已核验至事件 2 / 关怀 4，2026-03-06 19:11。"


def test_simulated_history_verifies_clean_on_the_command_line(store, config, db_path):
    fill_history(store, config, days=2, seed=3)
    store.close()
    conn = plain(db_path)
    try:
        events, gesture_rows = conn.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM gestures)").fetchone()
    finally:
        conn.close()
    assert events > 100 and gesture_rows > 10
    result = CliRunner().invoke(main, ["verify", "--db", str(db_path), "--config",
                                       str(CONFIG_PATH)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Record verified up to event {events} / gesture {gesture_rows}, ")


def test_an_edited_cost_after_dropping_the_trigger_is_named(store, config, db_path):
    ids = record(store, config)
    store.close()
    conn = plain(db_path)
    try:
        conn.execute("DROP TRIGGER gestures_no_update")
        conn.execute("UPDATE gestures SET cost = 0.5 WHERE id = ?", [ids["gestures"]])
    finally:
        conn.close()
    result = CliRunner().invoke(main, ["verify", "--db", str(db_path), "--config",
                                       str(CONFIG_PATH)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "gestures: the trigger gestures_no_update is missing (it was dropped).",
        # the edit also breaks the rule that a void costs minus its original
        "gestures row 3: a void whose cost is not minus its original's (or whose original is "
        "missing or itself a void).",
        "gestures row 1: changed after it was written (its content no longer matches its "
        "hash).",
        "The record was altered or is damaged: 3 problem(s).",
    ]


def test_a_row_deleted_from_the_middle_of_the_chain_is_found(store, config, db_path):
    for minute in range(5):
        store.add_party(at(minute), 2, f"P{minute}")
    store.close()
    conn = plain(db_path)
    try:
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute("DELETE FROM events WHERE id = 3")
    finally:
        conn.close()
    reopened = Store.open_readonly(db_path)
    try:
        verdict = integrity.verify(reopened)
    finally:
        reopened.close()
    t = Translator("en")
    assert [t(p.key, **p.values) for p in verdict.problems] == [
        "events: the trigger events_no_delete is missing (it was dropped).",
        "events: row 3 was deleted (row 4 no longer follows the row before it).",
    ]
    assert verdict.events_upto == 2  # the chain holds up to the row before the gap


def test_an_edit_that_rewrites_the_hash_too_still_breaks_the_next_row(store, config, db_path):
    for minute in range(3):
        store.add_party(at(minute), 2, f"P{minute}")
    store.close()
    conn = plain(db_path)
    try:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET size = 9, hash = 'forged' WHERE id = 2")
    finally:
        conn.close()
    reopened = Store.open_readonly(db_path)
    try:
        problems = integrity.verify(reopened).problems
    finally:
        reopened.close()
    assert [(p.key, p.values.get("row")) for p in problems] == [
        ("verify_trigger_missing", None), ("verify_row_changed", 2),
        ("verify_row_changed", 3)]


# -- a file made by the previous schema (migrations m001 to m005) -----------------------

OLD = ("m001_events_and_projections", "m002_complaints", "m003_goodwill_and_guests",
       "m004_review_index_and_voided_by", "m005_table_holds")


def old_file(path: Path) -> None:
    """The file as the app before m006 wrote it: steps and outcomes stamped in place."""
    before = Migrations("queueapp")
    for name in OLD:
        before(name=name)(getattr(schema, name))
    db = Database(path)
    before.apply(db)
    t = "2026-03-06T11:{:02d}:00.000+00:00".format
    with db.conn:
        db.execute("INSERT INTO events (time, event, party, size, data, host) VALUES "
                   f"('{t(0)}', 'arrive', '20260306-001', 4, "
                   "'{\"name\": \"Chen\", \"phone\": \"\", \"tags\": [], \"note\": \"\"}', 'Lin')")
        db.execute("INSERT INTO events (time, event, party, table_name, data) VALUES "
                   f"('{t(20)}', 'seat', '20260306-001', 'A4', '{{}}')")
        db.execute("INSERT INTO parties (id, name, size, status, arrived_at, seated_at, "
                   f"table_name) VALUES ('20260306-001', 'Chen', 4, 'seated', '{t(0)}', "
                   f"'{t(20)}', 'A4')")
        db.execute("INSERT INTO gestures (time, party, interaction, label, category, cost, "
                   f"host) VALUES ('{t(5)}', '20260306-001', 'welcome_tea', 'Tea', 'drink', 6,"
                   " 'Lin')")
        db.execute("INSERT INTO gestures (time, party, interaction, label, category, cost, "
                   f"host, void_of, voided_by) VALUES ('{t(6)}', '20260306-001', "
                   "'welcome_tea', 'Tea', 'drink', -6, 'Lin', 1, 'Ana')")
        complaint = ("INSERT INTO complaints (recorded_at, party, category, what, recorded_by, "
                     "handled_at, handled_by, handled_note, rechecked_at, rechecked_by, "
                     "recheck_note, fed_back_at, fed_back_to, fed_back_by, fed_back_note) "
                     "VALUES (?, '20260306-001', 'food', ?, 'Lin', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        db.execute(complaint, [t(30), "Cold", t(31), "Lin", "New pot", t(40), "Mei", "Fine",
                               t(50), "kitchen", "Mei", "Told the chef"])
        db.execute(complaint, [t(32), "Salty", t(33), "Lin", "Swapped", None, "", "", None,
                               "", "", ""])
        db.execute(complaint, [t(34), "Slow", None, "", "", None, "", "", None, "", "", ""])
        rescue = ("INSERT INTO rescues (time, party, host, offer, outcome, decided_at) "
                  "VALUES (?, '20260306-001', 'Lin', ?, ?, ?)")
        db.execute(rescue, [t(10), "table:A4", "stayed", t(12)])
        db.execute(rescue, [t(13), "kitchen_tour", "left", t(14)])
        db.execute(rescue, [t(15), "welcome_tea", "", None])
    db.conn.close()


def test_a_file_from_the_previous_schema_migrates_and_verifies(tmp_path, config):
    path = tmp_path / "old.db"
    old_file(path)
    store = Store.open(path, config)
    try:
        items = [complaints.get(store, i) for i in (1, 2, 3)]
        assert [(c.step, c.closed) for c in items if c] == \
            [("fed_back", True), ("handled", False), ("recorded", False)]
        first = items[0]
        assert first is not None
        assert (first.handled_by, first.handled_note, first.rechecked_by, first.recheck_note,
                first.fed_back_to, first.fed_back_by, first.fed_back_note) == \
            ("Lin", "New pot", "Mei", "Fine", "kitchen", "Mei", "Told the chef")
        assert (first.handled_at, first.fed_back_at) == (at(31), at(50))  # START is 11:00 UTC
        assert complaints.open_count(store) == 2
        assert [(r.outcome, r.decided_at) for r in gestures.rescues_for_party(
            store, "20260306-001")] == [("stayed", at(12)), ("left", at(14)), ("", None)]
        assert store.pending_rescues() == {"20260306-001": [3]}
        rep = build(store, Filters(at(-60), at(600)), config)
        assert (rep.complaints, rep.complaints_unhandled, rep.complaints_unrechecked,
                rep.complaints_open) == (3, 1, 2, 2)
        assert (rep.gesture_count, rep.voids, rep.gesture_cost) == (0, 1, 0.0)
        assert sorted(r.outcome for r in rep.rescues) == ["", "left", "stayed"]
        verdict = integrity.verify(store)
        assert verdict.ok, verdict.problems
        assert (verdict.events_upto, verdict.gestures_upto) == (2, 2)
        # and the steps go on as rows from here
        complaints.recheck(store, 2, at(60), "Mei", "All good")
        assert complaints.open_count(store) == 2
        assert integrity.verify(store).ok
    finally:
        store.close()


def test_a_column_added_later_keeps_the_chain_and_is_covered_from_then_on(store, config,
                                                                         db_path):
    """Another stream's migration adds a column to gestures: the rows before it keep their
    hashes (a value equal to the column's default is not hashed); rows that set it are
    covered."""
    record(store, config)
    with store.transaction() as db:
        db.execute("ALTER TABLE gestures ADD COLUMN shift TEXT NOT NULL DEFAULT ''")
        chain.append(db, "gestures", {"time": "2026-03-06T11:30:00.000+00:00", "party": "p",
                                      "interaction": "x", "label": "x", "category": "custom",
                                      "cost": 2, "host": "Lin", "shift": "evening"})
    verdict = integrity.verify(store)
    assert verdict.ok, verdict.problems
    assert verdict.gestures_upto == 4
    store.close()
    conn = plain(db_path)
    try:
        conn.execute("DROP TRIGGER gestures_no_update")
        conn.execute("UPDATE gestures SET shift = 'lunch' WHERE id = 4")
        conn.execute("UPDATE gestures SET shift = 'lunch' WHERE id = 2")
    finally:
        conn.close()
    reopened = Store.open_readonly(db_path)
    try:
        problems = integrity.verify(reopened).problems
    finally:
        reopened.close()
    assert [(p.key, p.values.get("row")) for p in problems] == [
        ("verify_trigger_missing", None), ("verify_row_changed", 2),
        ("verify_row_changed", 4)]


def test_a_damaged_page_is_reported_not_a_traceback(store, config, db_path):
    fill_history(store, config, days=1, seed=5)
    store.close()
    conn = plain(db_path)
    try:
        root, page_size = conn.execute(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master "
            "WHERE name = 'events'").fetchone()
    finally:
        conn.close()
    with db_path.open("r+b") as f:  # scribble over the events table's root page header
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 64)
    result = CliRunner().invoke(main, ["verify", "--db", str(db_path), "--config",
                                       str(CONFIG_PATH)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("The database file is damaged: ")
    assert result.output.splitlines()[-1].startswith("The record was altered or is damaged")
