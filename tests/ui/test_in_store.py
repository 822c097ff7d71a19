"""``QueueApp.in_store``: a write awaited top to bottom, with the new state on screen."""

from helpers import settle, toasts

from queueapp.store import Conflict


async def test_in_store_returns_the_result_and_shows_the_new_state(make_app):
    app = make_app()
    async with app.run_test(notifications=True) as pilot:
        await settle(app, pilot)
        ev = await app.in_store(lambda store, now: store.add_party(now, 2, name="Lin"))
        assert ev.party in app.snapshot.room.parties
        failed = await app.in_store(lambda store, now: store.call_party(now, "nobody"))
        assert isinstance(failed, Conflict)
        await settle(app, pilot)
        assert any("no longer on the waiting list" in text for text in toasts(app))
