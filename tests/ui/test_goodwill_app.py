"""Goodwill at the stand, driven through the real app (Textual Pilot) on a real SQLite file.

Covers issue 4's Pilot list: giving by number key, the suggestions panel, the catalogue,
a custom gesture, nobody on duty, the budget limit and lead approval, a wrong PIN,
a void, a rescue with each outcome, a returning guest recognised by phone with their
notes, a note with o, the attention list and the header.
"""

from __future__ import annotations

import arrow
import pytest
from helpers import CONFIG_PATH, settle, toasts
from textual.widgets import DataTable, Input, OptionList, Static

from queueapp.clock import FixedClock
from queueapp.goodwill import gestures, guests
from queueapp.quotes.rule import Quote
from queueapp.store import Store
from queueapp.ui.app import QueueApp
from queueapp.ui.screens.forms import PartyForm
from queueapp.ui.screens.goodwill import (
    CatalogueScreen,
    CustomGestureForm,
    GesturesScreen,
    HostPicker,
    NoteForm,
    OutcomeChooser,
    PinScreen,
    RescueScreen,
    VoidForm,
)
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.widgets.waiting import WaitingList

CONFIG = CONFIG_PATH
START = "2026-11-20T10:40:00+00:00"  # 18:40 in Shanghai, a Friday evening
PHONE = "+8613812345678"
SIZE = (170, 48)


@pytest.fixture
def clock():
    return FixedClock(START)


def add(store, clock, config, minutes_ago: float, size: int, name: str, phone: str = "",
        tags=(), quote: float = 30):
    now = clock.now().float_timestamp
    ev = store.add_party(now - minutes_ago * 60, size, name, phone, list(tags), "",
                         Quote(quote, quote * 0.75, quote * 1.35), tz=config.timezone)
    party = store.party(ev.party)
    if phone:
        guests.record_visit(store, party)
    return party


def make_app(config, store, clock) -> QueueApp:
    return QueueApp(config, store, clock=clock)


async def type_text(pilot, text: str) -> None:
    """Real key presses (slow: keep to the fields where typing itself matters)."""
    await pilot.press(*["space" if c == " " else c for c in text])


async def fill(app, pilot, selector: str, text: str) -> None:
    """Put text in a field of the top screen (fires Input.Changed like typing does)."""
    field = app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


def main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def shown(app, selector: str) -> str:
    return str(main(app).query_one(selector, Static).content)



def pin_rows(store) -> list[tuple]:
    return store.db.execute("SELECT lead, ok, outcome FROM pin_attempts ORDER BY id").fetchall()


def option_index(screen, option_id: str) -> int:
    options = screen.query_one(OptionList)
    for i in range(options.option_count):
        if options.get_option_at_index(i).id == option_id:
            return i
    raise AssertionError(f"{option_id} is not offered on {type(screen).__name__}")


async def choose(app, pilot, option_id: str) -> None:
    """Highlight an option by id on the top chooser and press Enter."""
    screen = app.screen
    screen.query_one(OptionList).highlighted = option_index(screen, option_id)
    await pilot.pause()
    await pilot.press("enter")
    await settle(app, pilot)


async def enter_pin(app, pilot, pin: str, lead_down: int = 0, typed: bool = False) -> None:
    assert isinstance(app.screen, PinScreen), app.screen
    for _ in range(lead_down):
        await pilot.press("down")
    if typed:
        app.screen.query_one("#pin", Input).focus()
        await pilot.pause()
        await type_text(pilot, pin)
    else:
        await fill(app, pilot, "#pin", pin)
    await pilot.press("enter")
    await settle(app, pilot, 4)


# -- giving ------------------------------------------------------------------------------

async def test_number_key_gives_the_nth_suggestion_with_host_party_and_cost(
        config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    family = add(store, clock, config, 22, 4, "Wang family", PHONE, ["child"])
    add(store, clock, config, 5, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screen = main(app)
        assert screen.current_party_id() == family.id
        panel = shown(app, "#party-panel")
        # numbered suggestions, each with its reason
        head = panel.splitlines()[0]
        assert head.startswith("Wang family (4)  first visit")
        assert "waited 22 min, nothing offered yet" in head  # the reason they all share
        assert "\n1  Kids' rice crackers  ¥2  child in party\n" in panel
        assert "\n2  Colouring sheets and crayons  ¥1" in panel
        assert "Guests enjoy:" in panel and "Avoid:" in panel
        second = screen._suggestions[1].interaction

        await pilot.press("2")
        await settle(app, pilot)

        given = gestures.gestures_for_party(store, family.id)
        assert [(g.interaction, g.host, g.cost, g.party) for g in given] == \
            [(second.id, "Lin", second.cost, family.id)]
        assert given[0].guest_id == guests.guest_for_party(store, family.id).id
        assert given[0].approved_by == ""
        assert any(m.startswith(f"Given {second.label} to Wang family (¥1)") for m in toasts(app))
        # what was had shows on the panel, and a once-only gesture is not suggested again
        panel = shown(app, "#party-panel")
        assert f"had: {second.label}" in panel
        # the numbers stay as they were for the double-tap guard, then it drops out
        assert second.id in [s.interaction.id for s in screen._suggestions]
        clock.advance(seconds=config.goodwill.repeat_guard_seconds + 1)
        app.tick()
        await settle(app, pilot)
        assert second.id not in [s.interaction.id for s in screen._suggestions]
        assert "Goodwill left: ¥299" in shown(app, "#header")


async def test_number_key_on_the_second_party_and_beyond_the_list(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    first = add(store, clock, config, 22, 4, "Wang family", tags=["child"])
    second = add(store, clock, config, 3, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await pilot.pause()
        screen = main(app)
        assert screen.current_party_id() == second.id
        assert shown(app, "#party-panel").startswith("Chen (2)")
        n = len(screen._suggestions)
        assert 0 < n < 9
        await pilot.press(str(n + 1))
        await settle(app, pilot)
        assert f"There is no suggestion {n + 1} for this party." in toasts(app)
        assert gestures.gestures_for_party(store, second.id) == []
        item = screen._suggestions[0].interaction
        await pilot.press("1")
        await settle(app, pilot)
        assert [g.interaction for g in gestures.gestures_for_party(store, second.id)] == [item.id]
        assert gestures.gestures_for_party(store, first.id) == []


async def test_catalogue_then_enter_gives_the_highlighted_item(config, store, clock):
    gestures.set_host_on_duty(store, "Ana", config)
    party = add(store, clock, config, 25, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogueScreen)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        # every catalogue entry, then the custom gesture last
        assert set(ids[:-1]) == {i.id for i in config.catalogue}
        assert ids[-1] == "__other__"
        await choose(app, pilot, "fruit_plate")
        assert isinstance(app.screen, MainScreen)
        given = gestures.gestures_for_party(store, party.id)
        assert [(g.interaction, g.label, g.category, g.cost, g.host) for g in given] == \
            [("fruit_plate", "Fruit plate", "snack", 12.0, "Ana")]
        assert "Goodwill left: ¥288" in shown(app, "#header")


async def test_catalogue_says_which_items_are_out_of_season_and_which_only_not_now(
        config, store):
    """At 04:01 in late November the blanket is in season but outside its hours: "not at
    this hour", not "out of season" (that is the summer lemonade). At 80x24 every label
    is whole: the labels' column is as wide as the longest."""
    clock = FixedClock("2026-11-20T20:01:00+00:00")  # 04:01 on the 21st in Shanghai
    add(store, clock, config, 25, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogueScreen)
        options = app.screen.query_one(OptionList)
        prompts = {options.get_option_at_index(i).id:
                   str(options.get_option_at_index(i).prompt)
                   for i in range(options.option_count)}
        assert "not at this hour (18:00–23:59)" in prompts["blanket"]
        assert "out of season" not in prompts["blanket"]
        assert "out of season" in prompts["lemonade"]
        assert "not at this hour (11:00–14:00, 17:00–22:00)" in prompts["manicure"]
        assert not any(word in prompts["fruit_plate"] for word in ("season", "hour"))
        assert prompts["colouring"].startswith("Colouring sheets and crayons ")


async def test_catalogue_escape_gives_nothing(config, store, clock):
    gestures.set_host_on_duty(store, "Ana", config)
    party = add(store, clock, config, 25, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert gestures.gestures_for_party(store, party.id, include_voids=True) == []


async def test_custom_gesture_with_its_cost_and_note(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 25, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        await choose(app, pilot, "__other__")
        assert isinstance(app.screen, CustomGestureForm)
        assert app.screen.query_one("#label", Input).has_focus
        await fill(app, pilot, "#label", "Umbrella lent")
        await fill(app, pilot, "#cost", "7.5")
        await fill(app, pilot, "#note", "raining hard")
        await pilot.press("enter")
        await settle(app, pilot)
        given = gestures.gestures_for_party(store, party.id)
        assert [(g.interaction, g.label, g.category, g.cost, g.note, g.host) for g in given] == \
            [("custom", "Umbrella lent", "custom", 7.5, "raining hard", "Lin")]
        assert "Goodwill left: ¥292.5" in shown(app, "#header")


async def test_custom_gesture_form_refuses_an_empty_label_and_a_bad_cost(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 25, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        await choose(app, pilot, "__other__")
        form = app.screen
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert str(form.query_one("#label-error", Static).content)
        await fill(app, pilot, "#label", "Umbrella")
        await fill(app, pilot, "#cost", "-3")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert str(form.query_one("#cost-error", Static).content)
        assert gestures.gestures_for_party(store, party.id) == []


async def test_nobody_on_duty_asks_who_and_then_gives(config, store, clock):
    party = add(store, clock, config, 22, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "Nobody on duty (h)" in shown(app, "#header")
        item = main(app)._suggestions[0].interaction
        await pilot.press("1")
        await settle(app, pilot)
        assert isinstance(app.screen, HostPicker)
        assert gestures.gestures_for_party(store, party.id) == []
        await choose(app, pilot, "Ana")
        await settle(app, pilot)
        given = gestures.gestures_for_party(store, party.id)
        assert [(g.interaction, g.host) for g in given] == [(item.id, "Ana")]
        assert gestures.host_on_duty(store) == "Ana"
        assert "On duty: Ana" in shown(app, "#header")


async def test_a_large_budget_left_is_written_as_reports_write_money(store, clock):
    """The header wrote what is left with ``:g``: a budget of 1,000,000 read "¥1e+06"."""
    from helpers import config_variant

    rich = config_variant(**{"budget_per_shift = 300": "budget_per_shift = 1000000"})
    gestures.set_host_on_duty(store, "Lin", rich)
    app = make_app(rich, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "On duty: Lin (Goodwill left: ¥1,000,000)" in shown(app, "#header")


async def test_h_sets_the_host_and_it_is_remembered(config, store, clock, tmp_path):
    gestures.set_host_on_duty(store, "Lin", config)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "On duty: Lin (Goodwill left: ¥300)" in shown(app, "#header")
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HostPicker)
        await choose(app, pilot, "Hao")
        assert "On duty: Hao (Goodwill left: ¥300)" in shown(app, "#header")
    # a restart of this stand (a new store on the same file, under the same stand name)
    # starts straight on the main screen with Hao
    again = Store.open(store.path, config, station=store.station)
    app2 = make_app(config, again, clock)
    async with app2.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app2, pilot)
        assert isinstance(app2.screen, MainScreen)
        assert "On duty: Hao" in shown(app2, "#header")
    again.close()


# -- budget and lead approval --------------------------------------------------------------

async def test_over_budget_asks_for_a_pin_wrong_pin_is_logged_right_pin_approves(
        config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 25, 2, "Chen")
    now = clock.now().float_timestamp
    gestures.give(store, now - 600, party, "Big group dinner", "Lin", cost=295)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "Goodwill left: ¥5" in shown(app, "#header")
        ids = [s.interaction.id for s in main(app)._suggestions]
        assert "fruit_plate" in ids
        await pilot.press(str(ids.index("fruit_plate") + 1))
        await settle(app, pilot)
        assert isinstance(app.screen, PinScreen)
        assert "a lead must approve" in str(app.screen.query_one(".dialog-title",
                                                                  Static).content)
        assert [g.interaction for g in gestures.gestures_for_party(store, party.id)] == \
            ["custom"]

        await enter_pin(app, pilot, "000000", typed=True)
        assert pin_rows(store) == [("Mei", 0, "wrong")]
        assert "Wrong PIN for Mei: 4 tries left" in toasts(app)
        assert isinstance(app.screen, PinScreen)  # asked again
        assert [g.interaction for g in gestures.gestures_for_party(store, party.id)] == \
            ["custom"]

        await enter_pin(app, pilot, "246813")
        assert pin_rows(store) == [("Mei", 0, "wrong"), ("Mei", 1, "ok")]
        assert isinstance(app.screen, MainScreen)
        given = gestures.gestures_for_party(store, party.id)
        assert [(g.interaction, g.cost, g.host, g.approved_by) for g in given] == \
            [("custom", 295.0, "Lin", ""), ("fruit_plate", 12.0, "Lin", "Mei")]
        assert "Goodwill left: −¥7" in shown(app, "#header")  # a minus, before the ¥


async def give_fruit_plate(app, pilot) -> None:
    """Press the number key the party panel shows the fruit plate under."""
    ids = [s.interaction.id for s in main(app)._suggestions]
    await pilot.press(str(ids.index("fruit_plate") + 1))
    await settle(app, pilot)


def lin_over_budget_for_chen(config, store, clock):
    """Lin on duty, her whole budget already given to Chen (2): the next gesture needs a
    lead. Chen, and the app."""
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 25, 2, "Chen")
    gestures.give(store, clock.now().float_timestamp - 60, party, "Earlier", "Lin", cost=300)
    return party, make_app(config, store, clock)


async def test_pin_for_the_other_lead_and_escape_cancels(config, store, clock):
    party, app = lin_over_budget_for_chen(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await give_fruit_plate(app, pilot)
        assert isinstance(app.screen, PinScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert pin_rows(store) == []
        assert len(gestures.gestures_for_party(store, party.id)) == 1

        await give_fruit_plate(app, pilot)
        # Mei's PIN typed with Jun chosen is wrong; Jun's own PIN is right (Jun is still
        # chosen when the PIN is asked again)
        await enter_pin(app, pilot, "246813", lead_down=1)
        assert pin_rows(store) == [("Jun", 0, "wrong")]
        await enter_pin(app, pilot, "135724")
        given = gestures.gestures_for_party(store, party.id)
        assert [(g.interaction, g.approved_by) for g in given][-1] == ("fruit_plate", "Jun")


async def test_a_wrong_pin_names_the_lead_and_asks_again_for_the_same_lead(
        config, store, clock):
    """Jun chose her name and mistyped: "Wrong PIN" did not say whose PIN was checked, and
    the box asked again with Mei chosen, so Jun's right PIN typed straight in was counted
    wrong against Mei. Now the message names the lead, and the lead stays chosen."""
    party, app = lin_over_budget_for_chen(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await give_fruit_plate(app, pilot)
        await enter_pin(app, pilot, "000000", lead_down=1)
        assert "Wrong PIN for Jun: 4 tries left" in toasts(app)
        assert isinstance(app.screen, PinScreen)  # asked again, Jun still chosen
        await enter_pin(app, pilot, "135724")
        assert pin_rows(store) == [("Jun", 0, "wrong"), ("Jun", 1, "ok")]
        given = gestures.gestures_for_party(store, party.id)
        assert [(g.interaction, g.approved_by) for g in given][-1] == ("fruit_plate", "Jun")


async def test_needs_approval_item_asks_a_lead_even_within_budget(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 50, 2, "Chen", quote=30)  # 20 min past the quote
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        assert "Needs a lead's approval" in str(app.screen.query_one(
            OptionList).get_option_at_index(option_index(app.screen, "voucher")).prompt)
        await choose(app, pilot, "voucher")
        assert isinstance(app.screen, PinScreen)
        assert "needs a lead's approval" in str(
            app.screen.query_one(".dialog-title", Static).content)
        assert gestures.gestures_for_party(store, party.id) == []
        await enter_pin(app, pilot, "246813")
        given = gestures.gestures_for_party(store, party.id)
        assert [(g.interaction, g.cost, g.approved_by) for g in given] == \
            [("voucher", 30.0, "Mei")]
        assert "Goodwill left: ¥270" in shown(app, "#header")


async def test_too_many_wrong_pins_lock_pin_entry(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 50, 2, "Chen", quote=30)
    # wrong PINs typed a few minutes ago (at another terminal) count toward the lock
    for minutes in range(config.goodwill.pin_max_wrong - 1, 0, -1):
        res = gestures.check_lead_pin(store, config, "Jun", "0000",
                                      clock.now().float_timestamp - minutes * 60)
        assert res.status == "wrong"
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        await choose(app, pilot, "voucher")
        await enter_pin(app, pilot, "999999")
        assert isinstance(app.screen, MainScreen)  # locked: not asked again
        assert any(m.startswith("Too many wrong PINs: try again at") for m in toasts(app))
        assert [r[1] for r in pin_rows(store)] == [0] * config.goodwill.pin_max_wrong
        assert gestures.gestures_for_party(store, party.id) == []


# -- void ----------------------------------------------------------------------------------

async def test_void_with_G_v_and_a_note(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 25, 2, "Chen")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        await choose(app, pilot, "fruit_plate")
        assert "Goodwill left: ¥288" in shown(app, "#header")
        original = gestures.gestures_for_party(store, party.id)[0]

        await pilot.press("G")
        await settle(app, pilot)
        assert isinstance(app.screen, GesturesScreen)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, VoidForm)
        await pilot.press("enter")  # a void needs a note
        await settle(app, pilot)
        assert isinstance(app.screen, VoidForm)
        await fill(app, pilot, "#note", "wrong party")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)

        rows = gestures.gestures_for_party(store, party.id, include_voids=True)
        assert [(g.id, g.void_of, g.cost, g.voided) for g in rows] == \
            [(original.id, None, 12.0, True), (rows[1].id, original.id, -12.0, False)]
        assert rows[1].note == "wrong party" and rows[1].host == "Lin"
        assert "Goodwill left: ¥300" in shown(app, "#header")
        assert "had:" not in shown(app, "#party-panel")

        await pilot.press("G")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        labels = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert labels == ["Fruit plate (voided)", f"Fruit plate void of #{original.id}"]
        await pilot.press("v")  # the voided gesture cannot be voided again
        await settle(app, pilot)
        assert isinstance(app.screen, GesturesScreen)
        await pilot.press("escape")
        await settle(app, pilot)
    assert len(gestures.gestures_for_party(store, party.id, include_voids=True)) == 2


# -- walk-away rescue ----------------------------------------------------------------------

async def test_rescue_stayed_keeps_the_party_waiting(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 50, 2, "Chen", quote=30)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, RescueScreen)
        # a free table is offered first, then the tour
        assert app.screen.query_one(OptionList).get_option_at_index(0).id.startswith("table:")
        await choose(app, pilot, "kitchen_tour")
        assert isinstance(app.screen, OutcomeChooser)
        await choose(app, pilot, "stayed")
        assert isinstance(app.screen, MainScreen)
        rescues = gestures.rescues_for_party(store, party.id)
        assert [(r.offer, r.outcome, r.host) for r in rescues] == \
            [("kitchen_tour", "stayed", "Lin")]
        assert [g.interaction for g in gestures.gestures_for_party(store, party.id)] == \
            ["kitchen_tour"]
        assert store.party(party.id).status == "waiting"
        assert party.id in main(app).query_one(WaitingList).row_keys()


async def test_rescue_title_says_the_minutes_its_items_and_the_row_say(config, store, clock):
    """The title said "after 39 min" while its items and the Waited column said 40 (the
    title rounded the stopwatch, the rest count as the clock does): one number for all."""
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 39.4, 2, "Chen", quote=30)  # 40 by the clock
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "40 min" in str(main(app).query_one(WaitingList).get_cell(party.id, "col_waited"))
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, RescueScreen)
        title = str(app.screen.query_one(".dialog-title", Static).render())
        assert "after 40 min" in title, title
        items = " ".join(str(o.prompt) for o in app.screen.query_one(OptionList).options)
        assert "39 min" not in items and "40 min" in items, items


async def test_rescue_left_removes_the_party_as_walked_away(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 50, 2, "Chen", quote=30)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        await choose(app, pilot, "rescue_voucher")
        assert isinstance(app.screen, OutcomeChooser)
        await choose(app, pilot, "left")
        rescues = gestures.rescues_for_party(store, party.id)
        assert [(r.offer, r.outcome) for r in rescues] == [("rescue_voucher", "left")]
        p = store.party(party.id)
        assert (p.status, p.reason) == ("removed", "walked_away")
        assert party.id not in main(app).query_one(WaitingList).row_keys()


async def test_rescue_outcome_later_then_l_asks_for_the_outcome(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 50, 2, "Chen", quote=30)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        table_offer = app.screen.query_one(OptionList).get_option_at_index(0).id
        await choose(app, pilot, table_offer)
        await choose(app, pilot, "__other__")  # decide later
        assert [r.outcome for r in gestures.rescues_for_party(store, party.id)] == [""]
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, OutcomeChooser)  # straight to the pending outcome
        await choose(app, pilot, "stayed")
        rescues = gestures.rescues_for_party(store, party.id)
        assert [(r.offer, r.outcome) for r in rescues] == [(table_offer, "stayed")]
        assert gestures.gestures_for_party(store, party.id) == []  # a table is not a gesture


# -- guests --------------------------------------------------------------------------------

def _earlier_visit(store, config, note_text: str = "jasmine tea"):
    """Zhang Wei came a week ago, liked jasmine tea, and was seated and left."""
    then = arrow.get("2026-11-13T19:00:00+08:00").float_timestamp
    ev = store.add_party(then, 2, "Zhang Wei", PHONE, [], "", Quote(20, 15, 27),
                         tz=config.timezone)
    card = guests.record_visit(store, store.party(ev.party))
    guests.add_note(store, card.id, "like", note_text, "Ana", then + 600)
    store.seat_party(then + 1200, ev.party, "A1")
    store.table_departed(then + 4800, "A1")
    store.table_ready(then + 5100, "A1")
    return card


async def test_returning_guest_recognised_by_phone_on_the_add_form(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    _earlier_visit(store, config)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, PartyForm)
        await fill(app, pilot, "#name", "Zhang")
        await fill(app, pilot, "#size", "2")
        form.query_one("#phone", Input).focus()
        await pilot.pause()
        await type_text(pilot, "138 1234 5678")
        await settle(app, pilot)
        guest = str(form.query_one("#guest", Static).content)
        assert guest.startswith("Returning guest: Zhang Wei · 2nd visit")
        assert "last visit 2026-11-13" in guest
        assert "likes jasmine tea" in guest
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        waiting = store.load_room().waiting()
        assert [p.phone for p in waiting] == [PHONE]
        card = guests.guest_for_party(store, waiting[0].id)
        assert (card.visit_number, card.visits) == (2, 2)
        panel = shown(app, "#party-panel")
        assert "2nd visit" in panel and "likes jasmine tea" in panel
        assert "Welcome back: favourite dipping sauce set  ¥5  2nd visit" in panel
        # once jasmine tea fits (15 min), it is suggested for what they liked last time
        clock.advance(minutes=16)
        app.tick()
        await pilot.pause()
        jasmine = [line for line in shown(app, "#party-panel").splitlines()
                   if "Jasmine tea refill" in line]
        assert jasmine and jasmine[0].endswith("2nd visit, liked jasmine tea last time")
        # the row on the waiting list shows the last digits of the phone
        assert "5678" in str(main(app).query_one("#waiting", DataTable).get_row_at(0)[1])


async def test_unknown_phone_shows_no_guest(config, store, clock):
    _earlier_visit(store, config)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        await fill(app, pilot, "#phone", "139 0000 1111")
        await settle(app, pilot)
        assert str(form.query_one("#guest", Static).content) == ""


async def test_o_notes_an_observation_on_the_guest_card(config, store, clock):
    gestures.set_host_on_duty(store, "Hao", config)
    card = _earlier_visit(store, config)
    party = add(store, clock, config, 12, 2, "Zhang Wei", PHONE)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "likes jasmine tea" in shown(app, "#party-panel")
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteForm)
        await fill(app, pilot, "#text", "prefers the window")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        notes = guests.guest(store, card.id).notes
        assert [(n.kind, n.text, n.host) for n in notes] == \
            [("like", "jasmine tea", "Ana"), ("like", "prefers the window", "Hao")]
        assert "likes jasmine tea, prefers the window" in shown(app, "#party-panel")

        # an allergy, chosen in the kind list
        await pilot.press("o")
        await settle(app, pilot)
        app.screen.query_one("#kind", OptionList).highlighted = 3
        await fill(app, pilot, "#text", "peanuts")
        await pilot.press("enter")
        await settle(app, pilot)
        assert guests.guest(store, card.id).allergies == ["peanuts"]
        assert "peanuts" in shown(app, "#party-panel")
    # it is there on the next visit (once this one is seated)
    store.seat_party(clock.now().float_timestamp, party.id, "A4")
    later = guests.recognise(store, PHONE)
    assert later.visit_number == 3
    assert later.likes == ["jasmine tea", "prefers the window"]
    assert party.id and later.allergies == ["peanuts"]


async def test_o_without_a_phone_says_a_phone_is_needed(config, store, clock):
    party = add(store, clock, config, 12, 2, "Walk-in")
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert any(m.startswith("Notes go on the guest's card") for m in toasts(app))
    assert guests.guest_for_party(store, party.id) is None
    assert store.db.execute("SELECT count(*) FROM guest_notes").fetchone()[0] == 0


# -- attention and header ------------------------------------------------------------------

async def test_attention_flags_a_party_left_alone_too_long(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 2, 2, "Chen", quote=60)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "Chen" not in shown(app, "#attention")
        clock.advance(minutes=config.attention_minutes - 5)  # 12 min alone
        app.tick()
        await pilot.pause()
        assert "Chen" not in shown(app, "#attention")
        clock.advance(minutes=4)  # 16 min alone
        app.tick()
        await pilot.pause()
        attention = shown(app, "#attention")
        assert "Chen (2)  waited 16 min, nothing offered yet" in attention
        await pilot.press("1")
        await settle(app, pilot)
        assert len(gestures.gestures_for_party(store, party.id)) == 1
        assert "Chen" not in shown(app, "#attention")  # looked after just now
        clock.advance(minutes=config.attention_minutes + 1)
        app.reload()
        await settle(app, pilot)
        assert "nothing offered for 16 min" in shown(app, "#attention")


async def test_header_shows_the_host_and_what_is_left_of_the_budget(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 25, 2, "Chen")
    now = clock.now().float_timestamp
    # spent before this shift (16:30 local) does not count; spent by Ana does not count
    gestures.give(store, now - 4 * 3600, party, "Lunch shift", "Lin", cost=100)
    gestures.give(store, now - 60, party, "Ana's gift", "Ana", cost=50)
    gestures.give(store, now - 30, party, "This shift", "Lin", cost=40)
    app = make_app(config, store, clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        header = shown(app, "#header")
        assert "18:40" in header
        assert "On duty: Lin (Goodwill left: ¥260)" in header


async def test_a_chinese_stand_names_what_was_given_in_chinese(zh_config, store, clock):
    """The log keeps the catalogue's label as given; the toast, the gesture list and
    the party panel name it in the stand's language."""
    gestures.set_host_on_duty(store, "Lin", zh_config)
    store.add_party(clock.now().float_timestamp - 20 * 60, 2, "Wu",
                    tz=zh_config.timezone)
    app = QueueApp(zh_config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        shown = main(app)._suggestions[0].interaction
        await pilot.press("1")
        await settle(app, pilot)
        chinese = shown.label_for("zh")
        assert chinese != shown.label
        assert any(chinese in text for text in toasts(app)), toasts(app)
        await pilot.press("G")
        await settle(app, pilot)
        listed = app.screen.query_one(DataTable)
        assert chinese in str(listed.get_row_at(0)[1])
