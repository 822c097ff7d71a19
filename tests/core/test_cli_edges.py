"""Command-line edges (issue 10, point 7): far dates, a full disk, an empty export, and a
database written by a newer queueapp — a clear message each, never a traceback."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, at

from queueapp.cli.common import store_or_exit
from queueapp.cli.main import main
from queueapp.store import Store, StoreError

TZ = "Asia/Shanghai"
CONFIG = str(CONFIG_PATH)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("dates", [("--from", "0001-01-01"), ("--to", "9999-12-31"),
                                   ("--from", "1969-12-31"), ("--to", "2200-01-01")])
@pytest.mark.parametrize("command", [["report"], ["export", "gestures"]])
def test_far_dates_are_a_clear_message(store, db_path, command, dates):
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    extra = ["--from", "2026-03-06"] if dates[0] == "--to" else []
    result = run(*command, "--db", str(db_path), "--config", CONFIG, *extra, *dates)
    no_traceback(result)
    assert result.exit_code == 2
    assert "outside the dates queueapp reports on (1970-01-01 to 2199-12-31)" in result.output


def test_the_first_and_last_dates_allowed_work(store, db_path):
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    result = run("export", "parties", "--db", str(db_path), "--config", CONFIG,
                 "--from", "1970-01-01", "--to", "2199-12-31")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "Li Wei" in result.output


def test_a_bad_date_and_swapped_dates_say_what_to_do(store, db_path):
    result = run("report", "--db", str(db_path), "--config", CONFIG, "--from", "2026/03/01")
    assert result.exit_code == 2 and "dates are written YYYY-MM-DD" in result.output
    for command in (["report", "--from"], ["export", "parties", "--from"], ["purge",
                                                                            "--before"]):
        # written right, but no such day: saying "write it YYYY-MM-DD" did not help
        result = run(*command, "2026-11-31", "--db", str(db_path), "--config", CONFIG)
        assert result.exit_code == 2 and "there is no such day" in result.output, command
    result = run("report", "--db", str(db_path), "--config", CONFIG, "--from", "2026-03-06",
                 "--to", "2026-03-01")
    assert result.exit_code == 2 and "swap them" in result.output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("command", [["report"], ["export", "parties"], ["events"]])
def test_a_full_disk_is_a_clear_message(store, db_path, command):
    for i in range(50):
        store.add_party(at(i), 2, f"Guest {i}", tz=TZ)
    dates = [] if command == ["events"] else ["--from", "2026-03-06"]
    result = run(*command, "--db", str(db_path), "--config", CONFIG, *dates,
                 "--out", "/dev/full")
    no_traceback(result)
    assert result.exit_code == 1
    assert "Could not write /dev/full" in result.output
    assert "No space left on device" in result.output


def test_an_empty_export_still_writes_its_header_over_an_old_file(store, db_path, tmp_path):
    out = tmp_path / "gestures.csv"
    out.write_text("old contents\n", encoding="utf-8")
    for kind, first in (("gestures", "id,time,party,guest_name"),
                        ("complaints", "id,recorded_at,party"),
                        ("parties", "id,name,size,phone")):
        result = run("export", kind, "--db", str(db_path), "--config", CONFIG,
                     "--from", "2026-03-06", "--out", str(out))
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert text.startswith(first) and text.count("\n") == 1, (kind, text)


# -- a database written by a newer queueapp --------------------------------------------------

def from_the_future(db_path: Path) -> str:
    """Mark the file as migrated by a queueapp that knows one more migration; its digest."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('queueapp', 'm999_from_the_future', '2030-01-01')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return digest(db_path)


def digest(db_path: Path) -> str:
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    return hashlib.sha256(b"".join(p.read_bytes() for p in files if p.exists())).hexdigest()


def test_a_newer_database_is_refused_and_left_untouched(store, db_path, config):
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    store.close()
    before = from_the_future(db_path)
    for opener in (lambda: Store.open(db_path, config), lambda: Store.open_readonly(db_path)):
        with pytest.raises(StoreError) as err:
            opener()
        assert err.value.key == "err_db_newer"
        assert "written by a newer queueapp" in str(err.value)
        assert "upgrade queueapp" in str(err.value).lower()
        assert "m999_from_the_future" in str(err.value)
    assert digest(db_path) == before


@pytest.mark.parametrize("command", [["report"], ["export", "parties"], ["events"],
                                     ["backtest"], ["simulate", "--days", "1"]])
def test_every_command_refuses_a_newer_database(store, db_path, command):
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    store.close()
    before = from_the_future(db_path)
    result = run("--db", str(db_path), "--config", CONFIG, *command)
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert "written by a newer queueapp" in result.output
    assert "Upgrade queueapp" in result.output
    assert digest(db_path) == before


def test_the_app_refuses_a_newer_database(store, db_path, config):
    """``queueapp`` with no command opens the file this way before the stand starts."""
    store.close()
    before = from_the_future(db_path)
    with pytest.raises(click.ClickException) as err:
        store_or_exit(str(db_path), config)
    assert "written by a newer queueapp" in err.value.message
    assert digest(db_path) == before


def test_an_export_over_an_old_file_keeps_its_permissions_and_a_link_stays_a_link(
        store, db_path, tmp_path):
    """The file is written beside and then put in place (so a failure leaves the old one);
    what was there keeps its permissions, and a link still points where it did."""
    store.add_party(at(0), 2, "Li", tz=TZ)
    private = tmp_path / "private.csv"
    private.write_text("old\n", encoding="utf-8")
    private.chmod(0o600)
    link = tmp_path / "latest.csv"
    link.symlink_to(private)
    result = run("events", "--db", str(db_path), "--config", CONFIG, "--out", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and private.read_text(encoding="utf-8").startswith("time,event")
    assert private.stat().st_mode & 0o777 == 0o600
    other_name = tmp_path / "also.csv"  # a hard link: written through, both names agree
    other_name.hardlink_to(private)
    private.write_text("old\n", encoding="utf-8")
    result = run("events", "--db", str(db_path), "--config", CONFIG, "--out", str(private))
    assert result.exit_code == 0, result.output
    assert other_name.read_text(encoding="utf-8").startswith("time,event")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_an_empty_file_or_a_folder_is_named_for_what_it_is(tmp_path):
    """A 0-byte file read as "written by another version of queueapp", and a folder
    named as the database ([storage] db) as "read-only" or "no such file"."""
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for command in (["report"], ["events"], ["lead", "list"]):
        result = run(*command, "--db", str(empty), "--config", CONFIG)
        assert result.exit_code == 1 and "is an empty file (0 bytes)" in result.output
    config = tmp_path / "config.toml"
    config.write_text(Path(CONFIG).read_text(encoding="utf-8").replace(
        'db = ""', f'db = "{tmp_path}"', 1), encoding="utf-8")
    for command in (["report"], ["lead", "list"], ["purge", "--before", "2020-01-01"]):
        result = run(*command, "--config", str(config))
        assert result.exit_code == 1, (command, result.output)
        assert "is a folder, not a database file" in result.output, (command, result.output)


def test_to_alone_before_today_says_to_give_from(store, db_path):
    """`--to` alone, before today: the message said "swap them" about a --from that was
    never typed (it is today when left out)."""
    for command in (["report"], ["export", "gestures"]):
        result = run(*command, "--db", str(db_path), "--config", CONFIG, "--to", "1970-01-01")
        no_traceback(result)
        assert result.exit_code == 2
        assert "--to 1970-01-01 is before today's business day" in result.output
        assert "give --from as well" in result.output and "swap" not in result.output
    result = run("report", "--db", str(db_path), "--config", CONFIG,
                 "--from", "2026-03-06", "--to", "2026-03-05")
    assert result.exit_code == 2 and "swap them" in result.output


def test_an_unknown_category_is_refused_with_the_known_ones(store, db_path):
    """`--category drinks` (the category is drink) matched nothing: the report said no
    gestures were given, as if true."""
    result = run("report", "--db", str(db_path), "--config", CONFIG, "--category", "drinks")
    no_traceback(result)
    assert result.exit_code == 2
    assert "--category drinks: there is no gesture or complaint category" in result.output
    assert "drink, snack" in result.output and "unmet_request" in result.output
    for known in ("drink", "unmet_request"):
        result = run("report", "--db", str(db_path), "--config", CONFIG, "--category", known)
        assert result.exit_code == 0, result.output


def test_a_reader_that_stops_reading_is_no_error(store, db_path):
    """`queueapp events | head`: the reader closed the pipe once it had its lines, and the
    command ended with "Error: Could not write <stdout>: Broken pipe..." on stderr."""
    import os
    import subprocess
    import sys

    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "queueapp", "events", "--db", str(db_path), "--config", CONFIG],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert stderr == ""


def test_command_line_words_follow_the_config_language(store, db_path, tmp_path):
    """With `language = "zh"`: `events --out` said "Wrote N events to", the demo refused
    its file in English, and simulate --start 2026-02-30 asked for "a date like
    2026-03-02" (in English, and it is written like that)."""
    zh = tmp_path / "zh.toml"
    zh.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace(
        'language = "en"', 'language = "zh"'), encoding="utf-8")
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    out = tmp_path / "events.csv"
    result = CliRunner().invoke(
        main, ["events", "--db", str(db_path), "--config", str(zh), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"已将 1 条事件写入 {out}\n"
    result = run("demo", "--no-app", "--db", str(db_path), "--config", str(zh))
    assert result.exit_code == 1 and "已存在；演示需要一个新文件" in result.output
    result = run("simulate", "--db", str(tmp_path / "sim.db"), "--days", "1",
                 "--start", "2026-02-30", "--config", str(zh))
    assert result.exit_code == 2 and "--start 2026-02-30：没有这一天" in result.output
