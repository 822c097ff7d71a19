"""Change detection from one registry: every table is registered (or says why not), and a
change other terminals must see changes ``Store.version()``."""

from __future__ import annotations

import sqlite3

from helpers import at

from queueapp.complaints import loop as complaints
from queueapp.goodwill import gestures, guests, roster
from queueapp.goodwill.pins import hash_pin
from queueapp.store import Store
from queueapp.store.changes import NOT_WATCHED, WATCHED


def test_every_table_is_watched_or_says_why_not(store: Store) -> None:
    with sqlite3.connect(store.path) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    watched = {w.table for w in WATCHED}
    assert not watched & set(NOT_WATCHED), "a table is both watched and not"
    assert tables - watched - set(NOT_WATCHED) == set(), "register it in store/changes.py"
    assert (watched | set(NOT_WATCHED)) - tables == set(), "registered but not in the schema"


def test_what_another_terminal_shows_changes_the_version(store: Store, config) -> None:
    seen = [store.version()]

    def changed(what: str) -> None:
        now = store.version()
        assert now != seen[-1], f"{what} did not change the version"
        seen.append(now)

    ev = store.add_party(at(0), 4, "Chen", "+8613800000001")
    changed("a party added")
    party = store.party(ev.party)
    assert party is not None
    card = guests.record_visit(store, party)
    assert card is not None
    changed("a guest's visit recorded")
    guests.set_birthday(store, card.id, "03-14")
    changed("a birthday set")
    guests.add_note(store, card.id, "like", "jasmine tea", "Lin", at(1))
    changed("a note on the card")
    gestures.set_host_on_duty(store, "Lin", config)
    changed("the host on duty")
    given = gestures.give(store, at(2), party, "Tea", "Lin", cost=0)
    changed("a gesture")
    gestures.void(store, at(3), given.id, "Lin", "wrong party")
    changed("a void")
    roster.add_host(store, config, "Bo", "Mei", at(3))
    changed("a host added to the roster")
    roster.remove_host(store, config, "bo.", "Mei", at(3))
    changed("a host taken off the roster")
    store.roster.add_lead(at(3), "Kai", "kai", hash_pin("864200"), "Mei")
    changed("a lead added")
    roster.remove_lead(store, config, "Kai", "Mei", at(3))
    changed("a lead removed")
    rescue = gestures.start_rescue(store, at(4), party, "Lin", "table:A4")
    changed("a rescue offered")
    gestures.record_outcome(store, rescue.id, "stayed", at(5))
    changed("its outcome")
    item = complaints.record(store, at(6), "food", "Cold broth", party=party.id)
    changed("a complaint")
    complaints.handle(store, item.id, at(7), "Lin", "New pot")
    changed("a complaint handled")
    other = store.add_party(at(8), 2, "Wang").party
    changed("another party")
    name_match = store.party(other)
    assert name_match is not None
    guests.record_visit(store, name_match, guest_id=card.id)
    changed("a match by name")
    gestures.check_lead_pin(store, config, "Mei", "0000", at(9))
    assert store.version() == seen[-1]  # a PIN attempt is shown nowhere
