"""The estimator at the stand: the quote is on the add form before saving, and the
live estimate on each row counts down as the (injected) clock moves."""

from __future__ import annotations

from helpers import at, settle
from textual.widgets import DataTable, Static

SIZE = (170, 48)


def left_minutes(app, party_id: str) -> int:
    value = app.screen.query_one("#waiting", DataTable).get_cell(party_id, "col_left")
    return int("".join(ch for ch in getattr(value, "plain", str(value)) if ch.isdigit()))


async def test_quote_on_the_form_and_the_estimate_counts_down(make_app, store, clock):
    # every table taken a moment ago: the next party waits for the first to free
    room = store.load_room()
    for i, name in enumerate(room.tables):
        pid = store.add_party(at(-2), 2, f"Diner {i}").party
        store.seat_party(at(-1), pid, name)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Zhou", "tab", "2")
        await pilot.pause()
        shown = str(app.screen.query_one("#quote", Static).render())
        point, low, high = app.quote_new(2).rounded()
        assert point > 0 and low <= point <= high
        assert shown == f"Quote to tell the guest: {point} min ({low}–{high})"
        await pilot.press("enter")
        await settle(app, pilot)
        party = app.snapshot.room.waiting()[0]
        assert party.name == "Zhou" and party.quote is not None and party.quote > 0
        before = left_minutes(app, party.id)
        assert before > 0
        clock.advance(minutes=10)
        app.tick()
        await pilot.pause()
        after = left_minutes(app, party.id)
        assert after < before - 3  # the live estimate counts down with the clock
