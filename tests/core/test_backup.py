"""``queueapp backup`` and ``restore`` (issue 10, point 5): an online, consistent copy
made while the stand writes, checked, owner-only, the newest N kept; a restore that
checks the file first, asks, and keeps what it replaces; a read-only folder explained."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, ROOT, at, config_variant

from queueapp.cli.main import main
from queueapp.config import ConfigError
from queueapp.store import Store, StoreError
from queueapp.store.backup import make_backup, restore_backup

TZ = "Asia/Shanghai"
CONFIG = str(CONFIG_PATH)


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def parties_in(path: Path) -> set[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM parties")}
    finally:
        conn.close()


def test_a_backup_holds_what_was_committed_and_nothing_half_written(store, db_path, tmp_path):
    committed = [store.add_party(at(i), 2, f"Guest {i}", tz=TZ).party for i in range(5)]
    other = sqlite3.connect(db_path, isolation_level=None)  # another stand, mid-write
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO parties (id, size, status, arrived_at) VALUES "
                  "('half-written', 2, 'waiting', '2026-03-06T11:00:00+00:00')")
    # the committed rows are still in the -wal file: copying the main file alone loses them
    result = make_backup(db_path, at(10), tmp_path / "b", keep=3)
    other.execute("ROLLBACK")
    other.close()
    assert parties_in(result.path) == set(committed)
    conn = sqlite3.connect(result.path)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    conn.close()


def test_backups_are_owner_only_named_by_time_and_the_newest_kept(store, db_path, tmp_path):
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    folder = tmp_path / "backups"
    made = [make_backup(db_path, at(60 * i), folder, keep=2) for i in range(4)]
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(m.path.name for m in made[2:])
    assert names[0].startswith("queue-20260306-")
    assert made[3].removed == [made[1].path]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for p in folder.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_backup_command_keeps_the_configs_number_by_default(store, db_path, tmp_path):
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    cfg = tmp_path / "config.toml"
    cfg.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace(
        'db = ""', 'db = ""\nbackup_keep = 2'), encoding="utf-8")
    for _ in range(3):
        result = run("backup", "--db", str(db_path), "--config", str(cfg))
        assert result.exit_code == 0, result.output
        assert "Backed up" in result.output
    folder = db_path.parent / "backups"
    assert len(list(folder.glob("queue-*.db"))) == 2
    result = run("backup", "--db", str(db_path), "--config", str(cfg), "--keep", "1",
                 "--to", str(tmp_path / "elsewhere"))
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "elsewhere").iterdir())) == 1


def test_backup_of_a_missing_database_is_a_clear_message(tmp_path):
    result = run("backup", "--db", str(tmp_path / "nope.db"), "--config", CONFIG)
    assert result.exit_code == 1
    assert "no such database file to back up" in result.output


def test_restore_asks_checks_and_keeps_the_replaced_database(store, db_path, tmp_path):
    first = store.add_party(at(0), 2, "Li Wei", tz=TZ).party
    saved = make_backup(db_path, at(1), tmp_path / "b").path
    later = store.add_party(at(2), 4, "Chen", tz=TZ).party

    result = run("restore", str(saved), "--db", str(db_path), "--config", CONFIG, stdin="n\n")
    assert result.exit_code == 1  # not confirmed: nothing replaced
    assert parties_in(db_path) == {first, later}

    result = run("restore", str(saved), "--db", str(db_path), "--config", CONFIG, stdin="y\n")
    assert result.exit_code == 0, result.output
    assert "Replace" in result.output and "kept as" in result.output
    assert {p.id for p in store.load_room().parties.values()} == {first}  # the open stand too
    kept = list((db_path.parent / "backups").glob("queue-replaced-*.db"))
    assert len(kept) == 1 and parties_in(kept[0]) == {first, later}
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600


def test_restore_refuses_a_file_that_is_not_a_sound_backup(store, db_path, tmp_path):
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.close()
    before = db_path.read_bytes()
    for bad, words in ((junk, "not a sound SQLite file"), (other, "not a queueapp database"),
                       (tmp_path / "missing.db", "no such backup file")):
        result = run("restore", str(bad), "--db", str(db_path), "--config", CONFIG, "--yes")
        assert result.exit_code == 1, result.output
        assert words in result.output
        assert "Traceback" not in result.output
    assert db_path.read_bytes() == before


def test_restore_refuses_a_backup_written_by_a_newer_queueapp(store, db_path, tmp_path):
    store.add_party(at(0), 2, "Li Wei", tz=TZ)
    saved = make_backup(db_path, at(1), tmp_path / "b").path
    conn = sqlite3.connect(saved)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('queueapp', 'm999_from_the_future', '2030-01-01')")
    conn.close()
    with pytest.raises(StoreError) as err:
        restore_backup(saved, db_path, at(2))
    assert err.value.key == "err_db_newer"


def test_the_apps_timed_backup_is_checked_by_config(tmp_path):
    cfg = config_variant(**{'db = ""': 'db = ""\nbackup_every_minutes = 30\nbackup_keep = 3'})
    assert (cfg.backup_every_minutes, cfg.backup_keep) == (30, 3)
    for text, words in (("backup_every_minutes = 1", "0 (off) or between 5 and 1440"),
                        ("backup_every_minutes = nan", "0 (off) or between 5 and 1440"),
                        ("backup_keep = 0", "between 1 and 1000"),
                        ("backup_keep = 2.5", "should be")):
        with pytest.raises(ConfigError) as err:
            config_variant(**{'db = ""': f'db = ""\n{text}'})
        assert words in str(err.value)
        assert f"line {17}" in str(err.value)
        assert "storage." in str(err.value)


# -- a database in a read-only folder -------------------------------------------------------

def _as_unprivileged() -> list[str] | None:
    """How to run a command that file permissions apply to: as root, without the
    capabilities that bypass them (``setpriv``); None when that is not possible."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}"]


def test_a_database_in_a_read_only_folder_gets_a_clear_message(tmp_path, config):
    prefix = _as_unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot apply")
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "queue.db"
    s = Store.open(db, config)
    s.add_party(at(0), 2, "Li Wei", tz=TZ)
    s.close()  # WAL mode: the -wal and -shm files are gone until the next open
    folder.chmod(0o555)
    try:
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        for args in (["report", "--from", "2026-03-06"], ["events"], ["backup", "--to",
                                                                       str(tmp_path / "b")]):
            done = subprocess.run(
                [*prefix, sys.executable, "-m", "queueapp", *args, "--db", str(db),
                 "--config", CONFIG], capture_output=True, text=True, env=env, timeout=60)
            assert done.returncode == 1, (args, done.stdout, done.stderr)
            assert "is read-only" in done.stderr and "-wal and -shm" in done.stderr, done.stderr
            assert "Traceback" not in done.stderr
        done = subprocess.run([*prefix, sys.executable, "-m", "queueapp", "--db", str(db),
                               "--config", CONFIG], capture_output=True, text=True, env=env,
                              timeout=60)
        assert done.returncode == 1
        assert "is read-only" in done.stderr and "Traceback" not in done.stderr
    finally:
        folder.chmod(0o755)


def test_read_only_wal_and_shm_files_are_named_and_a_backup_gives_up(tmp_path, config):
    """A read of a read-only database left its -wal and -shm read-only (SQLite gives
    them the database's mode). A backup then spun for ever, deaf to Ctrl+C, and making
    the database writable, as the message said, did not help: the message now names
    those files, and the backup gives up within seconds, leaving no partial copy."""
    prefix = _as_unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot apply")
    db = tmp_path / "queue.db"
    s = Store.open(db, config)
    s.add_party(at(0), 2, "Li Wei", tz=TZ)
    s.close()
    db.chmod(0o444)
    env = os.environ | {"PYTHONPATH": str(ROOT)}

    def queueapp(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, sys.executable, "-m", "queueapp", *args, "--db",
                               str(db), "--config", CONFIG], capture_output=True, text=True,
                              env=env, timeout=60)

    assert queueapp("report", "--from", "2026-03-06").returncode == 0
    shm = db.with_name("queue.db-shm")
    assert shm.exists() and not shm.stat().st_mode & stat.S_IWUSR
    db.chmod(0o644)  # what the read-only message asked for
    done = queueapp("purge", "--before", "2020-01-01", "--yes")  # any command that writes
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert f"{shm}" in done.stderr and "chmod u+w" in done.stderr, done.stderr
    backups = tmp_path / "b"
    began = time.monotonic()
    done = queueapp("backup", "--to", str(backups))  # returns: a copy, or why not
    assert time.monotonic() - began < 30  # it spun for ever where the -shm locked it
    assert done.returncode == 0 or f"{shm}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not list(backups.glob("*.partial*"))


def test_a_restore_into_a_database_held_locked_gives_up_with_a_clear_message(
        store, db_path, tmp_path):
    backup = make_backup(db_path, at(0), tmp_path / "b").path
    store.close()
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="was not put back"):
            restore_backup(backup, db_path, at(1), tmp_path / "b")
    finally:
        holder.rollback()
        holder.close()
