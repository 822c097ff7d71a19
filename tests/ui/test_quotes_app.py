"""The estimator at the stand: the quote is on the add form before saving, with why;
the live estimate on each row counts down as the (injected) clock moves, and the
party panel says where it comes from."""

from __future__ import annotations

import pytest
from helpers import at, settle
from textual.widgets import DataTable, Static

from queueapp.quotes.reason import say

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
        shown = str(app.screen.query_one("#quote", Static).render()).splitlines()
        point, low, high = app.quote_new(2).rounded()
        assert point > 0 and low <= point <= high
        assert shown[0] == f"Quote to tell the guest: {point} min ({low}–{high})"
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


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_add_form_and_the_party_panel_say_why(make_app, store, config, zh_config,
                                                        language):
    # every table taken: the new party waits, and the walk can say for which table
    room = store.load_room()
    for i, name in enumerate(room.tables):
        pid = store.add_party(at(-30 + i), 2, f"Diner {i}").party
        store.seat_party(at(-29 + i), pid, name)
    app = make_app(cfg=zh_config if language == "zh" else config)
    t = app.t
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Zhou", "tab", "4")
        await pilot.pause()
        await settle(app, pilot)
        lines = str(app.screen.query_one("#quote", Static).render()).splitlines()
        why = say(app.quote_new(4), t, for_guest=True)  # the same room and walk: its reason
        assert why and lines[1] == t("why_wait_line", reason=why)
        assert ("table for 4" in why) if language == "en" else ("4人桌" in why)
        await pilot.press("enter")
        await settle(app, pilot)
        party = app.snapshot.room.waiting()[0]
        app.requote()
        await settle(app, pilot)
        panel = str(app.screen.query_one("#party-panel", Static).render()).splitlines()
        live = say(app.snapshot.quotes[party.id], t)
        # on its own line(s): wrapped where the panel is narrower than it
        why = t("why_wait_line", reason=live)
        start = next(n for n, line in enumerate(panel) if line.startswith(why[:8]))
        assert live and why.split() == " ".join(panel[start:]).split()[:len(why.split())]


async def test_a_called_party_s_panel_says_it_was_called_not_who_is_ahead(make_app, store):
    """After the call the walk still put parties ahead of them ("Why: 3 parties ahead"):
    their table is ready, and the panel says so (and which one is kept for them)."""
    room = store.load_room()
    for i, name in enumerate(room.tables):  # every table taken: the party waits in line
        pid = store.add_party(at(-30 + i), 2, f"Diner {i}").party
        store.seat_party(at(-29 + i), pid, name)
    first = store.add_party(at(-5), 2, "Zhou").party
    store.add_party(at(-4), 2, "Qian")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.screen.select_party(first)
        await pilot.press("n")  # no table is ready: asked first, then called anyway
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        panel = str(app.screen.query_one("#party-panel", Static).render())
        assert "Called: their table is ready, they are on their way" in panel
        assert "Why:" not in panel
        store.table_departed(at(0), "A1")
        store.table_ready(at(0), "A1")
        store.call_party(at(0), first, table="A1", minutes=10)  # called again, for A1
        app.reload()
        await settle(app, pilot)
        panel = str(app.screen.query_one("#party-panel", Static).render())
        assert "Called: A1 is kept for them while they come" in panel
