"""Who sits next, drawn: a ready table names the party proposed for it, the party's row
names its table, and a held table says for whom and for how long, at every size."""

from __future__ import annotations

import re

import pytest
from helpers import at, settle
from textual.widgets import DataTable

from queueapp.ui.format import HELD, NEXT

TZ = "Asia/Shanghai"
SIZES = [(80, 24), (120, 40), (200, 50)]


def painted(widget) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def tables_line(app, start: str) -> str:
    """The tables panel's drawn line that starts with ``start`` (a table or a section)."""
    lines = painted(app.screen.query_one("#tables", DataTable)).splitlines()
    return next(line for line in lines if line.strip().startswith(start))


def busy_but(store, config, free: str) -> None:
    """Every table taken but ``free``."""
    for i, table in enumerate(config.tables):
        if table.name == free:
            continue
        pid = store.add_party(at(-60), min(table.seats, 4), f"Diner {i}", tz=TZ).party
        store.seat_party(at(-59), pid, table.name)


def two_top(config) -> str:
    return next(t.name for t in config.tables if t.seats == 2)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_a_ready_table_and_its_party_name_each_other(make_app, store, config, size):
    free = two_top(config)
    busy_but(store, config, free)
    big = store.add_party(at(-20), 6, "Big Family", tz=TZ).party
    couple = store.add_party(at(-10), 2, "Wu", tz=TZ).party
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert [(p.table, p.party_id) for p in app.snapshot.proposals] == [(free, couple)]
        waiting = app.screen.query_one("#waiting", DataTable)
        rows = painted(waiting).splitlines()
        wu_row = next(line for line in rows if "Wu" in line)
        assert free in wu_row  # the couple's row says which table is theirs
        big_row = next(line for line in rows if "Big" in line)
        assert free not in big_row  # the 2-top is not proposed to the party of six
        app.screen.select_table(free)
        await pilot.pause()
        table_row = tables_line(app, free)
        assert "Wu" in table_row
        del big


async def test_a_held_table_says_for_whom_and_how_long(make_app, store, config):
    free = two_top(config)
    busy_but(store, config, free)
    wu = store.add_party(at(-10), 2, "Wu", tz=TZ).party
    store.hold_table(at(-2), free, wu, 10)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        tables = painted(app.screen.query_one("#tables", DataTable))
        row = next(line for line in tables.splitlines() if line.strip().startswith(free))
        assert "⏸ Wu" in row and row.rstrip().endswith("8 min")  # the minutes never cut
        rows = painted(app.screen.query_one("#waiting", DataTable))
        # the list is compact at 120 columns: an icon, the table
        assert f"⏸ {free}" in next(line for line in rows.splitlines() if "Wu" in line)
    async with make_app().run_test(size=(200, 50)) as pilot:
        await settle(pilot.app, pilot)
        rows = painted(pilot.app.screen.query_one("#waiting", DataTable))
        assert f"held: {free} 8 min" in next(line for line in rows.splitlines() if "Wu" in line)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_tables_name_whole_the_party_they_wait_for(make_app, store, config, size):
    """A table held for 黄一鸣 and a ready one proposed for Olivia Kim name them whole
    at 80 and 120 columns (the hold's minutes stand where the other tables' times are);
    a section's line says what its number is: free seats."""
    held, ready = [t.name for t in config.tables if t.seats == 2][:2]
    for i, table in enumerate(config.tables):
        if table.name not in (held, ready):
            pid = store.add_party(at(-60), min(table.seats, 4), f"Diner {i}", tz=TZ).party
            store.seat_party(at(-59), pid, table.name)
    huang = store.add_party(at(-20), 2, "黄一鸣", tz=TZ).party
    store.add_party(at(-10), 2, "Olivia Kim", tz=TZ)
    store.hold_table(at(-2), held, huang, 10)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        held_row = tables_line(app, held)
        assert f"{HELD} 黄一鸣 " in held_row and held_row.rstrip().endswith("8 min"), held_row
        ready_row = tables_line(app, ready)
        assert f"{NEXT} Olivia Kim" in ready_row, ready_row
        label = app.config.sections[0].label("en")
        section = tables_line(app, label)
        assert re.search(rf"{label}\s+\d+ free", section), section


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_table_held_while_it_is_cleared_says_for_whom(make_app, store, config, size):
    """A leaving party was promised a table still being cleared (the rescue holds it): at
    120 columns its row said "⏸ 黄一鸣" and the hold's minutes, at 80 only "◌ 2 min", as
    any table being cleared, so a host there could not tell it was kept for anyone. Now
    both say for whom and how long, and the compact row still shows it is being cleared."""
    clearing = two_top(config)
    busy_but(store, config, clearing)
    pid = store.add_party(at(-60), 2, "Diner", tz=TZ).party
    store.seat_party(at(-59), pid, clearing)
    store.table_departed(at(-4), clearing)
    huang = store.add_party(at(-40), 2, "黄一鸣", tz=TZ).party
    store.hold_table(at(-2), clearing, huang, 10)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        row = tables_line(app, clearing)
        assert f"{HELD} 黄一鸣 " in row and row.rstrip().endswith("8 min"), row
        assert "◌" in row or "clearing" in row, row


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)],
                         ids=["80x24", "120x40", "200x50"])
async def test_a_held_table_is_not_counted_free(make_app, store, config, size):
    """"Hall 6 free" while the hall's one free table, A8, was held for B024: a table kept
    for a party is free for no one else, so its section (and the header) count it out."""
    hall = config.sections[0]
    held = next(t for t in config.tables if t.section == hall.name and t.seats >= 6)
    busy_but(store, config, held.name)
    party = store.add_party(at(-20), 6, "Big Family", tz=TZ).party
    store.hold_table(at(-2), held.name, party, 10)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        label = hall.label("en")
        section = tables_line(app, label)
        assert re.search(r"\b0 free", section), section
        assert not re.search(rf"\b{held.seats} free", section), section
        if size[0] >= 200:  # the header's free seats, where they are drawn
            header = painted(app.screen.query_one("#header"))
            assert f"{label} 0" in header and f"{label} {held.seats}" not in header, header
