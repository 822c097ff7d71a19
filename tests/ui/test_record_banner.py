"""The stand checks the record at start: a red banner under the header when it was
altered (naming what and where), none when it is whole; the review says how far it is
verified."""

from __future__ import annotations

import sqlite3

from helpers import at, on_screen, settle
from textual.widgets import Input, Static

from queueapp.goodwill import gestures
from queueapp.ui.screens.goodwill import PinScreen
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.screens.review import ReviewScreen
from queueapp.ui.widgets.banner import RecordBanner


def _history(store) -> int:
    ev = store.add_party(at(-30), 2, "Chen")
    party = store.party(ev.party)
    assert party is not None
    gestures.give(store, at(-20), party, "Tea", "Lin", cost=6)
    return gestures.give(store, at(-10), party, "Cards", "Lin", cost=4).id


async def test_an_edited_cost_after_dropping_the_trigger_shows_the_banner(make_app, store,
                                                                          db_path):
    edited = _history(store)
    store.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER gestures_no_update")
        conn.execute("UPDATE gestures SET cost = 0 WHERE id = ?", [edited])
    finally:
        conn.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        banner = app.screen.query_one(RecordBanner)
        assert banner.display and banner.region.height >= 1
        assert banner.region.y == 1  # right under the header
        drawn = on_screen(app)
        assert "The record was altered" in drawn
        assert "gestures: the trigger gestures_no_update is missing" in drawn
        assert app.integrity is not None and len(app.integrity.problems) == 2
        assert [p.values.get("row") for p in app.integrity.problems] == [None, edited]


async def test_a_whole_record_shows_no_banner(make_app, store):
    _history(store)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.integrity is not None and app.integrity.ok
        banner = app.screen.query_one(RecordBanner)
        assert not banner.display
        assert "altered" not in on_screen(app)


async def test_the_chinese_banner(make_app, store, db_path, zh_config):
    _history(store)
    store.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER events_no_delete")
    finally:
        conn.close()
    app = make_app(cfg=zh_config)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert "记录被改动" in on_screen(app)
        assert "events_no_delete" in on_screen(app)


async def _review_summary(app, pilot) -> str:
    await pilot.press("R")
    await settle(app, pilot)
    assert isinstance(app.screen, PinScreen)
    field = app.screen.query_one("#pin", Input)
    field.focus()
    field.value = "246813"  # Mei's secret (tests/helpers.py LEAD_SECRETS)
    await pilot.press("enter")
    await settle(app, pilot, 4)
    assert isinstance(app.screen, ReviewScreen)
    return str(app.screen.query_one("#summary", Static).content)


async def test_the_review_says_how_far_the_record_is_verified(make_app, store, db_path, config):
    gestures.set_host_on_duty(store, "Lin", config)
    _history(store)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        said = await _review_summary(app, pilot)
    assert "Integrity: Record verified up to event 1 / gesture 2, 2026-03-06 18:50." in said


async def test_the_review_says_what_is_wrong(make_app, store, db_path, config):
    gestures.set_host_on_duty(store, "Lin", config)
    edited = _history(store)
    store.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER gestures_no_update")
        conn.execute("UPDATE gestures SET label = 'Nothing' WHERE id = ?", [edited])
    finally:
        conn.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        said = await _review_summary(app, pilot)
    assert "Integrity: The record was altered or is damaged: 2 problem(s). gestures: the " \
        "trigger gestures_no_update is missing" in said
