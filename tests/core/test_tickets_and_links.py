"""Queue numbers, guest links and guests' own answers, in the store (issue 11)."""

from __future__ import annotations

import pytest
from helpers import at, config_variant

from queueapp.config import ConfigError, parse_config
from queueapp.store import Store
from queueapp.store.errors import Conflict, StoreError
from queueapp.waitlist.events import COMING, TEXT
from queueapp.waitlist.room import REMOVED

TZ = "Asia/Shanghai"


def add(store: Store, config, size: int, when: float | None = None, name: str = "Guest") -> str:
    prefix = config.guests.ticket_class(size).prefix
    return store.add_party(at() if when is None else when, size, name, tz=TZ,
                           ticket_prefix=prefix).party


def test_tickets_count_per_class_and_restart_each_day(store: Store, config) -> None:
    ids = [add(store, config, size) for size in (2, 4, 1, 7, 3, 6, 5)]
    tickets = [store.party(pid).ticket for pid in ids]
    assert tickets == ["A001", "B001", "A002", "D001", "B002", "C001", "C002"]
    for i, pid in enumerate(ids):  # the evening's line empties
        store.remove_party(at(60 + i), pid, "walked_away")
    tomorrow = add(store, config, 2, at(24 * 60))
    assert store.party(tomorrow).ticket == "A001"


def test_an_undone_arrival_keeps_its_number_used(store: Store, config) -> None:
    first = store.add_party(at(), 2, "X", tz=TZ, ticket_prefix="A")
    store.undo(at(0.0166667), first.id)
    assert store.party(add(store, config, 2, at(0.0333333))).ticket == "A002"


def test_a_party_without_prefix_has_no_ticket_or_link(store: Store) -> None:
    pid = store.add_party(at(), 2, "Imported", tz=TZ).party
    assert store.party(pid).ticket == "" and store.guest_link(pid) == ""


def test_links_are_secret_and_lead_to_their_own_party(store: Store, config) -> None:
    a, b = add(store, config, 2), add(store, config, 4)
    ta, tb = store.guest_link(a), store.guest_link(b)
    assert len(ta) >= 20 and ta != tb
    assert store.party_for_link(ta).id == a
    assert store.party_for_link("not-a-token") is None


def test_a_reply_marks_only_its_own_party(store: Store, config) -> None:
    a, b = add(store, config, 2), add(store, config, 2)
    store.guest_reply(at(1), store.guest_link(a), COMING)
    room = store.load_room()
    assert room.parties[a].reply == COMING and room.parties[a].reply_at == at(1)
    assert room.parties[b].reply == ""
    store.guest_reply(at(2), store.guest_link(b), TEXT, "at the shop next door, 5 min")
    assert store.load_room().parties[b].reply_text == "at the shop next door, 5 min"


def test_the_same_answer_tapped_twice_is_recorded_once(store: Store, config) -> None:
    pid = add(store, config, 2)
    token = store.guest_link(pid)
    replies = lambda: [e for e in store.all_events() if e.event == "reply"]  # noqa: E731
    assert store.guest_reply(at(1), token, COMING) is not None
    assert store.guest_reply(at(1.2), token, COMING) is None  # a second tap: the same
    assert len(replies()) == 1 and store.party(pid).reply == COMING
    store.guest_reply(at(1.5), token, TEXT, "parking")  # another answer is new
    store.guest_reply(at(2), token, COMING)
    assert [e.data["answer"] for e in replies()] == [COMING, TEXT, COMING]
    store.guest_reply(at(10), token, COMING)  # minutes later: said again, recorded
    assert len(replies()) == 4


def test_a_file_moved_away_is_named_gone_and_no_empty_file_takes_its_place(
        tmp_path, config) -> None:
    """A connection opened after the file was moved away says the file is gone (not
    "locked", not "no such table"), and leaves no new empty file at the path."""
    import threading

    path = tmp_path / "live.db"
    store = Store.open(path, config, station="web")
    store.set_setting("k", "1")
    path.rename(tmp_path / "moved.db")
    errors: list[StoreError] = []

    def write() -> None:  # a thread of its own: a connection opened now
        try:
            store.set_setting("k", "2")
        except StoreError as exc:
            errors.append(exc)
        finally:
            store.close()

    worker = threading.Thread(target=write)
    worker.start()
    worker.join()
    assert [e.key for e in errors] == ["err_db_gone"]
    assert "gone" in str(errors[0]) and "locked" not in str(errors[0])
    assert not path.exists()
    store.close()


def test_cancel_from_the_page_removes_the_party_and_kills_the_link(store: Store,
                                                                   config) -> None:
    a = add(store, config, 2)
    token = store.guest_link(a)
    ev = store.guest_cancel(at(1), token)
    assert ev.data == {"reason": "cancelled", "via": "page"}
    assert store.party(a).status == REMOVED
    with pytest.raises(Conflict) as err:
        store.guest_reply(at(1.5), token, COMING)
    assert err.value.key == "err_link_gone"
    with pytest.raises(Conflict):
        store.guest_cancel(at(1.5), token)


def test_unknown_answers_and_tokens_are_refused(store: Store, config) -> None:
    a = add(store, config, 2)
    with pytest.raises(StoreError):
        store.guest_reply(at(), store.guest_link(a), "drop table")
    with pytest.raises(Conflict):
        store.guest_reply(at(), "nope", COMING)


def test_the_host_pauses_and_resumes_joining(store: Store) -> None:
    assert not store.joining_paused()
    before = store.version()
    store.set_joining_paused(True)
    assert store.joining_paused() and store.version() != before
    store.set_joining_paused(False)
    assert not store.joining_paused()


def test_ticket_classes_from_config() -> None:
    cfg = config_variant(**{"[quoting]": "[guests]\ntickets = [{prefix = \"S\", up_to = 3}, "
                            "{prefix = \"L\"}]\n\n[quoting]"})
    assert [cfg.guests.ticket_class(n).prefix for n in (1, 3, 4, 40)] == ["S", "S", "L", "L"]


@pytest.mark.parametrize("tickets, words", [
    ('[{prefix = "a", up_to = 2}, {prefix = "B"}]', "capital letters"),
    ('[{prefix = "A", up_to = 2}, {prefix = "A"}]', "a different one"),
    ('[{prefix = "A"}, {prefix = "B"}]', "is missing"),
    ('[{prefix = "A", up_to = 4}, {prefix = "B", up_to = 2}, {prefix = "C"}]', "larger"),
    ('[{prefix = "A", up_to = 2.5}, {prefix = "B"}]', "whole number"),
    ("[]", "list of classes"),
])
def test_bad_ticket_classes_are_explained(tickets: str, words: str) -> None:
    text = ('[restaurant]\nname = "X"\ntimezone = "UTC"\ncountry = "GB"\n'
            f'[guests]\ntickets = {tickets}\n[[tables]]\nname = "T1"\nseats = 2\n')
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert words in str(err.value) and "guests.tickets" in str(err.value)


def test_a_file_replaced_under_a_running_store_is_read_anew(tmp_path, config) -> None:
    """`queueapp serve --demo` keeps running while a new demo replaces its file: the
    store notices at its next look (``version``) and reads the new file, in every
    thread; a file gone is an error saying so, not an empty list."""
    import os
    import threading

    path = tmp_path / "live.db"
    serving = Store.open(path, config)
    serving.add_party(at(), 2, "Old evening", tz=TZ, ticket_prefix="A")
    serving.version()
    fresh = Store.open(tmp_path / "new.db", config)
    fresh.add_party(at(), 4, "New evening", tz=TZ, ticket_prefix="B")
    fresh.close()
    os.replace(tmp_path / "new.db", path)
    for side in ("-wal", "-shm"):
        (tmp_path / f"live.db{side}").unlink(missing_ok=True)
    serving.version()
    assert [p.name for p in serving.load_room().waiting()] == ["New evening"]
    seen: list[str] = []
    worker = threading.Thread(target=lambda: seen.extend(
        p.name for p in serving.load_room().waiting()))
    worker.start()
    worker.join()
    assert seen == ["New evening"]
    path.unlink()
    with pytest.raises(StoreError) as err:
        serving.version()
    assert err.value.key == "err_db_gone"


def test_numbers_run_on_past_midnight_and_restart_at_tickets_restart(store: Store,
                                                                     config) -> None:
    """A late service keeps its numbers after midnight (A002 at 00:30, not a second
    A001 beside the evening's A001); they start again at ``tickets_restart`` (04:00)."""
    assert config.guests.tickets_restart == 4 * 60
    evening = at(4 * 60 + 45)  # 23:45 local (START is 19:00)
    first = store.add_party(evening, 2, "Late", tz=TZ, ticket_prefix="A",
                            tickets_restart=config.guests.tickets_restart)
    after_midnight = store.add_party(evening + 45 * 60, 2, "Later", tz=TZ, ticket_prefix="A",
                                     tickets_restart=config.guests.tickets_restart)
    for i, ev in enumerate((first, after_midnight)):  # the line empties by 01:00
        store.seat_party(evening + (60 + i) * 60, ev.party, f"A{i + 1}")
    next_day = store.add_party(evening + (4 * 60 + 20) * 60, 2, "Breakfast", tz=TZ,
                               ticket_prefix="A",
                               tickets_restart=config.guests.tickets_restart)
    assert [store.party(e.party).ticket for e in (first, after_midnight, next_day)] == \
        ["A001", "A002", "A001"]


@pytest.mark.parametrize("value", ['"25:00"', '"4"', '"noon"', "4"])
def test_a_bad_tickets_restart_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(ConfigError) as err:
        config_variant(**{"[storage]": f"[guests]\ntickets_restart = {value}\n\n[storage]"})
    assert "guests.tickets_restart" in str(err.value)


def test_a_row_stamped_days_ahead_does_not_hold_up_todays_numbers(store: Store,
                                                                 config) -> None:
    """A station whose clock ran three days ahead wrote A001 'on Monday' (and the party
    has gone): today's line still starts at A001 and counts on from its own numbers."""
    ahead = store.add_party(at(3 * 24 * 60), 2, "Clock ahead", tz=TZ, ticket_prefix="A")
    assert store.party(ahead.party).ticket == "A001"
    store.remove_party(at(3 * 24 * 60 + 1), ahead.party, "cancelled")
    assert store.party(add(store, config, 2)).ticket == "A001"
    assert store.party(add(store, config, 2, at(1))).ticket == "A002"


def test_numbers_still_waiting_at_the_restart_are_not_given_again(store: Store,
                                                                   config) -> None:
    """Open all night: A001 and A002 still wait at 04:00, so the new day's first couple
    is A003 (not a second A001 on the board); once the line has emptied the next day
    starts at A001 again."""
    night = at(8 * 60 + 30)  # 03:30 local
    waiting = [store.add_party(night + i * 60, 2, f"Night {i}", tz=TZ, ticket_prefix="A").party
               for i in range(2)]
    morning = store.add_party(night + 45 * 60, 2, "Dawn", tz=TZ, ticket_prefix="A")
    assert store.party(morning.party).ticket == "A003"
    for i, pid in enumerate([*waiting, morning.party]):
        store.seat_party(night + (50 + i) * 60, pid, ["A1", "A2", "A3"][i])
    next_day = store.add_party(night + 25 * 3600, 2, "Next", tz=TZ, ticket_prefix="A")
    assert store.party(next_day.party).ticket == "A001"


def test_a_new_size_in_another_class_gets_that_class_s_next_number(store: Store,
                                                                     config) -> None:
    """A party of 2 became 8: it kept A001, so the board listed a party of 8 among the
    couples. Its new size's class now gives it the next number there (the same page
    link shows it); a size within its class keeps the number; undo gives the old one
    back; and the number is never given again that day."""
    def edit(pid: str, size: int, when: float):
        return store.edit_party(when, pid, {"size": size},
                                ticket_prefix=config.guests.ticket_class(size).prefix, tz=TZ)

    pid = add(store, config, 2, at(0))
    big = config.guests.ticket_class(8).prefix
    assert store.party(pid).ticket == "A001"
    assert "ticket" not in edit(pid, 1, at(1)).data  # still a couple's table
    ev = edit(pid, 8, at(2))
    assert ev.data["ticket"] == store.party(pid).ticket == f"{big}001"
    store.undo(at(3), ev.id)
    assert store.party(pid).ticket == "A001"
    assert store.party(add(store, config, 8, at(4))).ticket == f"{big}002"
