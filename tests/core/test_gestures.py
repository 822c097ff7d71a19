"""The gesture log: give, void, append-only triggers, budgets and approval, rescues, PINs."""

import sqlite3

import arrow
import pytest
from helpers import CONFIG_PATH, add_leads

from queueapp.config import load_config
from queueapp.goodwill import gestures as g
from queueapp.store import Store

CONFIG = CONFIG_PATH


@pytest.fixture(scope="module")
def config():
    return load_config(CONFIG)


@pytest.fixture
def store(tmp_path, config):
    s = Store.open(tmp_path / "q.db", config, station="T1")
    add_leads(s)
    yield s
    s.close()


def at(text: str) -> float:
    return arrow.get(text).replace(tzinfo="Asia/Shanghai").float_timestamp


NOW = at("2025-03-07T19:00")


def add(store, minutes_ago=10, size=2, phone=""):
    ev = store.add_party(NOW - minutes_ago * 60, size, "Li", phone)
    return store.party(ev.party)


def test_a_void_by_another_host_refunds_the_giver(store, config):
    """Lin corrects Ana's mistake (with Mei's PIN): the money goes back to Ana's budget,
    and the log says who voided it and which lead allowed it."""
    p = add(store)
    cake = g.give(store, NOW, p, "Birthday cake", "Ana", cost=120)
    v = g.void(store, NOW + 60, cake.id, "Lin", "wrong party", approved_by="mei")
    assert (v.host, v.voided_by, v.cost, v.approved_by) == ("Ana", "Lin", -120, "Mei")
    stored = g.gestures_for_party(store, p.id, include_voids=True)[-1]
    assert (stored.host, stored.voided_by) == ("Ana", "Lin")
    assert g.budget_left(store, "Ana", NOW + 120, config) == 300
    assert g.budget_left(store, "Lin", NOW + 120, config) == 300


def test_a_void_refunds_the_shift_the_gesture_was_given_in(store, config):
    """Ana's evening cake is voided next lunchtime: her lunch budget stays whole, and her
    evening spend drops to nothing."""
    p = add(store)
    cake = g.give(store, at("2025-03-07T19:00"), p, "Birthday cake", "Ana", cost=120)
    assert g.budget_left(store, "Ana", at("2025-03-07T20:00"), config) == 180
    g.void(store, at("2025-03-08T12:00"), cake.id, "Lin", "given to the wrong party",
           approved_by="Mei")
    assert g.budget_left(store, "Ana", at("2025-03-08T12:30"), config) == 300
    assert g.budget_left(store, "Ana", at("2025-03-07T20:00"), config) == 300


def test_give_logs_at_once_and_void_adds_a_row(store, config):
    p = add(store)
    tea = config.catalogue["jasmine_tea"]
    first = g.give(store, NOW, p, tea, "Lin", note="table by the door")
    assert first.id and first.cost == 2 and first.host == "Lin" and first.station == "T1"
    custom = g.give(store, NOW + 60, p.id, "Umbrella lent", "Lin", cost=0)
    assert custom.interaction == "custom" and custom.category == "custom"
    assert g.spent_this_shift(store, "Lin", NOW + 120, config) == 2

    v = g.void(store, NOW + 120, first.id, "Lin", "given to the wrong party")
    assert v.void_of == first.id and v.cost == -2
    rows = g.gestures_for_party(store, p.id)
    assert [(r.interaction, r.voided) for r in rows] == [("jasmine_tea", True),
                                                           ("custom", False)]
    assert len(g.gestures_for_party(store, p.id, include_voids=True)) == 3
    assert g.spent_this_shift(store, "Lin", NOW + 180, config) == 0
    assert [x.interaction for x in g.gestures_by_party(store, [p.id])[p.id]] == ["custom"]

    with pytest.raises(g.GoodwillError, match="already voided"):
        g.void(store, NOW + 200, first.id, "Lin", "again")
    with pytest.raises(g.GoodwillError, match="cannot itself be voided"):
        g.void(store, NOW + 200, v.id, "Lin", "undo the void")
    with pytest.raises(g.GoodwillError, match="Say why"):
        g.void(store, NOW + 200, custom.id, "Lin", " ")
    with pytest.raises(g.GoodwillError, match="no gesture number 999"):
        g.void(store, NOW + 200, 999, "Lin", "typo")


def test_update_and_delete_on_gestures_fail_in_plain_sqlite3(store, config):
    p = add(store)
    gid = g.give(store, NOW, p, config.catalogue["welcome_tea"], "Lin").id
    store.close()
    conn = sqlite3.connect(store.path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only: add a void row"):
            conn.execute("UPDATE gestures SET cost = 0 WHERE id = ?", [gid])
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM gestures WHERE id = ?", [gid])
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM gestures")
        conn.commit()
        assert conn.execute("SELECT count(*), sum(cost) FROM gestures").fetchone() == (1, 0.0)
    finally:
        conn.close()


def test_nobody_on_duty_and_custom_needs_cost(store, config):
    p = add(store)
    with pytest.raises(g.NoHost):
        g.give(store, NOW, p, config.catalogue["welcome_tea"], "  ")
    with pytest.raises(g.GoodwillError, match="needs its cost"):
        g.give(store, NOW, p, "Balloon", "Lin")
    assert g.host_on_duty(store) == ""
    assert g.set_host_on_duty(store, " ana. ", config) == "Ana"  # as the roster spells it
    store.close()
    again = Store.open(store.path, config, station=store.station)  # this stand, restarted
    assert g.host_on_duty(again) == "Ana"
    again.close()
    other = Store.open(store.path, config, station="upstairs")  # another stand: its own
    assert g.host_on_duty(other) == ""
    other.close()


def test_budget_limit_and_lead_approval(store, config):
    p = add(store)
    assert g.budget_left(store, "Lin", NOW, config) == 300
    g.give(store, NOW, p, "Gift box", "Lin", cost=290, config=config)
    assert g.budget_left(store, "Lin", NOW, config) == 10
    fruit = config.catalogue["fruit_plate"]  # 12
    assert g.approval_needed(store, config, "Lin", fruit, NOW) == "over_budget"
    with pytest.raises(g.NeedsApproval) as err:
        g.give(store, NOW, p, fruit, "Lin", config=config)
    assert err.value.reason == "over_budget" and err.value.left == 10
    assert "a lead must approve" in str(err.value)
    with pytest.raises(g.GoodwillError, match="not a shift lead"):
        g.give(store, NOW, p, fruit, "Lin", approved_by="Bob", config=config)
    ok = g.give(store, NOW, p, fruit, "Lin", approved_by="mei", config=config)
    assert ok.approved_by == "Mei"
    # free gestures never need approval, even past the budget
    g.give(store, NOW, p, config.catalogue["welcome_tea"], "Lin", config=config)
    # another host has a budget of their own (giving to another party: fruit is once per party)
    assert g.budget_left(store, "Ana", NOW, config) == 300
    g.give(store, NOW, add(store), fruit, "Ana", config=config)
    assert g.spent_by_host(store, NOW - 3600, NOW) == {"Ana": 12.0, "Lin": 302.0}


def test_needs_approval_item_asks_a_lead_even_within_budget(store, config):
    p = add(store)
    voucher = config.catalogue["voucher"]
    with pytest.raises(g.NeedsApproval) as err:
        g.give(store, NOW, p, voucher, "Lin", config=config)
    assert err.value.reason == "needs_approval"
    assert g.give(store, NOW, p, voucher, "Lin", approved_by="Jun", config=config).cost == 30


def test_budget_resets_at_the_shift_boundary(store, config):
    p = add(store)
    lunch = at("2025-03-07T13:00")
    g.give(store, lunch, p, "Cake", "Lin", cost=250)
    assert g.budget_left(store, "Lin", at("2025-03-07T16:00"), config) == 50
    assert g.budget_left(store, "Lin", at("2025-03-07T16:31"), config) == 300
    assert g.shift_start(at("2025-03-08T02:00"), config) == at("2025-03-07T16:30")


def test_shift_starts_between_lists_every_shift_in_a_range(config):
    """The review counts one budget per shift a host gave anything in (10:00 and 16:30)."""
    assert g.shift_starts_between(at("2025-03-07T12:00"), at("2025-03-08T17:00"), config) == \
        [at("2025-03-07T10:00"), at("2025-03-07T16:30"), at("2025-03-08T10:00"),
         at("2025-03-08T16:30")]
    # from just after midnight: the evening shift that began the day before
    assert g.shift_starts_between(at("2025-03-08T00:30"), at("2025-03-08T10:00"), config) == \
        [at("2025-03-07T16:30")]


def test_rescue_with_each_outcome(store, config):
    a, b = add(store, 50), add(store, 40)
    r1 = g.start_rescue(store, NOW, a, "Lin", "kitchen_tour")
    r2 = g.start_rescue(store, NOW, b.id, "Lin", "table:T1")
    assert r2.table == "T1" and r1.table == ""
    done = g.record_outcome(store, r1.id, "stayed", NOW + 300)
    assert done.outcome == "stayed" and done.decided_at == pytest.approx(NOW + 300)
    assert g.record_outcome(store, r2.id, "left", NOW + 60).outcome == "left"
    with pytest.raises(g.GoodwillError, match="already recorded"):
        g.record_outcome(store, r1.id, "left", NOW + 400)
    with pytest.raises(g.GoodwillError, match="'stayed' or 'left'"):
        g.record_outcome(store, r1.id, "maybe", NOW + 400)
    with pytest.raises(g.GoodwillError, match="what was offered"):
        g.start_rescue(store, NOW, a, "Lin", "table:")
    assert [r.offer for r in g.rescues_for_party(store, a.id)] == ["kitchen_tour"]


def test_wrong_pins_are_limited_and_logged(store, config):
    t = NOW
    assert g.check_lead_pin(store, config, "Mei", "246813", t).ok
    results = [g.check_lead_pin(store, config, "Mei", "0000", t + i * 30) for i in range(4)]
    assert [r.status for r in results] == ["wrong"] * 4
    assert [r.tries_left for r in results] == [4, 3, 2, 1]
    fifth = g.check_lead_pin(store, config, "Nobody", "246813", t + 150)
    assert fifth.status == "locked" and fifth.locked_until == pytest.approx(t + 150 + 300)
    # while locked even the right PIN is refused, and nothing extends the lock
    during = g.check_lead_pin(store, config, "Mei", "246813", t + 200)
    assert during.status == "locked" and not during.ok
    assert g.pin_locked_until(store, config, t + 449) == pytest.approx(t + 450)
    assert g.pin_locked_until(store, config, t + 451) is None
    assert g.check_lead_pin(store, config, "Mei", "246813", t + 451).ok
    # a success resets the count
    assert g.check_lead_pin(store, config, "Mei", "1111", t + 460).tries_left == 4
    log = store.db.execute("SELECT lead, ok, outcome, station FROM pin_attempts "
                           "ORDER BY id").fetchall()
    assert [r[2] for r in log] == ["ok", "wrong", "wrong", "wrong", "wrong", "wrong",
                                   "locked", "ok", "wrong"]
    assert log[5][0] == "Nobody" and all(r[3] == "T1" for r in log)
    assert "246813" not in str(log)


def test_wrong_pins_outside_the_window_do_not_lock(store, config):
    for i in range(8):  # one every 3 minutes: never 5 within 10 minutes
        r = g.check_lead_pin(store, config, "Mei", "9", NOW + i * 180)
        assert r.status == "wrong"


def test_undoing_a_walk_away_makes_its_rescue_undecided_again(store, config):
    """The host records "they left" (a walk-away and the rescue's outcome together), then
    undoes it: the party is back, and the rescue is not counted as lost."""
    a, b = add(store, 50), add(store, 40)
    kept = g.start_rescue(store, NOW, b.id, "Lin", "kitchen_tour")
    g.record_outcome(store, kept.id, "left", NOW + 30)  # decided earlier, not undone
    store.remove_party(NOW + 30, b.id, "walked_away")
    tour = g.start_rescue(store, NOW + 60, a.id, "Lin", "kitchen_tour")
    walked = store.remove_party(NOW + 120, a.id, "walked_away")
    g.record_outcome(store, tour.id, "left", NOW + 120)
    store.undo(NOW + 130, walked.id)
    assert store.party(a.id).waiting
    again = g.rescue(store, tour.id)
    assert again.outcome == "" and again.decided_at is None
    assert g.rescue(store, kept.id).outcome == "left"
