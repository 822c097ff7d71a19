"""Issue 10 at the stand: `h` offers only the roster (a new name needs a lead's PIN and is
matched normalised), and `G`, `v` asks for a lead's PIN for a lead-approved gesture,
another host's, or one older than ``void_free_minutes`` (the lead recorded on the void)."""

from __future__ import annotations

import pytest
from helpers import settle
from textual.widgets import Input, OptionList

from queueapp.clock import FixedClock
from queueapp.goodwill import gestures, roster
from queueapp.quotes.rule import Quote
from queueapp.ui.app import QueueApp
from queueapp.ui.screens.goodwill import (
    OTHER,
    GesturesScreen,
    HostNameForm,
    HostPicker,
    PinScreen,
    VoidForm,
)
from queueapp.ui.screens.main import MainScreen

START = "2026-11-20T10:40:00+00:00"  # 18:40 in Shanghai
SIZE = (170, 48)


@pytest.fixture
def clock():
    return FixedClock(START)


def now(clock) -> float:
    return clock.now().float_timestamp


def add(store, clock, config, name: str = "Chen"):
    ev = store.add_party(now(clock) - 25 * 60, 2, name, "", [], "", Quote(30, 22, 40),
                         tz=config.timezone)
    return store.party(ev.party)


def option_ids(screen) -> list[str]:
    options = screen.query_one(OptionList)
    return [options.get_option_at_index(i).id or "" for i in range(options.option_count)]


async def choose(app, pilot, option_id: str) -> None:
    screen = app.screen
    screen.query_one(OptionList).highlighted = option_ids(screen).index(option_id)
    await pilot.pause()
    await pilot.press("enter")
    await settle(app, pilot)


async def fill_and_enter(app, pilot, selector: str, text: str) -> None:
    field = app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()
    await pilot.press("enter")
    await settle(app, pilot, 4)


async def test_h_lists_only_the_roster_and_a_new_name_needs_a_lead(config, store, clock):
    """The probe: "Someone else…" → "Lin." gave a fresh budget. Now `h` lists the roster
    (config hosts and those a lead added) and a new name needs a lead's PIN; "lin." is
    Lin, who is on it: chosen as Lin at once (her own budget), no PIN asked for (it was
    asked for, then refused)."""
    roster.add_host(store, config, "Kai", "Mei", now(clock) - 3600)
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HostPicker)
        assert option_ids(app.screen) == ["Lin", "Ana", "Hao", "Kai", OTHER]
        await choose(app, pilot, OTHER)
        assert isinstance(app.screen, HostNameForm)
        await fill_and_enter(app, pilot, "#name", " lin. ")
        assert isinstance(app.screen, MainScreen)
        assert gestures.host_on_duty(app.store) == "Lin"

        await pilot.press("h")
        await settle(app, pilot)
        await choose(app, pilot, OTHER)
        await fill_and_enter(app, pilot, "#name", "Bo")
        await fill_and_enter(app, pilot, "#pin", "246813")
        assert isinstance(app.screen, MainScreen)
        assert gestures.host_on_duty(store) == "Bo"
    assert [(h.name, h.added_by) for h in store.roster.hosts()] == [("Kai", "Mei"),
                                                                    ("Bo", "Mei")]


async def test_a_new_name_without_the_pin_is_not_put_on_duty(config, store, clock):
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        await choose(app, pilot, OTHER)
        await fill_and_enter(app, pilot, "#name", "Lin 2")
        assert isinstance(app.screen, PinScreen)
        await pilot.press("escape")
        await settle(app, pilot)
    assert gestures.host_on_duty(store) == "" and store.roster.hosts() == []


async def _void_first(app, pilot) -> None:
    await pilot.press("G")
    await settle(app, pilot)
    assert isinstance(app.screen, GesturesScreen)
    await pilot.press("v")
    await settle(app, pilot)
    assert isinstance(app.screen, VoidForm)
    await fill_and_enter(app, pilot, "#note", "wrong party")


CASES = {
    # why a lead is needed: (who gave it, minutes ago, approved by)
    "approved": ("Lin", 2, "Jun"),
    "other_host": ("Ana", 2, ""),
    "old": ("Lin", 16, ""),  # void_free_minutes is 15 in the tests' config
}


@pytest.mark.parametrize("case", list(CASES))
async def test_G_v_asks_a_lead_and_records_them_on_the_void(config, store, clock, case):
    giver, minutes, approved = CASES[case]
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config)
    given = gestures.give(store, now(clock) - minutes * 60, party, "Cake", giver,
                          approved_by=approved, cost=20, config=config)
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await _void_first(app, pilot)
        assert isinstance(app.screen, PinScreen), case  # not voided without a lead
        assert not gestures.gestures_for_party(store, party.id)[0].voided
        await pilot.press("escape")  # cancelled: nothing written
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(gestures.gestures_for_party(store, party.id, include_voids=True)) == 1

        await _void_first(app, pilot)
        await fill_and_enter(app, pilot, "#pin", "246813")
        assert isinstance(app.screen, MainScreen)
    rows = gestures.gestures_for_party(store, party.id, include_voids=True)
    assert [(g.void_of, g.approved_by, g.voided_by, g.cost) for g in rows[1:]] == \
        [(given.id, "Mei", "Lin", -20.0)]


async def test_G_v_of_ones_own_fresh_gesture_needs_no_pin(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config)
    gestures.give(store, now(clock) - 14 * 60, party, "Cake", "lin.", cost=20, config=config)
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await _void_first(app, pilot)
        assert isinstance(app.screen, MainScreen)
    rows = gestures.gestures_for_party(store, party.id, include_voids=True)
    assert [(g.host, g.approved_by, g.cost) for g in rows] == [("Lin", "", 20.0),
                                                               ("Lin", "", -20.0)]
    assert store.db.execute("SELECT count(*) FROM pin_attempts").fetchone()[0] == 0
