"""The stand on a damaged file (issue 10, point 5): a bad row is skipped and named in a
warning while the rest works; a file failing ``quick_check`` is shown to the host, in
English and Chinese, with what to do; the app's timed backup."""

from __future__ import annotations

import sqlite3
import stat

from helpers import at, config_variant, settle, toasts

from queueapp.store import Store

TZ = "Asia/Shanghai"
SIZE = (160, 45)


def tamper(db_path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(sql, params)
    conn.close()


async def test_the_stand_starts_past_damaged_rows_and_names_them(make_app, db_path, config):
    s = Store.open(db_path, config)
    a, b, c = (s.add_party(at(i), 2, name, tz=TZ).party
               for i, name in enumerate(["Li Wei", "Chen", "Wang"]))
    s.close()
    tamper(db_path, "UPDATE parties SET tags = 'child' WHERE id = ?", a)
    tamper(db_path, "UPDATE parties SET arrived_at = 'yesterday' WHERE id = ?", b)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert set(app.snapshot.room.parties) == {c}
        shown = " ".join(toasts(app))
        assert "2 damaged rows skipped" in shown
        assert f"parties {a}" in shown and f"parties {b}" in shown
        assert "queueapp restore" in shown
        # the rest works: seat the good party with the keys a host uses
        await app.in_store(lambda store, now: store.seat_party(now, c, "A1"))
        assert app.snapshot.room.tables["A1"].party == c


def _scribble(db_path) -> None:
    """Damage the guest notes' first page, as a failing disk would (the stand still reads
    its parties)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'guest_notes'"
                        ).fetchone()[0]
    conn.close()
    with open(db_path, "r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * 64)


async def test_a_file_failing_its_check_is_shown_in_both_languages(make_app, db_path, config,
                                                                    zh_config):
    s = Store.open(db_path, config)
    s.add_party(at(0), 2, "Li Wei", tz=TZ)
    s.close()
    _scribble(db_path)
    for cfg, words in ((config, "failed its check"), (zh_config, "未通过检查")):
        app = make_app(cfg)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(app, pilot)
            shown = " ".join(toasts(app))
            assert words in shown, shown
            # what to do: restore later, keep the file as it is now (a backup of a damaged
            # file is refused, so the words no longer send the host to make one)
            assert "queueapp restore FILE" in shown and ".damaged" in shown


async def test_the_timed_backup_writes_an_owner_only_copy(make_app, db_path):
    cfg = config_variant(**{'db = ""': 'db = ""\nbackup_every_minutes = 15\nbackup_keep = 2'})
    app = make_app(cfg)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await app.in_store(lambda store, now: store.add_party(now, 2, "Li Wei", tz=TZ))
        for _ in range(3):
            worker = app.timed_backup()
            await worker.wait()
            app.clock.advance(minutes=15)
        folder = db_path.parent / "backups"
        copies = sorted(folder.glob("queue-*.db"))
        assert len(copies) == 2  # backup_keep
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in copies)
        conn = sqlite3.connect(copies[-1])
        assert conn.execute("SELECT name FROM parties").fetchall() == [("Li Wei",)]
        conn.close()
