"""The command line: `events` in the contract format, `demo --no-app`, and clear messages
for databases that cannot be made."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys

import arrow
import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, ROOT

from queueapp.cli.main import main
from queueapp.clock import business_date
from queueapp.config import DAY_STARTS
from queueapp.store import Store
from queueapp.waitlist.events import read_events_csv

CONFIG = str(CONFIG_PATH)
START = "2026-03-06T19:00:00+08:00"
TZ = "Asia/Shanghai"


def at(minutes: float = 0.0) -> float:
    return arrow.get(START).float_timestamp + minutes * 60


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(autouse=True)
def demo_memo(tmp_path_factory, monkeypatch):
    """The demo keeps its history's quotes in the user cache folder: in the tests, one
    folder of their own (shared by this run's demos on the same history)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


def build(store: Store) -> dict[str, str]:
    a = store.add_party(at(0), 2, "Li Wei", tz=TZ).party
    b = store.add_party(at(1), 10, "Zhang [VIP] 张伟", tz=TZ).party
    c = store.add_party(at(2), 4, "Gone", tz=TZ).party
    store.call_party(at(3), a)
    store.seat_party(at(4), a, "A1")
    store.seat_party(at(5), b, "T7+T8")
    store.remove_party(at(6), c, "no_show")
    store.table_departed(at(50), "A1")
    store.table_ready(at(55.5), "A1")
    return {"a": a, "b": b, "c": c}


def test_events_writes_the_contract_csv(store, db_path):
    ids = build(store)
    result = run("events", "--db", str(db_path), "--config", CONFIG)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "time,event,party,size,table"
    rows = list(csv.DictReader(io.StringIO(result.output)))
    a, b, c = ids["a"], ids["b"], ids["c"]
    assert [(r["time"], r["event"], r["party"], r["size"], r["table"]) for r in rows] == [
        ("2026-03-06T19:00:00+08:00", "arrive", a, "2", ""),
        ("2026-03-06T19:01:00+08:00", "arrive", b, "10", ""),
        ("2026-03-06T19:02:00+08:00", "arrive", c, "4", ""),
        ("2026-03-06T19:04:00+08:00", "seat", a, "2", "A1"),
        ("2026-03-06T19:05:00+08:00", "seat", b, "10", "T7"),  # joined T7+T8: a row each
        ("2026-03-06T19:05:00+08:00", "seat", b, "10", "T8"),
        ("2026-03-06T19:06:00+08:00", "abandon", c, "", ""),  # size may be empty
        ("2026-03-06T19:50:00+08:00", "depart", a, "2", "A1"),
        ("2026-03-06T19:55:30+08:00", "ready", "", "", "A1"),
    ]
    # it reads back with the contract's reader
    assert len(read_events_csv(result.output)) == 9


def test_events_all_words_and_out_file(store, db_path, tmp_path):
    build(store)
    out = tmp_path / "events.csv"
    result = run("events", "--db", str(db_path), "--config", CONFIG, "--all-words",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Wrote 10 events" in result.output
    assert [r["event"] for r in csv.DictReader(io.StringIO(text))].count("call") == 1


def test_events_on_an_empty_database(store, db_path):
    result = run("events", "--db", str(db_path), "--config", CONFIG)
    assert result.exit_code == 0
    assert result.output == "time,event,party,size,table\n"


def test_events_refuses_a_mistyped_database_path(tmp_path):
    missing = tmp_path / "typo.db"
    result = run("events", "--db", str(missing), "--config", CONFIG)
    assert result.exit_code == 1
    assert "no such database file" in result.output and str(missing) in result.output
    assert not missing.exists()  # nothing was created


def test_events_with_a_broken_config(tmp_path, db_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[restaurant]\nname = 'x'\n", encoding="utf-8")
    result = run("events", "--db", str(db_path), "--config", str(bad))
    assert result.exit_code == 1
    assert str(bad) in result.output and "restaurant.timezone" in result.output
    assert "Traceback" not in result.output


def test_demo_builds_a_busy_evening(tmp_path, monkeypatch):
    monkeypatch.delenv("QUEUEAPP_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./config.toml here: the bundled example is used
    db = tmp_path / "demo.db"
    result = run("demo", "--no-app", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(db)
    conn = sqlite3.connect(db)
    try:
        parties = dict(conn.execute("SELECT status, count(*) FROM parties GROUP BY status"))
        tables = dict(conn.execute("SELECT state, count(*) FROM room_tables GROUP BY state"))
        waits = [r[0] for r in conn.execute(
            "SELECT arrived_at FROM parties WHERE status = 'waiting'")]
        hostless = conn.execute(
            "SELECT count(*) FROM events WHERE event = 'arrive' AND host = ''").fetchone()[0]
    finally:
        conn.close()
    assert parties.get("waiting", 0) >= 5
    assert parties.get("seated", 0) >= 5
    assert tables.get("occupied", 0) >= 5
    assert tables.get("clearing", 0) >= 1
    assert len(set(waits)) > 1  # parties waiting for different times
    assert hostless == 0  # every simulated party was added by a host (the review filters by it)
    # the four weeks of history are quoted as the stand would have (issue 14.3): the
    # review's quote accuracy covers every seated party, not "parties 0"
    today = arrow.now(TZ)
    bundled = str(CONFIG_PATH.parent.parent / "config.toml")  # what the demo used
    report = run("report", "--db", str(db), "--config", bundled, "--format", "json",
                 "--from", today.shift(days=-28).format("YYYY-MM-DD"),
                 "--to", today.format("YYYY-MM-DD"))
    assert report.exit_code == 0, report.output
    figures = json.loads(report.output)
    assert figures["quotes"]["all"]["parties"] == figures["seated"] > 1000
    assert 0.5 < figures["quotes"]["all"]["mean_abs_error_min"] < 20
    # and the store reads it back like any other file
    from queueapp.config import load_config

    store = Store.open(db, load_config(CONFIG))
    try:
        room = store.load_room()
        assert len(room.waiting()) == parties["waiting"]
    finally:
        store.close()


def test_demo_refuses_an_existing_file(tmp_path):
    db = tmp_path / "demo.db"
    db.write_bytes(b"")
    result = run("demo", "--no-app", "--db", str(db), "--config", CONFIG)
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_db_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    db = blocker / "sub" / "q.db"
    for args in (["simulate", "--db", str(db), "--days", "1", "--config", CONFIG],
                 ["demo", "--no-app", "--db", str(db), "--config", CONFIG]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert "Cannot create the folder for the database" in result.output
        assert str(db) in result.output and "--db" in result.output
        assert "Traceback" not in result.output


def test_db_that_is_not_a_database(tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("shopping list\n" * 100)
    result = run("events", "--db", str(db), "--config", CONFIG)
    assert result.exit_code == 1
    assert "is not a queueapp database" in result.output
    assert "Traceback" not in result.output


def test_check_config_via_the_group_option():
    result = run("--config", CONFIG, "check-config")
    assert result.exit_code == 0, result.output
    assert "Red Lantern Hotpot" in result.output


def test_check_config_warns_of_a_shift_that_runs_into_the_next_business_day(tmp_path):
    """Shifts from 10:00 and 16:30 with days from 04:00: the evening shift's gestures after
    04:00 count on its one budget at the stand but on the next day in the review."""
    result = run("check-config", "--config", CONFIG)  # the tests' config: 10:00, 16:30
    assert result.exit_code == 0, result.output
    assert "the shift from 16:30 runs past day_starts (04:00)" in result.output
    assert 'Add "04:00" to shift_starts' in result.output
    bundled = run("check-config", "--config", str(ROOT / "config.toml"))
    assert bundled.exit_code == 0 and "Warning" not in bundled.output  # the example's own
    text = CONFIG_PATH.read_text(encoding="utf-8")
    fixed = tmp_path / "config.toml"
    fixed.write_text(text.replace('shift_starts = ["10:00", "16:30"]',
                                  'shift_starts = ["04:00", "10:00", "16:30"]'),
                     encoding="utf-8")
    assert "Warning" not in run("check-config", "--config", str(fixed)).output


# -- the demo's file, easy to reach afterwards (issue 9.11) --------------------------------

def test_demo_keeps_its_file_where_demo_finds_it(tmp_path, monkeypatch):
    """`queueapp demo`, then `queueapp report --demo` as the README shows it: the demo's
    file is at one stable path (the user data directory), and each demo starts fresh."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("QUEUEAPP_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./config.toml: the bundled example, as in the demo
    from queueapp.sim.demo import demo_db_path

    expected = tmp_path / "data" / "queueapp" / "demo.db"
    assert demo_db_path() == expected
    missing = run("report", "--demo")
    assert missing.exit_code == 1
    assert "No demo has been run yet" in missing.output and "queueapp demo" in missing.output
    assert str(expected) in missing.output and not expected.exists()

    built = run("demo", "--no-app")
    assert built.exit_code == 0, built.output
    assert built.output.strip() == str(expected)
    # the demo's evening is the 2.5 hours before now: from the business day it began in
    # (yesterday's, run just after the day starts in the restaurant's zone) to today's
    now = arrow.utcnow().float_timestamp
    first, last = (business_date(t, "Asia/Shanghai", DAY_STARTS) for t in (now - 3 * 3600, now))
    report = run("report", "--demo", "--format", "json", "--from", first.isoformat(),
                 "--to", last.isoformat())
    assert report.exit_code == 0, report.output
    assert json.loads(report.output)["parties"] > 10  # this evening

    for args in (["events", "--demo"], ["--demo", "events"],
                 ["export", "parties", "--demo"], ["--demo", "backtest"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert result.output
    conflict = run("report", "--demo", "--db", str(tmp_path / "other.db"))
    assert conflict.exit_code == 1 and "either --db FILE or --demo" in conflict.output

    # a second demo replaces the first (a fresh evening), at the same place
    with sqlite3.connect(expected) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('left over', 'x')")
    conn.close()
    again = run("demo", "--no-app", "--seed", "8")
    assert again.exit_code == 0, again.output
    with sqlite3.connect(expected) as conn:
        left = conn.execute("SELECT count(*) FROM settings WHERE key = 'left over'").fetchone()
    conn.close()
    assert left == (0,)


def test_demo_messages_follow_the_config_language(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    zh = tmp_path / "zh.toml"
    zh.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace(
        'language = "en"', 'language = "zh"'), encoding="utf-8")
    result = run("report", "--demo", "--config", str(zh))
    assert result.exit_code == 1
    assert "还没有运行过演示" in result.output and "queueapp demo" in result.output


def test_the_demo_says_how_to_read_its_own_file(tmp_path):
    """A demo on a file of one's own (--db) is read with --db, not --demo (which finds
    the usual demo file, not this one)."""
    from queueapp.cli.main import demo_report_command

    own = tmp_path / "mine.db"
    assert demo_report_command(own, chosen=True) == f"queueapp report --db {own}"
    assert demo_report_command(own, chosen=False) == "queueapp report --demo"
    config = tmp_path / "my config.toml"
    assert demo_report_command(own, chosen=True, config=config) == \
        f"queueapp report --db {own} --config '{config}'"


def printed_report_command(argv: list[str], cwd, env) -> list[str]:
    """The words of the report command a demo started with ``argv`` prints."""
    demo = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    try:
        assert demo.stdout is not None
        said = ""
        for line in demo.stdout:  # printed before the app starts; the app is not needed
            if "read it later" in line:
                said = line
                break
    finally:
        demo.kill()
        demo.wait(10)
    printed = re.search(r"`([^`]+)`", said)
    assert printed, said
    return shlex.split(printed[1])


def test_the_demo_prints_a_report_command_that_works_as_printed(tmp_path, monkeypatch):
    """Run from a folder without config.toml, the demo runs on the example config: the
    command it prints for its own file (--db) names that config, so it works as printed
    from that folder (it said `queueapp report --db FILE`, which found no config)."""
    monkeypatch.delenv("QUEUEAPP_CONFIG", raising=False)
    db = tmp_path / "demo.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's queueapp
    words = printed_report_command([sys.executable, "-m", "queueapp", "demo", "--db", str(db)],
                                   tmp_path, env)
    report = words.index("report")
    # run as python -m queueapp: `queueapp` when that is this install's, else by its path
    assert words[:report] in (["queueapp"], [sys.executable, "-m", "queueapp"]), words
    monkeypatch.chdir(tmp_path)
    assert not (tmp_path / "config.toml").exists()
    result = run(*words[report:])
    assert result.exit_code == 0, result.output
    assert "Parties" in result.output


def test_the_demo_names_its_program_by_its_path_when_queueapp_is_not_on_the_path(tmp_path):
    """After the README's install `queueapp` is only in .venv/bin: the demo printed
    `queueapp report --demo`, which the shell then did not find. Now it names the program
    by its path, and the command works as printed, from another folder too."""
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "queueapp"  # as pip writes a console script
    script.write_text(f"#!{sys.executable}\nimport sys\nfrom queueapp.cli.main import main\n"
                      "sys.exit(main())\n", encoding="utf-8")
    script.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key != "QUEUEAPP_CONFIG"}
    env |= {"PYTHONPATH": str(ROOT), "PATH": os.pathsep.join(["/usr/bin", "/bin"])}
    db = tmp_path / "demo.db"
    words = printed_report_command([".venv/bin/queueapp", "demo", "--db", str(db)],
                                   tmp_path, env)
    assert words[:2] == [str(script), "report"], words
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(words, cwd=elsewhere, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Parties" in done.stdout
