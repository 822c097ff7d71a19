"""Records stay whole: ids are never reused, and commands that only read never write."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner
from helpers import CONFIG_PATH, at

from queueapp.cli.main import main
from queueapp.goodwill import guests


def test_an_undone_arrival_never_lends_its_id_or_its_guest(store):
    alice = store.add_party(at(0), 2, "Alice", "+8613812345678")
    guests.record_visit(store, store.party(alice.party))
    store.undo(at(1), alice.id)
    bob = store.add_party(at(2), 2, "Bob")
    assert bob.party != alice.party
    assert guests.guest_for_party(store, bob.party) is None


def test_party_numbers_count_past_999(store):
    ids = [store.add_party(at(0), 2, f"P{i}").party for i in range(1001)]
    assert ids[-1].endswith("-1001") and len(set(ids)) == 1001
    assert store.db.execute("SELECT count(*) FROM parties").fetchone()[0] == 1001


def test_reading_commands_do_not_change_the_file(store, db_path, tmp_path):
    store.add_party(at(0), 2, "Chen")
    store.close()
    # a config whose tables differ from the file's must not be synced into it
    other = tmp_path / "other.toml"
    other.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace('name = "R4"',
                                                                     'name = "Z4"'),
                     encoding="utf-8")
    def fingerprint() -> list[str]:
        files = [db_path, db_path.with_name(db_path.name + "-wal")]
        # an empty write-ahead log that a reader opens holds nothing
        return [hashlib.sha256(f.read_bytes()).hexdigest() for f in files
                if f.exists() and f.stat().st_size]

    before = fingerprint()
    runner = CliRunner()
    for args in (["events"], ["report"], ["export", "parties"], ["backtest"]):
        result = runner.invoke(main, [*args, "--db", str(db_path), "--config", str(other)])
        assert result.exit_code == 0, (args, result.output)
    assert fingerprint() == before
