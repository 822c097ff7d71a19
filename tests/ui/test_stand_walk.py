"""What a host found walking the stand: two guests of one name told apart by their
queue numbers, Find by a number a party had, and words as a host reads them."""

from __future__ import annotations

import pytest
from helpers import at, on_screen, settle, toasts
from textual.widgets import DataTable, OptionList, Static

from queueapp.complaints import loop as complaints
from queueapp.goodwill import gestures
from queueapp.quotes.rule import Quote
from queueapp.store import Store
from queueapp.ui.screens.main import MainScreen

TZ = "Asia/Shanghai"
SIZE = (120, 40)
NAME = "徐晓梅"


def add(store: Store, config, minutes: float, size: int, name: str, **kw) -> str:
    """A party as the stand adds it: with its table class's queue number."""
    return store.add_party(at(minutes), size, name, quote=Quote(30, 25, 40), tz=TZ,
                           ticket_prefix=config.guests.ticket_class(size).prefix, **kw).party


def two_of_one_name(store: Store, config) -> tuple[str, str]:
    """A025-like and D006-like: a couple and a party of seven, both 徐晓梅."""
    return (add(store, config, -30, 2, NAME),
            add(store, config, -20, 7, NAME, phone="+8613812345678"))


def title(app) -> str:
    return str(app.screen.query_one(".dialog-title", Static).render())


def main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def on_second(app, pilot, party_id: str) -> None:
    await settle(app, pilot)
    main(app).select_party(party_id)
    await pilot.pause()
    assert main(app).current_party_id() == party_id


@pytest.mark.parametrize("key", ["x", "l", "c", "o", "G", "s"])
async def test_a_dialog_names_the_party_by_its_queue_number(make_app, store, config, key):
    """Two parties called 徐晓梅 wait at once: the dialog says which one it is for."""
    gestures.set_host_on_duty(store, "Lin", config)
    _, seven = two_of_one_name(store, config)
    ticket = store.party(seven).ticket
    assert ticket.startswith("D")
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_second(app, pilot, seven)
        await pilot.press(key)
        await settle(app, pilot)
        assert f"{ticket} {NAME}" in title(app), title(app)


async def test_the_toast_after_a_removal_names_the_party_by_its_number(make_app, store,
                                                                       config):
    _, seven = two_of_one_name(store, config)
    ticket = store.party(seven).ticket
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_second(app, pilot, seven)
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("enter")  # walked away
        await settle(app, pilot)
        assert f"Removed {ticket} {NAME}: walked away" in toasts(app), toasts(app)


async def test_a_chinese_title_has_no_space_after_its_colon(make_app, store, zh_config):
    _, seven = two_of_one_name(store, zh_config)
    ticket = store.party(seven).ticket
    app = make_app(cfg=zh_config, store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_second(app, pilot, seven)
        await pilot.press("x")
        await settle(app, pilot)
        assert title(app) == f"移出名单：{ticket} {NAME}"


async def test_open_items_name_the_party_by_its_number(make_app, store, config):
    couple, _ = two_of_one_name(store, config)
    complaints.record(store, at(-5), "food", "cold broth", party=couple, host="Lin")
    ticket = store.party(couple).ticket
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        cell = app.screen.query_one(DataTable).get_row_at(0)[1]
        assert getattr(cell, "plain", str(cell)) == f"{ticket} {NAME}"


# -- Find ---------------------------------------------------------------------------------
async def find(app, pilot, typed: str) -> None:
    await settle(app, pilot)
    await pilot.press("slash")
    await settle(app, pilot)
    await pilot.press(*typed)
    await settle(app, pilot)


def matches(app) -> list[str]:
    options = app.screen.query_one("#matches", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_find_knows_a_party_by_the_number_it_had_before_a_size_edit(make_app, store,
                                                                          config):
    """B001 became C001 when the party grew to 6: the guest's paper ticket says B001."""
    add(store, config, -40, 2, "Chen")
    wu = add(store, config, -30, 4, "Wu")
    assert store.party(wu).ticket == "B001"
    store.edit_party(at(-20), wu, {"size": 6}, ticket_prefix="C", tz=TZ)
    assert store.party(wu).ticket == "C001"
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await find(app, pilot, "B001")
        assert len(matches(app)) == 1, matches(app)
        assert matches(app)[0].startswith("C001 Wu") and "was B001" in matches(app)[0]
        await pilot.press("enter")
        await settle(app, pilot)
        assert main(app).current_party_id() == wu
        await find(app, pilot, "C001")  # and by the number it has now, as before
        assert matches(app)[0].startswith("C001 Wu") and "was" not in matches(app)[0]


async def test_find_says_no_party_matches_as_it_is_typed(make_app, store, config):
    add(store, config, -30, 4, "Wu")
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await find(app, pilot, "zzz")
        assert matches(app) == []
        assert "No party matches." in on_screen(app)  # before Enter
        await pilot.press("backspace", "backspace", "backspace")
        await settle(app, pilot)
        assert "No party matches." not in on_screen(app)


def test_tickets_had_leaves_out_an_undone_edit(store, config):
    wu = add(store, config, -30, 4, "Wu")
    ev = store.edit_party(at(-20), wu, {"size": 6}, ticket_prefix="C", tz=TZ)
    store.edit_party(at(-15), wu, {"size": 8}, ticket_prefix="D", tz=TZ)
    assert store.tickets_had([wu, "nobody"]) == {wu: ["B001", "C001", "D001"]}
    store.undo(at(-10), ev.id + 1)  # the second edit
    assert store.tickets_had([wu]) == {wu: ["B001", "C001"]}


# -- words ----------------------------------------------------------------------------------
def test_a_cut_chinese_cell_has_no_space_before_its_ellipsis():
    from rich.text import Text

    from queueapp.ui.format import fit

    assert fit(Text("客人要离开客人要离开"), 6).plain == "客人…"
    assert fit(Text("the guest left early"), 11).plain == "the guest…"  # no "the guest …"
    assert fit(Text("客人要离开"), 10).plain == "客人要离开"


def test_the_chinese_phone_error_names_no_country_code():
    from queueapp.i18n import Translator
    from queueapp.lobby.checkin import phone_problem

    problem = phone_problem("123", "CN")
    assert problem is not None
    said = problem.render(Translator("zh"))
    assert "CN" not in said and said.startswith("不是有效的本地电话号码")


async def test_the_host_picker_says_which_stand_in_words(make_app, store):
    app = make_app(store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert title(app).startswith(f"Who is on duty at this stand ({store.station})?")


# -- the add form at 80x24 ------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_add_form_keeps_its_hint_on_a_short_terminal(make_app, store, config,
                                                                zh_config, language):
    """The quote, its Why and a mistake under the phone: the tag list gives up rows (it
    scrolls), and the hint stays on screen."""
    cfg = zh_config if language == "zh" else config
    for i in range(12):  # a busy room: the quote has its Why
        add(store, cfg, -12 + i, 4, f"Guest {i}")
    app = make_app(cfg=cfg, store=store)
    async with app.run_test(size=(80, 24)) as pilot:  # no toast over the form
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"Li", "tab", "4", "tab", *"12345")
        await settle(app, pilot)
        quote = str(app.screen.query_one("#quote", Static).render()).strip()
        assert "\n" in quote  # with its Why
        assert str(app.screen.query_one("#phone-error", Static).render()).strip()
        drawn = on_screen(app)
        assert app.t("form_hint") in drawn, drawn
        for line in quote.splitlines():
            assert line.strip()[:20] in drawn
