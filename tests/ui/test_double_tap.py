"""`1 1` at the stand (issue 10, point 8): the second tap of the same suggestion for the
same party is not logged without asking; "No" is highlighted first, and only "Yes, give
it again" logs another one."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import settle, toasts
from textual.widgets import OptionList, Static

from queueapp.clock import FixedClock
from queueapp.goodwill import gestures
from queueapp.quotes.rule import Quote
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.screens.pickers import Chooser

START = "2026-11-20T10:40:00+00:00"
SIZE = (170, 48)


@pytest.fixture
def clock():
    return FixedClock(START)


def lin_on_duty_and_chen_waiting(store, clock, config) -> str:
    """Lin on duty at the test's stand, and Chen (2) waiting 3 minutes: Chen's id."""
    gestures.set_host_on_duty(store, "Lin", config)
    now = clock.now().float_timestamp
    return store.add_party(now - 180, 2, "Chen", "", [], "", Quote(30, 20, 40),
                           tz=config.timezone).party


def main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def double_tap(app, pilot, db_path) -> str:
    """Press `1` twice before the first gesture is saved (another program holds the file
    for a moment, as in a rush); the id of the suggestion both taps gave."""
    await settle(app, pilot)
    shown = main(app)._suggestions
    assert shown
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        await pilot.press("1", "1")
        await pilot.pause()
    finally:
        other.rollback()
        other.close()
    await settle(app, pilot)
    return shown[0].interaction.id


@pytest.mark.parametrize("answer", ["enter", "again"])
async def test_1_1_logs_one_gesture_and_asks_before_the_second(
        make_app, store, clock, config, db_path, answer):
    chen = lin_on_duty_and_chen_waiting(store, clock, config)
    app = make_app(store=store)  # the stand Lin is on duty at
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        item = await double_tap(app, pilot, db_path)
        assert [g.interaction for g in gestures.gestures_for_party(store, chen)] == [item]
        assert isinstance(app.screen, Chooser)
        label = config.catalogue[item].label
        assert str(app.screen.query_one(".dialog-title", Static).render()) == (
            f"This party was given {label} 0 s ago (a double tap?). It is logged again "
            "only when you confirm.")
        options = app.screen.query_one(OptionList)
        assert [o.id for o in options.options] == ["no", "again"]
        assert options.highlighted == 0  # Enter in the rush does not log it
        if answer == "again":
            options.highlighted = 1
            await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        given = [g.interaction for g in gestures.gestures_for_party(store, chen)]
        if answer == "again":
            assert given == [item, item]
        else:
            assert given == [item]
            assert f"{label}: not given again." in toasts(app)


async def test_1_after_the_first_is_saved_is_still_the_same_gesture(
        make_app, store, clock, config):
    """The second tap came after the first gesture was saved and the panel redrawn: the
    given one had dropped out of the list, so `1` gave the next suggestion, with no
    question. For `repeat_guard_seconds` the numbers stay as they were, and it asks."""
    chen = lin_on_duty_and_chen_waiting(store, clock, config)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        first, second = (s.interaction.id for s in main(app)._suggestions[:2])
        await pilot.press("1")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert [s.interaction.id for s in main(app)._suggestions][0] == first
        await pilot.press("1")
        await settle(app, pilot)
        assert isinstance(app.screen, Chooser)  # "given 0 s ago: again?"
        await pilot.press("enter")  # no
        await settle(app, pilot)
        assert [g.interaction for g in gestures.gestures_for_party(store, chen)] == [first]
        clock.advance(seconds=config.goodwill.repeat_guard_seconds + 1)
        app.tick()
        await settle(app, pilot)
        assert main(app)._suggestions[0].interaction.id == second  # a fresh list again


async def test_u_takes_back_a_gesture_given_here_by_voiding_it(make_app, store, clock,
                                                               config):
    """`u` after a gesture brought back a party removed two actions before: gestures were
    not on this terminal's undo list. Now `u` voids the gesture (the record keeps both
    rows); past `void_free_minutes` it says a lead must void it."""
    chen = lin_on_duty_and_chen_waiting(store, clock, config)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        [given] = gestures.gestures_for_party(store, chen)
        await pilot.press("u")
        await settle(app, pilot)
        rows = store.gestures.for_party(chen)
        assert [(g.is_void, g.voided) for g in rows] == [(False, True), (True, False)]
        label = config.catalogue[given.interaction].label
        assert f"Undone: {label} given" in toasts(app)
        assert store.party(chen).status == "waiting"  # nothing else undone
        await pilot.press("1")  # another one, then too late to take it back alone
        await settle(app, pilot)
        clock.advance(minutes=config.goodwill.void_free_minutes + 1)
        await pilot.press("u")
        await settle(app, pilot)
        assert sum(not g.is_void and not g.voided for g in store.gestures.for_party(chen)) == 1
        assert any("(G, then v) with a lead" in x for x in toasts(app))
