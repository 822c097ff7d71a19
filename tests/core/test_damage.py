"""One bad row must not take the stand down (issue 10, point 5): rows that cannot be read
are skipped and named in ``store.damage``; ``report``, ``export`` and ``events`` write
every good row and say which were skipped; ``quick_check`` finds a damaged file."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from helpers import CONFIG_PATH, at

from queueapp.cli.main import main
from queueapp.review.exports import export_rows
from queueapp.review.reports import Filters, build
from queueapp.store import Store

TZ = "Asia/Shanghai"
CONFIG = str(CONFIG_PATH)
DAY = "2026-03-06"


def tamper(db_path: Path, sql: str, *params: object) -> None:
    """What a hand edit or a failing disk does to a row (outside the store on purpose)."""
    conn = sqlite3.connect(db_path)
    with conn:
        for trigger in ("gestures_no_update", "events_no_update", "complaints_no_update",
                        "rescues_no_update"):  # a hand edit gets past them
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.execute(sql, params)
    conn.close()


def three_waiting(store: Store) -> list[str]:
    return [store.add_party(at(i), 2, name, tz=TZ).party
            for i, name in enumerate(["Li Wei", "Chen", "Wang"])]


def test_a_party_with_bad_tags_or_arrival_is_skipped_and_named(store, db_path):
    a, b, c = three_waiting(store)
    tamper(db_path, "UPDATE parties SET tags = 'child' WHERE id = ?", a)
    tamper(db_path, "UPDATE parties SET arrived_at = 'yesterday' WHERE id = ?", b)
    fresh = Store.open(db_path, station="other")  # a stand starting on the damaged file
    room = fresh.load_room()
    assert set(room.parties) == {c}
    assert {(r.table, r.key) for r in fresh.damage.rows()} == {("parties", a), ("parties", b)}
    assert fresh.party(a) is None
    # the stand still works around them
    fresh.seat_party(at(10), c, "A1")
    assert fresh.load_room().tables["A1"].party == c
    fresh.close()


def test_a_party_with_a_size_that_is_not_a_number_is_damaged(store, db_path):
    a, b, c = three_waiting(store)
    tamper(db_path, "UPDATE parties SET size = 'two' WHERE id = ?", a)
    tamper(db_path, "UPDATE parties SET quoted_minutes = 'soon' WHERE id = ?", b)
    assert set(store.load_room().parties) == {c}
    assert len(store.damage) == 2


def test_a_gesture_with_a_bad_time_is_skipped(store, db_path):
    a, _, _ = three_waiting(store)
    good = store.gestures.add(at(5), a, None, "tea", "Tea", "drink", 5.0, "Lin")
    bad = store.gestures.add(at(6), a, None, "cards", "Cards", "play", 0.0, "Lin")
    tamper(db_path, "UPDATE gestures SET time = 'later' WHERE id = ?", bad.id)
    assert [g.id for g in store.gestures.for_party(a)] == [good.id]
    assert ("gestures", str(bad.id)) in {(r.table, r.key) for r in store.damage.rows()}


def test_an_event_with_bad_data_is_skipped(store, db_path):
    a, b, c = three_waiting(store)
    tamper(db_path, "UPDATE events SET data = '{not json' WHERE party = ?", a)
    assert {e.party for e in store.all_events()} == {b, c}
    assert [r.table for r in store.damage.rows()] == ["events"]


def test_report_and_exports_write_every_good_row_and_name_the_skipped(store, db_path, config):
    a, b, c = three_waiting(store)
    store.gestures.add(at(5), c, None, "tea", "Tea", "drink", 5.0, "Lin")
    bad = store.gestures.add(at(6), c, None, "cards", "Cards", "play", 0.0, "Lin")
    tamper(db_path, "UPDATE parties SET tags = 'child' WHERE id = ?", a)
    tamper(db_path, "UPDATE parties SET arrived_at = 'yesterday' WHERE id = ?", b)
    tamper(db_path, "UPDATE gestures SET time = '2026-03-06T11:07:00+00:00x' WHERE id = ?",
           bad.id)
    f = Filters(at(-60), at(600))
    assert [r["id"] for r in export_rows(store, "parties", f, config)] == [c]
    assert build(store, f, config).parties == 2  # 'yesterday' cannot be in the range

    for args in (["export", "parties"], ["export", "gestures"], ["report"], ["events"]):
        result = CliRunner().invoke(main, [*args, "--db", str(db_path), "--config", CONFIG,
                                           "--from", DAY] if args[0] != "events"
                                    else [*args, "--db", str(db_path), "--config", CONFIG])
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output
        if args == ["export", "parties"]:
            rows = list(csv.DictReader(io.StringIO(result.stdout)))
            assert [r["id"] for r in rows] == [c]
            assert "damaged rows were skipped" in result.stderr
            assert f"parties {a}" in result.stderr
        if args == ["export", "gestures"]:
            rows = list(csv.DictReader(io.StringIO(result.stdout)))
            assert len(rows) == 1
            assert f"gestures {bad.id}" in result.stderr


def test_quick_check_passes_a_sound_file_and_finds_a_damaged_one(store, db_path, tmp_path):
    for i in range(300):
        store.add_party(at(i), 2, f"Guest {i} " + "x" * 200, tz=TZ)
    assert store.quick_check() == []
    store.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'parties'"
                        ).fetchone()[0]
    conn.close()
    with open(db_path, "r+b") as fh:  # scribble over the parties table's first page
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * 64)
    damaged = Store(db_path)
    assert damaged.quick_check() != []
    damaged.close()


def test_a_complaint_or_rescue_that_cannot_be_read_is_skipped(store, db_path, config):
    """Open items and a party's rescues still list the good rows when one is damaged."""
    from queueapp.complaints import loop as complaints
    from queueapp.goodwill import gestures

    a, b, _c = three_waiting(store)
    bad = complaints.record(store, at(5), "food", "cold broth", party=a, host="Lin")
    good = complaints.record(store, at(6), "food", "no ladle", party=b, host="Lin")
    kept = gestures.start_rescue(store, at(7), a, "Lin", "kitchen_tour")
    broken = gestures.start_rescue(store, at(8), a, "Lin", "voucher")
    tamper(db_path, "UPDATE complaints SET recorded_at = 'yesterday' WHERE id = ?", bad.id)
    tamper(db_path, "UPDATE rescues SET time = 'soon' WHERE id = ?", broken.id)
    assert [c.id for c in store.complaints.open_items()] == [good.id]
    assert store.complaints.get(bad.id) is None
    assert [r.id for r in store.rescues.for_party(a)] == [kept.id]
    assert {r.table for r in store.damage.rows()} == {"complaints", "rescues"}


def test_a_page_found_damaged_half_way_through_an_export_is_a_clear_message(
        store, db_path, tmp_path):
    """`events`, `report` and `backtest --db` met a damaged page after opening the file:
    a traceback, and `events --out` left a CSV cut short that looked whole. Now: the
    words for a damaged file, and no file (an older one of that name is kept)."""
    for i in range(400):
        store.add_party(at(i), 2, f"Guest {i} " + "x" * 200, tz=TZ)
    store.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(db_path, "r+b") as fh:  # scribble over pages late in the file
        fh.seek((pages - 10) * page)
        fh.write(b"\xff" * page * 5)
    out = tmp_path / "events.csv"
    out.write_text("kept\n")
    for args in (["events", "--out", str(out)], ["report", "--from", "2026-03-01", "--to",
                                                  "2026-03-31"], ["backtest"]):
        result = CliRunner().invoke(main, [*args, "--db", str(db_path), "--config",
                                           str(CONFIG_PATH)])
        assert result.exit_code == 1, (args, result.output)
        assert "is damaged" in result.output and "queueapp restore" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert out.read_text() == "kept\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".events")] == []
