"""Issue 13 at the stand: with [headoffice] url and site set, the app sends its records in
the background; a head office that is down is told once, quietly, and never stops the
stand."""

from __future__ import annotations

import time

import psycopg
from helpers import at, config_variant, settle, toasts

from queueapp.headoffice.push import migrate
from queueapp.waitlist.room import WAITING

SIZE = (160, 45)
TZ = "Asia/Shanghai"


def _with_headoffice(url: str, every: int = 10) -> object:
    section = (f'[headoffice]\nurl = "{url}"\nsite = "stand-test"\nkey = "test chain key"\n'
               f"every_seconds = {every}\n\n[goodwill]")
    return config_variant(**{"[goodwill]": section})


async def test_the_app_sends_to_head_office_in_the_background(make_app, store, central):
    migrate(central)
    party = store.add_party(at(-20), 2, "Zhou Secret", "+8613812340000", tz=TZ).party
    app = make_app(_with_headoffice(central))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        with psycopg.connect(central) as conn:
            sent = conn.execute("SELECT local_id, status FROM parties WHERE site = "
                                "'stand-test'").fetchall()
            names = conn.execute("SELECT count(*) FROM parties WHERE "
                                 "guest LIKE '%1234%' OR ticket LIKE '%Zhou%'").fetchone()[0]
        assert sent == [(party, WAITING)] and names == 0
        assert not [t for t in toasts(app) if "Head office" in t]


async def test_head_office_down_is_told_once_and_the_stand_works_on(make_app, store,
                                                                   postgres):
    url = postgres.url().rsplit(":", 1)[0] + ":1/nowhere"  # nothing listens on port 1
    app = make_app(_with_headoffice(url))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        began = time.monotonic()
        await pilot.press("a")  # the add form opens at once, sync or not
        await pilot.pause()
        assert app.screen.__class__.__name__ == "PartyForm"
        assert time.monotonic() - began < 2
        await pilot.press("escape")
        await settle(app, pilot)
        app.sync_headoffice()  # a second failure of the same kind: not told again
        await settle(app, pilot)
        told = [t for t in toasts(app) if "Head office sync" in t]
        assert len(told) == 1 and "does not answer" in told[0]
        assert "hq-test-secret" not in told[0]


async def test_an_address_libpq_cannot_read_is_told_at_the_stand(make_app, monkeypatch):
    """An address from the environment that libpq cannot read (a bracket never closed)
    ended the background sync in a ValueError nobody saw: the stand never sent and never
    said so. It is told once, like a server that is down, without the password."""
    monkeypatch.setenv("QUEUEAPP_HEADOFFICE_URL", "postgresql://u:hq-test-secret@[::1:5432/x")
    app = make_app(_with_headoffice(""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.sync_headoffice()  # the next run: not told again
        await settle(app, pilot)
        told = [t for t in toasts(app) if "Head office sync" in t]
        assert len(told) == 1, toasts(app)
        assert "is not an address PostgreSQL can read" in " ".join(told[0].split())
        assert "hq-test-secret" not in told[0]
