"""The stand with messages to guests (issue 12), through the real app and a real local
HTTP receiver: the add returns while the provider hangs (the sender is a thread), the
row's marker and the panel show sent and failed messages, `m` re-sends, and after a
call the hold counts down and the host is asked what to do when it runs out."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest
from helpers import START, at, on_screen, settle, toasts
from receiver import Receiver, messages_config
from textual.widgets import OptionList

from queueapp.clock import FixedClock
from queueapp.messages.holds import HoldChoice
from queueapp.quotes.rule import Quote
from queueapp.store.outbox import FAILED, QUEUED, SENT
from queueapp.ui.messages import HoldQuestion
from queueapp.ui.screens.main import MainScreen
from queueapp.ui.widgets import PartyPanel

SIZE = (150, 40)
WIDE = (230, 50)  # the waiting list in its wide form: "10 min left" in words
PHONE = "+8613812345678"


async def _until(app, pilot, test, seconds: float = 40.0) -> None:
    """Wait (the sender is a real thread) until ``test()`` holds."""
    end = time.monotonic() + seconds
    while not test():
        assert time.monotonic() < end, "timed out"
        await asyncio.sleep(0.05)
        await pilot.pause()


async def _sender_ready(app, pilot) -> None:
    """The sender's first round ran (from then on every new event is messaged)."""
    now = app.now()
    await _until(app, pilot, lambda: app.store.outbox.lease_owner(now) != "")


def _add(store, config, name: str, phone: str = PHONE, minutes: float = 0) -> str:
    return store.add_party(at(minutes), 2, name, phone, quote=Quote(25, 20, 35),
                           tz=config.timezone, ticket_prefix="A").party


def _panel(app) -> str:
    return str(app.screen.query_one(PartyPanel).render())


def _row(app, pid: str) -> str:
    table = app.screen.query_one("#waiting")
    return " ".join(str(c) for c in table.get_row(pid))


async def test_the_add_returns_while_the_provider_hangs(make_app, receiver: Receiver) -> None:
    config = messages_config(receiver.url_waiting(60), "poll_seconds = 0.2")
    app = make_app(cfg=config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await _sender_ready(app, pilot)
        receiver.hang.set()
        _add(app.store, config, "First")
        await _until(app, pilot, receiver.holding.is_set)  # the sender is stuck in a send
        started = time.monotonic()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Li", "space", *"Wei", "tab", "3", "tab", *"13812345679")
        await pilot.press("enter")
        await settle(app, pilot)
        # saved and on the list while the provider still holds the first send (it holds
        # it for up to 60 s): the stand did not wait for it
        assert receiver.answered == 0 and time.monotonic() - started < 30
        assert isinstance(app.screen, MainScreen)
        assert [p.name for p in app.snapshot.room.waiting()] == ["First", "Li Wei"]
        receiver.hang.clear()
        receiver.released.set()
        await _until(app, pilot, lambda: len(receiver.received) == 2)
        assert sorted(r["to"] for r in receiver.received) == [PHONE, "+8613812345679"]


async def test_marker_panel_and_resend(make_app, receiver: Receiver) -> None:
    config = messages_config(receiver.url, "poll_seconds = 0.2\nattempts = 1")
    app = make_app(cfg=config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await _sender_ready(app, pilot)
        receiver.down = True
        pid = _add(app.store, config, "Wu")
        await _until(app, pilot, lambda: [m.status for m in app.store.outbox.for_parties(
            [pid]).get(pid, [])] == [FAILED])
        app.reload()
        await settle(app, pilot)
        assert "✗" in _row(app, pid)
        panel = _panel(app)
        assert "✗ 19:00 number: failed — Failed to send JSON" in panel, panel
        receiver.down = False
        await pilot.press("m")
        await settle(app, pilot)
        await _until(app, pilot, lambda: [m.status for m in app.store.outbox.for_parties(
            [pid])[pid]] == [FAILED, SENT])
        app.reload()
        await settle(app, pilot)
        assert "✉" in _row(app, pid) and "✗" not in _row(app, pid)
        assert "number: sent" in _panel(app)
        assert len(receiver.received) == 1


def _attention(app) -> str:
    return str(app.screen.query_one("#attention").render())


def _tried(app, pid: str, kind: str) -> bool:
    """The party's message of ``kind`` failed a try and is still being tried."""
    return any(m.kind == kind and m.status == QUEUED and m.last_error
               for m in app.store.outbox.for_parties([pid]).get(pid, []))


def test_a_removal_not_sent_because_it_was_undone_is_not_a_failure() -> None:
    """The host removed the party and undid it at once, so "your place has been
    cancelled" was never sent (no longer true): nothing for the host to do. The row
    shows no ✗, and `m` does not offer that message to send again."""
    from queueapp.messages.reach import no_longer_true
    from queueapp.store.outbox import Message
    from queueapp.ui.messages import marker, to_resend

    added = Message(1, "p1", "added", "k1", "1:json", "you are number A001", SENT, 1, "",
                    at(0), at(0), sent_at=at(0))
    moot = Message(2, "p1", "removed", "k2", "1:json", "cancelled", FAILED, 0,
                   no_longer_true("waiting"), at(1), at(2), failed_at=at(2))
    assert str(marker([added, moot])) == "✉"
    assert to_resend([added, moot]) == added
    failed = replace(moot, last_error="HTTP 503")  # a true failure is still flagged
    assert str(marker([added, failed])) == "✗" and to_resend([added, failed]) == failed


async def test_a_table_ready_that_did_not_arrive_is_flagged_at_once(
        make_app, receiver: Receiver, moving_clock: FixedClock) -> None:
    """The guest must come now: a "table ready" whose first try failed marks the row ✗
    and puts the party in "Needs attention" (tell them another way) while it is tried
    again (up to ``attempts`` times, ~40 minutes); once it goes through the flag goes.
    A number ("added") still being tried is not flagged: it can wait for a retry."""
    config = messages_config(receiver.url, "poll_seconds = 0.2\nclose_position = 0")
    app = make_app(cfg=config, clk=moving_clock)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        await _sender_ready(app, pilot)
        receiver.down = True
        pid = _add(app.store, config, "Wu")
        await _until(app, pilot, lambda: _tried(app, pid, "added"))
        app.reload()
        await settle(app, pilot)
        assert "✗" not in _row(app, pid) and "Wu" not in _attention(app)
        app.store.call_party(at(0), pid)
        await _until(app, pilot, lambda: _tried(app, pid, "ready"))
        app.reload()
        await settle(app, pilot)
        assert "✗" in _row(app, pid)
        box = _attention(app)
        assert "Wu" in box and "the message did not reach them: tell them another way" in box
        receiver.down = False
        moving_clock.advance(seconds=11)  # the retry is due: it goes through
        await _until(app, pilot, lambda: [m.status for m in app.store.outbox.for_parties(
            [pid])[pid]] == [SENT, SENT])
        app.reload()
        await settle(app, pilot)
        assert "✗" not in _row(app, pid) and "✉" in _row(app, pid)
        assert "Wu" not in _attention(app)


async def _hold_runs_out(app, pilot, clock: FixedClock, config, name: str) -> str:
    await settle(app, pilot)
    if config.messages.enabled:
        await _sender_ready(app, pilot)
    pid = _add(app.store, config, name)
    app.store.call_party(at(0), pid)
    app.reload()
    await settle(app, pilot)
    assert "10 min left" in _row(app, pid)
    clock.advance(minutes=4)
    app.tick()
    await settle(app, pilot)
    assert "6 min left" in _row(app, pid)
    assert isinstance(app.screen, MainScreen)
    clock.advance(minutes=6, seconds=1)
    app.tick()
    await settle(app, pilot)
    assert isinstance(app.screen, HoldQuestion)
    assert name in on_screen(app)
    return pid


async def _choose(app, pilot, choice: HoldChoice) -> None:
    options = app.screen.query_one(OptionList)
    options.highlighted = [o.id for o in options.options].index(choice.value)
    await pilot.press("enter")
    await settle(app, pilot)


@pytest.fixture
def moving_clock() -> FixedClock:
    return FixedClock(START)


@pytest.mark.parametrize("messages", [True, False], ids=["messages", "no-messages"])
async def test_hold_runs_out_no_show(make_app, receiver: Receiver, config, messages: bool,
                                     moving_clock: FixedClock) -> None:
    """Without a message channel too: the guest's page (or the host's voice) promised
    the hold all the same, so the row counts it down and the host is asked."""
    if messages:
        config = messages_config(receiver.url, "poll_seconds = 0.2")
    assert config.messages.enabled is messages
    app = make_app(cfg=config, clk=moving_clock)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        pid = await _hold_runs_out(app, pilot, moving_clock, config, "Zhao")
        await _choose(app, pilot, HoldChoice.NO_SHOW)
        p = app.store.party(pid)
        assert (p.status, p.reason) == ("removed", "no_show")
        # undone (they walked in after all): back on the list, and asked about again
        await pilot.press("u")
        await settle(app, pilot)
        assert app.store.party(pid).status == "called"
        app.tick()
        await settle(app, pilot)
        assert isinstance(app.screen, HoldQuestion)
        await pilot.press("escape")  # decide later: said, and asked again in a minute
        await settle(app, pilot)
        assert "A001 Zhao: asked again in a minute" in toasts(app)


async def test_a_one_minute_hold_is_one_minute(make_app, config,
                                              moving_clock: FixedClock) -> None:
    config = replace(config, hold_minutes=1)
    app = make_app(cfg=config, clk=moving_clock)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        pid = _add(app.store, config, "Ma")
        app.store.call_party(at(0), pid)
        moving_clock.advance(minutes=1, seconds=1)
        app.reload()
        app.tick()
        await settle(app, pilot)
        assert isinstance(app.screen, HoldQuestion)
        assert "The minute is up for A001 Ma" in on_screen(app)


async def test_hold_runs_out_call_again_and_hold_longer(make_app, receiver: Receiver,
                                                        moving_clock: FixedClock) -> None:
    config = messages_config(receiver.url, "poll_seconds = 0.2")
    app = make_app(cfg=config, clk=moving_clock)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        pid = await _hold_runs_out(app, pilot, moving_clock, config, "Qian")
        await _choose(app, pilot, HoldChoice.CALL_AGAIN)
        assert app.store.party(pid).called_at == moving_clock.now().float_timestamp
        assert "10 min left" in _row(app, pid)  # a new call: a new countdown
        await _until(app, pilot, lambda: "again" in [
            m.kind for m in app.store.outbox.for_parties([pid])[pid]])
        assert any("calling you again (2)" in b for b in receiver.bodies())
        moving_clock.advance(minutes=10, seconds=1)
        app.tick()
        await settle(app, pilot)
        await _choose(app, pilot, HoldChoice.HOLD_LONGER)
        assert isinstance(app.screen, MainScreen)
        assert app.store.party(pid).status == "called"
        moving_clock.advance(minutes=9)
        app.tick()
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)  # held longer: not asked yet
        moving_clock.advance(minutes=1, seconds=1)
        app.tick()
        await settle(app, pilot)
        assert isinstance(app.screen, HoldQuestion)  # asked again when that runs out


async def test_review_summary_counts_messages(make_app, receiver: Receiver) -> None:
    from textual.widgets import Input, Static

    from queueapp.ui.screens.goodwill import PinScreen
    from queueapp.ui.screens.review import ReviewScreen

    config = messages_config(receiver.url, "poll_seconds = 0.2")
    app = make_app(cfg=config)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        await _sender_ready(app, pilot)
        pid = _add(app.store, config, "Wu")
        app.store.call_party(at(1), pid)
        await _until(app, pilot, lambda: len(receiver.received) == 2)
        app.store.seat_party(at(4), pid, "A1")  # came within the 10 minutes held
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, PinScreen)
        app.screen.query_one("#pin", Input).value = "246813"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        text = str(app.screen.query_one("#summary", Static).content)
        assert "Messages to guests" in text
        assert "2026-03-06: 2 sent, 0 failed; 1 called, 1 came within 10 min, " \
               "0 no-show after a call" in text


async def test_holding_longer_is_in_the_record_for_every_terminal(
        make_app, config, moving_clock: FixedClock, db_path) -> None:
    """"Hold longer" was this terminal's own memory: another terminal (or this one after
    a restart) counted down to the old end and asked again at once. It is now an event:
    both count down to the new end, and the question still open at this terminal closes
    by itself, saying why, once it sees the other's answer (an answer given before it
    sees it is refused in the write; tests/core/test_call_holds.py)."""
    from queueapp.store import Store

    first = make_app(cfg=config, clk=moving_clock)
    async with first.run_test(size=WIDE, notifications=True) as pilot:
        pid = await _hold_runs_out(first, pilot, moving_clock, config, "Qian")
        kept = Store.open(db_path, config, station="other")  # the other terminal, asked too
        kept.keep_call(moving_clock.now().float_timestamp, pid, 10, "Lin")
        kept.close()
        first.reload()  # what the next poll of the file does
        await settle(first, pilot)
        assert isinstance(first.screen, MainScreen)
        assert "their hold was changed meanwhile" in " ".join(toasts(first))
        assert first.store.party(pid).status == "called"
        assert "10 min left" in _row(first, pid)
    moving_clock.advance(minutes=9)
    restarted = make_app(cfg=config, clk=moving_clock)
    async with restarted.run_test(size=WIDE, notifications=True) as pilot:
        await settle(restarted, pilot)
        assert "1 min left" in _row(restarted, pid)
        assert isinstance(restarted.screen, MainScreen)  # not asked: the hold goes on
        moving_clock.advance(minutes=1, seconds=1)
        restarted.tick()
        await settle(restarted, pilot)
        assert isinstance(restarted.screen, HoldQuestion)


async def test_the_stand_that_called_is_asked_first_when_the_hold_runs_out(
        make_app, config, moving_clock: FixedClock, db_path) -> None:
    """Called at the other stand, still running: its host is asked (it was asked at every
    stand at once); this stand asks only if it stays unanswered two minutes. Called at a
    stand that has stopped: asked here at once."""
    from queueapp.store import Store, stations

    app = make_app(cfg=config, clk=moving_clock)
    other = Store.open(db_path, config, station="upstairs")
    try:
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await settle(app, pilot)
            first = _add(app.store, config, "Qian")
            with stations.claim(db_path, "upstairs"):
                other.call_party(moving_clock.now().float_timestamp, first)
                app.reload()
                await settle(app, pilot)
                moving_clock.advance(minutes=10, seconds=1)
                app.tick()
                await settle(app, pilot)
                assert isinstance(app.screen, MainScreen)  # the calling stand's question
                moving_clock.advance(minutes=2)
                app.tick()
                await settle(app, pilot)
                assert isinstance(app.screen, HoldQuestion)  # still unanswered: asked here
                assert app.screen.party_id == first
                await _choose(app, pilot, HoldChoice.HOLD_LONGER)
            app.store.seat_party(moving_clock.now().float_timestamp, first, "A1")
            second = _add(app.store, config, "Zhou")
            other.call_party(moving_clock.now().float_timestamp, second)  # upstairs stopped
            app.reload()
            await settle(app, pilot)
            moving_clock.advance(minutes=10, seconds=1)
            app.tick()
            await settle(app, pilot)
            assert isinstance(app.screen, HoldQuestion) and app.screen.party_id == second
    finally:
        other.close()


async def test_a_key_for_the_stand_moves_the_hold_question_aside(
        make_app, config, moving_clock: FixedClock) -> None:
    """The question came up as the host pressed `/` to find a guest: the key went into
    it and was lost, and so was every key after it. It now steps aside (asked again in a
    minute) and the key does what it does at the stand."""
    from queueapp.ui.screens.pickers import FindScreen

    app = make_app(cfg=config, clk=moving_clock)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        pid = await _hold_runs_out(app, pilot, moving_clock, config, "Sun")
        await pilot.press("down")  # its own keys stay its own
        await settle(app, pilot)
        assert isinstance(app.screen, HoldQuestion)
        await pilot.press("slash")
        await settle(app, pilot)
        assert isinstance(app.screen, FindScreen)
        assert app.store.party(pid).status == "called"  # nothing decided
        await pilot.press("escape")
        await settle(app, pilot)
        moving_clock.advance(minutes=1, seconds=1)
        app.tick()
        await settle(app, pilot)
        assert isinstance(app.screen, HoldQuestion) and app.screen.party_id == pid


async def test_an_enter_typed_as_the_hold_question_comes_up_decides_nothing(
        make_app, config, moving_clock: FixedClock) -> None:
    """The question comes up by itself while the host types elsewhere: an Enter meant for
    the find box called the party again. Nothing is chosen until an arrow picks it."""
    app = make_app(cfg=config, clk=moving_clock)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        pid = await _hold_runs_out(app, pilot, moving_clock, config, "Sun")
        called_at = app.store.party(pid).called_at
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HoldQuestion)
        assert app.store.party(pid).called_at == called_at
        await pilot.press("down", "enter")  # the first choice: call again
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.store.party(pid).called_at != called_at
