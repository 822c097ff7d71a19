"""Actions land on the right party or item (issue "Fit for a rush", point 4): each acts
on what was highlighted when its key was pressed; a party that left meanwhile gets a
message; in open items the cursor stays on its item and Enter acts on the highlighted one.
"""

from __future__ import annotations

import sqlite3

import arrow
import pytest
from helpers import on_screen, settle, toasts
from textual.widgets import DataTable, Input, OptionList, Static

from queueapp.clock import FixedClock
from queueapp.complaints import loop as complaints
from queueapp.goodwill import gestures
from queueapp.quotes.rule import Quote
from queueapp.ui.screens.complaints import OpenItemsScreen, StepForm
from queueapp.ui.screens.goodwill import CatalogueScreen, PinScreen
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.screens.pickers import ReasonPicker, SeatPicker

START = "2026-11-20T10:40:00+00:00"
SIZE = (170, 48)


@pytest.fixture
def clock():
    return FixedClock(START)


def add(store, clock, config, minutes_ago: float, size: int, name: str):
    now = clock.now().float_timestamp
    ev = store.add_party(now - minutes_ago * 60, size, name, "", [], "", Quote(30, 20, 40),
                         tz=config.timezone)
    return store.party(ev.party)


def main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def title(app) -> str:
    return str(app.screen.query_one(".dialog-title", Static).render())


async def choose(app, pilot, option_id: str) -> None:
    options = app.screen.query_one(OptionList)
    options.highlighted = [o.id for o in options.options].index(option_id)
    await pilot.pause()
    await pilot.press("enter")
    await settle(app, pilot)


async def test_g_right_after_a_removal_gives_to_the_highlighted_party(
        make_app, store, clock, config):
    gestures.set_host_on_duty(store, "Lin", config)
    parties = [add(store, clock, config, 30 - 5 * i, 2, name)
               for i, name in enumerate(("Chen", "Wang", "Li"))]
    app = make_app(store=store)  # the stand Lin is on duty at
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await pilot.pause()
        assert main(app).current_party_id() == parties[1].id
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonPicker)
        await choose(app, pilot, "cancelled")
        assert store.party(parties[1].id).status == "removed"
        highlighted = main(app).current_party()
        assert highlighted is not None and highlighted.id != parties[1].id
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogueScreen)
        assert title(app).endswith(highlighted.name)
        await choose(app, pilot, "fruit_plate")
        assert [g.party for g in gestures.gestures_for_party(store, highlighted.id)] == \
            [highlighted.id]
        assert gestures.gestures_for_party(store, parties[1].id) == []


async def test_g_while_a_removal_is_being_saved_does_not_give_to_the_removed_party(
        make_app, store, clock, config, db_path):
    gestures.set_host_on_duty(store, "Lin", config)
    add(store, clock, config, 30, 2, "Chen")
    wang = add(store, clock, config, 20, 2, "Wang")
    app = make_app(store=store)  # the stand Lin is on duty at
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await pilot.pause()
        # another program holds the file for a moment: the removal waits to be saved
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(app.screen, ReasonPicker)
            await pilot.press("enter")
            await pilot.pause()
            assert main(app).current_party_id() == wang.id  # still shown, being removed
            await pilot.press("g")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert "Wang is no longer waiting (seated or removed meanwhile): nothing was " \
                "done." in toasts(app)
        finally:
            other.rollback()
            other.close()
        await settle(app, pilot)
        assert store.party(wang.id).status == "removed"
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogueScreen)
        assert title(app).endswith(main(app).current_party().name)
        assert not title(app).endswith("Wang")
    assert gestures.gestures_for_party(store, wang.id) == []


async def test_the_party_captured_at_the_key_press_is_the_one_acted_on(
        make_app, store, clock, config):
    chen = add(store, clock, config, 30, 2, "Chen")
    wang = add(store, clock, config, 20, 2, "Wang")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonPicker)
        main(app).select_party(wang.id)  # the highlight moves while the picker is open
        await pilot.pause()
        await choose(app, pilot, "cancelled")
    assert store.party(chen.id).status == "removed"
    assert store.party(wang.id).status == "waiting"


async def test_a_party_that_left_meanwhile_gets_a_message_and_nothing_is_done(
        make_app, store, clock, config):
    chen = add(store, clock, config, 30, 2, "Chen")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SeatPicker)
        table = app.screen.query_one(OptionList).get_option_at_index(0).id
        # another terminal removes Chen while the picker is open
        store.remove_party(clock.now().float_timestamp, chen.id, "cancelled")
        app.reload()
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert "Chen is no longer waiting (seated or removed meanwhile): nothing was done." \
            in toasts(app)
    assert store.load_room().tables[table].state == "free"
    assert [ev.event for ev in store.all_events() if ev.party == chen.id][0] == "arrive"
    assert "seat" not in [ev.event for ev in store.all_events() if ev.party == chen.id]
    assert len([ev for ev in store.all_events() if ev.party == chen.id]) == 2


async def test_number_keys_give_from_the_captured_partys_own_suggestions(
        make_app, store, clock, config):
    gestures.set_host_on_duty(store, "Lin", config)
    add(store, clock, config, 30, 4, "Wang family")
    chen = add(store, clock, config, 3, 2, "Chen")
    app = make_app(store=store)  # the stand Lin is on duty at
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await pilot.pause()
        shown = [s.interaction.id for s in main(app)._suggestions]
        await pilot.press("1")
        await settle(app, pilot)
    assert [g.interaction for g in gestures.gestures_for_party(store, chen.id)] == shown[:1]


# -- open items ----------------------------------------------------------------------------

def items_table(app) -> DataTable:
    return app.screen.query_one("#items", DataTable)


def highlighted_item(app) -> str:
    table = items_table(app)
    return str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)


async def test_open_items_keep_the_cursor_on_the_item_and_enter_acts_on_it(
        make_app, store, clock, config):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 30, 2, "Chen")
    now = clock.now().float_timestamp
    items = [complaints.record(store, now - 600 + 60 * n, "food", what, party=party.id,
                               host="Lin")
             for n, what in enumerate(("cold broth", "no ladle", "slow refill"))]
    app = make_app(store=store)  # the stand Lin is on duty at
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, OpenItemsScreen)
        await pilot.press("down")
        await pilot.pause()
        assert highlighted_item(app) == str(items[1].id)

        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StepForm)
        assert title(app) == "Handled: no ladle"
        app.screen.query_one("#note", Input).value = "brought one"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OpenItemsScreen)
        assert complaints.get(store, items[1].id).step == "handled"
        assert highlighted_item(app) == str(items[1].id)  # not back at the top

        await pilot.press("enter")  # the next step of the same item: a lead rechecks
        await settle(app, pilot)
        assert isinstance(app.screen, PinScreen)
        app.screen.query_one("#pin", Input).value = "246813"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StepForm)
        assert title(app) == "Recheck (lead): no ladle"
        app.screen.query_one("#note", Input).value = "guest happy"
        await pilot.press("enter")
        await settle(app, pilot)
        assert complaints.get(store, items[1].id).step == "rechecked"
        assert highlighted_item(app) == str(items[1].id)

        # fed back, the item leaves the list: the cursor is on the one now in its place
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#pin", Input).value = "246813"
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#note", Input).value = "ladles for every table"
        await pilot.press("enter")
        await settle(app, pilot)
        assert complaints.get(store, items[1].id).step == "fed_back"
        assert isinstance(app.screen, OpenItemsScreen)
        assert highlighted_item(app) == str(items[2].id)
    assert [complaints.get(store, c.id).step for c in (items[0], items[2])] == \
        ["recorded", "recorded"]


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_open_items_show_the_step_on_a_narrow_screen(make_app, store, clock, config,
                                                           zh_config, language):
    """At 80 columns a long "what happened" gives way: the step the lead acts on stays."""
    cfg = zh_config if language == "zh" else config
    party = add(store, clock, cfg, 30, 2, "Chen")
    complaints.record(store, clock.now().float_timestamp - 600, "wait",
                      "Left after a long wait, said the quote was too short", party=party.id,
                      host="Lin")
    app = make_app(cfg=cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, OpenItemsScreen)
        step = app.t("step_recorded")
        row = next(line for line in on_screen(app).splitlines() if "Chen" in line)
        assert step in row and "Left after" in row


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_open_items_fit_80_columns_and_home_end_go_to_the_first_and_last(
        make_app, store, clock, config, zh_config, language):
    """At 80 columns the step was cut to "hand"/"rech" and the table scrolled sideways:
    End moved it right (the When column gone, a stray digit of it at each row's start)
    instead of to the last item, and Enter then acted on the first. Now every column
    fits, each step word is whole, and Home and End go to the first and the last item."""
    cfg = zh_config if language == "zh" else config
    gestures.set_host_on_duty(store, "Lin", cfg)
    party = add(store, clock, cfg, 30, 2, "Alexandra Konstantinopoulou")
    now = clock.now().float_timestamp
    items = []
    for n in range(20):
        c = complaints.record(store, now - 3600 + 60 * n,
                              complaints.CATEGORIES[n % len(complaints.CATEGORIES)],
                              f"item {n:02d}: left after a long wait, said the quote was short",
                              party=party.id, table="A10", host="Lin")
        if n % 3 and n != 19:
            complaints.handle(store, c.id, now - 600, "Lin", "sorted")
        if n % 3 == 2:
            complaints.recheck(store, c.id, now - 300, "Mei", "all good")
        items.append(complaints.get(store, c.id))
    app = make_app(cfg=cfg, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, OpenItemsScreen)
        table = items_table(app)
        assert table.virtual_size.width <= table.scrollable_content_region.width

        def rows_drawn() -> dict[str, str]:
            return {line[line.index("item ") + 5:][:2]: line
                    for line in on_screen(app).splitlines() if "item " in line}

        def check(rows: dict[str, str]) -> None:
            assert rows
            for n, line in rows.items():
                item = items[int(n)]
                assert line.startswith(" " + time_of(item)), line
                assert app.t(f"step_{item.step}") in line, line

        def time_of(item) -> str:
            return arrow.get(item.recorded_at).to(cfg.timezone).format("MM-DD HH:mm")

        check(rows_drawn())
        await pilot.press("end")
        await pilot.pause()
        assert highlighted_item(app) == str(items[-1].id)
        assert table.scroll_x == 0
        assert "19" in rows_drawn()
        check(rows_drawn())
        await pilot.press("home")
        await pilot.pause()
        assert highlighted_item(app) == str(items[0].id)
        assert "00" in rows_drawn()
        check(rows_drawn())
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("enter")  # on the last item, as highlighted: its first step
        await settle(app, pilot)
        assert isinstance(app.screen, StepForm)
        assert app.screen.item.id == items[-1].id
