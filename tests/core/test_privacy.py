"""Issue 10, point 9: phones masked, control characters stripped, old personal data purged
(counts and reports unchanged), the database readable by its owner only."""

from __future__ import annotations

import json
import os
import stat

import arrow
import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, config_variant

from queueapp import phone, privacy
from queueapp.cli.main import main
from queueapp.goodwill import guests
from queueapp.quotes.rule import Quote
from queueapp.review.exports import export_rows, render_report, write_rows
from queueapp.review.reports import Filters, build
from queueapp.sim.demo import build_demo
from queueapp.store import Store

TZ = "Asia/Shanghai"
PHONE = "+8613812345678"
EVIL = "Chen\x1b]0;owned\x07\x1b[2J\u202eeman"


def local(text: str) -> float:
    return arrow.get(text).replace(tzinfo=TZ).float_timestamp


def test_a_phone_is_shown_by_its_last_four_digits_only():
    assert phone.masked(PHONE) == "•••• 5678"
    assert phone.masked("") == "" and phone.masked("purged:12") == "•••• 12"
    assert "1381234" not in phone.masked(PHONE)


def test_control_characters_are_stripped_but_text_kept():
    # a whole escape sequence goes with its ESC: no "[2J" or window title left in a name
    assert privacy.printable(EVIL) == "Cheneman"
    assert privacy.printable("Li \x1b[1;31mRed\x1b[0m") == "Li Red"
    assert privacy.printable("a [VIP] 张[31m") == "a [VIP] 张[31m"  # typed brackets stay
    assert privacy.printable("a\tb\nc\r") == "a\tb\nc"
    assert privacy.printable("a\tb\nc", one_line=True) == "a b c"
    assert privacy.printable("王\x85小\x9b明") == "王小明"
    assert privacy.scrub({"k\x07": ["x\x1by", ("\x00z",)], "n": 3}) == \
        {"k": ["xy", ("z",)], "n": 3}


def _evening(store: Store, config) -> dict[str, str]:
    """Two old visits (seated and walked away, with phone and note), a guest card with a
    note, and one party still waiting from long ago."""
    def add(when: str, name: str, phone_: str = "", note: str = "", host: str = "Lin"):
        return store.add_party(local(when), 2, name, phone_, [], note, Quote(20, 15, 27),
                               tz=TZ, host=host).party

    old = add("2025-01-10T18:00", EVIL, PHONE, "allergic to peanuts")
    store.edit_party(local("2025-01-10T18:15"), old, {"note": "window please"})
    store.seat_party(local("2025-01-10T18:20"), old, "A1")
    store.table_departed(local("2025-01-10T19:30"), "A1")
    store.table_ready(local("2025-01-10T19:35"), "A1")
    gone = add("2025-01-10T18:05", "Zhao", "+8613900001111", "birthday", host="Ana")
    store.remove_party(local("2025-01-10T18:50"), gone, "walked_away")
    new = add("2026-11-20T18:00", "Wang", "+8613700002222", "high chair")
    store.seat_party(local("2026-11-20T18:10"), new, "A2")
    live = add("2025-01-11T12:00", "Still here", "+8613600003333", "VIP")
    card = guests.record_visit(store, store.party(old))
    assert card is not None
    guests.add_note(store, card.id, "allergy", "peanuts", "Lin", now=local("2025-01-10T18:30"))
    return {"old": old, "gone": gone, "new": new, "live": live}


def test_purge_anonymises_what_is_older_and_nothing_else(store, config):
    ids = _evening(store, config)
    before = {r[0]: r[1] for r in store.db.execute("SELECT id, data FROM events")}
    purged = privacy.purge(store, privacy.cutoff("2026-01-01", TZ))
    assert (purged.parties, purged.guests, purged.guest_notes) == (2, 1, 1)
    assert purged.events == 3  # the two arrivals and the edit with a note

    old, gone = store.party(ids["old"]), store.party(ids["gone"])
    assert (old.name, old.phone, old.note) == ("", "", "")
    assert (gone.name, gone.phone, gone.note) == ("", "", "")
    assert old.size == 2 and old.status == "left" and old.table == "A1"
    assert store.party(ids["new"]).name == "Wang"  # newer than the date
    live = store.party(ids["live"])  # still waiting, though old: never touched
    assert (live.name, live.phone, live.note) == ("Still here", "+8613600003333", "VIP")
    assert store.guests.by_phone(PHONE) is None  # the old guest no longer matches a number
    (name, phone_, notes), = store.db.execute(
        "SELECT name, phone, (SELECT group_concat(text) FROM guest_notes) FROM guests")
    assert name == "" and phone_.startswith("purged:") and notes == ""

    for event_id, data in store.db.execute("SELECT id, data FROM events"):
        was, now = json.loads(before[event_id]), json.loads(data)
        rest = {k: v for k, v in now.items() if k not in ("name", "phone", "note")}
        assert rest == {k: v for k, v in was.items() if k not in ("name", "phone", "note")}
        assert list(now) == list(was)  # the same keys, in the same order
        if was != now:
            assert not any(now.get(k) for k in ("name", "phone", "note"))
    text = " ".join(str(r) for r in store.db.execute("SELECT data FROM events"))
    assert "13812345678" not in text and "peanuts" not in text and "Zhao" not in text
    assert "Still here" in text and "Wang" in text
    # a second purge finds nothing left to do
    assert privacy.purge(store, privacy.cutoff("2026-01-01", TZ)).total == 0


def test_a_report_gives_the_same_figures_after_a_purge(db_path, config):
    store = Store.open(db_path, config)
    now = local("2026-11-20T20:00")
    build_demo(store, config, seed=3, now=now, history_days=6)
    whole = Filters(local("2026-11-01T00:00"), now)
    before = {fmt: render_report(build(store, whole, config), config, fmt)
              for fmt in ("text", "csv", "markdown")}
    before_json = json.loads(render_report(build(store, whole, config), config, "json"))
    parties = store.db.execute("SELECT count(*), sum(size) FROM parties").fetchone()

    purged = privacy.purge(store, local("2026-11-18T00:00"))
    assert purged.parties > 20 and purged.events > 20

    assert store.db.execute("SELECT count(*), sum(size) FROM parties").fetchone() == parties
    after = {fmt: render_report(build(store, whole, config), config, fmt) for fmt in before}
    assert after == before
    after_json = json.loads(render_report(build(store, whole, config), config, "json"))
    for walkaway in before_json["walkaways"]["parties"] + after_json["walkaways"]["parties"]:
        walkaway.pop("name")  # the only personal field a report shows
    assert after_json == before_json
    store.close()


def test_purge_runs_once_a_day_and_not_when_data_is_kept_forever(store):
    config = config_variant(**{"[goodwill]": "[privacy]\nkeep_guest_days = 30\n\n[goodwill]"})
    assert config.keep_guest_days == 30
    ids = _evening(store, config)
    now = local("2026-11-20T20:00")
    first = privacy.purge_if_due(store, now, config)
    assert first is not None and first.parties == 2
    assert privacy.purge_if_due(store, now + 3600, config) is None  # done today
    assert privacy.purge_if_due(store, now + 86400, config) is not None  # the next day
    assert store.party(ids["new"]).name == "Wang"  # 0 days old: kept
    forever = config_variant(**{"[goodwill]": "[privacy]\nkeep_guest_days = 0\n\n[goodwill]"})
    assert privacy.purge_if_due(store, now + 9 * 86400, forever) is None


def test_the_purge_command(store, config, db_path):
    ids = _evening(store, config)
    runner = CliRunner()
    args = ["purge", "--config", str(CONFIG_PATH), "--db", str(db_path)]
    result = runner.invoke(main, [*args, "--before", "2026-01-01", "--yes"])
    assert result.exit_code == 0, result.output
    assert "2 parties, 1 guests, 1 notes and 3 events" in result.output
    assert store.party(ids["old"]).name == ""
    bad = runner.invoke(main, [*args, "--before", "01/01/2026\x1b[2J"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output and "\x1b" not in bad.output
    for day in ("0001-01-01", "9999-12-31"):  # far dates: a clear result, never a traceback
        assert runner.invoke(main, [*args, "--before", day, "--yes"]).exit_code in (0, 2)
    missing = runner.invoke(main, ["purge", "--config", str(CONFIG_PATH), "--db",
                                   str(db_path.parent / "nope.db"), "--before", "2026-01-01"])
    assert missing.exit_code == 1 and "no such database file" in missing.output
    assert not (db_path.parent / "nope.db").exists()


def test_purge_says_how_many_and_asks_first(store, config, db_path):
    """`purge --before <today>` anonymised thousands of parties at once without a word,
    while `restore` asks: it says how many parties and guests, and asks (--yes does not,
    for scripts); no answer, or "n", changes nothing."""
    ids = _evening(store, config)
    runner = CliRunner()
    args = ["purge", "--config", str(CONFIG_PATH), "--db", str(db_path),
            "--before", "2026-01-01"]
    for answer in ("n\n", ""):  # "n", or a script's closed input
        asked = runner.invoke(main, args, input=answer)
        assert asked.exit_code == 1, asked.output
        assert "Anonymise the names, phones and notes of 2 parties and 1 guests (and 1 " \
               "guest notes) older than 2026-01-01" in asked.output, asked.output
        assert "cannot be undone" in asked.output and "Aborted" in asked.output
        assert store.party(ids["old"]).name != ""
    done = runner.invoke(main, args, input="y\n")
    assert done.exit_code == 0 and "2 parties, 1 guests" in done.output, done.output
    assert store.party(ids["old"]).name == ""
    # nothing left to anonymise: nothing to ask
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "Anonymise the" not in again.output, again.output
    # in the config's language
    zh_config = db_path.parent / "zh.toml"
    zh_config.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace(
        'language = "en"', 'language = "zh"', 1), encoding="utf-8")
    other = Store.open(db_path.parent / "zh.db", config)
    _evening(other, config)
    other.close()
    zh = runner.invoke(main, ["purge", "--config", str(zh_config), "--db",
                              str(db_path.parent / "zh.db"), "--before", "2026-01-01"],
                       input="n\n")
    assert zh.exit_code == 1 and "2026-01-01 之前的 2 桌客人和 1 位顾客" in zh.output, zh.output


def test_exports_and_reports_carry_no_control_characters(store, config):
    _evening(store, config)
    store.add_party(local("2026-11-20T19:00"), 2, "\x07Bell=1+1", "", [], "a\x1b[31mred",
                    Quote(20, 15, 27), tz=TZ, host="Lin\x1b[2J")
    day = Filters(local("2026-11-20T00:00"), local("2026-11-21T00:00"))
    for fmt in ("csv", "json"):
        out = write_rows(export_rows(store, "parties", day, config), fmt)
        assert "\x1b" not in out and "\x07" not in out
        assert "Bell=1+1" in out and "ared" in out
    rows = export_rows(store, "parties", day, config)
    assert any(r["name"] == "'Bell=1+1" for r in rows) or \
        any(r["name"] == "Bell=1+1" for r in rows)
    for fmt in ("text", "csv", "json", "markdown"):
        out = render_report(build(store, day, config), config, fmt)
        assert not any(ch in out for ch in "\x1b\x07\u202e"), fmt


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_new_database_and_its_wal_and_shm_are_readable_by_the_owner_only(tmp_path, config):
    old = os.umask(0o022)
    try:
        path = tmp_path / "new.db"
        store = Store.open(path, config)
        store.add_party(local("2026-11-20T18:00"), 2, "Chen", PHONE, [], "", None, tz=TZ)
        for name in ("new.db", "new.db-wal", "new.db-shm"):
            f = tmp_path / name
            assert f.exists(), name
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, name
        store.close()
    finally:
        os.umask(old)


def test_the_events_command_prints_no_control_characters(store, db_path):
    from queueapp.waitlist.events import read_events_csv

    store.import_events(read_events_csv(
        "time,event,party,size,table\n"
        "2026-11-20T18:00:00+08:00,arrive,\"P\x1b[2J1\",2,\n"
        "2026-11-20T18:10:00+08:00,seat,\"P\x1b[2J1\",2,\"A1\x07\"\n"))
    result = CliRunner().invoke(main, ["events", "--config", str(CONFIG_PATH),
                                       "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "P1," in result.output and "\x1b" not in result.output
    assert "\x07" not in result.output


def test_purge_refuses_a_day_after_today(store, db_path):
    """`purge --before 2099-01-01` (a mistyped year) anonymised every finished party at
    once, without a word. A day after today is refused, saying why; nothing changes."""
    from click.testing import CliRunner

    from queueapp.cli.main import main

    then = arrow.now(TZ).shift(days=-2).float_timestamp
    pid = store.add_party(then, 2, "Li Wei", "+8613812345678", tz=TZ).party
    store.seat_party(then + 600, pid, "A1")
    store.table_departed(then + 3600, "A1")
    tomorrow = arrow.now(TZ).shift(days=1).format("YYYY-MM-DD")
    result = CliRunner().invoke(main, ["purge", "--before", tomorrow, "--db", str(db_path),
                                       "--config", str(CONFIG_PATH)])
    assert result.exit_code == 2 and "is after today" in result.output, result.output
    assert store.party(pid).name == "Li Wei"
