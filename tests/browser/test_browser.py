"""The guest pages in a real headless Chromium against a real uvicorn, while the stand
writes to the same SQLite file: through its own Store connection (the calls the Textual
app makes) or through the Textual app itself, keys pressed with Pilot.

Every wait is Playwright's auto-waiting ``expect`` (a few seconds at most), never a sleep.
"""

from __future__ import annotations

import re

import pytest
from browsing import BOARD_VIEW, PHONE_VIEW, OpenPage, Served
from helpers import at, settle
from playwright.async_api import expect
from textual.widgets import DataTable

from queueapp.i18n import Translator
from queueapp.waitlist.events import ABANDON
from queueapp.waitlist.room import CALLED, WAITING

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

APP_SIZE = (120, 40)
T = Translator("en")  # the words the pages show (the tests' config is in English)


def minutes_in(text: str) -> int:
    """The point estimate in "about 25 min (20–35)" (0 for "no wait right now")."""
    found = re.search(r"about (\d+) min", text)
    return int(found.group(1)) if found else 0


def stand_rows(app) -> set[str]:
    """The parties on the stand's waiting list, as drawn."""
    return {str(key.value) for key in app.screen.query_one("#waiting", DataTable).rows}


def fill_the_room(served: Served) -> None:
    """Every table taken, seated between 50 and 10 minutes ago (a busy evening; these
    parties came before the numbered ones the test watches, so they carry none)."""
    for n, table in enumerate(served.config.tables):
        ev = served.stand.add_party(at(-60 + n), min(table.seats, 4), f"Seated {n}",
                                    tz=served.config.timezone)
        served.stand.seat_party(at(-50 + n * 1.5), ev.party, table.name)


async def test_board_shows_a_new_number_when_the_stand_adds_a_party(served, open_page):
    board = await open_page(served.url("/board"), view=BOARD_VIEW)
    await expect(board.locator("#class-A .next")).to_have_text(T("web_board_nobody"))
    served.add(-1, 2, "Li")  # the host adds a party of 2 at the stand
    await expect(board.locator("#class-A .next .ticket")).to_have_text(["A001"])
    served.add(0, 2, "Wu")
    await expect(board.locator("#class-A .next .ticket")).to_have_text(["A001", "A002"])
    await expect(board.locator("#class-A .count")).to_have_text(T("web_board_waiting", n=2))
    await expect(board.locator("#class-B .next")).to_have_text(T("web_board_nobody"))
    assert "Li" not in await board.locator("#board").inner_text()  # numbers only


async def test_board_keeps_up_by_long_polls_without_event_source(served, open_page):
    board = await open_page(served.url("/board"), view=BOARD_VIEW, no_event_source=True)
    await expect(board.locator("#called-now .none")).to_be_visible()
    pid, _ = served.add(-3, 4)
    await expect(board.locator("#class-B .next .ticket")).to_have_text(["B001"])
    served.stand.call_party(at(0), pid)
    await expect(board.locator("#called-now .ticket")).to_have_text(["B001"])
    await expect(board.locator("#class-B .next")).to_have_text(T("web_board_nobody"))


async def test_guest_page_moves_up_when_the_host_seats_the_party_ahead(served, open_page):
    fill_the_room(served)
    ahead, _ = served.add(-8, 4, "Chen")
    _, token = served.add(-4, 4, "Zhou")
    page = await open_page(served.url(f"/p/{token}"))
    await expect(page.locator("#ticket")).to_have_text("B002")
    await expect(page.locator("#position")).to_have_attribute("data-position", "2")
    await expect(page.locator("#ahead")).to_have_text(T("web_page_ahead", numbers="B001"))
    before = await page.locator("#estimate").inner_text()
    assert minutes_in(before) > 0, before  # every table is taken: there is a wait

    # a four-top frees up and the host seats the party ahead there
    served.stand.table_departed(at(0), "A4")
    served.stand.table_ready(at(0), "A4")
    served.stand.seat_party(at(0), ahead, "A4")

    await expect(page.locator("#position")).to_have_attribute("data-position", "1")
    await expect(page.locator("#position")).to_have_text(
        T("web_page_position", n=1, sizes=T("web_sizes", low=3, high=4)))
    await expect(page.locator("#ahead")).to_have_text(T("web_page_nobody_ahead"))
    await expect(page.locator("#estimate")).not_to_have_text(before)
    after = await page.locator("#estimate").inner_text()
    assert minutes_in(after) < minutes_in(before), (before, after)


async def test_guest_page_says_table_ready_when_the_host_presses_call(served, open_page,
                                                                     make_app):
    pid, token = served.add(-10, 2, "Li Wei")
    page = await open_page(served.url(f"/p/{token}"))
    await expect(page.locator("#position")).to_have_attribute("data-position", "1")
    await expect(page.locator("#called")).to_have_count(0)

    app = make_app()  # the real stand on the same file, its host pressing keys
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")  # call the highlighted (first) party
        await settle(app, pilot)
    assert served.stand.party(pid).status == CALLED

    await expect(page.locator("#called h2")).to_have_text(T("web_page_called"))
    # a clock time that stays true however long the page is open, from the record's hold
    await expect(page.locator("#called")).to_contain_text(
        re.compile(r"by \d\d:\d\d \(within (9|10) min\)"))
    await expect(page.locator("#guest")).to_have_attribute("data-status", "called")
    await expect(page.locator("#position")).to_have_count(0)


async def test_cancel_my_place_takes_the_party_off_the_stands_list(served, open_page,
                                                                  make_app):
    stays, _ = served.add(-12, 4, "Chen Jing")
    leaves, token = served.add(-6, 2, "Wu Tao")
    app = make_app()
    async with app.run_test(size=APP_SIZE) as pilot:
        await settle(app, pilot)
        assert stand_rows(app) == {stays, leaves}

        page = await open_page(served.url(f"/p/{token}"))
        await page.locator("#cancel").click()
        await expect(page.locator("#cancel-ask h1")).to_have_text(
            T("web_cancel_title", ticket="A001"))
        await page.locator("#cancel-confirm").click()
        await expect(page.locator("#cancelled h1")).to_have_text(
            T("web_cancelled_title", ticket="A001"))

        # the stand picks the change up from the file by itself (no key pressed): its
        # sync runs every [service] sync_seconds (1 s in the tests' config)
        for _ in range(50):
            if stand_rows(app) == {stays}:
                break
            await pilot.pause(0.1)
        assert stand_rows(app) == {stays}

    cancelled = served.stand.party(leaves)
    assert cancelled is not None and cancelled.status != WAITING
    last = list(served.stand.all_events())[-1]
    assert (last.event, last.party, last.data.get("reason")) == (ABANDON, leaves, "cancelled")
    await page.goto(served.url(f"/p/{token}"))  # the link no longer works
    await expect(page.locator("#gone h1")).to_have_text(T("web_gone_title"))


async def test_a_guest_page_open_through_the_evening_ends_when_the_party_is_seated(
        served: Served, open_page: OpenPage):
    pid, token = served.add(-15, 2)
    page = await open_page(served.url(f"/p/{token}"))
    await expect(page.locator("#ticket")).to_have_text("A001")
    served.stand.call_party(at(-1), pid)
    await expect(page.locator("#called")).to_be_visible()
    served.stand.seat_party(at(0), pid, "A1")
    await expect(page.locator("#gone h1")).to_have_text(T("web_gone_seated_title"))


async def test_on_my_way_back_reaches_the_stand(served, open_page):
    pid, token = served.add(-20, 4, "Chen")
    page = await open_page(served.url(f"/p/{token}"))
    await page.locator("#coming").click()  # a real form post, with the browser's Origin
    await expect(page.locator("#coming-noted")).to_have_text(T("web_page_coming_noted"))
    party = served.stand.party(pid)
    assert party is not None and party.reply == "coming"


async def test_a_guest_joins_from_the_phone_and_the_board_shows_the_number(served_join,
                                                                          open_page):
    board = await open_page(served_join.url("/board"), view=BOARD_VIEW)
    phone = await open_page(served_join.url("/join"))
    await phone.locator("#name").fill("Li Na")
    await phone.locator("#size").fill("２")  # a full-width digit, as a Chinese keyboard types
    await phone.locator("#join-submit").click()
    await expect(phone.locator("#ticket")).to_have_text("A001")  # the guest's own page
    await expect(phone.locator("#position")).to_have_attribute("data-position", "1")
    await expect(board.locator("#class-A .next .ticket")).to_have_text(["A001"])
    [party] = served_join.stand.load_room().waiting()
    assert (party.name, party.size, party.ticket) == ("Li Na", 2, "A001")


async def test_a_page_whose_stream_was_refused_keeps_trying(served: Served, browser):
    """Its news answered with a 503 (what the server says while the file is busy or
    moved away; here the first two answers, given in the browser's network layer),
    the page tries again after a while and is live again, board and guest page alike."""
    pid, token = served.add(-10, 2)
    refused: list[str] = []

    async def busy_twice(route):  # type: ignore[no-untyped-def]
        if len(refused) < 4:
            refused.append(route.request.url)
            await route.fulfill(status=503, headers={"retry-after": "3"},
                                content_type="text/html", body="<h1>One moment</h1>")
        else:
            await route.continue_()

    pages, contexts = [], []
    for url, view in ((f"/p/{token}", PHONE_VIEW), ("/board", BOARD_VIEW)):
        contexts.append(await browser.new_context(viewport=view))
        await contexts[-1].route("**/events?*", busy_twice)
        pages.append(await contexts[-1].new_page())
        await pages[-1].goto(served.url(url))
    page, board = pages
    await expect(page.locator("#position")).to_have_attribute("data-position", "1")
    served.stand.call_party(at(0), pid)  # while the streams are refused or reopened
    await expect(page.locator("#called")).to_be_visible()
    await expect(board.locator("#called-now .ticket")).to_have_text(["A001"])
    assert len(refused) == 4  # two refusals each, then the news came through
    for context in contexts:
        await context.close()


async def test_a_page_closed_by_an_undone_no_show_comes_back(served: Served,
                                                            open_page: OpenPage):
    pid, token = served.add(-20, 2)
    page = await open_page(served.url(f"/p/{token}"))
    served.stand.call_party(at(-12), pid)
    await expect(page.locator("#called")).to_be_visible()
    served.stand.remove_party(at(-1), pid, "no_show")
    await expect(page.locator("#gone h1")).to_have_text(T("web_gone_title"))
    served.stand.undo(at(0), served.stand.last_event_id())  # the host undoes it
    await expect(page.locator("#called")).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^Your place: A001"))
    served.stand.seat_party(at(1), pid, "A1")
    await expect(page.locator("#gone h1")).to_have_text(T("web_gone_seated_title"))
    await expect(page).to_have_title(re.compile(r"^Enjoy your meal"))
    served.stand.undo(at(2), served.stand.last_event_id())  # seated by mistake
    await expect(page.locator("#called")).to_be_visible()
    served.stand.seat_party(at(3), pid, "A1")
    served.stand.table_departed(at(60), "A1")  # the meal is over: so is the link
    await expect(page.locator("#gone h1")).to_have_text(T("web_gone_title"))
    await expect(page).to_have_title(re.compile(r"^This link no longer works"))
