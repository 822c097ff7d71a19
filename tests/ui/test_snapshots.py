"""SVG snapshots of the main screen in a rush, at 80x24, 120x40 and 200x50, in English
and Chinese: a layout change shows up as a picture to look at (``pytest
--snapshot-update`` accepts it after a person has looked). The app runs on the tests'
config, a real SQLite file and a fixed clock, so every run draws the same screen."""

from __future__ import annotations

import itertools
import secrets

import pytest
from helpers import at, settle

from queueapp.quotes.rule import Quote
from queueapp.waitlist.events import COMING, TEXT

SIZES = [(80, 24), (120, 40), (200, 50)]
TZ = "Asia/Shanghai"


def friday_rush(store, config) -> None:
    """Most tables taken, one being cleared, one free with a couple proposed for it; a
    list with a party far past its quote, a returning family, a Chinese name, a called
    party and a guest whose name looks like markup."""
    tables = list(config.tables)
    for i, table in enumerate(tables[:-2]):
        pid = store.add_party(at(-90 + i), min(table.seats, 4), f"Diner {i}", tz=TZ).party
        store.seat_party(at(-85 + i), pid, table.name)
    clearing = tables[-2].name
    pid = store.add_party(at(-120), 2, "Left already", tz=TZ).party
    store.seat_party(at(-118), pid, clearing)
    store.table_departed(at(-4), clearing)

    def add(minutes: float, size: int, name: str, quote: float, **kw) -> str:
        """As the stand adds a party: with its queue number (and its own page)."""
        q = Quote(quote, quote * 0.8, quote * 1.3)
        prefix = config.guests.ticket_class(size).prefix
        return store.add_party(at(minutes), size, name, quote=q, tz=TZ, ticket_prefix=prefix,
                               **kw).party

    add(-55, 2, "Wu Lei", 30, note="window seat if possible")
    zhang = add(-40, 4, "Zhang family", 35, tags=["child"], phone="+8613812345678")
    store.guest_reply(at(-2), store.guest_link(zhang), COMING)  # answered from their page
    add(-31, 3, "欧阳娜娜", 30)
    called = add(-25, 6, "Alexandria Montgomery-Smythe", 40, tags=["birthday"])
    store.call_party(at(-3), called)
    store.guest_reply(at(-1), store.guest_link(called), TEXT, note="parking, 5 min")
    add(-18, 2, "[VIP] Li [/]", 25)
    for n in range(8):
        add(-15 + n, 2 + n % 5, f"Guest {n}", 30 + n)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_main_screen_in_a_rush(snap_compare, make_app, store, config, zh_config, size,
                               language, monkeypatch):
    # the pages' secret tokens are random: the same ones on every run, so the link the
    # party panel shows draws the same
    tokens = (f"token{n:03d}" for n in itertools.count(1))
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _nbytes=None: next(tokens))
    friday_rush(store, config)
    app = make_app(cfg=zh_config if language == "zh" else config)

    async def ready(pilot) -> None:
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)
