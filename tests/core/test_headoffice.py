"""Head office: restaurants' records synced into a real PostgreSQL (no mocks).

Each test gets a fresh central database on a throwaway cluster (the ``postgres`` and
``central`` fixtures in conftest.py). The stores are real SQLite files, filled through
the store's own writes: a hand-built day with names, phones and notes that must never
leave, plus simulated service for volume.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import arrow
import psycopg
import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, LATE_MIDNIGHT, add_leads, config_variant, fill_late_service

from queueapp.cli.main import main
from queueapp.clock import business_days
from queueapp.complaints import loop as complaints
from queueapp.config import DAY_STARTS, Config, load_config
from queueapp.goodwill import gestures, guests
from queueapp.headoffice import report as chain
from queueapp.headoffice.outgoing import Pseudonyms
from queueapp.headoffice.push import HeadOfficeError, Target, days_moved, migrate, sync
from queueapp.headoffice.schema import DAY_COLUMNS, LATEST, MIGRATIONS, VERSION_TABLE
from queueapp.i18n import Translator
from queueapp.quotes.rule import Quote
from queueapp.review.reports import Filters, build
from queueapp.sim.demo import import_with_goodwill
from queueapp.sim.simulator import simulate
from queueapp.store import Store
from queueapp.store.sync import FEEDS

KEY = "chain-wide test key"
TZ = "Asia/Shanghai"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(CONFIG_PATH)


def local(text: str) -> float:
    return arrow.get(text).replace(tzinfo=TZ).float_timestamp


def fill_day(store: Store, config: Config, day: str, tag: str, phone_base: int) -> list[str]:
    """One evening with everything the figures count, and personal data marked with
    ``tag`` (names, notes, complaint texts, a custom gesture's words) and phones."""
    cat = config.catalogue
    made: list[str] = []

    def add(hhmm: str, size: int, quote: float | None, host: str, i: int) -> str:
        q = Quote(quote, quote * 0.75, quote * 1.35) if quote is not None else None
        phone = f"+86138{phone_base + i:08d}"
        ev = store.add_party(local(f"{day}T{hhmm}"), size, f"Guest{tag}{i}", phone, [],
                             f"NOTE-{tag}-{i}", q, tz=TZ, host=host)
        party = store.party(ev.party)
        assert party is not None
        card = guests.record_visit(store, party)
        assert card is not None
        guests.add_note(store, card.id, "like", f"LIKES-{tag}-{i}", host, local(f"{day}T{hhmm}"))
        made.append(ev.party)
        return ev.party

    a = add("17:00", 2, 30, "Lin", 1)
    b = add("17:10", 4, 20, "Lin", 2)
    c = add("18:05", 2, 25, "Ana", 3)
    d = add("18:10", 3, 30, "Ana", 4)
    e = add("18:30", 2, 20, "Ana", 5)
    f = add("18:40", 5, None, "Lin", 6)
    add("18:50", 1, 30, "Lin", 7)  # still waiting
    store.seat_party(local(f"{day}T17:28"), a, "A1")
    store.seat_party(local(f"{day}T17:45"), b, "A4")
    store.remove_party(local(f"{day}T18:20"), d, "walked_away")
    store.seat_party(local(f"{day}T18:34"), e, "A2")
    store.remove_party(local(f"{day}T18:45"), c, "walked_away")
    store.remove_party(local(f"{day}T18:50"), f, "cancelled")
    for table in ("A1", "A4", "A2"):  # the evening ends: every table free again
        store.table_departed(local(f"{day}T19:40"), table)
        store.table_ready(local(f"{day}T19:50"), table)

    def give(hhmm: str, party: str, item: object, host: str, **kw: object):
        return gestures.give(store, local(f"{day}T{hhmm}"), party, item, host,  # type: ignore[arg-type]
                             **kw)  # type: ignore[arg-type]

    give("17:05", a, cat["welcome_tea"], "Lin")
    give("17:30", b, cat["fruit_plate"], "Lin")
    give("17:35", b, f"CUSTOM-{tag}", "Lin", cost=5, note=f"GNOTE-{tag}")
    wrong = give("18:20", c, cat["fruit_plate"], "Ana")
    gestures.void(store, local(f"{day}T18:22"), wrong.id, "Ana", f"VOIDNOTE-{tag}")
    give("18:15", d, cat["voucher"], "Ana", approved_by="Mei")
    give("18:30", c, cat["dessert"], "Ana")
    r1 = gestures.start_rescue(store, local(f"{day}T18:18"), d, "Ana", "table:A3")
    gestures.record_outcome(store, r1.id, "left", local(f"{day}T18:20"))
    r2 = gestures.start_rescue(store, local(f"{day}T17:40"), b, "Lin", "kitchen_tour")
    gestures.record_outcome(store, r2.id, "stayed", local(f"{day}T17:45"))
    complaints.record(store, local(f"{day}T18:30"), "wait", f"WHAT-{tag}-1", party=c, host="Ana")
    c2 = complaints.record(store, local(f"{day}T17:40"), "food", f"WHAT-{tag}-2",
                           f"ACTION-{tag}", party=a, host="Lin")
    complaints.handle(store, c2.id, local(f"{day}T17:45"), "Lin", f"HANDLED-{tag}")
    c3 = complaints.record(store, local(f"{day}T17:50"), "service", f"WHAT-{tag}-3", party=b,
                           host="Lin")
    complaints.handle(store, c3.id, local(f"{day}T17:55"), "Lin", f"HANDLED-{tag}-3")
    complaints.recheck(store, c3.id, local(f"{day}T18:30"), "Mei", f"RECHECK-{tag}")
    complaints.feed_back(store, c3.id, local(f"{day}T19:00"), "Mei", "purchasing",
                         f"FEEDBACK-{tag}")
    return made


def make_store(path: Path, config: Config, tag: str, phone_base: int, sim_days: int = 0,
               seed: int = 1) -> Store:
    store = Store.open(path, config, station="test")
    add_leads(store)
    if sim_days:
        events = simulate(config, sim_days, "hotpot", seed, date(2026, 11, 2))
        import_with_goodwill(store, config, events, seed)
    fill_day(store, config, "2026-11-20", tag, phone_base)
    fill_day(store, config, "2026-11-21", tag + "b", phone_base + 100)
    return store


def local_counts(store: Store) -> dict[str, set[object]]:
    """Every local id each feed must have sent."""
    out: dict[str, set[object]] = {}
    for feed in FEEDS:
        batch = store.sync.batch(feed, 0, 10**9)
        out[feed.name] = {r[0] for r in batch.rows}
    return out


def central_ids(url: str, site: str) -> dict[str, list[object]]:
    with psycopg.connect(url) as conn:
        return {f.name: [r[0] for r in conn.execute(
            f"SELECT local_id FROM {f.name} WHERE site = %s ORDER BY local_id", [site])]
            for f in FEEDS}


def assert_complete(url: str, site: str, store: Store) -> None:
    """Central holds exactly the store's rows: none missing, none twice."""
    want = local_counts(store)
    got = central_ids(url, site)
    for feed in FEEDS:
        assert len(got[feed.name]) == len(set(got[feed.name])), feed.name
        assert set(got[feed.name]) == want[feed.name], feed.name


@pytest.fixture
def one_store(tmp_path: Path, config: Config):
    store = make_store(tmp_path / "a.db", config, "Alpha", 10_000, sim_days=3)
    yield store
    store.close()


# -- sync ---------------------------------------------------------------------------------

def test_first_sync_then_only_what_is_new(central: str, one_store: Store, config: Config):
    migrate(central)
    target = Target(central, "alpha", KEY)
    first = sync(one_store, config, target, batch_size=400)
    assert first.batches > len(FEEDS)  # really in several batches
    assert_complete(central, "alpha", one_store)
    assert sync(one_store, config, target).total == 0  # nothing new: nothing sent
    # the stand goes on: a new party, seated; a gesture; a void of an older one
    ev = one_store.add_party(local("2026-11-22T12:00"), 2, "Late Guest", "", [], "", None, tz=TZ,
                             host="Lin")
    one_store.seat_party(local("2026-11-22T12:05"), ev.party, "A1")
    given = gestures.give(one_store, local("2026-11-22T12:06"), ev.party,
                          config.catalogue["welcome_tea"], "Lin")
    gestures.void(one_store, local("2026-11-22T12:07"), given.id, "Lin", "oops")
    second = sync(one_store, config, target)
    assert second.rows == {"events": 2, "parties": 1, "gestures": 2}
    assert_complete(central, "alpha", one_store)
    with psycopg.connect(central) as conn:
        status = conn.execute("SELECT status, table_name FROM parties WHERE site = 'alpha' "
                              "AND local_id = %s", [ev.party]).fetchone()
    assert status == ("seated", "A1")  # the party row follows its events


def test_killed_between_batches_then_rerun(central: str, one_store: Store, config: Config):
    migrate(central)
    target = Target(central, "alpha", KEY)
    sent: list[str] = []

    def crash_after_three(feed: str, batch: object) -> None:
        sent.append(feed)
        if len(sent) == 3:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        sync(one_store, config, target, batch_size=300, between=crash_after_three)
    with psycopg.connect(central) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 900
    sync(one_store, config, target, batch_size=300)
    assert_complete(central, "alpha", one_store)


def test_a_half_sent_batch_is_rolled_back(central: str, one_store: Store, config: Config):
    migrate(central)
    target = Target(central, "alpha", KEY)

    def fail_inside(feed: str, batch: object) -> None:
        if feed == "gestures":
            raise RuntimeError("the line dropped mid-batch")

    with pytest.raises(RuntimeError):
        sync(one_store, config, target, batch_size=100, inside=fail_inside)
    with psycopg.connect(central) as conn:
        # rows were written in the batch's transaction before the fault: none stayed
        assert conn.execute("SELECT count(*) FROM gestures").fetchone()[0] == 0
        assert conn.execute("SELECT last_id FROM sync_marks WHERE feed = 'gestures'"
                            ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM site_shifts").fetchone()[0] == 0
    sync(one_store, config, target)
    assert_complete(central, "alpha", one_store)


def test_sigkill_mid_run_leaves_no_duplicates_and_no_gaps(central: str, one_store: Store,
                                                          config: Config, tmp_path: Path):
    migrate(central)
    env = {**os.environ, "QUEUEAPP_CHAIN_KEY": KEY, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "queueapp", "--config", str(CONFIG_PATH), "sync", "--to",
           central, "--site", "alpha", "--db", str(one_store.path), "--batch", "25"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    with psycopg.connect(central, autocommit=True) as conn:
        while time.monotonic() < deadline and proc.poll() is None:
            acked = conn.execute("SELECT coalesce(sum(rows_sent), 0) FROM sync_marks"
                                 ).fetchone()[0]
            if acked >= 100:
                break
            time.sleep(0.02)
    assert proc.poll() is None, "the sync finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with psycopg.connect(central) as conn:
        partial = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert 0 < partial < len(local_counts(one_store)["events"])
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_complete(central, "alpha", one_store)


def test_server_down_while_the_stand_works_then_back(tmp_path: Path, config: Config):
    from pgcluster import Cluster

    cluster = Cluster().init()  # its own: this one is stopped and started again
    cluster.start()
    try:
        url = cluster.new_database()
        migrate(url)
        store = make_store(tmp_path / "a.db", config, "Down", 30_000)
        target = Target(url, "down", KEY)
        sync(store, config, target)
        cluster.stop()
        # the stand works on while head office is away, and a sync says so, quickly
        ev = store.add_party(local("2026-11-22T12:00"), 2, "While Down", "", [], "", None,
                             tz=TZ, host="Lin")
        store.seat_party(local("2026-11-22T12:03"), ev.party, "A1")
        began = time.monotonic()
        with pytest.raises(HeadOfficeError) as err:
            sync(store, config, target)
        assert err.value.key == "err_hq_unreachable"
        assert time.monotonic() - began < 7
        assert "does not answer" in str(err.value) and "hq-test-secret" not in str(err.value)
        cluster.start()
        assert sync(store, config, target).rows["events"] == 2
        assert_complete(url, "down", store)
        store.close()
    finally:
        cluster.destroy()


# -- two stores, the chain report -------------------------------------------------------

@pytest.fixture
def two_stores(central: str, tmp_path: Path, config: Config):
    migrate(central)
    a = make_store(tmp_path / "a.db", config, "Alpha", 10_000, sim_days=4, seed=3)
    # the same phones as Alpha's first evening: the same guests, returning elsewhere
    b = make_store(tmp_path / "b.db", config, "Beta", 10_000, sim_days=2, seed=4)
    sync(a, config, Target(central, "alpha", KEY), batch_size=700)
    sync(b, config, Target(central, "beta", KEY), batch_size=700)
    yield a, b
    a.close()
    b.close()


def _days(first: str, last: str, day_starts: int = DAY_STARTS) -> Filters:
    """The business days ``first`` to ``last`` as ``queueapp report`` reads them."""
    return Filters(*business_days(date.fromisoformat(first), date.fromisoformat(last), TZ,
                                  day_starts))


@pytest.mark.parametrize("first,last", [("2026-11-20", "2026-11-20"),
                                        ("2026-11-21", "2026-11-21"),
                                        ("2026-11-02", "2026-11-21"),
                                        ("2026-11-03", "2026-11-04")])
def test_chain_report_equals_each_stores_own_report(two_stores, central: str, config: Config,
                                                    first: str, last: str):
    rep = chain.build(central, date.fromisoformat(first), date.fromisoformat(last))
    rows = {r["site"]: r for r in rep.stores}
    assert set(rows) == {"alpha", "beta"}
    for site, store in zip(("alpha", "beta"), two_stores, strict=True):
        own = build(store, _days(first, last), config)
        row = rows[site]
        assert (row["parties"], row["guests"], row["seated"]) == \
            (own.parties, own.guests, own.seated)
        assert (row["gestures"], row["voids"]) == (own.gesture_count, own.voids)
        assert row["spend"] == pytest.approx(own.gesture_cost, abs=0.005)
        assert row["budget"] == pytest.approx(sum(own.budget_by_host.values()))
        assert (row["walkaways"], row["walkaways_after_quote"]) == \
            (len(own.walkaways), own.walkaways_after_quote)
        assert (row["rescues"], row["stayed"]) == \
            (len(own.rescues), sum(r.outcome == "stayed" for r in own.rescues))
        assert (row["complaints"], row["unhandled"], row["unrechecked"], row["still_open"]) == \
            (own.complaints, own.complaints_unhandled, own.complaints_unrechecked,
             own.complaints_open)
        assert row["complaints_per_100"] == pytest.approx(own.complaints_per_100)
        assert row["past_quote_10"] == own.past_quote_10
        assert row["quoted"] == own.accuracy.n
        if own.accuracy.n:
            assert row["quote_mae"] == pytest.approx(own.accuracy.mae)
            assert row["within5"] == pytest.approx(own.accuracy.within5)
        if own.parties:
            assert row["gestures_per_100"] == pytest.approx(100 * own.gesture_count
                                                            / own.parties)
    totals = rep.chain
    assert totals["parties"] == sum(r["parties"] for r in rep.stores)
    assert totals["stores"] == 2


def test_the_hand_built_day_is_what_the_figures_say(two_stores, central: str):
    """Worked out by hand from fill_day (not read back from the code)."""
    rep = chain.build(central, date(2026, 11, 21), date(2026, 11, 21), rank="within5")
    row = {r["site"]: r for r in rep.stores}["beta"]
    # 7 parties (2+4+2+3+2+5+1 = 19 guests), 3 seated; walked away: the 18:05 party after
    # 40 min on a 25 quote, the 18:10 one after 10 on 30
    assert (row["parties"], row["guests"], row["seated"]) == (7, 19, 3)
    assert (row["walkaways"], row["walkaways_after_quote"]) == (2, 1)
    # quote errors: 30-28 = 2, 20-35 = -15, 20-4 = 16: mean |e| 11, one within 5 minutes
    assert row["quote_mae"] == pytest.approx(11.0)
    assert row["within5"] == pytest.approx(1 / 3)
    assert row["past_quote_10"] == 2  # 35 on 20, 40 on 25
    # tea 0, fruit 12, custom 5, fruit 12 voided, voucher 30, dessert 15
    assert (row["gestures"], row["voids"], row["spend"]) == (5, 1, 62.0)
    assert (row["complaints"], row["unhandled"], row["unrechecked"]) == (3, 1, 2)
    assert (row["rescues"], row["stayed"]) == (2, 1)
    # Lin and Ana each gave in the 16:30 shift: two budgets of 300
    assert row["budget"] == 600


def test_chain_week_view_and_returning_guests(two_stores, central: str):
    with psycopg.connect(central) as conn:
        weeks = conn.execute("SELECT site, week, parties, gestures FROM chain_week "
                             "WHERE week = '2026-11-16' ORDER BY site").fetchall()
        assert [w[0] for w in weeks] == ["alpha", "beta"]
        # the same phones in both stores: the same pseudonyms, counted across stores
        both = conn.execute("SELECT count(*) FROM chain_guests WHERE stores = 2").fetchone()[0]
    rep = chain.build(central, date(2026, 11, 16), date(2026, 11, 22))
    assert {r["site"]: (r["parties"], r["gestures"]) for r in rep.stores} == \
        {w[0]: (w[2], w[3]) for w in weeks}
    assert both >= 7
    names = Pseudonyms(KEY, "CN")
    assert names.guest("+8613800010001") == names.guest("138 0001 0001")
    assert names.guest("+8613800010001") != Pseudonyms("another key", "CN").guest(
        "+8613800010001")


def test_no_personal_data_in_any_central_table(two_stores, central: str, config: Config):
    secrets: set[str] = set()
    for store in two_stores:
        db = store.sync.db  # the test reads the files directly: it is not the app
        for sql in ("SELECT name, phone, note FROM parties", "SELECT text FROM guest_notes",
                    "SELECT phone, name FROM guests", "SELECT what, action FROM complaints",
                    "SELECT note FROM complaint_steps", "SELECT note FROM gestures",
                    "SELECT label FROM gestures WHERE category = 'custom'",
                    "SELECT name FROM hosts", "SELECT name FROM leads"):
            for row in db.execute(sql):
                secrets |= {v for v in row if isinstance(v, str) and len(v) >= 4}
        secrets |= {p[3:] for p in secrets if p.startswith("+86")}  # national digits too
    secrets |= {"Lin", "Ana", "Mei"}  # staff names
    # simulated notes name what a guest liked by its catalogue id ("apron"): not personal
    secrets -= {i.id for i in config.interactions} | {i.label for i in config.interactions}
    assert any("NOTE-Alpha" in s for s in secrets) and any("GuestBeta" in s for s in secrets)
    text = []
    with psycopg.connect(central) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb') "
            "AND table_name IN (SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE')").fetchall()
        assert len(columns) > 20
        for table, column in columns:
            text += [str(v) for (v,) in conn.execute(f"SELECT {column}::text FROM {table}")
                     if v is not None]
    blob = "\n".join(text)
    leaked = sorted(s for s in secrets if s in blob)
    assert leaked == []


def test_messages_go_with_their_status_and_never_their_words(central: str, one_store: Store,
                                                             config: Config):
    """A message is sent when queued and again when its status moves on (by revision);
    its words (the guest's name, the page's link) stay in the restaurant."""
    from queueapp.store.outbox import NewMessage

    migrate(central)
    target = Target(central, "alpha", KEY)
    ev = one_store.add_party(local("2026-11-22T12:00"), 2, "Wordy Guest", "+8613800001111",
                             tz=TZ, ticket_prefix="A")
    words = [f"Hello Wordy Guest, A001 link {n}" for n in range(3)]
    one_store.outbox.enqueue(local("2026-11-22T12:00"), [
        NewMessage(ev.party, kind, f"{ev.party}:{kind}", "1:json", text)
        for kind, text in zip(("added", "close", "ready"), words, strict=True)])
    sync(one_store, config, target, batch_size=2)  # a revision is never cut in two
    assert_complete(central, "alpha", one_store)
    first = one_store.outbox.for_parties([ev.party])[ev.party][0]
    one_store.outbox.mark_sent(first.id, local("2026-11-22T12:01"))
    assert sync(one_store, config, target).rows == {"messages": 1}
    with psycopg.connect(central) as conn:
        rows = conn.execute("SELECT local_id, kind, channel, status FROM messages "
                            "WHERE site = 'alpha' ORDER BY local_id").fetchall()
        every = conn.execute("SELECT m::text FROM messages m").fetchall()
    assert [r[1:] for r in rows] == [("added", "json", "sent"), ("close", "json", "queued"),
                                     ("ready", "json", "queued")]
    assert not any("Wordy" in r[0] or "1111" in r[0] for r in every)


def test_an_undone_arrival_leaves_head_office_too(central: str, one_store: Store,
                                                   config: Config):
    migrate(central)
    target = Target(central, "alpha", KEY)
    kept = one_store.add_party(local("2026-11-22T12:00"), 2, "Kept", tz=TZ)
    undone = one_store.add_party(local("2026-11-22T12:01"), 4, "Typo", tz=TZ)
    sync(one_store, config, target)
    one_store.undo(local("2026-11-22T12:02"), undone.id or 0)
    sync(one_store, config, target)
    with psycopg.connect(central) as conn:
        ids = {r[0] for r in conn.execute("SELECT local_id FROM parties WHERE site = 'alpha' "
                                          "AND arrived_at >= '2026-11-22'")}
    assert ids == {kept.party}
    day = date(2026, 11, 22)
    row = {r["site"]: r for r in chain.build(central, day, day).stores}["alpha"]
    own = build(one_store, _days("2026-11-22", "2026-11-22"), config)
    assert (row["parties"], row["guests"]) == (own.parties, own.guests) == (1, 2)


def test_a_file_put_back_from_a_backup_is_refused_not_half_sent(central: str, tmp_path: Path,
                                                                one_store: Store,
                                                                config: Config):
    from queueapp.store.backup import make_backup

    migrate(central)
    target = Target(central, "alpha", KEY)
    sync(one_store, config, target)
    backup = make_backup(one_store.path, local("2026-11-22T11:00"), tmp_path / "b").path
    one_store.add_party(local("2026-11-22T12:00"), 4, "After the backup", tz=TZ)
    sync(one_store, config, target)
    before = central_ids(central, "alpha")
    restored = Store.open(backup, config)
    restored.add_party(local("2026-11-22T13:00"), 6, "After the restore", tz=TZ)
    with pytest.raises(HeadOfficeError) as err:
        sync(restored, config, target)
    assert err.value.key == "err_hq_file_behind" and "backup" in str(err.value)
    assert central_ids(central, "alpha") == before  # nothing sent, nothing mixed up


# -- faults and bad input ------------------------------------------------------------------

def test_errors_say_what_is_wrong(postgres, central: str, one_store: Store, config: Config,
                                  tmp_path: Path):
    def key_of(url: str, site: str = "alpha", store: Store = one_store) -> str:
        with pytest.raises(HeadOfficeError) as err:
            sync(store, config, Target(url, site, KEY))
        return err.value.key

    assert key_of("mysql://somewhere/db") == "err_hq_url"
    assert key_of(postgres.url(password="wrong")) == "err_hq_password"
    assert key_of(f"postgresql://postgres@127.0.0.1:{postgres.port + 1}/x".replace(
        str(postgres.port + 1), "1")) == "err_hq_unreachable"
    assert key_of(postgres.url("no_such_db")) == "err_hq_no_database"
    assert key_of(central) == "err_hq_no_schema"
    migrate(central)
    assert migrate(central) == (LATEST, LATEST)  # again: already current
    sync(one_store, config, Target(central, "alpha", KEY))
    other = Store.open(tmp_path / "other.db", config)
    assert key_of(central, "alpha", other) == "err_hq_site_clash"  # another store, same name
    assert key_of(central, "renamed") == "err_hq_site_renamed"  # this store, a new name
    other.close()
    with psycopg.connect(central) as conn:
        conn.execute("INSERT INTO queueapp_schema (version, about) VALUES (99, 'future')")
    assert key_of(central) == "err_hq_schema_newer"
    with pytest.raises(HeadOfficeError) as err:
        chain.build(central, date(2026, 11, 20), date(2026, 11, 20))
    assert err.value.key == "err_hq_schema_newer"


def test_command_line(central: str, one_store: Store, config: Config, monkeypatch,
                      tmp_path: Path):
    runner = CliRunner()
    base = ["--config", str(CONFIG_PATH)]
    monkeypatch.delenv("QUEUEAPP_CHAIN_KEY", raising=False)
    done = runner.invoke(main, [*base, "sync", "--to", central, "--site", "alpha", "--db",
                                str(one_store.path)])
    assert done.exit_code == 1 and "No chain key" in done.output and "Traceback" not in done.output
    monkeypatch.setenv("QUEUEAPP_CHAIN_KEY", KEY)
    done = runner.invoke(main, [*base, "sync", "--to", central, "--site", "alpha", "--db",
                                str(one_store.path)])
    assert done.exit_code == 1 and "--init" in done.output
    done = runner.invoke(main, [*base, "sync", "--to", central, "--init"])
    assert done.exit_code == 0 and f"version 0 to {LATEST}" in done.output
    done = runner.invoke(main, [*base, "sync", "--to", central, "--site", "alpha", "--db",
                                str(one_store.path)])
    assert done.exit_code == 0 and "alpha: sent" in done.output, done.output
    assert "days now begin" not in done.stderr
    # the same store from a terminal whose config counts calendar days: said on stderr
    calendar = tmp_path / "calendar.toml"
    calendar.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace(
        'currency = "¥"', LATE_MIDNIGHT), encoding="utf-8")
    done = runner.invoke(main, ["--config", str(calendar), "sync", "--to", central, "--site",
                                "alpha", "--db", str(one_store.path)])
    assert done.exit_code == 0 and "alpha: nothing new" in done.stdout, done.output
    assert "alpha's days now begin at 00:00 (Asia/Shanghai), not 04:00" in done.stderr
    for fmt in ("text", "csv", "json", "markdown"):
        done = runner.invoke(main, [*base, "chain-report", "--pg", central, "--from",
                                    "2026-11-20", "--to", "2026-11-21", "--format", fmt])
        assert done.exit_code == 0, done.output
        assert "alpha" in done.output
    data = json.loads(done.output if fmt == "json" else runner.invoke(
        main, [*base, "chain-report", "--pg", central, "--from", "2026-11-20", "--to",
               "2026-11-21", "--format", "json"]).output)
    assert data["stores"][0]["parties"] == 14 and data["chain"]["stores"] == 1
    done = runner.invoke(main, [*base, "chain-report", "--pg", central, "--from", "20-11-2026"])
    assert done.exit_code == 2 and "YYYY-MM-DD" in done.output


def test_the_headoffice_config_section(monkeypatch):
    from helpers import config_variant

    from queueapp.config import ConfigError, HeadOffice

    def variant(body: str) -> Config:
        return config_variant(**{"[goodwill]": f"[headoffice]\n{body}\n\n[goodwill]"})

    cfg = variant('url = "postgresql://store@hq.example/chain"\nsite = "sh-1"\n'
                  "every_seconds = 30")
    assert cfg.headoffice == HeadOffice("postgresql://store@hq.example/chain", "sh-1", "", 30)
    monkeypatch.setenv("QUEUEAPP_CHAIN_KEY", "from the environment")
    assert cfg.headoffice.resolved_key() == "from the environment"
    for bad, says in (('url = "mysql://x/y"', "PostgreSQL address"),
                      ('site = "two words"', "letters, digits"),
                      ("every_seconds = 1", "every_seconds")):
        with pytest.raises(ConfigError) as err:
            variant(bad)
        assert says in str(err.value)


BAD_ADDRESSES = [  # (address, what the message says of it): each passed check-config
    ("postgresql://u:hq-secret@[::1:5432/chain", "'postgresql://[::1:5432/chain' is not an "
     "address PostgreSQL can read (end of string reached when looking for matching \"]\" in "
     "IPv6 host address)"),
    ("postgresql://u:hq-secret@hq:54x2/chain", "'postgresql://hq:54x2/chain' is not an address "
     "PostgreSQL can read (the port \"54x2\" is not a number from 1 to 65535)"),
    ("postgresql://u:hq secret@hq/chain", "(unexpected spaces found in \"•••\", use "
     "percent-encoded spaces (%20) instead)"),
    ("postgresql://u@hq/chain?sslmod=require&password=hq-secret",
     "(invalid URI query parameter: \"sslmod\")"),
]


@pytest.mark.parametrize(("url", "says"), BAD_ADDRESSES)
def test_an_address_libpq_cannot_read_is_refused_when_the_config_is_read(url, says):
    """psycopg's own reading of the address judges it (a bracket never closed used to pass
    check-config and end sync in a traceback); the password is never printed."""
    from helpers import config_variant

    from queueapp.config import ConfigError

    with pytest.raises(ConfigError) as err:
        config_variant(**{"[goodwill]": f'[headoffice]\nurl = "{url}"\n\n[goodwill]'})
    text = str(err.value)
    assert "headoffice.url: " in text and says in text, text
    assert "hq-secret" not in text and "hq secret" not in text
    assert 'Write it like "postgresql://queueapp@hq.example:5432/chain"' in text
    ok = config_variant(**{"[goodwill]": '[headoffice]\nurl = "postgresql://u:p@[::1]:5432/'
                                         'chain?sslmode=require"\n\n[goodwill]'})
    assert ok.headoffice.url.startswith("postgresql://u:p@[::1]:5432")


@pytest.mark.parametrize(("url", "says"), BAD_ADDRESSES)
def test_sync_and_chain_report_say_what_is_wrong_with_an_address(url, says, tmp_path,
                                                                 config, monkeypatch):
    """The same address given on the command line (or in QUEUEAPP_HEADOFFICE_URL): one
    clear line and exit 1 from sync, sync --init and chain-report, never a traceback."""
    monkeypatch.setenv("QUEUEAPP_CHAIN_KEY", KEY)
    Store.open(tmp_path / "a.db", config).close()
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    base = ["--config", str(CONFIG_PATH)]
    shown = says.split(" is not an address")[0].strip("'")
    for args in (["sync", "--to", url, "--site", "alpha", "--db", db],
                 ["sync", "--to", url, "--init"], ["chain-report", "--pg", url]):
        done = runner.invoke(main, [*base, *args])
        assert done.exit_code == 1 and isinstance(done.exception, SystemExit), done.output
        assert "is not an address PostgreSQL can read" in done.output, done.output
        assert says.split(" can read ")[-1] in done.output and shown in done.output
        assert "hq-secret" not in done.output and "hq secret" not in done.output
    monkeypatch.setenv("QUEUEAPP_HEADOFFICE_URL", url)
    done = runner.invoke(main, [*base, "sync", "--site", "alpha", "--db", db])
    assert done.exit_code == 1 and "is not an address PostgreSQL can read" in done.output


# -- the business day ---------------------------------------------------------------------

def _site_days(url: str, site: str) -> dict[date, int]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT day, parties FROM site_days WHERE site = %s "
                                 "ORDER BY day", [site]).fetchall())


def test_a_late_service_is_one_business_day_at_head_office(central: str, tmp_path: Path,
                                                           config: Config):
    """18:00 to 01:30 (and a guest at 03:59) is one day centrally as at the stand; a store
    that moves its day start has every figure recomputed on the new days."""
    migrate(central)
    store = Store.open(tmp_path / "late.db", config, station="test")
    add_leads(store)
    fill_late_service(store, config)
    midnight = config_variant(**{'currency = "¥"': LATE_MIDNIGHT})
    friday, saturday = date(2026, 11, 20), date(2026, 11, 21)

    def agrees(cfg: Config, day: date) -> int:
        """The chain's row for the store on ``day`` is its own report's: its parties."""
        row = {r["site"]: r for r in chain.build(central, day, day).stores}["late"]
        own = build(store, _days(day.isoformat(), day.isoformat(), cfg.day_starts), cfg)
        assert (row["parties"], row["guests"], row["seated"], row["gestures"],
                row["walkaways"]) == (own.parties, own.guests, own.seated, own.gesture_count,
                                      len(own.walkaways))
        assert row["spend"] == pytest.approx(own.gesture_cost, abs=0.005)
        assert row["budget"] == pytest.approx(sum(own.budget_by_host.values()))
        return row["parties"]

    # first as a restaurant that keeps calendar days: what head office counted before
    assert sync(store, midnight, Target(central, "late", KEY)).days_were is None  # new
    assert _site_days(central, "late") == {friday: 2, saturday: 4}
    assert (agrees(midnight, friday), agrees(midnight, saturday)) == (2, 4)
    # days from 04:00: nothing new to send, every day recomputed on the business days,
    # and said (two terminals whose configs disagree would move them back and forth)
    told: list[tuple[str, int]] = []
    moved = sync(store, config, Target(central, "late", KEY), moved=told.append)
    assert (moved.total, moved.days_were, told) == (0, (TZ, 0), [(TZ, 0)])
    assert days_moved(Translator("en"), "late", (TZ, 0), config) == (
        "Head office: late's days now begin at 04:00 (Asia/Shanghai), not 00:00 "
        "(Asia/Shanghai); every daily figure was counted again. If another terminal of "
        "this store says otherwise, make their config files agree.")
    assert _site_days(central, "late") == {friday: 5, saturday: 1}
    assert (agrees(config, friday), agrees(config, saturday)) == (5, 1)
    with psycopg.connect(central) as conn:
        assert conn.execute("SELECT timezone, day_starts FROM sites WHERE name = 'late'"
                            ).fetchone() == (TZ, 240)
    # the next batch's days are business days too: Sunday 02:00 is Saturday's evening
    store.add_party(local("2026-11-22T02:00"), 2, "Night owl", tz=TZ, host="Lin")
    again = sync(store, config, Target(central, "late", KEY), moved=told.append)
    assert again.days_were is None and told == [(TZ, 0)]  # nothing moved: nothing said
    assert _site_days(central, "late") == {friday: 5, saturday: 2}
    # a run that moves the days and then fails still says so: the move is committed
    store.add_party(local("2026-11-22T03:00"), 2, "Later owl", tz=TZ, host="Lin")

    def cut(feed: str, batch: object) -> None:
        raise HeadOfficeError("err_hq_failed", where="at test", detail="the line dropped")

    with pytest.raises(HeadOfficeError):
        sync(store, midnight, Target(central, "late", KEY), inside=cut, moved=told.append)
    assert told == [(TZ, 0), (TZ, 240)]
    assert sync(store, midnight, Target(central, "late", KEY)).days_were is None
    store.close()


def test_schema_v3_keeps_midnight_for_the_stores_already_there(central: str):
    """A head office at version 2 with a store and its figures: the migration gives the
    store day_starts 0, so its figures mean what they meant until it sends its own."""
    with psycopg.connect(central, autocommit=True) as conn:
        conn.execute(VERSION_TABLE)
        for version, about, run in MIGRATIONS[:2]:
            run(lambda text: conn.execute(text))  # type: ignore[arg-type]
            conn.execute("INSERT INTO queueapp_schema (version, about) VALUES (%s, %s)",
                         [version, about])
        conn.execute("INSERT INTO sites (name, site_id, timezone) VALUES ('old', 'x', %s)",
                     [TZ])
        conn.execute("INSERT INTO site_days SELECT 'old', '2026-11-20', "
                     + ", ".join(["3"] * (len(DAY_COLUMNS) - 2)))
    assert migrate(central) == (2, LATEST) and LATEST == 3
    with psycopg.connect(central) as conn:
        assert conn.execute("SELECT day_starts FROM sites WHERE name = 'old'").fetchone() == (0,)
        assert _site_days(central, "old") == {date(2026, 11, 20): 3}
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE sites SET day_starts = 1440 WHERE name = 'old'")
