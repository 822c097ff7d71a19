"""The demo's live evening has the guest's side (issue 11): every party that arrived
tonight has its table class's queue number, numbered in order of arrival, and each
party still waiting has its own page; the history before tonight has neither."""

from __future__ import annotations

from helpers import at

from queueapp.sim.demo import build_demo
from queueapp.store import Store
from queueapp.waitlist.events import ARRIVE


def test_the_demos_waiting_parties_have_numbers_and_pages(tmp_path, config):
    store = Store.open(tmp_path / "demo.db", config)
    try:
        build_demo(store, config, seed=3, now=at(0), history_days=2)
        waiting = store.load_room().waiting()
        assert len(waiting) >= 10
        for p in waiting:
            assert p.ticket.startswith(config.guests.ticket_class(p.size).prefix), p
            assert store.party_for_link(store.guest_link(p.id)).id == p.id
        tonight = sorted((ev for ev in store.all_events(since=at(-6 * 60))
                          if ev.event == ARRIVE), key=lambda ev: ev.time)
        by_class: dict[str, list[str]] = {}
        for ev in tonight:
            ticket = ev.data["ticket"]
            by_class.setdefault(ticket[0], []).append(ticket)
        for prefix, tickets in by_class.items():  # 001, 002 ... in order of arrival
            assert tickets == [f"{prefix}{n:03d}" for n in range(1, len(tickets) + 1)]
        history = [ev for ev in store.all_events(until=at(-12 * 60)) if ev.event == ARRIVE]
        assert history and not any("ticket" in ev.data for ev in history)
        # the stand's next party of a class takes the next number after tonight's
        nxt = store.add_party(at(1), 2, "Next", tz=config.timezone,
                              ticket_prefix=config.guests.ticket_class(2).prefix)
        assert nxt.data["ticket"] == f"A{len(by_class['A']) + 1:03d}"
    finally:
        store.close()
