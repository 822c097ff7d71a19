"""Forms that keep what the host types (issue "Fit for a rush", points 5, 6, 7, 8):
every number field through one validator, focus on the first thing to type, keys typed
while a form opens, the quote saved as shown, a phone already on the list, a returning
guest's name and size filled in, visit numbers that agree."""

from __future__ import annotations

import asyncio
import time
from typing import TypeVar

import arrow
import pytest
from helpers import on_screen, settle, toasts
from textual import events
from textual.widgets import DataTable, Input, OptionList, Static

from queueapp.clock import FixedClock
from queueapp.goodwill import gestures, guests
from queueapp.quotes.rule import Quote, RuleQuoter, as_told
from queueapp.ui.app import QueueApp
from queueapp.ui.screens.forms import PartyForm
from queueapp.ui.screens.goodwill import CustomGestureForm, NoteForm, PinScreen
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.screens.pickers import SamePhone
from queueapp.ui.screens.review import ReviewScreen

START = "2026-11-20T10:40:00+00:00"  # 18:40 in Shanghai, a Friday evening
PHONE = "+8613812345678"
SIZE = (170, 48)
LONG = "9" * 10_000
BAD_NUMBERS = ["²", "-1", "", LONG]  # refused, each with a message under the field
S = TypeVar("S")  # a screen a key opens
CHARACTERS = {"tab": "\t", "enter": "\r"}  # what a terminal sends for these keys


@pytest.fixture
def clock():
    return FixedClock(START)


def add(store, clock, config, minutes_ago: float, size: int, name: str, phone: str = "",
        quote: float = 30):
    now = clock.now().float_timestamp
    ev = store.add_party(now - minutes_ago * 60, size, name, phone, [], "",
                         Quote(quote, quote * 0.75, quote * 1.35), tz=config.timezone)
    party = store.party(ev.party)
    if phone:
        guests.record_visit(store, party)
    return party


def earlier_visits(store, config, sizes=(4, 4, 2)):
    """Zhang Wei came before (with the party sizes given, oldest first), always seated."""
    card = None
    for n, size in enumerate(sizes):
        then = arrow.get("2026-10-01T19:00:00+08:00").shift(weeks=n).float_timestamp
        ev = store.add_party(then, size, "Zhang Wei", PHONE, [], "", Quote(20, 15, 27),
                             tz=config.timezone)
        card = guests.record_visit(store, store.party(ev.party))
        store.seat_party(then + 1200, ev.party, "A10")
        store.table_departed(then + 4800, "A10")
        store.table_ready(then + 5100, "A10")
    return card


async def fill(app, pilot, selector: str, text: str) -> None:
    field = app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


def error_text(app, field: str) -> str:
    return str(app.screen.query_one(f"#{field}-error", Static).render())


async def typed_at_once(app, pilot, opener: str, screen: type, keys: list[str]) -> None:
    """A fast host: ``opener`` opens ``screen`` and the keys follow straight away, while
    the form is still opening (Pilot's press would wait for it to finish); then Enter,
    unless the keys end with it."""
    app.post_message(events.Key(opener, opener))
    for _ in range(1000):  # until the screen is pushed, not a moment longer
        if isinstance(app.screen, screen):
            break
        await asyncio.sleep(0)
    assert isinstance(app.screen, screen)
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else CHARACTERS.get(key)))
    await settle(app, pilot)
    if keys[-1] != "enter":
        await pilot.press("enter")
    await settle(app, pilot, 5)


async def closed(app) -> bool:
    """Has the app closed (within a few seconds of being told to)?"""
    for _ in range(50):
        if not app.is_running:
            return True
        await asyncio.sleep(0.05)
    return False


async def opened(app, pilot, key: str, screen: type[S]) -> S:
    """The app settled, then ``key``: ``screen`` is open (the add form for ``a``, the PIN
    box for ``R``)."""
    await settle(app, pilot)
    await pilot.press(key)
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, screen)
    return form


def main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


# -- number fields ----------------------------------------------------------------------

async def test_party_size_refuses_what_is_not_a_number_and_takes_full_width_digits(
        make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        form = await opened(app, pilot, "a", PartyForm)
        await fill(app, pilot, "#name", "Wu")
        # '²' typed as a key (it crashed the app: '²'.isdigit() is True, int('²') fails)
        form.query_one("#size", Input).focus()
        await pilot.press("²")
        await settle(app, pilot)
        assert app.screen is form
        assert error_text(app, "size") == "Party size: “²” is not a digit: use the digits 0–9."
        for text, message in (("-1", "Party size must be a whole number, 1 to 12."),
                              ("", "Enter the party size, 1 to 12."),
                              (LONG, "Party size must be a whole number, 1 to 12.")):
            await fill(app, pilot, "#size", text)
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is form, text[:5]
            assert error_text(app, "size") == message
            assert app.focused.id == "size"
            assert str(form.query_one("#quote", Static).render()) == ""
        assert store.load_room().waiting() == []
        await fill(app, pilot, "#size", "３")  # full width, as a Chinese input method types
        await settle(app, pilot)
        assert error_text(app, "size") == ""
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    [party] = store.load_room().waiting()
    assert (party.name, party.size) == ("Wu", 3)


async def test_custom_gesture_cost_goes_through_the_validator(make_app, store, clock, config):
    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 20, 2, "Chen")
    app = make_app(store=store)  # the stand Lin is on duty at
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        app.screen.query_one(OptionList).highlighted = \
            app.screen.query_one(OptionList).option_count - 1
        await pilot.press("enter")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CustomGestureForm)
        assert form.query_one("#cost", Input).placeholder.startswith("e.g.")
        await fill(app, pilot, "#label", "Umbrella")
        for text in ("²", "-1", LONG):
            await fill(app, pilot, "#cost", text)
            assert error_text(app, "cost").startswith("Cost: ")  # as typed, before Enter
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is form, text[:5]
            assert error_text(app, "cost").startswith("Cost: ")
        assert gestures.gestures_for_party(store, party.id) == []
        await fill(app, pilot, "#cost", "３")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        [given] = gestures.gestures_for_party(store, party.id)
        assert (given.label, given.cost) == ("Umbrella", 3.0)
        # an empty cost is a free gesture
        await pilot.press("g")
        await settle(app, pilot)
        app.screen.query_one(OptionList).highlighted = \
            app.screen.query_one(OptionList).option_count - 1
        await pilot.press("enter")
        await settle(app, pilot)
        await fill(app, pilot, "#label", "Phone charger lent")
        await fill(app, pilot, "#cost", "")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [g.cost for g in gestures.gestures_for_party(store, party.id)] == [3.0, 0.0]


async def test_pin_box_refuses_what_cannot_be_a_secret_before_anything_is_checked(
        make_app, store):
    """Too short to be any lead's secret (fewer than 6 digits, or a passphrase under 8
    characters: "²" is not a digit) or too long: refused on the form, never counted."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        form = await opened(app, pilot, "R", PinScreen)
        assert form.query_one("#pin", Input).placeholder == "6+ digits, or a passphrase"
        for text in ("²²²²²²", "-1", "", "2468", "pass wd", LONG):
            await fill(app, pilot, "#pin", text)
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is form, text[:5]
            assert error_text(app, "pin").startswith("PIN: ")
        # nothing was checked, so nothing counts toward the lock
        assert store.db.execute("SELECT count(*) FROM pin_attempts").fetchone()[0] == 0
        await fill(app, pilot, "#pin", "２４６８１３")  # Mei's PIN in full-width digits
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)


async def test_birthday_goes_through_the_validator(make_app, store, clock, config):
    card = earlier_visits(store, config, sizes=(2,))
    add(store, clock, config, 10, 2, "Zhang Wei", PHONE)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        form.query_one("#kind", OptionList).highlighted = 4  # birthday
        for text in ("²-1", "-1", "1-²", LONG):
            await fill(app, pilot, "#text", text)
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is form, text[:5]
            assert error_text(app, "text") == ("Type the observation (up to 200 characters)."
                                               if text == LONG else
                                               "Write the birthday as MM-DD, e.g. 03-14.")
        await fill(app, pilot, "#text", "０３－１４")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert guests.guest(store, card.id).birthday == "03-14"


# -- focus and keys typed at once -----------------------------------------------------------

async def test_a_pin_typed_at_once_is_not_lost(make_app, store):
    """Two leads: the lead list has focus, and digits typed straight away go to the PIN."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await typed_at_once(app, pilot, "R", PinScreen, list("246813"))
        assert isinstance(app.screen, ReviewScreen), app.screen
    assert store.db.execute("SELECT lead, ok FROM pin_attempts").fetchall() == [("Mei", 1)]


async def test_a_party_typed_in_one_burst_lands_field_by_field(make_app, store):
    """Name (a typo and Backspace), Tab, size, Tab, phone, Shift+Tab back to the size and
    a new one, Enter: all in one burst (keys sent at once by a terminal, as tmux does, or
    a scanner). Each key lands in the field the Tab before it moved to, Backspace deletes
    where it was typed, and Enter saves what was typed before it. (The field Tab left
    used to handle it only after the keys after it had been sent there too: the name
    read "Wu413812345678"; Enter read the fields before the last keys were in.)"""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        burst = [*"Wux", "backspace", "tab", "4", "tab", *"13812345678", "shift+tab", "3",
                 "enter"]
        await typed_at_once(app, pilot, "a", PartyForm, burst)
        assert isinstance(app.screen, MainScreen), [w.value for w in app.screen.query(Input)]
    [party] = store.load_room().waiting()
    assert (party.name, party.size, party.phone) == ("Wu", 3, PHONE)


async def test_keys_typed_straight_after_a_key_that_opens_a_form_land_in_it(
        make_app, store, clock, config):
    """"a" and the name in one burst (read at once while the stand was busy): the letters
    went to the waiting list before the form was open, where "u" is undo and "s" seat.
    Now they wait for the form; and two parties typed ahead, one after the other, are
    both added as typed."""
    add(store, clock, config, 5, 2, "Chen")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        burst = ["a", *"Wusc", "tab", "3", "enter", "a", *"Li", "tab", "2", "enter"]
        for key in burst:
            app.post_message(events.Key(key, key if len(key) == 1 else CHARACTERS[key]))
        deadline = time.monotonic() + 30  # a loaded machine: the quotes take longer
        while time.monotonic() < deadline:
            await settle(app, pilot)
            if len(store.load_room().waiting()) == 3 and isinstance(app.screen, MainScreen):
                break
        assert isinstance(app.screen, MainScreen)
    waiting = store.load_room().waiting()
    assert [(p.name, p.size) for p in waiting] == [("Chen", 2), ("Wusc", 3), ("Li", 2)]


async def test_keys_typed_after_an_enter_the_form_refused_are_not_typed_into_it(
        make_app, store):
    """Two parties typed ahead, the first with a name too long: its Enter is refused and
    the form stays open, its cursor on the name (all of it selected). The keys typed
    after that Enter were meant for the next party: they went into the refused form, "a"
    replaced the long name, "Li" followed, Tab and "2" replaced the size, and Enter saved
    a party "aLi" of 2; the first party was lost without a word. Now they are not used,
    the form keeps what was typed in it, and the host is told."""
    app = make_app()
    long_name = "Bartholomew Montgomery-Featherstonehaugh and Friends of the Family"
    assert len(long_name) > 60
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        burst = ["a", *long_name, "tab", "3", "enter", "a", *"Li", "tab", "2", "enter"]
        for key in burst:
            app.post_message(events.Key(key, key if len(key) == 1 else CHARACTERS[key]))
        await settle(app, pilot, 8)
        assert isinstance(app.screen, PartyForm)
        assert app.screen.query_one("#name", Input).value == long_name
        assert app.screen.query_one("#size", Input).value == "3"
        assert "Not saved: the form shows why. The keys typed after Enter were not " \
            "used." in toasts(app)
    assert store.load_room().waiting() == []

async def test_a_guest_or_quote_worked_out_after_the_form_closed_changes_nothing(
        make_app, store):
    """Enter saved the party while its phone was still being looked up (a fast host): the
    answer arrives to a closed form and is dropped (it raised NoMatches, and the app
    ended with a traceback). The same for a quote still being worked out."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        form = await opened(app, pilot, "a", PartyForm)
        await pilot.press("escape")
        await settle(app, pilot)
        assert form not in app.screen_stack
        form._show_guest(None, PHONE)  # what the lookup's worker calls when it is done
        form._show_quote(2, Quote(20, 15, 27))  # and the quote's, likewise
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)


async def test_quitting_with_a_form_typed_in_names_it_before_quitting(make_app, store):
    """Ctrl+Q with a party half typed: the first press says what is not saved and how to
    keep it; Enter still saves it; a second Ctrl+Q (after typing another) quits."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a", *"Qian", "tab", "2", "ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, PartyForm)
        assert "Not saved yet: Qian · 2. Enter saves it; Ctrl+Q again quits without it." \
            in toasts(app)
        await pilot.press("enter")
        await settle(app, pilot, 5)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("a", *"Sun", "ctrl+q")
        await settle(app, pilot)
        assert app.is_running
        await pilot.press("ctrl+q")
        assert await closed(app)
    assert [p.name for p in store.load_room().waiting()] == ["Qian"]


async def test_quitting_on_the_pin_box_quits_at_once(make_app):
    """A PIN typed and not sent is not worth a warning (and it is never shown)."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await opened(app, pilot, "R", PinScreen)
        await pilot.press(*"2468", "ctrl+q")
        assert await closed(app)


async def test_the_o_form_saves_an_observation_typed_at_once(make_app, store, clock, config):
    gestures.set_host_on_duty(store, "Hao", config)
    card = earlier_visits(store, config, sizes=(2,))
    add(store, clock, config, 10, 2, "Zhang Wei", PHONE)
    app = make_app(store=store)  # the stand the host is on duty at
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await typed_at_once(app, pilot, "o", NoteForm, [*"window"])
        assert isinstance(app.screen, MainScreen), app.screen
        assert "Noted on Zhang Wei's card" in toasts(app)
    assert [(n.kind, n.text) for n in guests.guest(store, card.id).notes] == \
        [("like", "window")]


async def test_forms_start_on_the_first_thing_to_type(make_app, store, clock, config):
    add(store, clock, config, 10, 2, "Zhang Wei", PHONE)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        for key, first in (("a", "name"), ("o", "text"), ("c", "what")):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.focused is not None and app.focused.id == first, key
            placeholder = app.screen.query_one(f"#{first}", Input).placeholder
            assert placeholder and placeholder != "2"
            await pilot.press("escape")
            await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        size = app.screen.query_one("#size", Input)
        assert size.placeholder == "e.g. 2"  # a hint, not a value: "e.g.", in italics
        assert size.get_component_rich_style("input--placeholder").italic


async def test_escape_says_what_was_not_saved(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await fill(app, pilot, "#name", "Gao Lin")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert "Not saved (Esc): Gao Lin" in toasts(app)


# -- the quote saved is the quote shown ----------------------------------------------------

async def test_the_quote_saved_is_the_quote_the_form_showed(make_app, store, clock, config):
    for i, table in enumerate(config.tables):  # every table busy: new parties wait
        diner = add(store, clock, config, 40, min(table.seats, 4), f"Diner {i}")
        store.seat_party(clock.now().float_timestamp - 35 * 60, diner.id, table.name)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        await fill(app, pilot, "#name", "Wu")
        await fill(app, pilot, "#size", "4")
        await settle(app, pilot)
        shown = str(form.query_one("#quote", Static).render())
        assert shown.startswith("Quote to tell the guest:")
        # the room fills up and time passes while the host talks to the guest
        for n in range(8):
            add(store, clock, config, 0, 4, f"Walk-in {n}")
        clock.advance(minutes=7)
        app.reload()
        await settle(app, pilot)
        point, low, high = app.quote_new(4).rounded()
        now_quote = app.t("quote_for_guest", point=point, low=low, high=high)
        assert now_quote != shown  # a fresh quote would differ: the test can tell
        assert str(form.query_one("#quote", Static).render()) == shown
        form.query_one("#name", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    [wu] = [p for p in store.load_room().waiting() if p.name == "Wu"]
    point, low, high = as_told(wu.quote, wu.quote_low, wu.quote_high)
    assert app.t("quote_for_guest", point=point, low=low, high=high) == shown.splitlines()[0]


# -- the same guests twice, and returning guests ---------------------------------------------

async def add_with_phone(app, pilot, name: str, size: str = "2") -> None:
    await pilot.press("a")
    await settle(app, pilot)
    await fill(app, pilot, "#name", name)
    await fill(app, pilot, "#size", size)
    await fill(app, pilot, "#phone", "138 1234 5678")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_phone_already_waiting_warns_and_can_open_that_party(
        make_app, store, clock, config):
    first = add(store, clock, config, 20, 2, "Chen", quote=40)
    twin = add(store, clock, config, 12, 3, "Zhang Wei", PHONE)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert main(app).current_party_id() == first.id
        await add_with_phone(app, pilot, "Zhang")
        assert isinstance(app.screen, SamePhone)
        title = str(app.screen.query_one(".dialog-title", Static).render())
        assert title == "This phone number is already on the list (waiting since 18:28): " \
            "Zhang Wei (3)"
        assert [o.id for o in app.screen.query_one(OptionList).options] == \
            ["open", "add", "back"]
        await pilot.press("enter")  # open it
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert main(app).current_party_id() == twin.id
        assert [p.name for p in store.load_room().waiting()] == ["Chen", "Zhang Wei"]

        # back to the form: everything as typed; then add anyway
        await add_with_phone(app, pilot, "Zhang")
        app.screen.query_one(OptionList).highlighted = 2
        await pilot.press("enter")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, PartyForm)
        assert [form.query_one(f"#{f}", Input).value for f in ("name", "size", "phone")] == \
            ["Zhang", "2", "138 1234 5678"]
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one(OptionList).highlighted = 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert [p.name for p in store.load_room().waiting()] == ["Chen", "Zhang Wei", "Zhang"]


async def test_a_recognised_phone_fills_in_name_and_usual_size(make_app, store, config):
    earlier_visits(store, config, sizes=(2, 4, 4, 3))
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        await fill(app, pilot, "#phone", "138 1234 5678")
        await settle(app, pilot)
        assert form.query_one("#name", Input).value == "Zhang Wei"
        assert form.query_one("#size", Input).value == "4"
        assert str(form.query_one("#guest", Static).render()).startswith(
            "Returning guest: Zhang Wei · 5th visit")
        await fill(app, pilot, "#size", "5")  # editable
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        # what the host typed first is never overwritten
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        await fill(app, pilot, "#name", "Mr Zhang")
        await fill(app, pilot, "#size", "6")
        await fill(app, pilot, "#phone", "138 1234 5678")
        await settle(app, pilot)
        assert form.query_one("#name", Input).value == "Mr Zhang"
        assert form.query_one("#size", Input).value == "6"
    [zhang] = store.load_room().waiting()
    assert (zhang.name, zhang.size, zhang.phone) == ("Zhang Wei", 5, PHONE)


async def test_visit_numbers_agree_on_the_row_the_card_and_the_edit_form(
        make_app, store, clock, config):
    earlier_visits(store, config, sizes=(2, 2))
    party = add(store, clock, config, 10, 2, "Zhang Wei", PHONE)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        row = "".join(str(c) for c in main(app).query_one("#waiting", DataTable).get_row(
            party.id))
        panel = str(main(app).query_one("#party-panel", Static).render())
        assert "3rd visit" in row and "3rd visit" in panel
        await pilot.press("e")
        await settle(app, pilot)
        guest = str(app.screen.query_one("#guest", Static).render())
        assert guest.startswith("Returning guest: Zhang Wei · 3rd visit"), guest


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_add_form_shows_its_quote_on_a_short_terminal(make_app, config, zh_config,
                                                                language):
    """At 80x24 the quote to tell the guest is on screen before Enter, and a mistake
    under a field still fits (empty error lines take no room)."""
    app = make_app(cfg=zh_config if language == "zh" else config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await fill(app, pilot, "#name", "Li Hua")
        await fill(app, pilot, "#size", "4")
        await settle(app, pilot)
        quote = str(app.screen.query_one("#quote", Static).render()).strip()
        assert quote and all(line in on_screen(app) for line in quote.splitlines()), \
            "the quote (and why) is not on screen"
        await fill(app, pilot, "#size", "²")
        await settle(app, pilot)
        error = str(app.screen.query_one("#size-error", Static).render()).strip()
        assert "²" in error and error[:20] in on_screen(app)



async def test_a_pin_typed_once_the_dialog_is_open_keeps_every_digit(make_app, store):
    """Two leads: the lead list has focus; the first digit moves to the PIN box and the
    next ones follow it (none replaces the one before)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot, "R", PinScreen)
        for key in "246813":
            await pilot.press(key)
            await pilot.pause()
        assert app.screen.query_one("#pin", Input).value == "246813"


class SlowRule(RuleQuoter):
    """The day-one rule, taking as long as the estimator's walk may on a busy evening."""

    def quote_new(self, room, size, now):
        time.sleep(0.4)
        return super().quote_new(room, size, now)


async def test_keys_typed_after_enter_wait_until_the_party_is_saved(store, clock, config):
    """Enter came before the quote was worked out (the form saves as soon as it is on
    screen): the next party typed straight after it went into the open form, "a" and
    all, and neither was saved. Now the keys wait for the save, and open the next form."""
    app = QueueApp(config, store, clock=clock, quoter=SlowRule(config.quoting))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        burst = ["a", *"Wu", "tab", "3", "enter", "a", *"Li", "tab", "2", "enter"]
        for key in burst:
            app.post_message(events.Key(key, key if len(key) == 1 else CHARACTERS[key]))
        deadline = time.monotonic() + 30  # a loaded machine: slow quotes, slower still
        while time.monotonic() < deadline:
            await settle(app, pilot)
            if len(store.load_room().waiting()) == 2 and isinstance(app.screen, MainScreen):
                break
        assert isinstance(app.screen, MainScreen)
    assert [(p.name, p.size) for p in store.load_room().waiting()] == [("Wu", 3), ("Li", 2)]


async def test_keys_after_a_key_whose_flow_reads_the_file_first_wait_for_its_screen(
        make_app, store, clock, config):
    """`G` reads the party's gestures from the file before its list opens: a `v` typed
    straight after it (to void) reached the waiting list, where it opened the guest
    card. It now waits for the list, and opens the void form there."""
    from queueapp.ui.screens.goodwill import VoidForm

    gestures.set_host_on_duty(store, "Lin", config)
    party = add(store, clock, config, 20, 2, "Chen")
    gestures.give(store, clock.now().float_timestamp - 60, party,
                  config.catalogue["welcome_tea"], "Lin")
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        for key in ("G", "v"):
            app.post_message(events.Key(key, key))
        await settle(app, pilot, 5)
        assert isinstance(app.screen, VoidForm), app.screen_stack
        assert isinstance(app.screen_stack[-2], MainScreen) and len(app.screen_stack) == 3
