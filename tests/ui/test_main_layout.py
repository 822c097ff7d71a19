"""The main screen at real terminal sizes, in English and Chinese, and the highlight
through a rush: what a host reads is what is painted on screen (each widget's rendered
lines), never a cell that only exists after scrolling sideways."""

from __future__ import annotations

import re
import threading

import pytest
from helpers import at, settle
from textual.widgets import DataTable, Static

from queueapp.complaints import loop as complaints
from queueapp.goodwill import gestures
from queueapp.quotes.rule import Quote, RuleQuoter
from queueapp.store import Store
from queueapp.ui.app import QueueApp
from queueapp.waitlist.room import CALLED

TZ = "Asia/Shanghai"
SIZES = [(80, 24), (120, 40), (200, 50)]

LONG_NAME = "Alexandria Montgomery-Smythe"
ZH_NAME = "欧阳娜娜一家人和朋友们"


def painted(widget) -> list[str]:
    """The lines of ``widget`` as drawn on screen."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def waiting(app) -> DataTable:
    return app.screen.query_one("#waiting", DataTable)


def tables(app) -> DataTable:
    return app.screen.query_one("#tables", DataTable)


def add(store, minutes: float, size: int, name: str, quote: float | None = None,
        **kw) -> str:
    q = Quote(quote, quote * 0.75, quote * 1.35) if quote is not None else None
    return store.add_party(at(minutes), size, name, quote=q, tz=TZ, **kw).party


def rush(store, config) -> dict[str, str]:
    """Every table taken (some for over an hour), and a list of parties waiting: one far
    past their quote with tags and a note, one with a long Chinese name, one called."""
    for i, table in enumerate(config.tables):
        pid = add(store, -80, min(table.seats, 4), f"Diner with a long name {i}")
        store.seat_party(at(-75 + i), pid, table.name)
    ids = {
        "late": add(store, -50, 4, LONG_NAME, 30, tags=["child", "wheelchair"],
                    note="needs step-free access", phone="+8613812345678"),
        "zh": add(store, -35, 2, ZH_NAME, 40),
        "called": add(store, -30, 3, "Chen Jing", 45),
    }
    store.call_party(at(-2), ids["called"])
    for n in range(9):
        ids[f"p{n}"] = add(store, -25 + n * 2, 2 + n % 4, f"Guest {n}", 50)
    return ids


WORDS = {
    "en": {"min": "{} min", "hours": "{} h {:02d}", "left": r"~\d+ min",
           "called": r"18:58|☎ 8′|8 min left"},
    "zh": {"min": "{} 分钟", "hours": "{} 小时 {:02d}", "left": r"约 \d+ 分钟",
           "called": r"18:58|☎ 8分|剩 8 分钟"},
}  # a party called at 18:58: its call time, or the 10-minute hold counting down


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("language", ["en", "zh"])
async def test_every_visible_row_shows_its_times_whole(make_app, store, config, zh_config,
                                                       size, language):
    ids = rush(store, config)
    words = WORDS[language]
    app = make_app(cfg=zh_config if language == "zh" else config)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = waiting(app)
        # nothing to scroll to sideways: every column is on screen
        assert table.max_scroll_x == 0
        rows = [line for line in painted(table)[1:] if line.strip()]
        assert len(rows) >= min(12, table.size.height - 1)
        parties = {p.id: p for p in app.snapshot.room.waiting()}
        order = [p.id for p in app.snapshot.room.waiting()]
        for line in rows:
            pos = int(line.split()[0])
            p = parties[order[pos - 1]]
            waited = int((at(0) - p.arrived) / 60)
            assert words["min"].format(waited) in line, (line, waited)
            assert re.search(words["left"] if p.status != CALLED else words["called"],
                             line), line
            point = {30: "30", 40: "40", 45: "45", 50: "50"}[round(p.quote)]
            assert f" {point}" in line, line
            name = p.name
            assert name in line or "…" in line, line  # whole, or cut with an ellipsis
            if p.id == ids["late"]:
                assert "+20" in line, line  # 50 min on a 30 min quote
        # the tables panel: every table's time is whole (nothing cut mid-word)
        lines = painted(tables(app))
        assert tables(app).max_scroll_x == 0
        room = app.snapshot.room
        for name, tb in room.tables.items():
            minutes = int(tb.minutes(at(0)))
            text = words["min"].format(minutes) if minutes < 60 else \
                words["hours"].format(minutes // 60, minutes % 60)
            shown = [line for line in lines if re.match(rf"\s*{name}\s", line)]
            for line in shown:
                assert line.rstrip().endswith(text), (line, text)
        # the late party's tags and note are in the party panel in words
        late_line = next(line for line in rows if line.split()[0] == "1")
        assert "+20" in late_line
        panel = str(app.screen.query_one("#party-panel", Static).content)
        child = "child" if language == "en" else "儿童"
        assert child in panel and "needs step-free access" in panel


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_header_keeps_the_waiting_count_in_words_that_agree(make_app, store,
                                                                  zh_config, size):
    add(store, -5, 2, "Solo")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        header = app.screen.query_one("#header", Static)
        line = painted(header)[0]
        assert "Waiting: 1 party, 2 guests" in line
        add(store, -1, 1, "Second")
        app.poll()
        await settle(app, pilot)
        assert "Waiting: 2 parties, 3 guests" in painted(header)[0]
    zh = make_app(cfg=zh_config)
    async with zh.run_test(size=size) as pilot:
        await settle(zh, pilot)
        assert "等位：2 桌，3 人" in painted(zh.screen.query_one("#header", Static))[0]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_header_names_the_host_on_duty_and_the_budget_left_at_every_size(
        make_app, store, config, size):
    """At 80 columns the host and the budget left stay, shortened ("Lin ¥300"), rather
    than being dropped: who gives the goodwill matters most in a rush."""
    gestures.set_host_on_duty(store, "Lin", config)
    add(store, -5, 2, "Solo")
    app = make_app(store=store)  # the stand Lin is on duty at
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        line = painted(app.screen.query_one("#header", Static))[0]
        assert "Waiting: 1 party, 2 guests" in line
        assert ("On duty: Lin (Goodwill left: ¥300)" in line) or ("Lin ¥300" in line), line


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_header_keeps_the_open_items_at_every_size(make_app, store, config, size):
    """In a rush at 80 columns, with a host on duty and complaints open, the open items
    stay, shortened ("4 open (i)"), with the host, the budget and the waiting count."""
    rush(store, config)
    gestures.set_host_on_duty(store, "Lin", config)
    waiting_ids = [p.id for p in store.load_room().waiting()]
    for n in range(4):
        complaints.record(store, at(-10 + n), "food", f"cold broth {n}",
                          party=waiting_ids[n])
    app = make_app(store=store)  # the stand Lin is on duty at
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        line = painted(app.screen.query_one("#header", Static))[0]
        items = app.snapshot.open_items
        assert items >= 4 and re.search(rf"{items} open( items)? \(i\)", line), line
        assert ("On duty: Lin (Goodwill left: ¥300)" in line) or ("Lin ¥300" in line), line
        waiting = app.snapshot.room.waiting()
        assert f"{len(waiting)} parties, {sum(p.size for p in waiting)} guests" in line, line


async def test_every_party_needing_attention_is_marked_most_urgent_first(make_app, store,
                                                                         config):
    """Eight parties nobody has looked after for 20+ minutes; one of them also past its
    quote: all eight rows carry the mark, the box starts with the overdue one and says
    how many more there are."""
    for i, table in enumerate(config.tables):
        pid = add(store, -80, min(table.seats, 4), f"Diner {i}")
        store.seat_party(at(-75), pid, table.name)
    neglected = [add(store, -30 + i, 2, f"Family {i}", 120) for i in range(7)]
    overdue = add(store, -21, 2, "Past Quote", 15)
    fine = add(store, -3, 2, "Just Arrived", 120)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = waiting(app)
        marks = {pid: table.get_cell(pid, "col_flag").plain
                 for pid in [*neglected, overdue, fine]}
        assert [pid for pid, mark in marks.items() if mark] == [*neglected, overdue]
        assert "red" in str(table.get_cell(overdue, "col_flag").style)
        box = painted(app.screen.query_one("#attention", Static))
        listed = [line for line in box if line.strip().startswith("!")]
        assert "Past Quote" in listed[0]
        assert 0 < len(listed) < 8
        assert f"+{8 - len(listed)} more" in "\n".join(box)


async def test_highlight_stays_on_the_party_through_seat_remove_undo_and_sync(
        make_app, store, db_path, config):
    ids = [add(store, -40 + i, 2, f"Party {i}") for i in range(5)]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("down", "down")
        assert screen.current_party_id() == ids[2]
        # seat the highlighted party: the one now in its place is highlighted
        await pilot.press("s", "enter")
        await settle(app, pilot)
        assert screen.current_party_id() == ids[3]
        # undo: Party 2 comes back, and the highlight goes to it (the host's next key
        # is for the party given back)
        await pilot.press("u")
        await settle(app, pilot)
        assert app.snapshot.room.parties[ids[2]].status == "waiting"
        assert screen.current_party_id() == ids[2]
        await pilot.press("down")
        assert screen.current_party_id() == ids[3]
        # remove it: the next one takes its place under the highlight
        await pilot.press("x", "enter")
        await settle(app, pilot)
        assert screen.current_party_id() == ids[4]
        assert str(screen.query_one("#party-panel", Static).content).startswith("Party 4")
        # another terminal removes a party above: the highlight stays on Party 4
        other = Store.open(db_path, config, station="other")
        other.remove_party(at(1), ids[0], "cancelled")
        app.poll()
        await settle(app, pilot)
        assert screen.current_party_id() == ids[4]
        # another terminal seats the highlighted party: the row in its place is
        # highlighted (here the last row left, so the one above it)
        await pilot.press("up")
        assert screen.current_party_id() == ids[2]
        other.seat_party(at(2), ids[2], "A1")
        app.poll()
        await settle(app, pilot)
        assert screen.current_party_id() == ids[4]
        # the tables panel keeps its highlight while another terminal changes tables
        await pilot.press("tab")
        keys = [str(k.value) for k in tables(app).rows]
        await pilot.press(*["down"] * (keys.index("table:A5") - tables(app).cursor_row))
        assert screen.current_table() == "A5"
        other.seat_party(at(3), ids[4], "A5")
        other.close()
        app.poll()
        await settle(app, pilot)
        assert screen.current_table() == "A5"
        assert "Party 4" in tables(app).get_cell("table:A5", "col_party").plain


class ThreadRecordingQuoter(RuleQuoter):
    """The day-one rule, noting which threads asked it for quotes."""

    def __init__(self, config) -> None:
        super().__init__(config.quoting)
        self.threads: list[str] = []

    def quote_all(self, room, now):
        self.threads.append(threading.current_thread().name)
        return super().quote_all(room, now)


async def test_the_tick_quotes_in_a_worker_and_clocks_move_at_once(store, config, clock):
    pid = add(store, -3, 2, "Li Wei", 30)
    quoter = ThreadRecordingQuoter(config)
    app = QueueApp(config, store, clock=clock, quoter=quoter)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        before = app.snapshot
        quoter.threads.clear()
        clock.advance(minutes=10)
        app.tick()
        # the clocks moved without waiting for any quote
        assert waiting(app).get_cell(pid, "col_waited").plain == "13 min"
        assert app.snapshot is not before and before.now == at(0)  # a new state
        await settle(app, pilot)
        assert quoter.threads and threading.main_thread().name not in quoter.threads
        assert app.snapshot.quoted_at == at(10)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_toasts_leave_the_tables_and_the_party_panel_readable(make_app, store, config,
                                                                   size):
    """Toasts rise from the foot of the waiting list, as wide as it: never over the
    tables or the party panel, and no panel or list text runs on beside a toast's
    words (at 80x24 they sat over the party panel and read as one line with it)."""
    rush(store, config)
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        app.notify("Seated Alexandria Montgomery-Smythe at A1, and a second line of text "
                   "that wraps", timeout=30)
        app.notify("Undone: seated Chen Jing at A4", timeout=30)
        await pilot.pause()
        drawn = list(app.screen.query("Toast"))
        assert len(drawn) >= 2  # ours, and the long waits the app opened by itself
        tables = app.screen.query_one("#right").region
        party = app.screen.query_one("#party-box").region
        left = app.screen.query_one("#left").region
        for toast in drawn:
            assert not toast.region.overlaps(tables), (toast.region, tables)
            assert not toast.region.overlaps(party), (toast.region, party)
            assert (toast.region.x, toast.region.width) == (left.x, left.width), \
                (toast.region, left)


async def test_the_panel_counts_the_parties_still_waiting_ahead(make_app, store):
    """"28 ahead" beside a Why of "9 parties ahead for a table for 4", and "1 ahead" for
    the party behind one already called: the panel now counts the parties still waiting
    ahead, says they are of all sizes, and a called party is not counted."""
    ids = [store.add_party(at(-30 + i), 2, f"Guest {i}", tz="Asia/Shanghai").party
           for i in range(4)]
    store.call_party(at(0), ids[0])
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        panel = app.screen.query_one("#party-panel", Static)
        for pid, words in ((ids[1], "first in line"), (ids[2], "1 party ahead"),
                           (ids[3], "2 parties ahead, all sizes")):
            app.screen.select_party(pid)
            await settle(app, pilot)
            assert words in " ".join(painted(panel)), (pid, painted(panel))


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_a_called_party_has_no_parties_ahead(make_app, store, config, zh_config,
                                                  language):
    """A called party's panel said "3 parties ahead, all sizes": once called, their table
    is ready and the parties still waiting are not ahead of them. The count is left out;
    the Called line says where they are."""
    cfg = zh_config if language == "zh" else config
    ids = [store.add_party(at(-30 + i), 2, f"Guest {i}", tz="Asia/Shanghai").party
           for i in range(4)]
    store.call_party(at(0), ids[3])
    app = make_app(cfg=cfg)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        panel = app.screen.query_one("#party-panel", Static)
        app.screen.select_party(ids[3])
        await settle(app, pilot)
        drawn = " ".join(painted(panel))
        assert app.t("panel_called") in drawn, drawn
        for word in (app.t("panel_ahead", n=3), app.t("panel_first"),
                     app.t("panel_ahead_one")):
            assert word not in drawn, drawn
        app.screen.select_party(ids[2])  # still waiting: counted as before
        await settle(app, pilot)
        assert app.t("panel_ahead", n=2) in " ".join(painted(panel))
