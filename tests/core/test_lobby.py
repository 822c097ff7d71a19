"""The guests' side as pure values (queueapp/lobby): the board, one guest's page, busy
hours, the shared check-in rules; and the live quotes the web server uses."""

from __future__ import annotations

import arrow
import pytest
from helpers import START, at

from queueapp.config import DAY_STARTS
from queueapp.i18n import Translator
from queueapp.lobby import board as boards
from queueapp.lobby import busy, checkin, page
from queueapp.quotes.estimator import Estimator
from queueapp.quotes.live import LiveQuotes
from queueapp.quotes.rule import Quote
from queueapp.waitlist.events import ARRIVE, SEAT, Event
from queueapp.waitlist.room import OCCUPIED

EN = Translator("en")


def add(store, config, minutes, size, name="Guest", tags=()):
    ev = store.add_party(at(minutes), size, name, tags=tags, tz=config.timezone,
                         ticket_prefix=config.guests.ticket_class(size).prefix)
    return ev.party


def test_board_lists_called_numbers_oldest_first_and_the_next_per_class(store, config):
    a1 = add(store, config, -30, 2)
    a2 = add(store, config, -25, 1)
    add(store, config, -20, 4)
    add(store, config, -15, 2)
    store.call_party(at(-3), a1)
    store.call_party(at(-1), a2)
    asked: list[int] = []

    def wait_for(size: int) -> Quote:
        asked.append(size)
        return Quote(10, 5, 20)

    board = boards.build(store.load_room(), config.guests, True, wait_for)
    # the oldest call first: its hold runs out first
    assert [c.ticket for c in board.called] == ["A001", "A002"]
    lines = {line.prefix: line for line in board.classes}
    assert lines["A"].next == ("A003",) and lines["A"].waiting == 1
    assert lines["B"].next == ("B001",) and (lines["B"].low, lines["B"].high) == (3, 4)
    assert lines["D"].next == () and lines["D"].high is None
    assert asked == [2, 4, 6, 7]  # each class asked at its largest size (the last: its first)
    assert board.paused and board.waiting == 4


def test_the_board_keeps_every_called_number(store, config):
    """Seven parties called: all seven are on the board's values, the first called
    first (the board shows those that fit and says how many more)."""
    ids = [add(store, config, -40 + n, 2) for n in range(7)]
    for n, pid in enumerate(ids):
        store.call_party(at(-10 + n), pid)
    board = boards.build(store.load_room(), config.guests, False, lambda size: None)
    assert [c.ticket for c in board.called] == [f"A{n:03d}" for n in range(1, 8)]


def test_a_party_keeps_its_line_when_its_size_is_edited(store, config):
    pid = add(store, config, -10, 2)
    store.edit_party(at(-5), pid, {"size": 4})
    room = store.load_room()
    assert boards.class_of(room.parties[pid], config.guests) == "A"


def test_guest_view_position_ahead_and_a_true_reason(store, config):
    add(store, config, -20, 4)
    add(store, config, -15, 3)
    mine = add(store, config, -10, 4)
    room = store.load_room()
    for t in room.tables.values():  # every 3-4 seat table taken
        if 3 <= t.seats <= 4:
            t.state = OCCUPIED
    view = page.view(room, room.parties[mine], config, {mine: Quote(25, 20, 35)}, at(0))
    assert (view.ticket, view.position, view.ahead, view.ahead_count) == ("B003", 3,
                                                                       ("B001", "B002"), 2)
    fitting = [t for t in config.tables if 3 <= t.seats <= 4]
    said = [EN(f.key, **f.values) for f in view.reason]
    assert said == ["2 parties are ahead of you",
                    f"all {len(fitting)} tables that fit your party are in use"]
    assert view.estimate == Quote(25, 20, 35) and not view.called


def test_guest_view_says_first_in_line_and_a_free_table(store, config):
    mine = add(store, config, -5, 2)
    room = store.load_room()
    view = page.view(room, room.parties[mine], config, {}, at(0))
    assert [f.key for f in view.reason] == ["page_reason_first", "page_reason_free"]
    assert view.estimate is None  # no quote yet: the page says to ask


def test_offers_are_what_any_waiting_party_like_this_one_may_get(store, config):
    mine = add(store, config, -5, 2, tags=("child",))
    room = store.load_room()
    offered = {i.id for i in page.offers(config.catalogue, room.parties[mine], at(0))}
    assert {"welcome_tea", "colouring"} <= offered
    # not for leaving parties, apologies past the quote, returning guests only, or others'
    assert not offered & {"kitchen_tour", "quote_apology", "voucher", "welcome_back",
                          "hair_tie", "board_games"}
    later = {i.id for i in page.offers(config.catalogue, room.parties[mine], at(30))}
    assert "welcome_tea" not in later  # only in the first 15 minutes


def test_offers_wait_for_min_waited_as_the_stands_suggestions_do(store, config):
    """A fruit plate (min_waited 20) is not promised to a guest who has just arrived:
    it shows on their page from the minute the stand would suggest it."""
    from queueapp.goodwill.suggestions import suggest

    mine = add(store, config, 0, 2)
    party = store.load_room().parties[mine]
    for minutes, shown in ((1, False), (19, False), (20, True), (25, True)):
        offered = {i.id for i in page.offers(config.catalogue, party, at(minutes))}
        suggested = {s.interaction.id for s in suggest(party, at(minutes), config.catalogue,
                                                       [])}
        assert ("fruit_plate" in offered) is shown, minutes
        assert ("fruit_plate" in suggested) is shown, minutes


def _day(events, day, hour_counts, wait):
    """Arrivals on local ``day`` (arrow): ``hour_counts`` {hour: parties}, each seated
    after ``wait`` minutes."""
    for hour, n in hour_counts.items():
        for i in range(n):
            t = day.replace(hour=hour, minute=i * 3).float_timestamp
            pid = f"{day.format('YYYYMMDD')}-{hour:02d}{i:02d}"
            events.append(Event(t, ARRIVE, pid, 2))
            events.append(Event(t + wait[hour] * 60, SEAT, pid, 2, "T1"))


@pytest.mark.parametrize("day_starts", [0, DAY_STARTS])  # an evening's figures: the same
def test_busy_hours_and_the_best_time_come_from_the_same_weekday(day_starts: int):
    now = arrow.get(START)  # a Friday, 19:00 local
    tz = "Asia/Shanghai"
    assert busy.learn([], now.float_timestamp, tz, day_starts) == busy.NOTHING
    events: list[Event] = []
    for weeks in (1, 2, 3):
        _day(events, now.shift(weeks=-weeks), {18: 10, 19: 9, 20: 4, 21: 2},
             {18: 30, 19: 40, 20: 15, 21: 5})
    for days in (1, 2, 3, 4):  # other weekdays: busy at lunch instead
        _day(events, now.shift(days=-days), {12: 10, 13: 2}, {12: 30, 13: 5})
    found = busy.learn(events, now.float_timestamp, tz, day_starts)
    assert found.enough and found.weekday == now.weekday() and found.days == 3
    assert found.busy == ((18, 20),)
    assert found.best is not None and found.best.hour == 21 and found.best.wait == 5
    events_today = [Event(now.float_timestamp - 60, ARRIVE, "today", 2)]
    # today left out
    assert busy.learn(events + events_today, now.float_timestamp, tz, day_starts) == found


@pytest.mark.parametrize("day_starts", [0, DAY_STARTS])
def test_busy_hours_fall_back_to_every_day_and_say_when_there_is_too_little(day_starts: int):
    now = arrow.get(START)
    tz = "Asia/Shanghai"
    events: list[Event] = []
    for days in (1, 2):
        _day(events, now.shift(days=-days), {12: 5}, {12: 10})
    assert not busy.learn(events, now.float_timestamp, tz, day_starts).enough
    _day(events, now.shift(days=-3), {12: 5}, {12: 10})
    found = busy.learn(events, now.float_timestamp, tz, day_starts)
    assert found.enough and found.weekday is None and found.busy == ((12, 13),)
    assert found.best is None  # nothing later today to suggest


def test_busy_hours_from_the_store(store, config):
    assert busy.busy_hours(store, at(0), config.timezone, config.day_starts) == busy.NOTHING


def test_check_in_uses_the_stands_rules_and_words():
    ok = checkin.check_in(" Li\x1b[31m\u202e ", "２", "138 1234 5678", 12, "CN")
    assert ok == checkin.CheckIn("Li", 2, "+8613812345678")
    refused = checkin.check_in("", "²", "12", 12, "CN")
    assert isinstance(refused, checkin.Refused)
    words = {k: p.render(EN) for k, p in refused.problems.items()}
    assert words == {"name": "Enter the guest's name.",
                     "size": "Party size: “²” is not a digit: use the digits 0–9.",
                     "phone": EN("err_phone_invalid_number", country="CN")}
    assert checkin.size_problem("13", 12) == checkin.Problem.of("err_size_range", max=12)
    assert checkin.name_problem("x" * 61) == checkin.Problem.of("err_name_long", max=60, n=61)
    assert checkin.phone_problem("", "CN") is None


def test_live_quotes_learn_the_history_then_keep_up(store, config):
    for i in range(3):
        add(store, config, -60 + i, 2)
    live = LiveQuotes(config)
    live.catch_up(store)  # before the history is learnt: nothing read twice later
    assert not live.learnt
    live.learn(store, at(0))
    assert live.learnt
    pid = add(store, config, -1, 4)
    live.catch_up(store)
    room = store.load_room()
    quotes = live.quote_all(room, at(0))
    assert set(quotes) == set(room.parties) and pid in quotes
    taught = Estimator.for_config(config)
    for ev in store.all_events():
        taught.observe(ev)
    assert live.preview_new(room, 2, at(0)).high >= 0
    assert live.quote_new(room, 2, at(0)) == taught.quote_new(room, 2, at(0))


def test_a_party_of_a_new_size_is_quoted_in_its_place_in_line(store, config):
    """The wait a couple joined by friends is told: the line as it is, with them (and
    no one else) of the new size; the room itself is left as it was."""
    for t in config.tables:  # every table of 3 or more taken a moment ago
        if t.seats >= 3:
            store.seat_party(at(-2), add(store, config, -3, 3), t.name)
    couple = add(store, config, -1, 2)
    later = add(store, config, 0, 2)
    live = LiveQuotes(config)
    live.learn(store, at(0))
    room = store.load_room()
    assert live.quote_all(room, at(0))[couple].minutes == 0  # a two-top is free
    grown = live.quote_resized(room, couple, 5, at(0))
    assert grown.minutes > 10  # now a table of 6 or more must free first
    assert grown == live.quote_all(room.resized(couple, 5), at(0))[couple]
    assert room.parties[couple].size == 2 and room.parties[later].size == 2
