"""Who sits next, through the real app (Pilot, real SQLite file, fixed clock): `p` seats
the proposal, asking first when it skips parties ahead; `k` holds and releases a table;
the walk-away rescue offers tables that fit and holds the free one it offers."""

from __future__ import annotations

from helpers import at, settle, toasts
from textual.widgets import DataTable, OptionList, Static

from queueapp.store import Store
from queueapp.ui.screens.goodwill import OutcomeChooser, RescueScreen
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.screens.pickers import Chooser

SIZE = (160, 45)


def party(store: Store, name: str, minutes_ago: float, size: int = 2) -> str:
    return store.add_party(at(-minutes_ago), size, name).party


def fill_all_but(store: Store, config, free: set[str]) -> None:
    for t in config.tables:
        if t.name not in free:
            pid = store.add_party(at(-30), t.seats, f"diner {t.name}").party
            store.seat_party(at(-30), pid, t.name)


def main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def highlight_party(app, pilot, party_id: str) -> None:
    main(app).select_party(party_id)
    await pilot.pause()


async def highlight_table(app, pilot, name: str) -> None:
    main(app).select_table(name)
    await pilot.pause()
    assert main(app).focused is main(app).query_one("#tables", DataTable)


def table_row(store: Store, name: str) -> tuple[str, str, str]:
    t = store.load_room().tables[name]
    return t.state, t.party, t.held_for


async def test_p_seats_the_highlighted_party_at_its_proposed_table(make_app, store):
    li, wu = party(store, "Li", 20), party(store, "Wu", 10)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await highlight_party(app, pilot, wu)
        await pilot.press("p")
        await settle(app, pilot)
        # Li (ahead) keeps A1, the smallest fitting table; Wu gets the next one
        assert table_row(store, "A2") == ("occupied", wu, "")
        assert store.party(li).status == "waiting"
        assert any("Seated Wu at A2" in text for text in toasts(app))
        await pilot.press("u")
        await settle(app, pilot)
        assert store.party(wu).status == "waiting"


async def test_p_that_skips_a_party_ahead_asks_first(make_app, store, config):
    fill_all_but(store, config, {"A1"})
    li, wu = party(store, "Li", 20), party(store, "Wu", 10)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await highlight_party(app, pilot, wu)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, Chooser)
        title = str(app.screen.query_one(".dialog-title", Static).content)
        assert "Seat Wu at A1? 1 party ahead that A1 fits would wait on." in title
        await pilot.press("escape")
        await settle(app, pilot)
        assert store.party(wu).status == "waiting" and table_row(store, "A1")[0] == "free"
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press("enter")  # "Seat anyway" is first
        await settle(app, pilot)
        assert table_row(store, "A1") == ("occupied", wu, "")
        assert store.party(li).status == "waiting"


async def test_p_on_the_tables_panel_seats_the_tables_proposed_party(make_app, store, config):
    fill_all_but(store, config, {"A1"})
    li = party(store, "Li", 20)
    party(store, "Wu", 10)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await highlight_table(app, pilot, "A2")  # occupied: nothing to seat
        await pilot.press("p")
        await settle(app, pilot)
        assert any("No one waiting is proposed for A2" in text for text in toasts(app))
        await highlight_table(app, pilot, "A1")
        await pilot.press("p")
        await settle(app, pilot)
        assert table_row(store, "A1") == ("occupied", li, "")


async def test_k_holds_the_table_for_the_party_and_releases_it(make_app, store, config):
    fill_all_but(store, config, {"A1"})
    li, wu = party(store, "Li", 20), party(store, "Wu", 10)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await highlight_party(app, pilot, wu)
        await pilot.press("k")  # Wu is behind Li: the host keeps A1 for Wu anyway
        await settle(app, pilot)
        assert table_row(store, "A1") == ("free", "", wu)
        assert any("A1 held for Wu for 10 min" in text for text in toasts(app))
        # held: Li is not proposed A1, and p on Li finds nothing
        await highlight_party(app, pilot, li)
        await pilot.press("p")
        await settle(app, pilot)
        assert store.party(li).status == "waiting"
        assert any("No free table fits Li now." in text for text in toasts(app))
        # on the tables panel: p seats the party it is held for
        await highlight_table(app, pilot, "A1")
        await pilot.press("k")  # pressed on a held table: released
        await settle(app, pilot)
        assert table_row(store, "A1") == ("free", "", "")
        await pilot.press("u")  # undo the release: held for Wu again
        await settle(app, pilot)
        assert table_row(store, "A1") == ("free", "", wu)
        await highlight_table(app, pilot, "A1")
        await pilot.press("p")
        await settle(app, pilot)
        assert table_row(store, "A1") == ("occupied", wu, "")


async def test_k_on_the_tables_panel_holds_for_the_proposed_party(make_app, store, config):
    fill_all_but(store, config, {"A1"})
    li = party(store, "Li", 20)
    party(store, "Wu", 10)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await highlight_table(app, pilot, "A1")
        await pilot.press("k")
        await settle(app, pilot)
        assert table_row(store, "A1") == ("free", "", li)


async def test_the_rescue_offers_tables_that_fit_and_holds_the_one_chosen(make_app, store,
                                                                          config):
    """The scene from issue 9: the 2-tops are being cleared, the 12-seat room is free."""
    fill_all_but(store, config, {"R4"})
    two_tops = [t.name for t in config.tables if t.seats == 2]
    for name in two_tops:
        store.table_departed(at(-1), name)
    li = party(store, "Li", 50)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await highlight_party(app, pilot, li)
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, RescueScreen)
        options = app.screen.query_one(OptionList)
        offered = [options.get_option_at_index(i).id for i in range(options.option_count)]
        tables = [o.split(":", 1)[1] for o in offered if o.startswith("table:")]
        assert tables and set(tables) <= set(two_tops)  # never the 12-seat room
        first = str(options.get_option_at_index(0).prompt)
        assert f"hold table {tables[0]} for them (2 seats" in first
        await pilot.press("enter")
        await settle(app, pilot)
        state, _, held_for = table_row(store, tables[0])
        assert (state, held_for) == ("clearing", li)
        assert any(f"{tables[0]} held for Li for 10 min" in text for text in toasts(app))
        assert isinstance(app.screen, OutcomeChooser)
        await pilot.press("escape")
        await settle(app, pilot)
        # the free 12-seat room is not proposed to Li: their table is on its way
        await highlight_party(app, pilot, li)
        await pilot.press("p")
        await settle(app, pilot)
        assert store.party(li).status == "waiting"
        assert any(f"{tables[0]} is held for Li but not ready yet" in text
                   for text in toasts(app))
        # cleared: one key seats them at the table held for them
        await highlight_table(app, pilot, tables[0])
        await pilot.press("r")
        await settle(app, pilot)
        await highlight_party(app, pilot, li)
        await pilot.press("p")
        await settle(app, pilot)
        assert table_row(store, tables[0]) == ("occupied", li, "")


async def test_n_keeps_the_proposed_table_for_the_party_it_calls(make_app, store, config):
    """A called party's table was offered to the next party at once (`s`, `p`, the rescue)
    while their page said "please come within 10 minutes". `n` now keeps the ready table
    proposed to them for the hold, and seating someone else does not offer it."""
    fill_all_but(store, config, {"A1"})
    li, wu = party(store, "Li", 20), party(store, "Wu", 10)
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await highlight_party(app, pilot, li)
        await pilot.press("n")
        await settle(app, pilot)
        assert table_row(store, "A1") == ("free", "", li)
        assert any("Called Li: A1 is ready, kept for them 10 min" in t for t in toasts(app))
        await highlight_party(app, pilot, wu)
        await pilot.press("s")
        await settle(app, pilot)
        offered = [str(o.prompt) for lists in app.screen.query(OptionList)
                   for o in lists.options]
        assert not any(text.startswith("A1") for text in offered), offered


async def test_the_party_panel_shows_the_party_that_takes_the_seated_ones_row(make_app, store,
                                                                              config):
    """`p` seats the highlighted party; the row below moves up under the highlight (the
    cursor itself does not move). The panel shows that party, and the next key acts on
    it: the panel never goes blank while a row is highlighted."""
    fill_all_but(store, config, {"A1"})
    big = party(store, "Big Table", 30, size=6)  # first, but A1 does not fit them
    li, wu = party(store, "Li", 20), party(store, "Wu", 10)
    app = make_app(store=store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await highlight_party(app, pilot, wu)
        app.tick()  # the list is drawn again with Wu under the highlight
        await settle(app, pilot)
        await pilot.press("up")
        assert main(app).current_party_id() == li
        await pilot.press("p")  # Li is proposed for A1: seated
        await settle(app, pilot)
        assert store.party(li).status == "seated"
        assert main(app).current_party_id() == wu
        panel = main(app).query_one("#party-panel", Static)
        assert str(panel.render()).startswith("Wu (2)")
        await pilot.press("n")  # no table is ready: asked first, then called anyway
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert store.party(wu).status == "called" and store.party(big).status == "waiting"
