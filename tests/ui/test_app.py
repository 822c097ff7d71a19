"""Pilot tests of the host stand, driven by keyboard as a host would, against a real SQLite
file and an injected clock."""

from __future__ import annotations

import pytest
from helpers import at, settle, toasts
from textual import events
from textual.widgets import DataTable, Input, OptionList, Static

from queueapp import i18n
from queueapp.quotes.rule import Quote
from queueapp.ui.screens.forms import PartyForm
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.screens.pickers import (
    Chooser,
    FindScreen,
    ReasonPicker,
    SeatPicker,
    TablePicker,
)
from queueapp.waitlist.room import CALLED, CLEARING, FREE, OCCUPIED, REMOVED, SEATED, WAITING

TZ = "Asia/Shanghai"
SIZE = (160, 45)


# -- helpers ----------------------------------------------------------------------------------


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def paste(app, pilot, text: str) -> None:
    """Paste into the focused field (how long names arrive from a phone or a booking)."""
    app.focused.post_message(events.Paste(text))
    await pilot.pause()


def waiting_table(app) -> DataTable:
    return app.screen.query_one("#waiting", DataTable)


def tables_table(app) -> DataTable:
    return app.screen.query_one("#tables", DataTable)


def cell(table: DataTable, row_key: str, column: str) -> str:
    value = table.get_cell(row_key, column)
    return getattr(value, "plain", str(value))


def waiting_rows(app) -> list[str]:
    table = waiting_table(app)
    return [str(k.value) for k in table.rows]


def waiting_names(app) -> list[str]:
    table = waiting_table(app)
    return [cell(table, k, "col_name") for k in waiting_rows(app)]


def table_cells(app, name: str) -> dict[str, str]:
    table = tables_table(app)
    return {str(c.value): cell(table, f"table:{name}", c) for c in table.columns}



def error_text(app, field: str) -> str:
    return str(app.screen.query_one(f"#{field}-error", Static).render())


def options(app) -> list[str]:
    return [o.id for o in app.screen.query_one(OptionList).options]


async def go_to_party(app, pilot, party_id: str) -> None:
    rows = waiting_rows(app)
    table = waiting_table(app)
    table.focus()
    await pilot.pause()
    steps = rows.index(party_id) - table.cursor_row
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
    assert app.screen.current_party_id() == party_id


async def go_to_table(app, pilot, name: str) -> None:
    """Tab to the tables panel and arrow down to ``name``."""
    await pilot.press("tab")
    assert app.focused is tables_table(app)
    keys = [str(k.value) for k in tables_table(app).rows]
    steps = keys.index(f"table:{name}") - tables_table(app).cursor_row
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
    assert app.screen.current_table() == name


def add(store, minutes=-5.0, size=2, name="Li Wei", **kw) -> str:
    return store.add_party(at(minutes), size, name, tz=TZ, **kw).party


def fill_tables(store, config, min_seats: int = 3) -> None:
    """Occupy every table of ``min_seats`` or more, so new parties must wait."""
    for i, t in enumerate(config.tables):
        if t.seats >= min_seats:
            pid = add(store, -40, size=min(t.seats, 4), name=f"Diner {i}")
            store.seat_party(at(-35), pid, t.name)


# -- add --------------------------------------------------------------------------------------

async def test_add_form_validation_messages(make_app, store):
    app = make_app()
    t = app.t
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PartyForm)
        assert app.focused.id == "name"

        # Enter on an empty form: every required field explains itself, nothing is saved
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PartyForm)
        assert error_text(app, "name") == t("err_name_required") == "Enter the guest's name."
        assert error_text(app, "size") == t("err_size_required", max=12)
        assert app.focused.id == "name"

        # name: 61 characters is too long, 60 is fine (inline, while typing)
        await paste(app, pilot, "x" * 61)
        assert error_text(app, "name") == "Keep the name to 60 characters (now 61)."
        await pilot.press("backspace")
        assert error_text(app, "name") == ""
        await pilot.press("tab")
        assert app.focused.id == "size"

        # size: 0, 13 and "abc" are each refused with the right message
        await type_text(pilot, "0")
        assert error_text(app, "size") == "Party size must be from 1 to 12."
        await pilot.press("backspace")
        await type_text(pilot, "13")
        assert error_text(app, "size") == "Party size must be from 1 to 12."
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "abc")
        assert error_text(app, "size") == "Party size must be a whole number, 1 to 12."
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "4")
        assert error_text(app, "size") == ""

        # phone: letters and numbers that cannot exist in China are refused
        await pilot.press("tab")
        assert app.focused.id == "phone"
        await type_text(pilot, "abc")
        assert error_text(app, "phone") == t("err_phone_not_a_number")
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "12345")
        assert error_text(app, "phone") == t("err_phone_invalid_number")
        assert "local phone number" in error_text(app, "phone")  # not "for CN"

        # Enter with a bad phone stays on the form, focused on the bad field
        await pilot.press("shift+tab", "shift+tab")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PartyForm)
        assert app.focused.id == "phone"

        # Escape cancels: nothing written
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert list(store.all_events()) == []


async def test_a_party_a_free_table_fits_is_told_no_wait(make_app, store):
    """Not "0 min (0–0)": the words the guest's page and messages use."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await type_text(pilot, "Li Wei")
        await pilot.press("tab")
        await type_text(pilot, "2")
        await settle(app, pilot)
        quote_text = str(app.screen.query_one("#quote", Static).render()).splitlines()
        assert quote_text[0] == "Quote to tell the guest: no wait, a free table fits them"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Added Li Wei, A001: no wait" in toasts(app)


async def test_add_party_success(make_app, store, config):
    fill_tables(store, config)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        before = len(waiting_rows(app))
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Li Wei")
        await pilot.press("tab")
        await type_text(pilot, "3")
        await settle(app, pilot)  # the quote is worked out in a worker
        # the quote to tell the guest is on the form before saving
        point, low, high = app.quote_new(3).rounded()
        assert point > 0
        quote_text = str(app.screen.query_one("#quote", Static).render()).splitlines()
        assert quote_text[0] == f"Quote to tell the guest: {point} min ({low}–{high})"
        await pilot.press("tab")
        await type_text(pilot, "138 1234 5678")
        assert error_text(app, "phone") == ""
        await pilot.press("tab")  # tags: space ticks the highlighted one ("child")
        await pilot.press("space")
        await pilot.press("tab")
        assert app.focused.id == "note"
        await type_text(pilot, "pram")
        await pilot.press("shift+tab")  # Enter saves from any field, even the tags list
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)

        room = app.snapshot.room
        [new] = [p for p in room.waiting() if p.name == "Li Wei"]
        assert (new.size, new.phone, new.tags, new.note) == (3, "+8613812345678", ("child",),
                                                              "pram")
        assert new.quote is not None and new.quote > 0
        assert len(waiting_rows(app)) == before + 1
        stored = store.party(new.id)
        assert stored.phone == "+8613812345678" and stored.arrived == at(0)
        assert cell(waiting_table(app), new.id, "col_quote") == f"{point} ({low}–{high})"
        # the queue number of its table class (3 guests: B), on the row and in the toast
        assert stored.ticket == "B001"
        assert cell(waiting_table(app), new.id, "col_pos") == "B001"
        assert f"Added Li Wei, B001: quote {point} min ({low}–{high})" in toasts(app)


# -- seat -------------------------------------------------------------------------------------

async def test_seat_best_fit_for_a_party_of_three(make_app, store):
    pid = add(store, size=3)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SeatPicker)
        offered = options(app)
        # 4-tops first (Hall, Window, Terrace in section order), no 2-tops, no joins
        assert offered[0] == "A4"
        assert offered[:4] == ["A4", "A5", "A6", "A7"]
        seats = [app.config.table(o).seats for o in offered]
        assert seats == sorted(seats) and min(seats) == 4
        assert not [o for o in offered if "+" in o]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert store.party(pid).status == SEATED and store.party(pid).table == "A4"
        assert app.snapshot.room.tables["A4"].state == OCCUPIED
        assert waiting_rows(app) == []
        assert table_cells(app, "A4")["col_state"] == "occupied"
        assert table_cells(app, "A4")["col_party"] == "Li Wei (3)"
        assert "Seated Li Wei at A4" in toasts(app)


async def test_seat_offers_joins_only_when_needed(make_app, store):
    big = add(store, -10, size=10, name="Big Family")
    four = add(store, -9, size=4, name="Four")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # a party of four is never offered two tables pushed together
        await go_to_party(app, pilot, four)
        await pilot.press("s")
        await pilot.pause()
        assert not [o for o in options(app) if "+" in o]
        await pilot.press("escape")
        await pilot.pause()

        # a party of ten: the 12-seat room first, then the joins that seat ten
        await go_to_party(app, pilot, big)
        await pilot.press("s")
        await pilot.pause()
        assert options(app) == ["R4", "A8+A9", "T7+T8"]
        label = str(app.screen.query_one(OptionList).get_option_at_index(1).prompt)
        assert "(joined tables)" in label
        # choose the first join
        await pilot.press("down", "enter")
        await settle(app, pilot)
    room = store.load_room()
    assert store.party(big).table == "A8+A9"
    assert room.tables["A8"].state == room.tables["A9"].state == OCCUPIED
    assert room.tables["R4"].state == FREE


async def test_seat_when_nothing_fits(make_app, store, config):
    fill_tables(store, config, min_seats=2)
    add(store, size=2, name="Late")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        late = [p.id for p in app.snapshot.room.waiting() if p.name == "Late"][0]
        await go_to_party(app, pilot, late)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SeatPicker)
        assert not app.screen.query(OptionList)
        await pilot.press("escape")
        await settle(app, pilot)
    assert store.party(late).status == WAITING


# -- call, remove -----------------------------------------------------------------------------

async def test_call(make_app, store):
    pid = add(store)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert store.party(pid).status == CALLED
        assert store.party(pid).called_at == at(0)
        assert cell(waiting_table(app), pid, "col_called") == "called 19:00"
        # the ready table proposed to them is kept for them while they come
        assert "Called Li Wei: A1 is ready, kept for them 10 min" in toasts(app)
        assert store.load_room().tables["A1"].held_for == pid
        assert [e.event for e in store.all_events()] == ["arrive", "call"]


async def reasons_offered(app, pilot, pid: str) -> list[str]:
    """`x` on the party: the reasons the picker offers."""
    await settle(app, pilot)
    await go_to_party(app, pilot, pid)
    await pilot.press("x")
    await pilot.pause()
    assert isinstance(app.screen, ReasonPicker)
    return options(app)


@pytest.mark.parametrize(("downs", "reason", "word"), [
    (0, "walked_away", "walked away"),  # mid-sentence: lowercase
    (1, "cancelled", "cancelled"),
    (2, "no_show", "no-show"),
])
async def test_remove_with_each_reason(make_app, store, downs, reason, word):
    pid = add(store)
    keep = add(store, -1, name="Stays")
    store.call_party(at(0), pid)  # only a called party can be a no-show
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert await reasons_offered(app, pilot, pid) == ["walked_away", "cancelled", "no_show"]
        await pilot.press(*["down"] * downs, "enter")
        await settle(app, pilot)
        assert waiting_rows(app) == [keep]
        assert f"Removed Li Wei: {word}" in toasts(app)
    p = store.party(pid)
    assert (p.status, p.reason) == (REMOVED, reason)


async def test_a_party_never_called_is_not_offered_as_a_no_show(make_app, store):
    """"No-show (called, did not come)" was offered, and taken, for a party never called."""
    pid = add(store)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert await reasons_offered(app, pilot, pid) == ["walked_away", "cancelled"]


async def test_escape_on_remove_keeps_the_party(make_app, store):
    pid = add(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert waiting_rows(app) == [pid]
    assert [e.event for e in store.all_events()] == ["arrive"]


# -- tables -----------------------------------------------------------------------------------

async def test_table_left_and_ready_from_the_tables_panel(make_app, store):
    pid = add(store, -60)
    store.seat_party(at(-50), pid, "A5")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert table_cells(app, "A5")["col_time"] == "50 min"
        await go_to_table(app, pilot, "A5")
        await pilot.press("d")
        await settle(app, pilot)
        assert app.snapshot.room.tables["A5"].state == CLEARING
        assert table_cells(app, "A5")["col_state"] == "clearing"
        assert "Table A5 left: needs clearing" in toasts(app)
        assert app.screen.current_table() == "A5"  # the cursor stays on the table
        await pilot.press("r")
        await settle(app, pilot)
        assert app.snapshot.room.tables["A5"].state == FREE
        assert table_cells(app, "A5")["col_state"] == "free"
        assert "Table A5 is ready" in toasts(app)
    assert [e.event for e in store.all_events()] == ["arrive", "seat", "depart", "ready"]
    assert store.party(pid).status == "left"


async def test_table_left_and_ready_through_the_picker(make_app, store):
    a = add(store, -60, name="First")
    b = add(store, -59, name="Second")
    store.seat_party(at(-50), a, "A1")
    store.seat_party(at(-49), b, "W1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.focused is waiting_table(app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, TablePicker)
        assert options(app) == ["A1", "W1"]
        await pilot.press("down", "enter")
        await settle(app, pilot)
        room = app.snapshot.room
        assert room.tables["W1"].state == CLEARING and room.tables["A1"].state == OCCUPIED
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, TablePicker)
        assert options(app) == ["W1"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.snapshot.room.tables["W1"].state == FREE
        # nothing is being cleared now: r says so instead of opening an empty list
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


# -- undo -------------------------------------------------------------------------------------

async def test_undo_with_a_toast(make_app, store):
    pid = add(store, size=3)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("s", "enter")  # seat at the best fit, A4
        await settle(app, pilot)
        assert store.party(pid).status == SEATED
        await pilot.press("u")
        await settle(app, pilot)
        assert store.party(pid).status == WAITING
        assert app.snapshot.room.tables["A4"].state == FREE
        assert waiting_rows(app) == [pid]
        assert "Undone: seated Li Wei at A4" in toasts(app)
        # only this terminal's own actions are undone; then there is nothing left
        await pilot.press("u")
        await settle(app, pilot)
        assert "Nothing to undo from this terminal." in toasts(app)
    assert store.party(pid).status == WAITING


async def test_undo_refused_when_changed_since(make_app, store, db_path, config):
    from queueapp.store import Store

    pid = add(store)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        # another terminal seats the party meanwhile
        other = Store.open(db_path, config)
        other.seat_party(at(1), pid, "A1")
        other.close()
        await pilot.press("u")
        await settle(app, pilot)
        assert any("Cannot undo" in t for t in toasts(app))
        assert store.party(pid).status == SEATED


async def test_home_and_end_go_to_the_first_and_the_last_party(make_app, store):
    """End did nothing on the waiting list (it scrolled sideways a list that never needs
    it): the party just added, at the foot of a long list, took PgDn after PgDn. Now End
    goes to the last party and Home back to the first, at 80x24 too."""
    ids = [add(store, -40 + i, name=f"Guest {i}") for i in range(30)]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.current_party_id() == ids[0]
        await pilot.press("end")
        await pilot.pause()
        assert app.screen.current_party_id() == ids[-1]
        await pilot.press("home")
        await pilot.pause()
        assert app.screen.current_party_id() == ids[0]


# -- find -------------------------------------------------------------------------------------

async def test_find_by_name_and_by_phone(make_app, store):
    first = add(store, -30, name="Chen Jing")
    wang = add(store, -20, name="Wang Fang")
    phoned = add(store, -10, name="王芳", phone="+8613987654321")
    seated = add(store, -9, name="Zhou Min")
    store.seat_party(at(-5), seated, "A6")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.current_party_id() == first
        # by part of the name, any case
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, FindScreen)
        await type_text(pilot, "wang")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.current_party_id() == wang

        # by the last digits of the phone
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "4321")
        assert len(app.screen.query_one(OptionList).options) == 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.current_party_id() == phoned

        # a seated party: find jumps to their table
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "zhou")
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is tables_table(app)
        assert app.screen.current_table() == "A6"

        # no match: a warning, the dialog stays open
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "zz")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FindScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_find_ignores_accents_case_and_punctuation_in_names(make_app, store):
    """A host types a name as it sounds: "zoe", "obrien" and "nunez" find
    "Zoë O'Brien-Ñúñez"; Chinese names still match by part of the name."""
    add(store, -30, name="Chen Jing")
    zoe = add(store, -20, name="Zoë O'Brien-Ñúñez")
    xiaomei = add(store, -10, name="吴晓梅")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for typed, found in (("zoe", zoe), ("obrien", zoe), ("nunez", zoe),
                             ("O'BRIEN-Ñ", zoe), ("zoe obrien", zoe), ("晓梅", xiaomei)):
            await pilot.press("slash")
            await pilot.pause()
            assert isinstance(app.screen, FindScreen)
            app.screen.query_one(Input).value = typed
            await pilot.pause()
            assert len(app.screen.query_one(OptionList).options) == 1, typed
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert app.screen.current_party_id() == found, typed


# -- edit -------------------------------------------------------------------------------------

async def test_edit(make_app, store):
    pid = add(store, size=2, phone="+8613812345678", tags=["VIP"])
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PartyForm)
        form = app.screen
        assert form.query_one("#name", Input).value == "Li Wei"
        assert form.query_one("#size", Input).value == "2"
        # the saved number is never shown in full; its mask stands for it unchanged
        assert form.query_one("#phone", Input).value == "•••• 5678"
        # the size as it is: no new wait to tell
        assert str(form.query_one("#quote", Static).render()) == ""
        await pilot.press("tab")
        await type_text(pilot, "5")  # tabbing in selects the old size: typing replaces it
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert cell(waiting_table(app), pid, "col_size") == "5"
        # a two-top was free and now a four-top is: they are told so
        assert toasts(app) == ["Saved changes to Li Wei · now 5: no wait"]
    p = store.party(pid)
    assert (p.size, p.phone, p.tags) == (5, "+8613812345678", ("VIP",))
    edits = [e for e in store.all_events() if e.event == "edit"]
    assert len(edits) == 1 and edits[0].size == 5 and "phone" not in edits[0].data


async def test_calling_with_no_table_ready_asks_first(make_app, store, config):
    """Every table taken: `n` would tell the guest their table is ready. The host is asked
    first, "wait" highlighted: Enter in a rush calls nobody."""
    fill_tables(store, config, min_seats=1)
    pid = add(store, -10, size=2)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.screen.select_party(pid)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, Chooser)
        assert "No table that fits" in str(app.screen.query_one(".dialog-title", Static).render())
        await pilot.press("enter")  # wait for a table
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen) and store.party(pid).status == WAITING
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("down", "enter")  # call anyway
        await settle(app, pilot)
        assert store.party(pid).status == CALLED
        store.table_departed(at(0), "A1")  # a table is being cleared: still none ready
        store.table_ready(at(0), "A1")  # now one is: called without a question
        pid2 = add(store, -5, size=2, name="Wu")
        app.reload()
        await settle(app, pilot)
        app.screen.select_party(pid2)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen) and store.party(pid2).status == CALLED


async def test_a_new_size_tells_the_new_wait_and_keeps_it_as_the_quote(make_app, store,
                                                                        config):
    """Friends join a couple: the big tables are all taken, so the form works out the
    wait still to come for the party in its place, the host tells it, and it becomes the
    party's quote (counted from arrival, as the row shows); undo brings the old one back."""
    fill_tables(store, config, min_seats=3)
    pid = add(store, -10, size=2, quote=Quote(0.0, 0.0, 0.0))
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.screen.select_party(pid)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PartyForm)
        await pilot.press("tab", "5")
        await settle(app, pilot)
        told = form.shown_quote
        assert told is not None and told.minutes > 5  # a four-top must free first
        point, low, high = told.rounded()
        label = str(form.query_one("#quote", Static).render())
        assert label.startswith(f"Now 5: tell the guest {point} more min ({low}–{high})")
        form.query_one("#size", Input).value = "2"  # back: the size as it was tells nothing
        await settle(app, pilot)
        assert str(form.query_one("#quote", Static).render()) == ""
        form.query_one("#size", Input).value = "5"
        await settle(app, pilot)
        told = form.shown_quote
        assert told is not None
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        point, low, high = told.rounded()
        assert any(f"now 5: {point} more min ({low}–{high})" in x for x in toasts(app))
    p = store.party(pid)
    assert p.size == 5
    assert p.quote == pytest.approx(10 + told.minutes, abs=0.01)
    assert p.quote_high == pytest.approx(10 + told.high, abs=0.01)
    edit = next(e for e in store.all_events() if e.event == "edit")
    store.undo(at(1), edit.id)
    assert store.party(pid).quote == 0.0


# -- restart, two terminals --------------------------------------------------------------------

async def test_restart_shows_the_same_state(make_app, store, db_path):
    add(store, -20, name="Chen Jing", size=4)
    add(store, -10, name="Zhang [VIP] 张伟", size=2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await paste(app, pilot, "Wu Tao")
        await pilot.press("tab", "6", "enter")
        await settle(app, pilot)
        await pilot.press("n")  # call the first party
        await settle(app, pilot)
        await pilot.press("down", "s", "enter")  # seat the second
        await settle(app, pilot)
        rows_before = [[cell(waiting_table(app), k, c) for c in ("col_pos", "col_name",
                                                                 "col_size", "col_called")]
                       for k in waiting_rows(app)]
        tables_before = {k: table_cells(app, k) for k in ("A1", "A4", "A10")}
    assert len(rows_before) == 2

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        rows_after = [[cell(waiting_table(again), k, c) for c in ("col_pos", "col_name",
                                                                  "col_size", "col_called")]
                      for k in waiting_rows(again)]
        assert rows_after == rows_before
        assert {k: table_cells(again, k) for k in ("A1", "A4", "A10")} == tables_before
        assert table_cells(again, "A1")["col_party"] == "Zhang [VIP] 张伟 (2)"


async def test_two_apps_on_one_file_see_each_others_changes(make_app, store):
    add(store, -5, name="Chen Jing")
    one, two = make_app(), make_app()
    async with one.run_test(size=SIZE) as p1, two.run_test(size=SIZE) as p2:
        await settle(one, p1)
        await settle(two, p2)
        assert one.store is not two.store and one.store.path == two.store.path
        await p1.press("a")
        await p1.pause()
        await paste(one, p1, "Liu Yang")
        await p1.press("tab", "4", "enter")
        await settle(one, p1)
        assert waiting_names(one) == ["Chen Jing", "Liu Yang"]
        # the other terminal picks it up on its next poll (every sync_seconds)
        two.poll()
        await settle(two, p2)
        assert waiting_names(two) == ["Chen Jing", "Liu Yang"]

        # and back: seat from the second terminal, the first sees it
        await p2.press("s", "enter")
        await settle(two, p2)
        one.poll()
        await settle(one, p1)
        assert waiting_names(one) == ["Liu Yang"]
        assert one.snapshot.room.tables["A1"].state == OCCUPIED


async def test_polling_runs_by_itself(make_app, store, db_path, config):
    from queueapp.store import Store

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert waiting_rows(app) == []
        other = Store.open(db_path, config)
        pid = add(other, name="From the other terminal")
        other.close()
        # sync_seconds is 1 in the config: within 2 seconds without any key press
        for _ in range(20):
            await pilot.pause(0.1)
            if waiting_rows(app):
                break
        await settle(app, pilot)
        assert waiting_rows(app) == [pid]


async def test_busy_file_shows_an_error_and_the_ui_keeps_working(make_app, store, db_path,
                                                                   config):
    import sqlite3

    from queueapp.store import Store

    pid = add(store)
    quick = Store.open(db_path, config, station="quick", busy_timeout=0.3)
    app = make_app(store=quick)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        other = sqlite3.connect(db_path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            await pilot.press("n")
            # the screen still answers keys while the write waits in its worker
            await pilot.press("question_mark")
            await pilot.pause()
            assert not isinstance(app.screen, MainScreen)
            await pilot.press("escape")
            await settle(app, pilot)
            assert any("locked by another program" in t for t in toasts(app))
            assert store.party(pid).status == WAITING
        finally:
            other.execute("ROLLBACK")
            other.close()
        await pilot.press("n")
        await settle(app, pilot)
        assert store.party(pid).status == CALLED
    quick.close()


# -- what the screen shows ---------------------------------------------------------------------

async def test_guest_name_with_brackets_shown_exactly(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Zhang [VIP] 张伟")
        await pilot.press("tab", "2", "enter")
        await settle(app, pilot)
        [pid] = waiting_rows(app)
        assert cell(waiting_table(app), pid, "col_name") == "Zhang [VIP] 张伟"
        assert store.party(pid).name == "Zhang [VIP] 张伟"
        # the toast shows the name as typed, brackets included
        assert any(t.startswith("Added Zhang [VIP] 张伟, A001:") for t in toasts(app))
        await pilot.press("s", "enter")
        await settle(app, pilot)
        assert table_cells(app, "A1")["col_party"] == "Zhang [VIP] 张伟 (2)"
        assert "Seated A001 Zhang [VIP] 张伟 at A1" in toasts(app)


async def test_name_with_markup_closing_tag_does_not_crash(make_app, store):
    app = make_app()
    name = "Bad [/] name [bold]x"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await paste(app, pilot, name)
        await pilot.press("tab", "2", "enter")
        await settle(app, pilot)
        [pid] = waiting_rows(app)
        assert cell(waiting_table(app), pid, "col_name") == name
        await pilot.press("x")  # the remove dialog shows the name in its title
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "bad")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("s", "enter")
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert f"Undone: seated A001 {name} at A1" in toasts(app)
        assert "[/]" in app.export_screenshot()  # the whole screen still renders
        assert name in "".join(toasts(app))
    assert store.party(pid).status == WAITING


async def test_chinese_ui(make_app, store, zh_config):
    add(store, -12, name="王芳", size=4)
    app = make_app(cfg=zh_config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        headers = [str(c.label) for c in waiting_table(app).columns.values()]
        assert headers[:2] == ["#", "姓名"] and "已等" in headers
        assert [str(c.label) for c in tables_table(app).columns.values()] == [
            i18n.ZH[k] for k in ("col_table", "col_seats", "col_state", "col_party",
                                 "col_time")]
        footer = {fk.description for fk in app.screen.query("FooterKey")}
        assert i18n.ZH["key_add_party"] in footer and i18n.ZH["key_seat"] in footer
        assert not footer & {"Add party", "Seat", "Undo"}
        header = str(app.screen.query_one("#header", Static).render())
        assert "等位：1 桌，4 人" in header and "一楼大厅" in header
        assert table_cells(app, "A1")["col_state"] == "空闲"
        # sections use their Chinese labels in the tables panel
        assert cell(tables_table(app), "section:Hall", "col_table").startswith("一楼大厅")
        # the add form and its messages are Chinese too
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert error_text(app, "name") == i18n.ZH["err_name_required"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await settle(app, pilot)
        assert "已叫号" in cell(waiting_table(app), waiting_rows(app)[0], "col_called")


async def test_injected_clock_moves_the_waited_column(make_app, store, clock):
    pid = add(store, -3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert cell(waiting_table(app), pid, "col_waited") == "3 min"
        clock.advance(minutes=10)
        app.tick()
        await pilot.pause()
        assert cell(waiting_table(app), pid, "col_waited") == "13 min"
        clock.advance(minutes=60)
        app.tick()
        await pilot.pause()
        assert cell(waiting_table(app), pid, "col_waited") == "1 h 13"


async def test_a_party_past_its_quote_turns_red(make_app, store, clock):
    """Only the style of the position cell changes as the quote passes: it must redraw."""
    from queueapp.quotes.rule import Quote

    pid = add(store, -3, quote=Quote(10, 5, 15))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        position = waiting_table(app).get_cell(pid, "col_pos")
        assert position.plain == "1" and "red" not in str(position.style)
        clock.advance(minutes=10)  # 13 min on a 10 min quote
        app.tick()
        await pilot.pause()
        position = waiting_table(app).get_cell(pid, "col_pos")
        assert position.plain == "1" and "red" in str(position.style)


async def test_help_lists_every_key(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        keys = app.screen.query_one("#keys", DataTable)
        described = {cell(keys, k, list(keys.columns)[1]) for k in keys.rows}
        for word in ("key_add_party", "key_seat", "key_call", "key_remove", "key_edit",
                     "key_table_left", "key_table_ready", "key_undo", "key_find", "key_help"):
            assert i18n.EN[word] in described
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_no_party_highlighted_warns(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        for key in ("s", "n", "x", "e"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
        assert app.t("no_party_selected") in toasts(app)
    assert list(store.all_events()) == []


def test_every_english_word_has_a_chinese_one():
    missing = sorted(set(i18n.EN) - set(i18n.ZH))
    assert missing == []
    empty = sorted(k for k, v in i18n.ZH.items() if not v.strip())
    assert empty == []
    # the same placeholders in both languages
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    differ = sorted(k for k in i18n.EN if fields(i18n.EN[k]) != fields(i18n.ZH[k]))
    assert differ == []
