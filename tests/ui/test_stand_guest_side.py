"""The stand's side of the guest's wait (issue 11): queue numbers on the rows and in the
add toast, guests' answers and cancels written by another connection (as the web
server and the messages do) shown on their rows and toasted once, the guest's page as
a link and a QR code that decodes to it, and pausing self check-in with one key.

A real SQLite file, the real app through Pilot, the injected FixedClock; the "other
program" is a second Store on the same file."""

from __future__ import annotations

import pytest
import segno
from helpers import at, config_variant, on_screen, settle, toasts
from textual.widgets import DataTable, OptionList, Static

from queueapp.quotes.rule import Quote
from queueapp.store import Store
from queueapp.ui.qr import modules, qr_lines, read_back
from queueapp.ui.screens.guest_link import GuestLinkScreen
from queueapp.ui.screens.main import MainScreen
from queueapp.waitlist.events import COMING, TEXT

TZ = "Asia/Shanghai"
WIDE = (160, 45)


def add(store: Store, config, minutes: float, size: int, name: str, **kw) -> str:
    """A party as the stand adds it: with its table class's queue number and a page."""
    q = Quote(30, 25, 40)
    return store.add_party(at(minutes), size, name, quote=q, tz=TZ,
                           ticket_prefix=config.guests.ticket_class(size).prefix, **kw).party


def waiting_table(app) -> DataTable:
    return app.screen.query_one("#waiting", DataTable)


def cell(app, row_key: str, column: str) -> str:
    value = waiting_table(app).get_cell(row_key, column)
    return getattr(value, "plain", str(value))


def row_text(app, party_id: str) -> str:
    table = waiting_table(app)
    return " ".join(cell(app, party_id, str(c.value)) for c in table.columns)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def other_program(app, pilot) -> None:
    """What the app does every ``sync_seconds``: notice the file changed and read it."""
    app.poll()
    await settle(app, pilot)


# -- queue numbers ------------------------------------------------------------------------------

async def test_added_parties_get_their_class_number_on_the_row_and_in_the_toast(make_app):
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        for name, size, ticket in (("Zhang Wei", "4", "B001"), ("Li Na", "2", "A001"),
                                   ("Chen Bo", "3", "B002")):
            await pilot.press("a")
            await pilot.pause()
            await type_text(pilot, name)
            await pilot.press("tab", size, "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
            said = toasts(app)
            assert f"Added {name}, {ticket}: no wait" in said, said  # the room is empty
        by_name = {p.name: p for p in app.snapshot.room.waiting()}
        assert {n: p.ticket for n, p in by_name.items()} == {
            "Zhang Wei": "B001", "Li Na": "A001", "Chen Bo": "B002"}
        # the first column holds the number guests know themselves by
        assert waiting_table(app).columns["col_pos"].label.plain == "No."
        for p in by_name.values():
            assert cell(app, p.id, "col_pos") == p.ticket
        # the party panel names them by number too, with their page and the QR key
        await pilot.press("up", "up", "up")
        await pilot.pause()
        panel = str(app.screen.query_one("#party-panel", Static).render())
        assert panel.startswith("B001 Zhang Wei (4)")
        assert "first in line" in panel and "q: QR" in panel


async def test_a_party_without_a_number_keeps_its_position(make_app, store, config):
    store.add_party(at(-10), 2, "Old import", tz=TZ)  # no ticket class given
    add(store, config, -5, 2, "New")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        old, new = [p.id for p in app.snapshot.room.waiting()]
        assert (cell(app, old, "col_pos"), cell(app, new, "col_pos")) == ("1", "A001")


async def test_find_by_queue_number(make_app, store, config):
    add(store, config, -20, 4, "Zhang Wei")
    wanted = add(store, config, -15, 4, "Li Na")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "b002")
        await pilot.pause()
        matches = app.screen.query_one("#matches", OptionList)
        assert [str(o.prompt).split("  ")[0] for o in matches.options] == ["B002 Li Na"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.current_party_id() == wanted


# -- guests' answers and cancels ---------------------------------------------------------------

async def test_an_answer_from_the_page_shows_on_the_row_and_toasts_once(make_app, store, config):
    pid = add(store, config, -20, 4, "Zhang Wei")
    other = add(store, config, -10, 2, "Li Na")
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "↩" not in row_text(app, pid)
        # the web server is another program on the same file
        store.guest_reply(at(0), store.guest_link(pid), COMING)
        await other_program(app, pilot)
        assert "↩ coming" in row_text(app, pid)
        assert "↩" not in row_text(app, other)
        assert toasts(app).count("B001 Zhang Wei: on the way back") == 1
        # read again and again: the answer is not news any more
        app.reload()
        await settle(app, pilot)
        store.set_setting("unrelated", "1")  # the file changes for another reason
        await other_program(app, pilot)
        assert toasts(app).count("B001 Zhang Wei: on the way back") == 1
        # their own words: as written, never read as markup
        store.guest_reply(at(1), store.guest_link(other), TEXT, note="5 min [b]late[/b]")
        await other_program(app, pilot)
        assert cell(app, other, "col_tags").startswith("↩ “5 min [b]")
        assert toasts(app).count("A001 Li Na: “5 min [b]late[/b]”") == 1
        await pilot.press("down")
        await pilot.pause()
        panel = str(app.screen.query_one("#party-panel", Static).render())
        assert "↩ “5 min [b]late[/b]”" in panel


async def test_a_guests_words_cannot_drive_the_terminal(make_app, store, config):
    pid = add(store, config, -20, 2, "Li Na")
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        store.guest_reply(at(0), store.guest_link(pid), TEXT,
                          note="\x1b[2Jlate\u202e\nby 5\x07")
        await other_program(app, pilot)
        assert cell(app, pid, "col_tags") == "↩ “late by 5”"
        assert "A001 Li Na: “late by 5”" in toasts(app)


async def test_an_answer_from_before_the_stand_started_is_marked_not_toasted(make_app, store,
                                                                           config):
    pid = add(store, config, -20, 2, "Early")
    store.guest_reply(at(-1), store.guest_link(pid), COMING)
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        assert "↩ coming" in row_text(app, pid)
        assert not any("on the way back" in t for t in toasts(app))


async def test_a_cancel_from_the_page_leaves_the_list_and_toasts(make_app, store, config):
    pid = add(store, config, -20, 6, "Wang family")
    stays = add(store, config, -15, 2, "Stays")
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        assert pid in [str(k.value) for k in waiting_table(app).rows]
        store.guest_cancel(at(0), store.guest_link(pid))
        await other_program(app, pilot)
        assert [str(k.value) for k in waiting_table(app).rows] == [stays]
        assert toasts(app).count("C001 Wang family cancelled from their phone") == 1
        # the host's own removal is no guest's news
        await pilot.press("x", "enter")
        await settle(app, pilot)
        assert not any("Stays cancelled" in t for t in toasts(app))


async def test_answers_and_cancels_are_in_chinese_on_a_chinese_stand(make_app, store,
                                                                  zh_config):
    pid = add(store, zh_config, -20, 4, "张伟")
    gone = add(store, zh_config, -10, 2, "李娜")
    app = make_app(cfg=zh_config)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        store.guest_reply(at(0), store.guest_link(pid), COMING)
        store.guest_cancel(at(0), store.guest_link(gone))
        await other_program(app, pilot)
        assert "↩ 正在回来" in row_text(app, pid)
        said = toasts(app)
        assert "B001 张伟：正在回来" in said and "A001 李娜 已在手机上取消排队" in said
        assert waiting_table(app).columns["col_pos"].label.plain == "号"


# -- the guest's page as a link and a QR code ---------------------------------------------------

def test_the_drawing_is_segnos_matrix_both_ways():
    url = "http://192.168.1.20:8080/p/P8DNLcOFEN3WJsFioBTZtg"
    code = segno.make(url, error="l")
    drawn = read_back(qr_lines(url))
    inner = [row[2:-2] for row in drawn[2:2 + len(code.matrix)]]
    # every module segno made is drawn as it is, and nothing else is drawn dark
    assert inner == [[bool(m) for m in row] for row in code.matrix]
    quiet = drawn[:2] + drawn[2 + len(code.matrix):] + [row[:2] + row[-2:] for row in drawn]
    assert not any(any(row) for row in quiet)
    assert drawn[:len(modules(url))] == modules(url)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_panel_gives_the_link_and_q_shows_a_qr_that_decodes(make_app, store, config,
                                                                    size):
    pid = add(store, config, -20, 3, "Guest One")
    url = f"{config.guests.base_url}/p/{store.guest_link(pid)}"
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        panel = str(app.screen.query_one("#party-panel", Static).render())
        assert "q: QR" in panel and f"{config.guests.base_url}/p/" in panel
        assert url in panel  # the whole address (the screen may cut it; the modal does not)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, GuestLinkScreen)
        qr = app.screen.query_one("#qr", Static)
        # the code as painted on the screen, read back module by module
        region = qr.content_region
        assert region.bottom <= size[1] and region.right <= size[0]  # it fits whole
        painted = [qr.render_line(y).text for y in range(qr.size.height)]
        assert painted == qr_lines(url)
        # dark modules on a light ground whatever the theme (phones read dark-on-light)
        colours = {(seg.style.color.get_truecolor(), seg.style.bgcolor.get_truecolor())
                   for y in range(qr.size.height) for seg in qr.render_line(y) if seg.text}
        assert colours == {((0, 0, 0), (255, 255, 255))}, colours
        code = segno.make(url, error="l")
        drawn = read_back(painted)
        assert [row[2:-2] for row in drawn[2:2 + len(code.matrix)]] == [
            [bool(m) for m in row] for row in code.matrix]
        assert url in on_screen(app)
        # a guest's answer arriving meanwhile is not drawn over the code...
        store.guest_reply(at(0), store.guest_link(pid), COMING)
        await other_program(app, pilot)
        assert isinstance(app.screen, GuestLinkScreen)
        assert not [toast for toast in app.screen.query("Toast") if toast.display]
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        # ...it shows once the code is closed
        assert "B001 Guest One: on the way back" in toasts(app)


async def test_a_tall_wide_screen_draws_the_code_beside_the_panel(make_app, store, config):
    first = add(store, config, -20, 3, "Guest One")
    second = add(store, config, -10, 2, "Guest Two")
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        qr = app.screen.query_one("#panel-qr", Static)
        for pid in (first, second):  # it follows the highlight
            assert app.screen.current_party_id() == pid
            url = f"{config.guests.base_url}/p/{store.guest_link(pid)}"
            lines = qr_lines(url)
            painted = [qr.render_line(y).text for y in range(qr.size.height)]
            assert len(painted) >= len(lines) and qr.region.bottom <= 49  # whole
            code_part = painted[:len(lines)]
            assert code_part == lines
            code = segno.make(url, error="l")
            assert read_back(code_part)[:len(modules(url))] == modules(url)
            assert [row[2:-2] for row in read_back(code_part)[2:2 + len(code.matrix)]] == [
                [bool(m) for m in row] for row in code.matrix]
            await pilot.press("down")
            await pilot.pause()


async def test_the_code_is_not_drawn_beside_the_panel_where_it_would_not_fit(make_app, store,
                                                                           config):
    add(store, config, -20, 3, "Guest One")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert not app.screen.query_one("#panel-qr", Static).display


async def test_q_on_a_party_without_a_page_says_so(make_app, store):
    store.add_party(at(-5), 2, "Old import", tz=TZ)
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("has no page of their own" in t for t in toasts(app))


# -- pausing self check-in -----------------------------------------------------------------------

def header(app) -> str:
    return str(app.screen.query_one("#header", Static).render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_j_pauses_and_resumes_self_check_in_and_the_header_says_so(store, clock, size):
    from queueapp.ui.app import QueueApp

    config = config_variant(**{"[seating]": "[guests]\nself_check_in = true\n\n[seating]"})
    app = QueueApp(config, store, clock=clock)
    other = Store.open(store.path, config, station="web")
    try:
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(app, pilot)
            assert "Joining paused" not in header(app)
            await pilot.press("j")
            await settle(app, pilot)
            assert other.joining_paused()
            assert "Joining paused" in header(app)
            assert any(t.startswith("Self check-in paused") for t in toasts(app))
            await pilot.press("j")
            await settle(app, pilot)
            assert not other.joining_paused()
            assert "Joining paused" not in header(app)
            # paused from another terminal: shown here too
            other.set_joining_paused(True)
            await other_program(app, pilot)
            assert "Joining paused" in header(app)
    finally:
        other.close()


async def test_j_with_self_check_in_off_says_so_and_changes_nothing(make_app, store):
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert not store.joining_paused()
        assert any(t.startswith("Self check-in is off in the config") for t in toasts(app))
        store.set_joining_paused(True)  # left paused in the file: not shown while it is off
        await other_program(app, pilot)
        assert "Joining paused" not in header(app)


async def test_a_self_check_in_is_told_once_but_the_hosts_own_add_is_not(make_app, store,
                                                                         config):
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        # /join writes as the web server does: its own ticket, via "join"
        joined = store.add_party(at(0), 3, "Phone Guest", tz=config.timezone,
                                 ticket_prefix="B", via="join")
        store.add_party(at(0), 2, "At the stand", tz=config.timezone, ticket_prefix="A")
        await other_program(app, pilot)
        assert joined.party in [str(k.value) for k in waiting_table(app).rows]
        told = [t for t in toasts(app) if "joined the list" in t]
        assert told == ["B001 Phone Guest (3) joined the list from their phone"]


async def test_links_point_where_the_running_server_says_guests_reach_it(make_app, store,
                                                                        config):
    """`queueapp serve --port 9000` writes its address into the file: the stand's links
    and QR codes use it, not the config's default port."""
    pid = add(store, config, -20, 3, "Guest One")
    store.set_guest_address("http://192.168.1.20:9000/")
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(app, pilot)
        panel = str(app.screen.query_one("#party-panel", Static).render())
        assert f"http://192.168.1.20:9000/p/{store.guest_link(pid)}" in panel
