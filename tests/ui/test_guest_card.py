"""The guest card at the stand, through the real app: the party panel puts an allergy
first and marked and wraps the card and the wait's "Why" where its height allows, and
`v` (or Enter on the party's row, or the key the config maps) opens the whole card in
a window that fits 80x24 and scrolls."""

from __future__ import annotations

from helpers import at, config_variant, settle
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from queueapp.goodwill import guests
from queueapp.quotes.reason import say
from queueapp.quotes.rule import Quote
from queueapp.ui.screens.guest_card import GuestCardScreen
from queueapp.ui.screens.main import MainScreen

PHONE = "+8613812345678"
DAY = 24 * 60  # minutes


def painted(widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def after(app, pilot, *keys: str):
    """The screen on top once ``keys`` are pressed and what they started has finished."""
    await pilot.press(*keys)
    await settle(app, pilot)
    return app.screen


async def highlight(app, pilot, pid: str) -> None:
    """Once the app has read the file: ``pid`` highlighted on the waiting list."""
    await settle(app, pilot)
    app.screen.select_party(pid)
    await pilot.pause()


async def panel_of(app, pilot, pid: str) -> list[str]:
    """The party panel's lines as drawn with ``pid`` highlighted."""
    await highlight(app, pilot, pid)
    return [line.strip() for line in painted(app.screen.query_one("#party-panel"))]


def lucas(store, config, notes: int = 0) -> str:
    """Lucas Taylor's third visit with his family of four, every table taken: he liked
    the mushroom broth, dislikes coriander, is allergic to peanuts, prefers the window,
    and his birthday is in 4 days (the tests' clock is 03-06). ``notes`` more notes
    make his card long."""
    tz = config.timezone
    for days in (21, 7):
        then = at(-days * DAY)
        pid = store.add_party(then, 4, "Lucas Taylor", PHONE, tz=tz).party
        guests.record_visit(store, store.party(pid))
        store.seat_party(then + 600, pid, "A4")
        store.table_departed(then + 4200, "A4")
        store.table_ready(then + 4500, "A4")
    card = guests.recognise(store, PHONE)
    assert card is not None
    for kind, text in (("like", "mushroom broth"), ("dislike", "coriander"),
                       ("allergy", "peanuts"), ("note", "prefers the window")):
        guests.add_note(store, card.id, kind, text, "Ana", at(-7 * DAY))
    for n in range(notes):
        guests.add_note(store, card.id, "note", f"remark number {n} about the family",
                        "Ana", at(-7 * DAY))
    guests.set_birthday(store, card.id, "03-10")
    for i, table in enumerate(config.tables):
        diner = store.add_party(at(-40), min(table.seats, 4), f"Diner {i}", tz=tz).party
        store.seat_party(at(-39 + i / 10), diner, table.name)
    pid = store.add_party(at(-20), 4, "Lucas Taylor", PHONE, quote=Quote(30, 25, 40), tz=tz,
                          ticket_prefix=config.guests.ticket_class(4).prefix).party
    guests.record_visit(store, store.party(pid))
    return pid


async def test_the_panel_shows_an_allergy_first_and_the_card_whole_at_80x24(
        make_app, store, config):
    pid = lucas(store, config)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lines = await panel_of(app, pilot, pid)
        ticket = app.snapshot.room.parties[pid].ticket
        # the allergy right after who they are, on the first line
        assert lines[0].startswith(f"{ticket} Lucas Taylor (4)  ⚠ allergy: peanuts"), lines
        # the card wraps instead of being cut: each part whole
        text = "\n".join(lines)
        for words in ("3rd visit", "likes mushroom broth", "dislikes coriander",
                      "birthday in 4 days"):
            assert words in text, (words, lines)
        # the numbered suggestions still have their lines
        assert any(line.startswith("1 ") for line in lines)
        assert any(line.startswith("2 ") for line in lines)
        # the row itself carries the allergy's mark
        row = app.screen.query_one("#waiting", DataTable).get_row(pid)
        assert any("⚠" in str(cell) for cell in row)


async def test_the_why_wraps_whole_at_120x40(make_app, store, config):
    pid = lucas(store, config)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        lines = await panel_of(app, pilot, pid)
        why = app.t("why_wait_line", reason=say(app.snapshot.quotes[pid], app.t))
        assert why in " ".join(lines), (why, lines)
        head = lines[:lines.index(next(line for line in lines if "Page:" in line))]
        assert head and not any(line.endswith("…") for line in head), lines


async def test_v_opens_the_whole_card_that_fits_80x24_and_scrolls(make_app, store, config):
    pid = lucas(store, config, notes=20)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await highlight(app, pilot, pid)
        screen = await after(app, pilot, "v")
        assert isinstance(screen, GuestCardScreen)
        dialog = screen.query_one(".card").region
        assert dialog.x >= 0 and dialog.y >= 0 and dialog.right <= 80 and dialog.bottom <= 24
        allergy = screen.query_one("#card-allergy", Static)
        assert "⚠ allergy: peanuts" in str(allergy.render())
        card = str(screen.query_one("#card", Static).render())
        for words in ("Visits: 3rd visit", "Likes: mushroom broth", "Dislikes: coriander",
                      "prefers the window", "remark number 19", "Birthday: 03-10",
                      "Why this wait: "):
            assert words in card, words
        why = say(app.snapshot.quotes[pid], app.t)
        assert why and " ".join(why.split()) in " ".join(card.split())
        scroll = screen.query_one("#card-scroll", VerticalScroll)
        assert scroll.max_scroll_y > 0  # longer than the window: it scrolls
        hint = screen.query_one(".hint").region
        assert hint.bottom <= dialog.bottom  # the hint is not pushed off
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        assert isinstance(await after(app, pilot, "escape"), MainScreen)
        # Enter on the party's row opens it too
        assert isinstance(await after(app, pilot, "enter"), GuestCardScreen)
        assert isinstance(await after(app, pilot, "v"), MainScreen)  # its own key closes it


async def test_the_card_key_follows_the_config_and_is_in_help(make_app, store, config):
    pid = lucas(store, config)
    remapped = config_variant(**{'# add_party = "a"': 'guest_card = "w"'})
    app = make_app(remapped)
    async with app.run_test(size=(120, 40)) as pilot:
        await highlight(app, pilot, pid)
        assert isinstance(await after(app, pilot, "v"), MainScreen)
        assert isinstance(await after(app, pilot, "w"), GuestCardScreen)
        keys = (await after(app, pilot, "escape", "question_mark")).query_one("#keys",
                                                                              DataTable)
        rows = [[str(cell) for cell in keys.get_row_at(i)] for i in range(keys.row_count)]
        assert ["w", "Guest card"] in [row[:2] for row in rows], rows
