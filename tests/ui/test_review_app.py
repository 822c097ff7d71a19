"""Service recovery and the shift-lead review, driven through the real app (Pilot).

Covers issue 5's Pilot list: a complaint through all four steps, the automatic
long-wait item, the lead PIN in front of the review, and the review filters.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import re
from collections import defaultdict

import arrow
import pytest
from helpers import CONFIG_PATH, LATE_MIDNIGHT, config_variant, settle, toasts
from rich.cells import cell_len
from textual.widgets import DataTable, Input, OptionList, Select, Static, TabbedContent

from queueapp.clock import FixedClock
from queueapp.complaints import loop as complaints
from queueapp.goodwill import gestures, roster
from queueapp.quotes.rule import Quote
from queueapp.ui.app import QueueApp
from queueapp.ui.screens.complaints import ComplaintForm, OpenItemsScreen, StepForm
from queueapp.ui.screens.goodwill import PinScreen
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.screens.pickers import HelpScreen
from queueapp.ui.screens.review import RecordScreen, ReviewScreen

CONFIG = CONFIG_PATH
START = "2026-11-20T10:40:00+00:00"  # 18:40 in Shanghai
SIZE = (170, 48)


@pytest.fixture
def clock():
    return FixedClock(START)


def local(text: str) -> float:
    """A local Shanghai time (YYYY-MM-DDTHH:mm) as a UTC epoch."""
    return arrow.get(text).replace(tzinfo="Asia/Shanghai").float_timestamp


def add(store, config, arrived: float, size: int, name: str, quote: float = 30,
        host: str = ""):
    ev = store.add_party(arrived, size, name, "", [], "", Quote(quote, quote * 0.75,
                                                                quote * 1.35),
                         tz=config.timezone, host=host)
    return store.party(ev.party)


async def fill(app, pilot, selector: str, text: str) -> None:
    field = app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


async def enter_pin(app, pilot, pin: str) -> None:
    assert isinstance(app.screen, PinScreen), app.screen
    await fill(app, pilot, "#pin", pin)
    await pilot.press("enter")
    await settle(app, pilot, 3)


def main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def header(app) -> str:
    return str(main(app).query_one("#header", Static).content)



def rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


# -- a complaint through its four steps ----------------------------------------------------

async def test_complaint_through_all_four_steps(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    now = clock.now().float_timestamp
    # a generous quote, so the app's own long-wait check never adds an item here
    party = add(store, config, now - 20 * 60, 3, "Chen", quote=120)
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "open items" not in header(app)

        # 1. recorded, at the stand, for the highlighted party
        await pilot.press("c")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ComplaintForm)
        form.query_one("#category", OptionList).highlighted = \
            complaints.CATEGORIES.index("unmet_request")
        await pilot.press("enter")  # "what happened" is required
        await settle(app, pilot)
        assert app.screen is form
        await fill(app, pilot, "#what", "Asked for a slotted spoon, we had none")
        await fill(app, pilot, "#action", "Borrowed one from the kitchen")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        [item] = complaints.open_items(store)
        assert (item.party, item.table_name, item.category, item.what, item.action,
                item.recorded_by, item.step, item.source) == \
            (party.id, "", "unmet_request", "Asked for a slotted spoon, we had none",
             "Borrowed one from the kitchen", "Lin", "recorded", "")
        assert "1 open items (i)" in header(app)

        # the open items list, oldest first
        await pilot.press("i")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, OpenItemsScreen)
        table = screen.query_one(DataTable)
        assert rows(table) == [["11-20 18:40", "Chen", "unmet request",
                                "Asked for a slotted spoon, we had none", "recorded", "Lin"]]

        # 2. handled (the host on duty, no PIN)
        clock.advance(minutes=5)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StepForm) and app.screen.step == "handled"
        await fill(app, pilot, "#note", "Spoon brought, apologised")
        await pilot.press("enter")
        await settle(app, pilot, 3)
        item = complaints.get(store, item.id)
        assert (item.step, item.handled_by, item.handled_note) == \
            ("handled", "Lin", "Spoon brought, apologised")
        assert rows(table)[0][4] == "handled"
        assert pytest.approx(item.handled_at) == clock.now().float_timestamp

        # 3. rechecked: a lead's PIN, then a note
        clock.advance(minutes=20)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PinScreen)
        await enter_pin(app, pilot, "111111")  # wrong: asked again, nothing changes
        assert isinstance(app.screen, PinScreen)
        assert complaints.get(store, item.id).step == "handled"
        await enter_pin(app, pilot, "246813")
        assert isinstance(app.screen, StepForm) and app.screen.step == "rechecked"
        await pilot.press("enter")  # a recheck needs a note
        await settle(app, pilot)
        assert isinstance(app.screen, StepForm)
        await fill(app, pilot, "#note", "Guests happy, ate well")
        await pilot.press("enter")
        await settle(app, pilot, 3)
        item = complaints.get(store, item.id)
        assert (item.step, item.rechecked_by, item.recheck_note) == \
            ("rechecked", "Mei", "Guests happy, ate well")
        assert rows(table)[0][4] == "rechecked"

        # 4. fed back to the kitchen: a lead's PIN, where to, a note; the item closes
        await pilot.press("enter")
        await settle(app, pilot)
        await enter_pin(app, pilot, "246813")
        step = app.screen
        assert isinstance(step, StepForm) and step.step == "fed_back"
        assert step.query_one("#to", OptionList).highlighted == \
            complaints.FEEDBACK_TO.index("kitchen")
        await fill(app, pilot, "#note", "Order more slotted spoons")
        await pilot.press("enter")
        await settle(app, pilot, 3)
        item = complaints.get(store, item.id)
        assert (item.step, item.closed, item.fed_back_to, item.fed_back_by,
                item.fed_back_note) == \
            ("fed_back", True, "kitchen", "Mei", "Order more slotted spoons")
        assert complaints.open_items(store) == []
        assert table.row_count == 0
        assert [r[1:] for r in store.db.execute(
            "SELECT id, lead, ok FROM pin_attempts ORDER BY id")] == \
            [("Mei", 0), ("Mei", 1), ("Mei", 1)]

        await pilot.press("escape")
        app.poll()  # what the sync timer runs: it sees the item's steps change
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert "open items" not in header(app)


async def test_complaint_about_a_seated_table(config, store, clock):
    gestures.set_host_on_duty(store, "Ana", config)
    now = clock.now().float_timestamp
    party = add(store, config, now - 60 * 60, 4, "Liu")
    store.seat_party(now - 30 * 60, party.id, "A4")
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screen = main(app)
        screen.select_table("A4")
        await pilot.pause()
        assert screen.current_table() == "A4"
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ComplaintForm)
        await fill(app, pilot, "#what", "Broth arrived cold")
        await pilot.press("enter")
        await settle(app, pilot)
        [item] = complaints.open_items(store)
        assert (item.table_name, item.party, item.category, item.recorded_by) == \
            ("A4", party.id, "food", "Ana")


# -- the automatic long-wait item ----------------------------------------------------------

async def test_long_wait_opens_an_item_by_itself(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    now = clock.now().float_timestamp
    late = add(store, config, now - 40 * 60, 2, "Late", quote=20)  # 20 min past the quote
    soon = add(store, config, now - 30 * 60, 2, "Soon", quote=20)  # 10 min past
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot, 4)
        # the app checks by itself: once the first read is on screen, then on a timer
        # (every 30 s of real time)
        assert any(getattr(t, "_callback", None) == app.check_long_waits
                   for t in app._timers), "nothing checks for long waits on a timer"
        items = complaints.open_items(store)
        assert [(c.party, c.category, c.source, c.recorded_by) for c in items] == \
            [(late.id, "wait", complaints.LONG_WAIT, "Lin")]
        assert items[0].what == "Waited 40 min on a 20 min quote (20 min over)."
        assert any(m.startswith("Waits now 15+ min past the quote: 1,") for m in
                   toasts(app))
        assert "1 open items (i)" in header(app)

        # again: nothing new for Late; Soon opens once it is 15 min past
        app.check_long_waits()
        await settle(app, pilot, 3)
        assert len(complaints.open_items(store)) == 1
        clock.advance(minutes=6)
        app.tick()
        app.check_long_waits()
        await settle(app, pilot, 3)
        assert [c.party for c in complaints.open_items(store)] == [late.id, soon.id]
        assert "2 open items (i)" in header(app)

        # it is a normal item: on the list, and it goes through the steps
        await pilot.press("i")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert [r[1] for r in rows(table)] == ["Late", "Soon"]
        assert [r[2] for r in rows(table)] == ["wait", "wait"]


# -- the review: lead PIN, filters ---------------------------------------------------------

async def test_review_needs_a_lead_pin(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, PinScreen)
        assert "PIN please" in str(app.screen.query_one(".dialog-title", Static).content)
        await enter_pin(app, pilot, "000000")
        assert not any(isinstance(s, ReviewScreen) for s in app.screen_stack)
        assert "Wrong PIN for Mei: 4 tries left" in toasts(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert not any(isinstance(s, ReviewScreen) for s in app.screen_stack)

        await pilot.press("R")
        await settle(app, pilot)
        await enter_pin(app, pilot, "246813")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.lead == "Mei"
        assert "Mei" in str(app.screen.query_one("#review-title", Static).content)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert store.db.execute("SELECT lead, ok FROM pin_attempts ORDER BY id").fetchall() == \
        [("Mei", 0), ("Mei", 1)]


def _seed_shift(store, config, void_note: str = "wrong party",
                what: str = "Zhao upset about the wait", yesterday: str = "Yesterday"):
    """Two days: yesterday one party; today four parties, gestures by Lin and Ana, a void,
    a walk-away with a rescue offered before, a rescue that kept Wang, and a complaint."""
    y = add(store, config, local("2026-11-19T18:00"), 2, yesterday, host="Lin")
    gestures.give(store, local("2026-11-19T18:10"), y, config.catalogue["welcome_tea"], "Lin")
    gestures.give(store, local("2026-11-19T18:20"), y, config.catalogue["fruit_plate"], "Lin")
    store.seat_party(local("2026-11-19T18:30"), y.id, "A1")
    store.table_departed(local("2026-11-19T19:30"), "A1")
    store.table_ready(local("2026-11-19T19:35"), "A1")

    chen = add(store, config, local("2026-11-20T17:00"), 2, "Chen", host="Lin")
    wang = add(store, config, local("2026-11-20T17:10"), 4, "Wang", host="Ana")
    zhao = add(store, config, local("2026-11-20T17:20"), 2, "Zhao", host="Ana")
    gestures.give(store, local("2026-11-20T17:05"), chen, config.catalogue["welcome_tea"], "Lin")
    gestures.give(store, local("2026-11-20T17:25"), chen, config.catalogue["jasmine_tea"],
                  "Lin")
    gestures.give(store, local("2026-11-20T17:30"), wang, config.catalogue["fruit_plate"], "Ana")
    wrong = gestures.give(store, local("2026-11-20T17:31"), zhao,
                          config.catalogue["fruit_plate"], "Ana")
    gestures.void(store, local("2026-11-20T17:32"), wrong.id, "Ana", void_note)
    gestures.give(store, local("2026-11-20T17:40"), zhao, config.catalogue["dessert"], "Ana")
    store.seat_party(local("2026-11-20T17:35"), chen.id, "A1")
    store.seat_party(local("2026-11-20T17:50"), wang.id, "A4")
    kept = gestures.start_rescue(store, local("2026-11-20T17:45"), wang.id, "Ana", "table:A4")
    gestures.record_outcome(store, kept.id, "stayed", local("2026-11-20T17:48"))
    tour = gestures.start_rescue(store, local("2026-11-20T18:00"), zhao.id, "Ana",
                                 "kitchen_tour")
    gestures.record_outcome(store, tour.id, "left", local("2026-11-20T18:05"))
    store.remove_party(local("2026-11-20T18:05"), zhao.id, "walked_away")
    complaints.record(store, local("2026-11-20T17:45"), "wait", what, party=zhao.id,
                      host="Ana")
    return {"y": y, "chen": chen, "wang": wang, "zhao": zhao, "voided": wrong.id}


async def _open_review(app, pilot, tab: str = "") -> ReviewScreen:
    await pilot.press("R")
    await settle(app, pilot)
    await enter_pin(app, pilot, "246813")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    if tab:  # a tab's lists are filled when the lead looks at it
        screen.query_one("#tabs", TabbedContent).active = tab
        await settle(app, pilot)
    return screen


@contextlib.asynccontextmanager
async def review_of_seeded_shift(config, store, clock, tab: str, size=SIZE, **texts: str):
    """Lin on duty, the two seeded days, the app started and the review open on ``tab``:
    yields (app, pilot, screen, seeded parties)."""
    gestures.set_host_on_duty(store, "Lin", config)
    p = _seed_shift(store, config, **texts)
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        yield app, pilot, await _open_review(app, pilot, tab), p


async def test_a_report_built_after_the_review_closed_changes_nothing(config, store, clock):
    """The lead closed the review while its figures were still being read: they arrive
    to a closed screen and are dropped (they raised NoMatches, ending the app)."""
    async with review_of_seeded_shift(config, store, clock, "") as (app, pilot, screen, _):
        report = screen.report
        assert report is not None
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen not in app.screen_stack
        screen._show(report, screen._asked, ["Lin"])  # what the worker calls when done
        await settle(app, pilot)
        assert not isinstance(app.screen, ReviewScreen)


def listed(screen: ReviewScreen) -> list[tuple[str, str, str]]:
    """(party, gesture label, host) per row of the Gestures tab, newest first."""
    return [(r[1], r[2], r[5]) for r in rows(screen.query_one("#gestures", DataTable))]


def named(party) -> str:
    """A party as the review shows it: name and ticket number (``Zhao (003)``)."""
    return f"{party.name} ({party.id.rsplit('-', 1)[1]})"


def summary(screen: ReviewScreen) -> str:
    return str(screen.query_one("#summary", Static).content)


async def test_review_filters_change_the_gesture_list_and_the_summary(config, store, clock):
    seeded = review_of_seeded_shift(config, store, clock, "tab-gestures")
    async with seeded as (app, pilot, screen, p):
        chen, wang, zhao, voided = (named(p["chen"]), named(p["wang"]), named(p["zhao"]),
                                    p["voided"])
        # today by default, newest first, the void against what it voids; parties by name
        assert listed(screen) == [
            (zhao, "Free dessert", "Ana"),
            (zhao, f"Fruit plate void of #{voided}", "Ana"),
            (zhao, "Fruit plate (voided)", "Ana"),
            (wang, "Fruit plate", "Ana"),
            (chen, "Jasmine tea refill", "Lin"),
            (chen, "Welcome tea", "Lin"),
        ]
        text = summary(screen)
        assert "Parties: 3 (8 guests), 2 seated" in text
        assert "Gestures: 4 given, 1 voided, cost ¥29" in text
        assert "Ana: ¥27 of ¥300 budget" in text and "Lin: ¥2 of ¥300 budget" in text
        assert "Walk-aways: 1 (1 after the quote had passed)" in text
        assert "Complaints per 100 parties: 33.3" in text
        assert "Items not yet handled / rechecked: 1 / 1" in text

        # host
        screen.query_one("#host", Select).value = "Lin"
        await settle(app, pilot)
        assert listed(screen) == [(chen, "Jasmine tea refill", "Lin"),
                                  (chen, "Welcome tea", "Lin")]
        text = summary(screen)
        assert "Gestures: 2 given, 0 voided, cost ¥2" in text
        assert "Ana:" not in text
        assert "Parties: 1 (2 guests), 1 seated" in text
        assert "Complaints per 100 parties: 0.0" in text

        # category (with the host filter cleared)
        screen.query_one("#host", Select).clear()
        screen.query_one("#category", Select).value = "snack"
        await settle(app, pilot)
        assert [r[1] for r in listed(screen)] == [f"Fruit plate void of #{voided}",
                                                 "Fruit plate (voided)",
                                                 "Fruit plate"]
        assert "Gestures: 1 given, 1 voided, cost ¥12" in summary(screen)
        screen.query_one("#category", Select).clear()
        await settle(app, pilot)

        # party, by id and by name
        await fill(app, pilot, "#party", p["wang"].id)
        await settle(app, pilot)
        assert listed(screen) == [(wang, "Fruit plate", "Ana")]
        await fill(app, pilot, "#party", "Zhao")
        await settle(app, pilot)
        assert [r[0] for r in listed(screen)] == [zhao, zhao, zhao]
        text = summary(screen)
        assert "Parties: 1 (2 guests), 0 seated" in text
        assert "Walk-aways: 1 (1 after the quote had passed)" in text
        await fill(app, pilot, "#party", "")
        await settle(app, pilot)

        # dates: from yesterday
        await fill(app, pilot, "#from", "2026-11-19")
        await settle(app, pilot)
        assert len(listed(screen)) == 8
        assert listed(screen)[-1] == (named(p["y"]), "Welcome tea", "Lin")
        assert "Parties: 4 (10 guests), 3 seated" in summary(screen)
        # yesterday alone
        await fill(app, pilot, "#to", "2026-11-19")
        await settle(app, pilot)
        assert [r[1] for r in listed(screen)] == ["Fruit plate", "Welcome tea"]
        assert "Lin: ¥12 of ¥300 budget" in summary(screen)
        # a bad date says what is wrong with it, as the command line does, and leaves the
        # last figures on screen (a day that does not exist was "Write dates as YYYY-MM-DD"
        # however it was written; a year past 2199 was taken, and slow to read)
        for typed, said in (
                ("2026-11", "Write dates as YYYY-MM-DD."),
                ("2026-13-45", "2026-13-45: there is no such day (check the month and its "
                               "length)."),
                ("2026-02-30", "2026-02-30: there is no such day (check the month and its "
                               "length)."),
                ("2300-01-01", "2300-01-01 is outside the dates queueapp reports on "
                               "(1970-01-01 to 2199-12-31).")):
            await fill(app, pilot, "#to", typed)
            await settle(app, pilot)
            assert str(screen.query_one("#filter-error", Static).content) == said
            assert len(listed(screen)) == 2
        await fill(app, pilot, "#to", "2026-11-18")
        await settle(app, pilot)
        assert str(screen.query_one("#filter-error", Static).content) == \
            "'To' is before 'from'."


async def test_review_party_filter_by_name_keeps_the_party_complaints(config, store, clock):
    """The party filter takes an id or a name (its placeholder says so): filtering by name
    must not drop that party's complaints from the list and the rates."""
    seeded = review_of_seeded_shift(config, store, clock, "tab-complaints")
    async with seeded as (app, pilot, screen, p):
        await fill(app, pilot, "#party", p["zhao"].id)
        await settle(app, pilot)
        by_id = summary(screen)
        assert screen.query_one("#complaints", DataTable).row_count == 1
        assert "Complaints per 100 parties: 100.0" in by_id
        await fill(app, pilot, "#party", "Zhao")
        await settle(app, pilot)
        assert screen.query_one("#complaints", DataTable).row_count == 1
        assert "Complaints per 100 parties: 100.0" in summary(screen)


async def test_complaints_are_listed_newest_first_like_every_list(config, store, clock,
                                                                  monkeypatch):
    """The Complaints tab listed the newest 200 oldest first, the newest at the bottom of
    a month's list, while gestures, walk-aways and rescues put the newest on top."""
    from queueapp.ui.screens import review as review_screen

    monkeypatch.setattr(review_screen, "LIST_LIMIT", 2)
    seeded = review_of_seeded_shift(config, store, clock, "")
    async with seeded as (app, pilot, screen, p):
        for minute, what in ((50, "No slotted spoon"), (55, "Cold broth")):
            complaints.record(store, local(f"2026-11-20T17:{minute}"), "food", what,
                              party=p["wang"].id, host="Ana")
        screen.refresh_report()
        await settle(app, pilot)
        screen.query_one("#tabs", TabbedContent).active = "tab-complaints"
        await settle(app, pilot)
        listed_what = [r[3] for r in rows(screen.query_one("#complaints", DataTable))]
        assert listed_what == ["Cold broth", "No slotted spoon"]
        assert str(screen.query_one("#complaints-more", Static).content).startswith(
            "Showing the newest 2 of 3")
        # Enter opens the row it is on
        table = screen.query_one("#complaints", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert "Cold broth" in str(app.screen.query_one("#record", Static).content)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_review_filters_are_all_on_screen(config, store, clock, size):
    """At 80 columns the party filter was off the right edge: the filters take two rows
    there, each whole on screen, none over another; the party filter still filters."""
    seeded = review_of_seeded_shift(config, store, clock, "tab-complaints", size=size)
    async with seeded as (app, pilot, screen, p):
        regions = {f: screen.query_one(f"#{f}").region
                   for f in ("from", "to", "host", "category", "party")}
        for name, region in regions.items():
            assert region.width >= 10 and region.right <= size[0], (name, region)
        for a, b in itertools.combinations(regions.values(), 2):
            assert not a.overlaps(b), (a, b)
        assert screen.query_one("#tabs").region.y > max(r.bottom - 1 for r in
                                                        regions.values())
        await fill(app, pilot, "#party", "Zhao")
        await settle(app, pilot)
        assert screen.query_one("#complaints", DataTable).row_count == 1


async def test_long_lists_show_the_newest_rows_and_say_so(config, store, clock, monkeypatch):
    """A month holds thousands of rows: each list shows the newest LIST_LIMIT and says how
    many there are; the summary still counts them all."""
    from queueapp.ui.screens import review as review_screen

    monkeypatch.setattr(review_screen, "LIST_LIMIT", 2)
    seeded = review_of_seeded_shift(config, store, clock, "tab-gestures")
    async with seeded as (app, pilot, screen, p):
        assert listed(screen) == [(named(p["zhao"]), "Free dessert", "Ana"),
                                  (named(p["zhao"]), f"Fruit plate void of #{p['voided']}",
                                   "Ana")]
        more = screen.query_one("#gestures-more", Static)
        assert more.display and str(more.content) == \
            "Showing the newest 2 of 6: narrow the filters, or `queueapp export` for all."
        assert "Gestures: 4 given, 1 voided, cost ¥29" in summary(screen)
        # a short list says nothing more
        screen.query_one("#tabs", TabbedContent).active = "tab-walkaways"
        await settle(app, pilot)
        assert screen.query_one("#walkaways", DataTable).row_count == 1
        assert not screen.query_one("#walkaways-more", Static).display
        # a filter change redraws the tab in view
        screen.query_one("#host", Select).value = "Lin"
        await settle(app, pilot)
        assert screen.query_one("#walkaways", DataTable).row_count == 0


# -- the review reads as people do, in both languages (issue 9.9, 9.10) -------------------

def screen_text(app) -> str:
    """Every character on screen as drawn (from the exported screenshot), row by row."""
    svg = app.export_screenshot()
    lines: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for x, row, text in re.findall(
            r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
            r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>', svg, re.S):
        lines[int(row)].append((float(x), html.unescape(text).replace("\xa0", " ")))
    drawn = []
    for _, parts in sorted(lines.items()):
        line = ""
        for x, text in sorted(parts):  # a gap with no text is blank cells (x: 12.2 per cell)
            line += " " * max(0, round(x / 12.2) - cell_len(line)) + text
        drawn.append(line)
    return "\n".join(drawn)


def footer(app) -> str:
    return screen_text(app).rstrip("\n").splitlines()[-1]


async def test_review_shows_names_catalogue_labels_and_whole_minutes(config, store, clock):
    seeded = review_of_seeded_shift(config, store, clock, "tab-walkaways")
    async with seeded as (app, pilot, screen, p):
        zhao, wang = named(p["zhao"]), named(p["wang"])
        assert zhao == "Zhao (003)"
        # Zhao came at 17:20 on a 30 min quote and walked away at 18:05
        assert rows(screen.query_one("#walkaways", DataTable)) == \
            [["11-20 17:20", zhao, "2", "45 min", "30 min"]]
        assert rows(screen.query_one("#rescues", DataTable)) == [
            ["11-20 18:00", zhao, "Kitchen tour", "left", "Ana"],
            ["11-20 17:45", wang, "table A4", "stayed", "Ana"]]
        await pilot.press("4")
        await settle(app, pilot)
        assert [r[1] for r in rows(screen.query_one("#complaints", DataTable))] == [zhao]
        # the quote accuracy in the summary: one unit, in the value (35 and 40 min waited
        # on 30 min quotes)
        text = summary(screen)
        assert "Mean absolute error: 7.5 min" in text and "(min)" not in text
        assert "Within 5 minutes: 50%" in text


async def test_review_tabs_have_one_key_each_shown_in_the_footer(config, store, clock):
    seeded = review_of_seeded_shift(config, store, clock, "")
    async with seeded as (app, pilot, screen, _p):
        tabs = screen.query_one("#tabs", TabbedContent)
        assert tabs.active == "tab-summary"
        drawn = screen_text(app)
        assert "1 Summary" in drawn and "5 Quote accuracy" in drawn
        bar = footer(app)
        for words in ("1 2 3 4 5 tabs", "esc Back", "f Filters", "^p Commands"):
            assert words in bar, bar
        # the keys work from the start (focus is not in a date field)
        for key, pane, focused in (("3", "tab-walkaways", "walkaways"),
                                   ("2", "tab-gestures", "gestures"),
                                   ("4", "tab-complaints", "complaints"),
                                   ("5", "tab-quotes", "accuracy"),
                                   ("1", "tab-summary", None)):
            await pilot.press(key)
            await settle(app, pilot)
            assert tabs.active == pane
            if focused:
                assert app.focused is not None and app.focused.id == focused
        await pilot.press("3")
        await settle(app, pilot)
        assert "⏎ Details" in footer(app)
        # f goes to the filters; Enter there comes back to the list
        await pilot.press("f")
        assert app.focused is screen.query_one("#from", Input)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.focused is screen.query_one("#walkaways", DataTable)


LONG_WHAT = ("Waited fifty minutes on a twenty-five minute quote, asked twice at the stand, "
             "then left angry")


@pytest.mark.parametrize("size,cut", [((120, 40), True), ((200, 50), False)])
async def test_long_text_is_whole_in_wide_lists_and_in_the_record(config, store, clock, size,
                                                                  cut):
    seeded = review_of_seeded_shift(config, store, clock, "tab-complaints", size=size,
                                    what=LONG_WHAT)
    async with seeded as (app, pilot, screen, p):
        [row] = rows(screen.query_one("#complaints", DataTable))
        assert (row[3] != LONG_WHAT and row[3].endswith("…")) if cut else row[3] == LONG_WHAT
        screen.query_one("#complaints", DataTable).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        record = app.screen
        assert isinstance(record, RecordScreen)
        text = str(record.query_one("#record", Static).content)
        assert f"What happened: {LONG_WHAT}" in text
        assert "Party: Zhao (003)" in text and "Category: wait" in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen


# words a Chinese screen may show in Latin letters: guests' and hosts' names (proper
# nouns), key names as printed on the keyboard, the date format the fields take, and the
# config file and its [keys] section (names a lead types as they are)
ALLOWED_LATIN = {"Chen", "Wang", "Zhao", "Lin", "Ana", "Mei", "Esc", "esc", "Tab", "Enter",
                 "ctrl", "YYYY", "MM", "DD", "config", "toml", "keys"}


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


async def test_review_and_help_in_chinese_show_no_english(zh_config, store, clock):
    seeded = review_of_seeded_shift(zh_config, store, clock, "", void_note="按错了客人",
                                    what="等位太久，客人不满", yesterday="昨天的客人")
    async with seeded as (app, pilot, screen, _p):
        seen = []
        for key in "12345":
            await pilot.press(key)
            await settle(app, pilot)
            seen.append(screen_text(app))
            assert english_words(seen[-1]) == set(), (key, english_words(seen[-1]))
        assert "平均绝对误差：7.5 分钟" in seen[0]
        assert "45 分钟" in seen[2] and "参观后厨" in seen[2] and "餐桌 A4" in seen[2]
        # the whole record of a gesture and of a complaint
        for key, table in (("2", "#gestures"), ("4", "#complaints")):
            await pilot.press(key)
            await settle(app, pilot)
            screen.query_one(table, DataTable).focus()
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, RecordScreen)
            drawn = screen_text(app)
            assert english_words(drawn) == set(), (table, english_words(drawn))
            await pilot.press("escape")
            await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        words = help_words(help_screen)
        assert english_words(" ".join(words)) == set()
        assert {"/", "?", "ctrl+p"} <= set(words)


def help_words(screen: HelpScreen) -> list[str]:
    """The help's title, hint and every cell (its own widgets, not the screen behind)."""
    table = screen.query_one(DataTable)
    cells = [str(c) for i in range(table.row_count) for c in table.get_row_at(i)]
    return [str(s.content) for s in screen.query(Static) if not isinstance(s, DataTable)] + \
        cells


async def test_help_shows_keys_as_printed_on_the_keyboard(config, store, clock):
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        keys = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1])
                for i in range(table.row_count)}
        assert keys["/"] == "Find" and keys["?"] == "Help" and keys["ctrl+p"].startswith(
            "Command palette")
        assert keys["Esc"] and keys["Tab"] and keys["ctrl+q"] == "Quit"
        assert not {"slash", "question_mark", "escape", "^p"} & set(keys)
        # the hint names the config section a host remaps keys in, as written
        assert "config.toml [keys]" in " ".join(help_words(app.screen))


async def test_command_palette_in_chinese(zh_config, store, clock):
    """ctrl+p: its key word in the footer, its prompt, Textual's own commands, and the
    keys of ours as printed on the keyboard (`/`, not `slash`)."""
    from textual.command import CommandInput, CommandList

    app = QueueApp(zh_config, store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert footer(app).endswith("^p 命令"), footer(app)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert app.screen.query_one(CommandInput).placeholder == "搜索操作…"
        await pilot.press(*"查找")
        await settle(app, pilot)
        await pilot.pause(0.5)
        shown = screen_text(app)
        assert "按键：/" in shown and "slash" not in shown
        await pilot.press(*["backspace"] * 2, *"退出")
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert "退出程序（名单上的一切都已保存）" in screen_text(app)
        assert app.screen.query_one(CommandList).option_count >= 1


async def test_a_host_name_that_looks_like_markup_is_shown_as_typed(config, store, clock):
    """Hosts are typed at the stand: ``[/]`` in a name must not crash the quotes tab."""
    odd = "[/] Lin [b]"
    roster.add_host(store, config, odd, "Mei", local("2026-11-20T16:00"))
    gestures.set_host_on_duty(store, odd, config)
    party = add(store, config, local("2026-11-20T17:00"), 2, "Chen", host=odd)
    store.seat_party(local("2026-11-20T17:20"), party.id, "A1")
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screen = await _open_review(app, pilot, "tab-quotes")
        shown = rows(screen.query_one("#accuracy", DataTable))
        assert any(odd in row[0] for row in shown), shown


async def test_the_host_filter_offers_hosts_a_lead_added(config, store, clock):
    """A host put on the roster by a lead (not in the config) can be chosen as a filter."""
    from queueapp.goodwill import roster

    roster.add_host(store, config, "Qiu", "Mei", local("2026-11-20T16:00"))
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screen = await _open_review(app, pilot)
        listed = screen.query_one("#host", Select).query_one(OptionList)
        offered = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert "Qiu" in offered and all(h in offered for h in config.hosts)


def _evening_past_midnight(store, config) -> None:
    """Chen at 18:00 (seated 18:20), Wang at 22:30 (seated 23:00), Zhao at 00:40, waiting."""
    chen = add(store, config, local("2026-11-20T18:00"), 2, "Chen", host="Lin")
    store.seat_party(local("2026-11-20T18:20"), chen.id, "A1")
    wang = add(store, config, local("2026-11-20T22:30"), 4, "Wang", host="Lin")
    store.seat_party(local("2026-11-20T23:00"), wang.id, "A4")
    add(store, config, local("2026-11-21T00:40"), 2, "Zhao", host="Lin")


@pytest.mark.parametrize("day_starts,today,parties", [
    ("04:00", "2026-11-20", "Parties: 3 (8 guests), 2 seated"),  # the whole evening
    ("00:00", "2026-11-21", "Parties: 1 (2 guests), 0 seated"),  # calendar days, as before
])
async def test_review_just_after_midnight_opens_on_the_business_day(store, day_starts: str,
                                                                    today: str, parties: str):
    """At 00:50 the review's today is the business day the evening began in: from 18:00,
    not only the minutes since midnight (unless the restaurant keeps calendar days)."""
    config = config_variant(**{'currency = "¥"': LATE_MIDNIGHT.replace("00:00", day_starts)})
    _evening_past_midnight(store, config)
    app = QueueApp(config, store, clock=FixedClock(local("2026-11-21T00:50")))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screen = await _open_review(app, pilot)
        assert [screen.query_one(f"#{f}", Input).value for f in ("from", "to")] == \
            [today, today]
        assert parties in summary(screen)


# -- a shift lead's walk at 80x24 and 120x40 -----------------------------------------------

def stale_note(screen: ReviewScreen) -> str:
    note = screen.query_one("#stale", Static)
    return str(note.content) if note.display else ""


async def test_figures_not_for_the_typed_dates_are_marked(config, store, clock, monkeypatch):
    """While a date is wrong, or new figures are still being read, the last figures stay
    on screen (as before) but dimmed and saying whose they are: they read as the typed
    range's."""
    import threading

    from queueapp.ui.screens import review as review_screen

    seeded = review_of_seeded_shift(config, store, clock, "tab-gestures", size=(80, 24))
    async with seeded as (app, pilot, screen, _p):
        assert stale_note(screen) == "" and not screen.has_class("-stale")
        await fill(app, pilot, "#from", "2026-11-19")
        await settle(app, pilot)
        assert len(listed(screen)) == 8 and stale_note(screen) == ""
        await fill(app, pilot, "#from", "2026-12-30")  # after "to": no range at all
        await settle(app, pilot)
        assert str(screen.query_one("#filter-error", Static).content) == \
            "'To' is before 'from'."
        assert len(listed(screen)) == 8  # the last figures stay...
        assert stale_note(screen) == \
            "Showing 2026-11-19–2026-11-20 until the dates are fixed."  # ...marked
        assert screen.has_class("-stale")
        assert screen.query_one("#tabs > ContentSwitcher").styles.opacity < 1
        assert "until the dates are fixed" in screen_text(app)
        # new dates: "loading" until their figures are read
        gate = threading.Event()
        build = review_screen.build

        def slow_build(*args, **kwargs):
            gate.wait(10)
            return build(*args, **kwargs)

        monkeypatch.setattr(review_screen, "build", slow_build)
        await fill(app, pilot, "#from", "2026-11-20")
        await pilot.pause()
        assert stale_note(screen) == "Loading… still showing 2026-11-19–2026-11-20."
        assert screen.has_class("-stale") and len(listed(screen)) == 8
        gate.set()
        await settle(app, pilot)
        assert stale_note(screen) == "" and not screen.has_class("-stale")
        assert len(listed(screen)) == 6


async def test_stale_figures_are_said_in_chinese(zh_config, store, clock):
    seeded = review_of_seeded_shift(zh_config, store, clock, "", void_note="按错了客人",
                                    what="等位太久，客人不满", yesterday="昨天的客人")
    async with seeded as (app, pilot, screen, _p):
        await fill(app, pilot, "#from", "2026-12-30")
        await settle(app, pilot)
        assert stale_note(screen) == "日期改正之前，仍显示 2026-11-20 的数字。"


async def test_the_reviews_pin_dialog_says_enter_opens_the_review(config, store, clock):
    gestures.set_host_on_duty(store, "Lin", config)
    app = QueueApp(config, store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, PinScreen)
        hint = str(app.screen.query_one(".hint", Static).content)
        assert hint.startswith("Enter opens the review") and "approves" not in hint


async def test_walkaways_and_rescues_each_have_a_heading(config, store, clock):
    seeded = review_of_seeded_shift(config, store, clock, "tab-walkaways")
    async with seeded as (app, pilot, screen, _p):
        headings = list(screen.query_one("#tab-walkaways").query(".list-heading"))
        assert [str(h.content) for h in headings] == [
            "Walk-aways: each wait against its quote",
            "Rescues: what was offered, and did they stay"]
        walkaways, rescues = (screen.query_one(f"#{i}", DataTable)
                              for i in ("walkaways", "rescues"))
        assert headings[0].region.y < walkaways.region.y < headings[1].region.y \
            < rescues.region.y
        drawn = screen_text(app)
        assert "Walk-aways: each wait against its quote" in drawn
        assert "Rescues: what was offered, and did they stay" in drawn


LONG_NAME = "Ouyang Xiaoming and friends"


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_every_list_column_and_the_footer_fit_on_screen(config, zh_config, store, clock,
                                                               size, language):
    """At 80x24 the Complaints tab cut "Step" and "By", the Gestures tab put "Host" and
    "Note" off the screen, and in Chinese the footer showed "^p 命" (the review ran on
    under the footer, where the list's scrollbar cut its last word)."""
    cfg = zh_config if language == "zh" else config
    seeded = review_of_seeded_shift(cfg, store, clock, "", size=size, what=LONG_WHAT,
                                    void_note="A very long note about why this was voided")
    async with seeded as (app, pilot, screen, p):
        add(store, cfg, local("2026-11-20T17:30"), 2, LONG_NAME, host="Ana")
        complaints.record(store, local("2026-11-20T17:46"), "unmet_request", LONG_WHAT,
                          party=p["chen"].id, host="Ana")
        screen.refresh_report()
        await settle(app, pilot)
        t = app.t
        for key, table_id in (("2", "gestures"), ("3", "walkaways"), ("3", "rescues"),
                              ("4", "complaints")):
            await pilot.press(key)
            await settle(app, pilot)
            table = screen.query_one(f"#{table_id}", DataTable)
            assert table.row_count
            widths = sum(c.get_render_width(table) for c in table.columns.values())
            assert widths <= table.scrollable_content_region.width, (table_id, widths)
            assert table.region.right <= size[0]
            drawn = screen_text(app)
            for col in table.columns.values():
                assert str(col.label) in drawn, (table_id, str(col.label))
            bar = footer(app)
            assert bar.rstrip().endswith("^p 命令" if language == "zh" else "^p Commands"), bar
            # nothing runs on under the footer
            assert screen.query_one("#tabs").region.bottom <= size[1] - 1
        if size[0] < 100:  # the least useful column goes at 80: the label says it
            await pilot.press("2")
            await settle(app, pilot)
            assert t("col_category") not in [str(c.label) for c in
                                             screen.query_one("#gestures", DataTable)
                                             .columns.values()]
        for key in ("4", "1"):
            await pilot.press(key)
            await settle(app, pilot)
            assert footer(app).rstrip().endswith("^p 命令" if language == "zh"
                                                 else "^p Commands")
