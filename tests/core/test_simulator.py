"""The simulator: deterministic, consistent logs, guest data, a busy evening."""

from __future__ import annotations

import phonenumbers
import pytest
from helpers import CONFIG_PATH

from queueapp.config import load_config
from queueapp.quotes.baselines import TrueModel, limit_quoter
from queueapp.sim.simulator import (
    evening_so_far,
    get_scenario,
    layout_for,
    scenario_names,
    simulate,
)
from queueapp.waitlist.events import ABANDON, ARRIVE, DEPART, READY, REMOVE_REASONS, SEAT
from queueapp.waitlist.room import CLEARING, OCCUPIED, Room


def test_same_seed_same_log_other_seed_other_log() -> None:
    a, b = simulate(None, 2, "hotpot", seed=1), simulate(None, 2, "hotpot", seed=1)
    assert [(e.time, e.event, e.party, e.table, e.data) for e in a] == \
        [(e.time, e.event, e.party, e.table, e.data) for e in b]
    c = simulate(None, 2, "hotpot", seed=2)
    assert [e.time for e in a] != [e.time for e in c]


@pytest.mark.parametrize("name", scenario_names())
def test_every_scenario_gives_a_consistent_log(name: str) -> None:
    events = simulate(None, 7, name, seed=0)
    tables = {t.name: t.seats for t in get_scenario(name).table_list()}
    assert len(events) > 200
    assert all(a.time <= b.time for a, b in zip(events, events[1:], strict=False))
    busy: dict[str, str] = {}
    arrived, seen_seat = set(), set()
    for e in events:
        if e.event == ARRIVE:
            arrived.add(e.party)
        elif e.event == SEAT:
            assert e.party in arrived and e.party not in seen_seat
            seen_seat.add(e.party)
            for n in e.tables:
                assert n in tables and n not in busy, "a table was given twice"
                busy[n] = e.party
        elif e.event == DEPART:
            for n in e.tables:
                assert busy[n] == e.party
        elif e.event == READY:
            for n in e.tables:
                busy.pop(n)
        elif e.event == ABANDON:
            assert e.party not in seen_seat and e.data["reason"] in REMOVE_REASONS
    assert not busy  # every day ends with the room clear
    waits = sum(1 for e in events if e.event == ABANDON)
    assert 0 < waits < len(arrived) * 0.3


def test_arrivals_carry_guest_data() -> None:
    events = [e for e in simulate(None, 3, "hotpot", seed=4) if e.event == ARRIVE]
    names = [e.data["name"] for e in events]
    assert all(names) and any(ord(c) > 0x4E00 for n in names for c in n)
    assert any(n.isascii() for n in names)
    phones = [e.data["phone"] for e in events if "phone" in e.data]
    assert len(phones) > 0.7 * len(events)
    for p in phones[:50]:
        num = phonenumbers.parse(p)
        assert phonenumbers.is_valid_number(num) and num.country_code == 86
    assert any(e.data.get("tags") for e in events)


def test_config_tables_joins_and_true_parameters() -> None:
    config = load_config(CONFIG_PATH)
    events = simulate(config, 4, "family", seed=2)
    names = {t.name for t in config.tables}
    assert all(n in names for e in events for n in e.tables)
    sc = get_scenario("family")
    model = TrueModel(sc, layout_for(config, sc))
    assert model.strictness == sc.strict
    assert limit_quoter(sc, layout_for(config, sc)).model is not None
    with pytest.raises(ValueError, match="unknown scenario"):
        get_scenario("diner")


def test_evening_so_far_is_busy() -> None:
    config = load_config(CONFIG_PATH)
    end = 1_780_000_000.0
    events = evening_so_far(config, end, seed=7)
    assert events and max(e.time for e in events) <= end
    room = Room.from_config(config)
    for e in events:
        room.apply(e)
    assert 15 <= len(room.waiting()) <= 30
    states = [t.state for t in room.tables.values()]
    assert states.count(OCCUPIED) > 15 and CLEARING in states
    stays = {round(t.minutes(end) / 15) for t in room.tables.values() if t.state == OCCUPIED}
    assert len(stays) >= 3  # tables at different stages of the meal


def test_demo_evening_holds_whatever_the_hour() -> None:
    """`queueapp demo` ends the evening at the wall clock's now: every hour must work."""
    config = load_config(CONFIG_PATH)
    for i in range(60):
        end = 1_780_000_000.0 + i * (86400 * 0.41 + 611)  # every hour of the day, many days
        room = Room.from_config(config)
        for e in evening_so_far(config, end, seed=7):
            room.apply(e)
        states = [t.state for t in room.tables.values()]
        assert 15 <= len(room.waiting()) <= 30, i
        assert states.count(OCCUPIED) >= 5 and CLEARING in states, i
