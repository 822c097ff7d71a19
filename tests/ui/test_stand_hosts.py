"""Each stand has its own host on duty: several stands on one SQLite file, driven through
the real app (Textual Pilot), each on its own Store as a terminal of its own would be.

A tester ran three stands on one file: picking Ana at one put Ana on duty at all three,
and a gesture given at another was logged as Ana's, against her budget.
"""

from __future__ import annotations

import pytest
from helpers import add_leads, settle
from textual.widgets import OptionList, Static

from queueapp.clock import FixedClock
from queueapp.goodwill import gestures
from queueapp.quotes.rule import Quote
from queueapp.review.reports import Filters, build
from queueapp.store import Store
from queueapp.ui.app import QueueApp
from queueapp.ui.screens.goodwill import HostPicker
from queueapp.ui.screens.main import MainScreen

START = "2026-11-20T10:40:00+00:00"  # 18:40 in Shanghai, a Friday evening
SIZE = (170, 48)


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def stands(db_path, config):
    """``stands(name, cfg=None)``: a Store on the test file named as a stand is."""
    opened: list[Store] = []

    def open_stand(name: str) -> Store:
        store = Store.open(db_path, config, station=name)
        add_leads(store)
        opened.append(store)
        return store

    yield open_stand
    for s in opened:
        s.close()


def add(store, clock, config, minutes_ago: float, name: str):
    now = clock.now().float_timestamp
    ev = store.add_party(now - minutes_ago * 60, 2, name, "", [], "", Quote(30, 22, 40),
                         tz=config.timezone)
    return store.party(ev.party)


def main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def header(app) -> str:
    return str(main(app).query_one("#header", Static).content)


async def pick_host(app, pilot, name: str) -> None:
    """``h``, then the name on the roster."""
    await pilot.press("h")
    await settle(app, pilot)
    assert isinstance(app.screen, HostPicker), app.screen
    options = app.screen.query_one(OptionList)
    options.highlighted = next(i for i in range(options.option_count)
                               if options.get_option_at_index(i).id == name)
    await pilot.pause()
    await pilot.press("enter")
    await settle(app, pilot)


async def test_picking_a_host_at_one_stand_leaves_the_others_as_they_were(
        config, zh_config, stands, clock):
    front, upstairs, chinese = stands("front"), stands("upstairs"), stands("zh-stand")
    party = add(front, clock, config, 20, "Chen")
    one = QueueApp(config, front, clock=clock)
    two = QueueApp(config, upstairs, clock=clock)
    three = QueueApp(zh_config, chinese, clock=clock)
    async with one.run_test(size=SIZE) as p1, two.run_test(size=SIZE) as p2, \
            three.run_test(size=SIZE) as p3:
        for app, pilot in ((one, p1), (two, p2), (three, p3)):
            await settle(app, pilot)
        await pick_host(two, p2, "Lin")
        await pick_host(three, p3, "Hao")
        await pick_host(one, p1, "Ana")
        for app, pilot in ((one, p1), (two, p2), (three, p3)):
            app.poll()  # what the others wrote, as every sync_seconds
            await settle(app, pilot)
        assert "On duty: Ana (Goodwill left: ¥300)" in header(one)
        assert "On duty: Lin (Goodwill left: ¥300)" in header(two)
        assert "当班：Hao" in header(three)

        # a gesture from each stand is logged against that stand's own host
        await p2.press("1")
        await settle(two, p2)
        # Lin's gift is on the party's panel here too; once the double-tap guard is over
        # (within it, "1" here is still Lin's gift, and asks), "1" is the next one
        clock.advance(seconds=config.goodwill.repeat_guard_seconds + 1)
        one.poll()
        one.tick()
        await settle(one, p1)
        await p1.press("1")
        await settle(one, p1)
        given = gestures.gestures_for_party(front, party.id)
        assert [(g.host, g.station) for g in given] == [("Lin", "upstairs"), ("Ana", "front")]
        for app, pilot in ((one, p1), (two, p2)):
            app.poll()
            await settle(app, pilot)
        assert f"On duty: Ana (Goodwill left: ¥{300 - given[1].cost:g})" in header(one)
        assert f"On duty: Lin (Goodwill left: ¥{300 - given[0].cost:g})" in header(two)

    # Lin's gesture is not Ana's own: voiding it at Ana's stand needs a lead
    now = clock.now().float_timestamp
    with pytest.raises(gestures.VoidNeedsLead) as refused:
        gestures.void(front, now, given[0].id, one.snapshot.host, "mistake", config=config)
    assert refused.value.reason == "other_host"
    # the review counts each gesture against the host on duty where it was given
    report = build(front, Filters(now - 3600, now + 60), config)
    assert report.cost_by_host == {"Ana": given[1].cost, "Lin": given[0].cost}


async def test_a_restart_keeps_each_stands_own_host(config, stands, db_path, clock):
    front, upstairs = stands("front"), stands("upstairs")
    one, two = QueueApp(config, front, clock=clock), QueueApp(config, upstairs, clock=clock)
    async with one.run_test(size=SIZE) as p1, two.run_test(size=SIZE) as p2:
        await settle(one, p1)
        await settle(two, p2)
        await pick_host(one, p1, "Ana")
        await pick_host(two, p2, "Lin")
    front.close()
    upstairs.close()
    # both stands start again, in the other order, each on a new connection
    again_two = QueueApp(config, stands("upstairs"), clock=clock)
    again_one = QueueApp(config, stands("front"), clock=clock)
    async with again_two.run_test(size=SIZE) as p2, again_one.run_test(size=SIZE) as p1:
        await settle(again_two, p2)
        await settle(again_one, p1)
        assert "On duty: Lin" in header(again_two)
        assert "On duty: Ana" in header(again_one)
        # a new stand has nobody on duty until its host is picked: it asks as ever
        bar = QueueApp(config, stands("bar"), clock=clock)
        async with bar.run_test(size=SIZE) as p3:
            await settle(bar, p3)
            assert "Nobody on duty (h)" in header(bar)
