"""Issue 10, points 1 and 8, in one process: budgets and the PIN lockout count what the
file holds (the shift a row belongs to, the order rows were written), whatever the
stations' clocks say; the same gesture to the same party twice (a double tap, or an
item the catalogue gives once per party) is logged again only when the host confirms."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import at, config_variant

from queueapp.config import Config, ConfigError, parse_config
from queueapp.goodwill import gestures as g
from queueapp.store import Store

NOW = at(0)  # 19:00 local, in the shift that began at 16:30
AHEAD = 30.0


@pytest.fixture
def party(store: Store) -> str:
    return store.add_party(NOW - 1200, 3, "Zhou").party


@pytest.fixture
def fast(db_path: Path, config: Config, store: Store):
    """Another station on the same file whose clock runs AHEAD seconds fast."""
    other = Store.open(db_path, config, station="fast")
    yield other
    other.close()


def live(store: Store, party: str) -> list[str]:
    return [x.interaction for x in g.gestures_for_party(store, party) if not x.voided]


# -- budgets: the shift a gesture belongs to, every row of it ----------------------------

def test_a_gesture_stamped_ahead_by_a_fast_clock_counts_against_the_budget(
        store, fast, party, config):
    g.give(fast, NOW + AHEAD, party, "Gift box", "Lin", cost=200, config=config)
    assert g.budget_left(store, "Lin", NOW, config) == 100
    with pytest.raises(g.NeedsApproval) as refused:
        g.give(store, NOW, party, "Hotpot set", "Lin", cost=200, config=config)
    assert refused.value.left == 100
    assert len(g.gestures_for_party(store, party)) == 1


def test_the_budget_counts_the_whole_shift_and_only_that_shift(store, party, config):
    """A row later in the same shift counts even for a clock reading earlier; a row of
    the next shift (from 10:00 tomorrow) and one of the shift before do not."""
    g.give(store, at(60), party, "Late gift", "Lin", cost=100)  # 20:00, same shift
    g.give(store, at(15 * 60 + 30), party, "Tomorrow", "Lin", cost=100)  # 10:30 next day
    g.give(store, at(-3 * 60), party, "Lunch", "Lin", cost=100)  # 16:00, the lunch shift
    assert g.spent_this_shift(store, "Lin", NOW, config) == 100
    assert g.shift_bounds(NOW, config) == (at(-150), at(15 * 60))  # 16:30 to 10:00


# -- the PIN lockout: wrong attempts in the order they were written ---------------------

def test_wrong_pins_from_a_fast_station_count_and_lock_every_station(store, fast, config):
    for n in range(config.goodwill.pin_max_wrong - 1):
        assert g.check_lead_pin(fast, config, "Mei", "0000", NOW + AHEAD + n).status == "wrong"
    last = g.check_lead_pin(store, config, "Mei", "0000", NOW)
    assert last.status == "locked"
    assert last.locked_until == pytest.approx(NOW + AHEAD + 3 + 300)  # the latest stamp
    assert g.check_lead_pin(store, config, "Mei", "246813", NOW + 1).status == "locked"
    outcomes = [r[0] for r in store.db.execute("SELECT outcome FROM pin_attempts ORDER BY id")]
    assert outcomes == ["wrong"] * 5 + ["locked"]


def test_a_right_pin_from_a_fast_station_resets_the_count_for_all(store, fast, config):
    for n in range(3):
        g.check_lead_pin(store, config, "Mei", "0000", NOW + n)
    assert g.check_lead_pin(fast, config, "Mei", "246813", NOW + AHEAD).ok
    assert g.check_lead_pin(store, config, "Mei", "0000", NOW + 5).tries_left == 4


# -- double taps and the catalogue's once-per-party rule ---------------------------------

def test_a_double_tap_is_not_logged_twice_without_confirming(store, party, config):
    cards = config.catalogue["playing_cards"]  # no repeat_after: once per party
    g.give(store, NOW, party, cards, "Lin", config=config)
    with pytest.raises(g.GivenJustNow) as tap:
        g.give(store, NOW + 2, party, cards, "Lin", config=config)
    assert tap.value.values["seconds"] == 2 and tap.value.given.interaction == "playing_cards"
    assert "This party was given Playing cards 2 s ago" in str(tap.value)
    assert live(store, party) == ["playing_cards"]
    assert not store.db.conn.in_transaction
    g.give(store, NOW + 3, party, cards, "Lin", config=config, again=True)
    assert live(store, party) == ["playing_cards", "playing_cards"]


def test_once_per_party_is_enforced_where_gestures_are_written(store, party, config):
    cards = config.catalogue["playing_cards"]
    g.give(store, NOW, party, cards, "Lin", config=config)
    with pytest.raises(g.AlreadyGiven) as again:  # long after any double tap, another host
        g.give(store, NOW + 3600, party, cards, "Ana", config=config)
    assert again.value.key == "err_given_once" and again.value.values["minutes"] == 60
    assert live(store, party) == ["playing_cards"]
    # another party may have it; a voided one does not count
    other = store.add_party(NOW, 2, "Qian").party
    given = g.give(store, NOW + 10, other, cards, "Lin", config=config)
    g.void(store, NOW + 20, given.id, "Lin", "wrong party")
    g.give(store, NOW + 30, other, cards, "Lin", config=config)
    assert live(store, other) == ["playing_cards"]


def test_repeat_after_allows_it_again_only_after_that_many_minutes(store, party, config):
    tea = config.catalogue["jasmine_tea"]  # repeat_after = 25
    g.give(store, NOW, party, tea, "Lin", config=config)
    with pytest.raises(g.AlreadyGiven) as soon:
        g.give(store, NOW + 10 * 60, party, tea, "Lin", config=config)
    assert soon.value.key == "err_given_recently"
    assert soon.value.values == {"what": "Jasmine tea refill", "minutes": 10,
                                  "again_in": 15}
    g.give(store, NOW + 25 * 60, party, tea, "Lin", config=config)
    assert live(store, party) == ["jasmine_tea", "jasmine_tea"]


def test_a_custom_gesture_is_exempt_from_once_per_party_but_not_from_double_taps(
        store, party, config):
    g.give(store, NOW, party, "Umbrella", "Lin", cost=0, config=config)
    with pytest.raises(g.GivenJustNow):
        g.give(store, NOW + 1, party, "Umbrella", "Lin", cost=0, config=config)
    g.give(store, NOW + 1, party, "Second umbrella", "Lin", cost=0, config=config)
    g.give(store, NOW + 60, party, "Umbrella", "Lin", cost=0, config=config)
    assert [x.label for x in g.gestures_for_party(store, party)] == \
        ["Umbrella", "Second umbrella", "Umbrella"]


def test_a_gesture_stamped_ahead_by_a_fast_clock_was_given_just_now(store, fast, party,
                                                                     config):
    cards = config.catalogue["playing_cards"]
    g.give(fast, NOW + AHEAD, party, cards, "Lin", config=config)
    with pytest.raises(g.GivenJustNow) as tap:
        g.give(store, NOW, party, cards, "Lin", config=config)
    assert tap.value.values["seconds"] == 0


def test_a_repeat_is_asked_before_a_lead_is(store, party, config):
    """A double tap of an item that needs a lead refuses as a repeat first: no lead is
    asked for a gesture the host did not mean to give."""
    voucher = config.catalogue["voucher"]
    g.give(store, NOW, party, voucher, "Lin", approved_by="Mei", config=config)
    with pytest.raises(g.GivenJustNow):
        g.give(store, NOW + 1, party, voucher, "Lin", config=config)
    with pytest.raises(g.NeedsApproval):
        g.give(store, NOW + 1, party, voucher, "Lin", config=config, again=True)


def test_a_guard_of_zero_turns_the_double_tap_check_off(tmp_path, party, config):
    off = config_variant(**{"pin_lock_minutes = 5 ": "repeat_guard_seconds = 0\n"
                                                     "pin_lock_minutes = 5 "})
    assert off.goodwill.repeat_guard_seconds == 0
    assert config.goodwill.repeat_guard_seconds == 10  # the default
    store = Store.open(tmp_path / "off.db", off)
    try:
        p = store.add_party(NOW, 2, "Sun").party
        g.give(store, NOW, p, "Umbrella", "Lin", cost=0, config=off)
        g.give(store, NOW, p, "Umbrella", "Lin", cost=0, config=off)
        g.give(store, NOW, p, off.catalogue["playing_cards"], "Lin", config=off)
        with pytest.raises(g.AlreadyGiven):  # the catalogue's rule still holds
            g.give(store, NOW, p, off.catalogue["playing_cards"], "Lin", config=off)
    finally:
        store.close()


# -- the config key ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["301", "-1", "nan", "inf", '"ten"', "true"])
def test_a_bad_repeat_guard_is_refused_naming_file_line_and_field(value):
    text = Path(__file__).resolve().parents[1].joinpath("config.toml").read_text("utf-8")
    text = text.replace("pin_lock_minutes = 5 ", f"repeat_guard_seconds = {value}\n"
                                                  "pin_lock_minutes = 5 ")
    line = text.splitlines().index(f"repeat_guard_seconds = {value}") + 1
    with pytest.raises(ConfigError) as err:
        parse_config(text, Path("/etc/queueapp/config.toml"))
    assert str(err.value).startswith(
        f"/etc/queueapp/config.toml, line {line}: goodwill.repeat_guard_seconds: should be ")


def test_repeat_guard_takes_whole_and_fractional_seconds_up_to_300():
    assert config_variant(**{"pin_lock_minutes = 5 ": "repeat_guard_seconds = 300\n"
                                                      "pin_lock_minutes = 5 "}
                          ).goodwill.repeat_guard_seconds == 300
    assert config_variant(**{"pin_lock_minutes = 5 ": "repeat_guard_seconds = 2.5\n"
                                                      "pin_lock_minutes = 5 "}
                          ).goodwill.repeat_guard_seconds == 2.5
