"""Who sits next: proposals, the skip count and holds, by the seat picker's own rule
(no Textual). The room is the tests' config with only the named tables free."""

from __future__ import annotations

from helpers import at

from queueapp.waitlist.events import ABANDON, ARRIVE, HOLD, RELEASE, SEAT, Event
from queueapp.waitlist.room import OCCUPIED, Room
from queueapp.waitlist.seating import (
    Proposal,
    proposal_for_party,
    proposal_for_table,
    propose,
    seat_options,
    skipped_if_seated,
)

NOW = at(30)


def room_with(config, free: set[str], parties: list[tuple[str, int]]) -> Room:
    """Only ``free`` tables free; ``parties`` (id, size) arrived a minute apart, in order."""
    room = Room.from_config(config)
    for t in room.tables.values():
        if t.name not in free:
            t.state, t.party, t.party_size, t.since = OCCUPIED, "diner", t.seats, at(0)
    for i, (pid, size) in enumerate(parties):
        room.apply(Event(at(i), ARRIVE, pid, size, "", {"name": pid.title()}))
    return room


def hold(room: Room, table: str, party: str, minutes: float = 10, when: float = NOW) -> None:
    room.apply(Event(when, HOLD, party, None, table, {"minutes": minutes}))


def test_each_ready_table_goes_to_the_first_party_it_fits_smallest_first(config):
    room = room_with(config, {"A1", "A4"}, [("four", 4), ("two", 2)])
    assert propose(room, NOW, config) == [Proposal("A4", "four"), Proposal("A1", "two")]


def test_proposals_follow_the_seat_pickers_order_down_the_line(config):
    room = room_with(config, {"A1", "A2", "A4", "W1", "R4"}, [("two", 2), ("four", 4)])
    props = propose(room, NOW, config)
    first = seat_options(config, room, 2, "two", NOW)[0].table
    assert proposal_for_party(props, "two").table == first == "A1"
    # the next party takes the picker's first choice among what is left
    assert proposal_for_party(props, "four").table == "A4"


def test_a_party_in_line_keeps_its_table_and_the_later_one_gets_none(config):
    room = room_with(config, {"A4"}, [("first", 2), ("second", 2)])
    assert propose(room, NOW, config) == [Proposal("A4", "first")]
    assert proposal_for_party(propose(room, NOW, config), "second") is None


def test_a_table_too_small_for_the_head_skips_no_one(config):
    room = room_with(config, {"A1"}, [("six", 6), ("two", 2)])
    assert propose(room, NOW, config) == [Proposal("A1", "two", skipped=0)]
    assert skipped_if_seated(room, "two", "A1", NOW, config) == 0


def test_seating_ahead_counts_only_parties_left_without_a_ready_table(config):
    room = room_with(config, {"A1", "A2"}, [("c1", 2), ("c2", 2), ("c3", 2)])
    # c1 still gets the other 2-top: nobody is skipped
    assert skipped_if_seated(room, "c2", "A1", NOW, config) == 0
    # c3 at a 2-top leaves c2 (or c1) without one: one party skipped
    assert skipped_if_seated(room, "c3", "A1", NOW, config) == 1
    only = room_with(config, {"A1"}, [("c1", 2), ("c2", 2), ("c3", 2)])
    assert skipped_if_seated(only, "c3", "A1", NOW, config) == 2
    assert skipped_if_seated(only, "c1", "A1", NOW, config) == 0


def test_a_big_table_given_ahead_skips_those_it_fits_not_the_others(config):
    room = room_with(config, {"A4"}, [("six", 6), ("two", 2), ("four", 4)])
    # the 4-top fits the couple and the four, not the six
    assert skipped_if_seated(room, "four", "A4", NOW, config) == 1


def test_joined_tables_are_proposed_to_a_party_too_big_for_each(config):
    room = room_with(config, {"A8", "A9"}, [("ten", 10)])
    props = propose(room, NOW, config)
    assert [(p.table, p.party_id) for p in props] == [("A8+A9", "ten")]
    assert proposal_for_table(props, "A9") == props[0]
    assert proposal_for_table(props, "A1") is None


def test_a_held_table_goes_to_its_party_and_to_no_one_else(config):
    room = room_with(config, {"A1", "A2"}, [("c1", 2), ("c2", 2)])
    hold(room, "A1", "c2")
    props = propose(room, NOW, config)
    assert proposal_for_party(props, "c1") == Proposal("A2", "c1")
    assert proposal_for_party(props, "c2") == Proposal("A1", "c2", 0, True, NOW + 600)
    assert [o.table for o in seat_options(config, room, 2, "c1", NOW)] == ["A2"]
    assert [o.table for o in seat_options(config, room, 2, "c2", NOW)] == ["A1", "A2"]
    # the picker without a party never offers a held table
    assert [o.table for o in seat_options(config, room, 2)] == ["A2"]
    # only the held table free: the party ahead gets nothing, and no one is "skipped"
    only = room_with(config, {"A1"}, [("c1", 2), ("c2", 2)])
    hold(only, "A1", "c2")
    assert propose(only, NOW, config) == [Proposal("A1", "c2", 0, True, NOW + 600)]
    assert skipped_if_seated(only, "c2", "A1", NOW, config) == 0


def test_an_expired_hold_is_ignored(config):
    room = room_with(config, {"A1"}, [("c1", 2), ("c2", 2)])
    hold(room, "A1", "c2", minutes=10)
    later = NOW + 11 * 60
    assert room.held_for("A1", NOW + 9 * 60) == "c2"
    assert room.held_for("A1", later) == ""
    assert propose(room, later, config) == [Proposal("A1", "c1")]
    assert [o.table for o in seat_options(config, room, 2, "c1", later)] == ["A1"]


def test_a_hold_ends_when_its_party_is_seated_leaves_or_is_released(config):
    room = room_with(config, {"A1", "A2", "A3"}, [("c1", 2), ("c2", 2)])
    hold(room, "A1", "c1")
    hold(room, "A3", "c2")
    room.apply(Event(NOW, SEAT, "c1", 2, "A2"))  # seated elsewhere: A1 is free for anyone
    assert room.tables["A1"].held_for == ""
    room.apply(Event(NOW, ABANDON, "c2", None, "", {"reason": "walked_away"}))
    assert room.tables["A3"].held_for == ""
    again = room_with(config, {"A1", "A2"}, [("c1", 2)])
    hold(again, "A1", "c1")
    hold(again, "A2", "c1")  # a party holds one table: a new hold moves it
    assert (again.tables["A1"].held_for, again.tables["A2"].held_for) == ("", "c1")
    again.apply(Event(NOW, RELEASE, "c1", None, "A2"))
    assert again.holds(NOW) == {}


def test_a_hold_for_a_party_no_longer_waiting_holds_nothing(config):
    room = room_with(config, {"A1"}, [("c1", 2)])
    room.tables["A1"].held_for, room.tables["A1"].held_until = "gone", NOW + 600
    assert room.held_for("A1", NOW) == ""
    assert propose(room, NOW, config) == [Proposal("A1", "c1")]


# -- the walk-away rescue offers tables that fit ------------------------------------------

def test_the_rescue_offers_the_smallest_fitting_tables_then_the_soonest(config):
    from queueapp.goodwill.suggestions import rescue_options

    room = room_with(config, {"R4"}, [("couple", 2)])
    soon = {"A1": 9.0, "A2": 3.0, "W1": 6.0, "A4": 1.0}
    options = rescue_options(room.parties["couple"], NOW, config, room, [],
                             ready_in=lambda t: soon.get(t.name, 60.0))
    tables = [(o.table, o.minutes, o.seats, o.free) for o in options if o.table]
    # never the free 12-seat room while 2-tops are about to free
    assert tables == [("A2", 3.0, 2, False), ("W1", 6.0, 2, False), ("A1", 9.0, 2, False)]
    # no 2-top in time: the smallest size that frees in time and the one above it
    late = {"A4": 1.0, "R1": 2.0, "R2": 0.5}
    options = rescue_options(room.parties["couple"], NOW, config, room, [],
                             ready_in=lambda t: late.get(t.name, 60.0))
    assert [o.table for o in options if o.table] == ["A4", "R1"]


def test_the_rescue_leaves_out_a_table_held_for_someone_else(config):
    from queueapp.goodwill.suggestions import rescue_options

    room = room_with(config, {"A1", "A2"}, [("c1", 2), ("c2", 2)])
    hold(room, "A1", "c2")
    offered = [o.table for o in rescue_options(room.parties["c1"], NOW, config, room, [])
               if o.table]
    assert offered == ["A2"]
    mine = [(o.table, o.free) for o in rescue_options(room.parties["c2"], NOW, config, room,
                                                        []) if o.table]
    assert mine == [("A1", True), ("A2", True)]


def test_a_big_table_is_kept_for_the_big_party_waiting_for_it(config):
    """The ready 8-top was proposed to a party of 3 ahead in line while parties of 7
    waited for it (their own Why said "a table for 8 is free now"). A table that would
    leave more than two seats empty goes to the party further down that it fits well;
    with no such party, the first party still gets it."""
    room = room_with(config, {"A10"}, [("three", 3), ("seven", 7)])
    assert propose(room, NOW, config)[0].table == "A10"
    assert proposal_for_party(propose(room, NOW, config), "seven").table == "A10"
    assert proposal_for_party(propose(room, NOW, config), "three") is None
    alone = room_with(config, {"A10"}, [("three", 3), ("two", 2)])
    assert propose(alone, NOW, config) == [Proposal("A10", "three")]


def test_a_big_table_kept_for_a_party_behind_is_proposed_to_it_and_no_table_stays_idle(
        config):
    """The rule kept the big table from the small party without giving it to the party
    it was kept for, so a ready table could be proposed to no one."""
    room = room_with(config, {"A8", "A10"}, [("three", 3), ("six", 6)])  # a 6- and an 8-top
    props = {p.party_id: p.table for p in propose(room, NOW, config)}
    assert props == {"six": "A8", "three": "A10"}
    room = room_with(config, {"A8", "A9"}, [("three", 3), ("five", 5)])  # two 6-tops
    props = {p.party_id: p.table for p in propose(room, NOW, config)}
    assert sorted(props) == ["five", "three"] and sorted(props.values()) == ["A8", "A9"]
