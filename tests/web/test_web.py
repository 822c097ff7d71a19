"""The guest web server through Starlette's TestClient, on a real SQLite file with the
tests' config and a fixed clock: every route, the guests' buttons, self check-in and
the faults a guest can cause."""

from __future__ import annotations

import contextlib
import html
import re
import sqlite3
from collections.abc import Iterator

import pytest
from helpers import at

from queueapp.i18n import Translator
from queueapp.quotes import reason
from queueapp.store import Store
from queueapp.web import app as web_app

ORIGIN = {"origin": "http://testserver"}  # what a browser sends with a form of our own page


def add(store: Store, config, minutes: float, size: int, name: str = "Guest",
        phone: str = "") -> tuple[str, str]:
    """A party added at the stand with its queue number: (party id, page token)."""
    ev = store.add_party(at(minutes), size, name, phone, tz=config.timezone,
                         ticket_prefix=config.guests.ticket_class(size).prefix)
    return ev.party, store.guest_link(ev.party)


def by_id_raw(page: str, element_id: str) -> str:
    """The HTML inside the element with ``element_id``."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"#{element_id} not on the page"
    return found.group(2)


def by_id(page: str, element_id: str) -> str:
    """The text inside the element with ``element_id`` (tags dropped)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"#{element_id} not on the page"
    return re.sub(r"<[^>]+>", " ", found.group(2))


# -- the board -----------------------------------------------------------------------

def test_board_shows_called_and_next_numbers_per_class(client, store, config):
    a, _ = add(store, config, -20, 2, "Zebediah", "13812345678")
    b1, _ = add(store, config, -15, 4)
    add(store, config, -10, 3)
    store.call_party(at(-1), b1)
    page = client.get("/board").text
    assert "B001" in by_id(page, "called-now")
    assert "A001" in by_id(page, "class-A")
    classes_b = by_id(page, "class-B")
    assert "B002" in classes_b and "B001" not in classes_b  # called: no longer "next"
    assert "min" in by_id(page, "wait-B") or "no wait" in by_id(page, "wait-B")
    assert 'id="paused"' not in page
    assert "Zebediah" not in page and "5678" not in page


def test_board_says_when_joining_is_paused(client, store):
    store.set_joining_paused(True)
    page = client.get("/board").text
    assert "paused" in by_id(page, "paused")
    store.set_joining_paused(False)
    assert 'id="paused"' not in client.get("/board").text


def test_board_speaks_the_config_language_and_switches(client, zh_config, make_client):
    english = client.get("/board").text
    assert "Now calling" in english and 'id="lang-zh"' in english
    assert "正在叫号" in client.get("/board?lang=zh").text
    assert "Now calling" in client.get("/board?lang=xx").text  # unknown: the config's
    assert "正在叫号" in make_client(zh_config).get("/board").text


def test_the_boards_qr_code_scales_with_its_quiet_zone(join_client):
    """An SVG with a viewBox and no fixed size (the style sheet sizes it; a fixed one
    was cut off), its light square covering the code and a 4-module quiet zone."""
    import segno

    svg = re.search(r"<svg[^>]*>", by_id_raw(join_client.get("/board").text,
                                              "join-here")).group(0)
    assert "width=" not in svg and "height=" not in svg
    side = segno.make_qr("http://localhost:8080/join", error="m").symbol_size(scale=6)
    assert f'viewBox="0 0 {side[0]} {side[1]}"' in svg
    assert side[0] == 6 * (segno.make_qr("http://localhost:8080/join",
                                         error="m").symbol_size(scale=1, border=0)[0] + 8)


def test_the_board_says_how_many_more_are_called_than_it_shows(client, store, config):
    ids = [add(store, config, -60 + n, 2)[0] for n in range(10)]
    for n, pid in enumerate(ids):
        store.call_party(at(-20 + n), pid)
    called = by_id_raw(client.get("/board").text, "called-now")
    shown = re.findall(r'data-ticket="(\w+)"', called)
    # the latest seven in the order called, after the three earlier ones, counted
    assert shown == [f"A{n:03d}" for n in range(4, 11)]
    assert "+3 called earlier" in by_id(called, "called-more")


def test_board_says_honestly_when_there_is_no_history(client):
    assert "few days of history" in by_id(client.get("/board").text, "busy")


# -- a guest's own page -------------------------------------------------------------

def test_guest_page_shows_number_position_estimate_reason_and_offers(client, store, config):
    add(store, config, -12, 4, "First")
    add(store, config, -8, 3, "Second")
    pid, token = add(store, config, -2, 4, "Third")
    r = client.get(f"/p/{token}")
    assert r.status_code == 200
    page = r.text
    assert by_id(page, "ticket").strip() == "B003"
    assert "Place in line: 3" in by_id(page, "position")
    assert "B001, B002" in by_id(page, "ahead")
    assert re.search(r"\d+ min|no wait", by_id(page, "estimate"))
    # why: the estimator's own reason for the estimate shown (from its walk)
    state = client.app.state.web.hub.state
    why = reason.say(state.quotes[pid], Translator("en"))
    assert why and by_id(page, "reason").strip() == html.escape(why)
    offers = by_id(page, "offers")
    assert "Welcome tea" in offers and "Kitchen tour" not in offers  # a rescue is not offered
    assert 'id="coming"' in page and 'id="cancel"' in page
    assert "First" not in page and "Second" not in page  # others are numbers only


def test_called_guest_is_told_by_when_to_come(client, store, config, clock):
    """The page said "within 10 minutes" however late it was read, and knew nothing of a
    hold the host kept longer: it now says the clock time the table is kept until, as
    the record has it, and "as soon as possible" once that has passed."""
    pid, token = add(store, config, -10, 2)
    store.call_party(at(-1), pid)  # 18:59 local; the hold of 10 minutes ends at 19:09
    page = client.get(f"/p/{token}").text
    assert "Your table is ready" in by_id(page, "called")
    assert "Please come to the host stand by 19:09 (within 9 min)." in by_id(page, "called")
    assert 'id="position"' not in page
    assert 'id="offers"' not in page  # "while you wait we offer" is over: come now
    clock.advance(minutes=10)
    page = client.get(f"/p/{token}").text
    assert "as soon as possible" in by_id(page, "called")
    store.keep_call(at(10), pid, 10)  # the host held the table longer
    page = client.get(f"/p/{token}").text
    assert "by 19:20 (within 10 min)" in by_id(page, "called")


def test_on_my_way_back_changes_only_the_guests_own_party(client, store, config):
    mine, token = add(store, config, -10, 2, "Mine")
    other, _ = add(store, config, -9, 2, "Other")
    r = client.post(f"/p/{token}/coming?lang=en", headers=ORIGIN, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/p/{token}?lang=en"
    assert store.party(mine).reply == "coming"
    assert store.party(other).reply == ""
    assert "on your way" in by_id(client.get(f"/p/{token}").text, "coming-noted")


def test_the_on_my_way_address_opened_as_a_link_leads_to_the_guests_page(client, store,
                                                                         config):
    """A phone that reopens a tab whose last load was the button's post (the address bar
    says /coming) loads it with GET: it gets the guest's page, in their language, not a
    bare English "Method Not Allowed", and nothing is recorded."""
    pid, token = add(store, config, -10, 2)
    r = client.get(f"/p/{token}/coming?lang=zh", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/p/{token}?lang=zh"
    assert store.party(pid).reply == ""
    assert client.get(f"/p/{token}/coming").status_code == 200
    assert client.get("/p/nonsense/coming").status_code == 404


def test_cancel_asks_first_then_cancels_only_the_guests_own_party(client, store, config):
    mine, token = add(store, config, -10, 2)
    other, other_token = add(store, config, -9, 2)
    ask = client.get(f"/p/{token}/cancel")
    assert 'id="cancel-confirm"' in ask.text and 'id="keep"' in ask.text
    assert store.party(mine).status == "waiting"  # asking changes nothing
    done = client.post(f"/p/{token}/cancel?lang=en", headers=ORIGIN, follow_redirects=False)
    # POST, redirect, GET: a reload shows the page again without posting again
    assert done.status_code == 303
    assert done.headers["location"] == f"/p/{token}/cancelled?lang=en"
    done = client.get(done.headers["location"])
    assert done.status_code == 200 and "A001" in by_id(done.text, "cancelled")
    # its language link works: the same page in Chinese
    zh = client.get(html.unescape(re.search(r'id="lang-zh" href="([^"]+)"',
                                            done.text).group(1)))
    assert zh.status_code == 200 and "号码 A001 已取消" in by_id(zh.text, "cancelled")
    events = len(list(store.all_events()))
    assert client.get(f"/p/{token}/cancelled").status_code == 200  # a reload
    assert len(list(store.all_events())) == events  # posts nothing
    assert store.party(mine).status == "removed" and store.party(mine).reason == "cancelled"
    assert store.party(other).status == "waiting"
    assert client.get(f"/p/{token}").status_code == 404  # the link stops working
    assert client.post(f"/p/{token}/cancel", headers=ORIGIN).status_code == 404
    assert client.get(f"/p/{other_token}").status_code == 200


def test_a_post_from_another_site_is_refused(client, store, config):
    pid, token = add(store, config, -10, 2)
    for headers in ({}, {"origin": "http://evil.example"},
                    {"referer": "http://evil.example/p/x"},
                    {"origin": "http://testserver", "sec-fetch-site": "cross-site"}):
        r = client.post(f"/p/{token}/cancel", headers=headers)
        assert r.status_code == 403 and 'id="forbidden"' in r.text
        assert client.post(f"/p/{token}/coming", headers=headers).status_code == 403
    assert store.party(pid).status == "waiting" and store.party(pid).reply == ""
    # a browser that sends no Origin but a Referer from our own page is let through
    r = client.post(f"/p/{token}/coming", headers={"referer": f"http://testserver/p/{token}"},
                    follow_redirects=False)
    assert r.status_code == 303


def title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found
    return html.unescape(found.group(1))


def test_unknown_or_expired_links_give_a_friendly_404_a_seated_party_its_meal(client, store,
                                                                              config):
    for token in ("nope", "x" * 500, "%3Cscript%3E"):
        r = client.get(f"/p/{token}")
        assert r.status_code == 404 and 'id="gone"' in r.text and "Traceback" not in r.text
        assert 'data-events' not in r.text  # nobody's page: nothing to listen for
    pid, token = add(store, config, -10, 2)
    table = next(iter(config.tables)).name
    store.seat_party(at(0), pid, table)
    # at the table: the page and its tab say "Enjoy your meal" (README), a page that is
    r = client.get(f"/p/{token}")
    assert r.status_code == 200 and "Enjoy your meal" in by_id(r.text, "gone")
    assert title(r.text).startswith("Enjoy your meal")
    live = client.get(f"/p/{token}/live")  # an open page learns it is over at once
    assert live.headers["x-kind"] == "gone" and "Enjoy your meal" in live.text
    # once the party has left, the link no longer works (404), as its tab says
    store.table_departed(at(50), table)
    r = client.get(f"/p/{token}")
    assert r.status_code == 404 and "no longer works" in by_id(r.text, "gone")
    assert title(r.text).startswith("This link no longer works")
    assert "Enjoy your meal" not in r.text
    live = client.get(f"/p/{token}/live")
    assert live.headers["x-kind"] == "gone" and "no longer works" in live.text
    assert client.get("/p/nope/live").status_code == 404
    assert client.get("/p/nope/events").status_code == 404
    r = client.get("/no/such/page")
    assert r.status_code == 404 and 'id="not-found"' in r.text


# -- self check-in ---------------------------------------------------------------------

def test_self_check_in_is_off_by_default(client, store):
    assert client.get("/join").status_code == 404
    r = client.post("/join", data={"name": "A", "size": "2"}, headers=ORIGIN)
    assert r.status_code == 404 and 'id="join-off"' in r.text
    assert store.load_room().waiting() == []


def test_join_adds_the_party_and_opens_its_own_page(join_client, store, join_config):
    form = join_client.get("/join").text
    assert 'id="join-submit"' in form and "1–2 guests" in by_id(form, "join-waits")
    r = join_client.post("/join?lang=en", headers=ORIGIN, follow_redirects=False,
                         data={"name": "  Zhao  ", "size": "３", "phone": "138 1234 5678"})
    assert r.status_code == 303
    page = join_client.get(r.headers["location"])
    assert page.status_code == 200 and by_id(page.text, "ticket").strip() == "B001"
    (party,) = store.load_room().waiting()
    assert (party.name, party.size, party.phone) == ("Zhao", 3, "+8613812345678")
    assert party.quote is not None  # the quote the guest was told is kept
    ev = next(e for e in store.all_events() if e.event == "arrive")
    assert ev.data["via"] == "join"


@pytest.mark.parametrize("name,size,phone,field,words", [
    ("", "2", "", "name", "Enter your name."),  # said to the guest, not to a host
    ("A" * 10_000, "2", "", "name", "Keep the name to 60 characters (now 10000)."),
    ("Li", "²", "", "size", "Party size: “²” is not a digit"),
    ("Li", "13", "", "size", "Party size must be from 1 to 12."),
    ("Li", "two", "", "size", "Party size must be a whole number, 1 to 12."),
    ("Li", "2", "call me", "phone", "This is not a phone number"),
    ("Li", "2", "123", "phone", "Not a valid local phone number"),
])
def test_join_refuses_bad_input_with_the_stands_rules(join_client, store, name, size, phone,
                                                       field, words):
    r = join_client.post("/join", headers=ORIGIN,
                         data={"name": name, "size": size, "phone": phone})
    assert r.status_code == 400
    assert words in by_id(r.text, f"{field}-error").replace("&#x27;", "'")
    assert store.load_room().waiting() == []


def test_the_join_form_gives_back_what_was_typed_escaped(join_client):
    r = join_client.post("/join", headers=ORIGIN,
                         data={"name": '"><script>alert(1)</script>', "size": "²"})
    assert r.status_code == 400
    assert "<script>alert" not in r.text
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in r.text


def test_join_is_rate_limited_per_address(join_client, store, clock):
    for n in range(3):  # joins_per_minute = 3 in this config
        r = join_client.post("/join", headers=ORIGIN, data={"name": f"P{n}", "size": "2"},
                             follow_redirects=False)
        assert r.status_code == 303
    r = join_client.post("/join", headers=ORIGIN, data={"name": "P3", "size": "2"})
    assert r.status_code == 429 and 'id="limited"' in r.text
    assert r.headers["retry-after"] == "60"
    assert len(store.load_room().waiting()) == 3
    clock.advance(seconds=61)
    r = join_client.post("/join", headers=ORIGIN, data={"name": "P4", "size": "2"},
                         follow_redirects=False)
    assert r.status_code == 303


def test_join_while_paused_says_so_and_adds_nobody(join_client, store):
    store.set_joining_paused(True)
    assert 'id="join-paused"' in join_client.get("/join").text
    r = join_client.post("/join", headers=ORIGIN, data={"name": "Li", "size": "2"})
    assert r.status_code == 409 and 'id="join-paused"' in r.text
    assert store.load_room().waiting() == []
    store.set_joining_paused(False)
    r = join_client.post("/join", headers=ORIGIN, data={"name": "Li", "size": "2"},
                         follow_redirects=False)
    assert r.status_code == 303


def test_join_from_another_site_is_refused(join_client, store):
    r = join_client.post("/join", headers={"origin": "http://evil.example"},
                         data={"name": "Li", "size": "2"})
    assert r.status_code == 403 and store.load_room().waiting() == []


# -- privacy and escaping -----------------------------------------------------------------

def test_no_public_page_shows_another_guests_name_or_phone(join_client, store, join_config):
    secret, _ = add(store, join_config, -10, 2, "Secretname", "13812345678")
    _, token = add(store, join_config, -5, 2, "Visitor")
    store.call_party(at(-1), secret)
    pages = [join_client.get(url).text for url in
             ("/board", "/board?lang=zh", f"/p/{token}", f"/p/{token}?lang=zh", "/join")]
    pages += [join_client.get(f"/board/live?after=0&lang={lang}").text for lang in ("en", "zh")]
    for page in pages:
        assert "Secretname" not in page and "5678" not in page and "13812345678" not in page


@pytest.mark.parametrize("name", [
    "<script>alert(1)</script>", "Ana 🎉👨‍👩‍👧", "张伟", "Bell\x07\x1b[31mRed\u202eevil",
    "W" * 10_000,
])
def test_guest_text_is_escaped_everywhere(client, store, config, name):
    pid, token = add(store, config, -5, 2, name)
    store.call_party(at(-1), pid)
    for url in (f"/p/{token}", f"/p/{token}/cancel", f"/p/{token}/live?after=0", "/board"):
        page = client.get(url).text
        assert "<script>alert" not in page
        assert "\x1b" not in page and "\x07" not in page and "\u202e" not in page
        assert len(page) < 20_000  # a 10,000-character name is cut
    own = client.get(f"/p/{token}").text
    if name.startswith("<"):
        assert "&lt;script&gt;" in own
    elif name.startswith("W"):
        assert "W" * 39 + "…" in own
    elif not name.startswith("Bell"):
        assert name in own


# -- faults and news ------------------------------------------------------------------------

@contextlib.contextmanager
def locked(db_path) -> Iterator[None]:
    """Another program holds the file's write lock meanwhile."""
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_locked_file_gives_a_503_page_that_retries(make_client, store, config, db_path,
                                                     monkeypatch):
    monkeypatch.setattr(web_app, "WEB_BUSY_TIMEOUT", 0.2)
    client = make_client()
    pid, token = add(store, config, -5, 2)
    client.get(f"/p/{token}")
    with locked(db_path):
        r = client.post(f"/p/{token}/coming", headers=ORIGIN)
    assert r.status_code == 503 and r.headers["retry-after"] == "3"
    assert 'id="busy-file"' in r.text and 'id="retry"' in r.text
    assert "Traceback" not in r.text
    assert store.party(pid).reply == ""
    r = client.post(f"/p/{token}/coming", headers=ORIGIN, follow_redirects=False)
    assert r.status_code == 303  # the lock gone, the same press works


def test_a_button_pressed_while_the_file_is_locked_leads_back_to_the_page(
        make_client, store, config, db_path, monkeypatch):
    """The busy page after "I'm on my way back" (a POST) never loads the POST address
    with GET (405): it goes back to the guest's page, by itself and by its link."""
    monkeypatch.setattr(web_app, "WEB_BUSY_TIMEOUT", 0.2)
    client = make_client()
    pid, token = add(store, config, -5, 2)
    with locked(db_path):
        r = client.post(f"/p/{token}/coming?lang=zh", headers=ORIGIN)
    assert r.status_code == 503 and store.party(pid).reply == ""
    page = f"/p/{token}?lang=zh"
    assert f'content="3;url={page}"' in r.text
    link = html.unescape(re.search(r'id="retry"[^>]*href="([^"]+)"', r.text).group(1))
    assert link == page and "回到我的页面" in by_id(r.text, "retry")
    assert "请在那里再按一次" in r.text  # the button is pressed again there
    assert client.get(link).status_code == 200


def test_check_in_while_the_file_is_locked_keeps_what_was_typed(
        make_client, join_config, store, db_path, monkeypatch):
    monkeypatch.setattr(web_app, "WEB_BUSY_TIMEOUT", 0.2)
    client = make_client(join_config)
    with locked(db_path):
        r = client.post("/join?lang=en", headers=ORIGIN,
                        data={"name": "Zhao Lei", "size": "3", "phone": "138 1234 5678"})
    assert r.status_code == 503 and "busy" in by_id(r.text, "join-note")
    for field, typed in (("name", "Zhao Lei"), ("size", "3"), ("phone", "138 1234 5678")):
        assert f'id="{field}" name="{field}"' in r.text
        assert f'value="{typed}"' in r.text
    assert store.load_room().waiting() == []
    # the form posts to /join again: the same press now works
    r = client.post("/join?lang=en", headers=ORIGIN, follow_redirects=False,
                    data={"name": "Zhao Lei", "size": "3", "phone": "138 1234 5678"})
    assert r.status_code == 303


def test_a_write_that_went_through_is_never_reported_as_nothing_changed(
        client, store, config, db_path):
    """The file's folder moved away between the write and the re-read of the pages:
    the reply and the cancel were saved (on the connection already open), so the guest
    is sent on as after any success, not told "nothing was changed"."""
    pid, token = add(store, config, -5, 2)
    other, other_token = add(store, config, -4, 2)
    assert client.get(f"/p/{token}").status_code == 200  # the worker's connection opens
    folder = db_path.parent
    moved = folder.with_name(folder.name + "-moved")
    folder.rename(moved)
    try:
        coming = client.post(f"/p/{token}/coming?lang=en", headers=ORIGIN,
                             follow_redirects=False)
        cancel = client.post(f"/p/{other_token}/cancel?lang=en", headers=ORIGIN,
                             follow_redirects=False)
    finally:
        moved.rename(folder)
    assert (coming.status_code, coming.headers["location"]) == (303, f"/p/{token}?lang=en")
    assert cancel.status_code == 303 and "nothing was changed" not in cancel.text
    assert store.party(pid).reply == "coming"
    assert store.party(other).status == "removed"


def test_a_second_tap_on_my_way_back_is_not_recorded_again(client, store, config):
    pid, token = add(store, config, -5, 2)
    for _ in range(2):
        r = client.post(f"/p/{token}/coming?lang=en", headers=ORIGIN)
        assert r.status_code == 200 and "on your way" in by_id(r.text, "coming-noted")
    assert [e.data["answer"] for e in store.all_events() if e.event == "reply"] == ["coming"]


def test_a_page_closed_by_a_no_show_comes_back_when_it_is_undone(client, store, config):
    pid, token = add(store, config, -20, 2)
    store.call_party(at(-12), pid)
    store.remove_party(at(-1), pid, "no_show")
    r = client.get(f"/p/{token}")
    assert r.status_code == 404 and 'id="gone"' in r.text
    seq = re.search(r'data-seq="(\d+)"', r.text).group(1)  # the page still listens
    assert f'data-poll="/p/{token}/live?lang=en"' in r.text
    store.undo(at(0), store.last_event_id())  # the host undoes the no-show
    r = client.get(f"/p/{token}/live?after={seq}&shown=gone")
    assert r.headers["x-kind"] == "update" and 'id="called"' in r.text
    assert client.get(f"/p/{token}").status_code == 200


def test_the_live_poll_brings_a_change_made_at_the_stand(client, store, config):
    pid, token = add(store, config, -5, 2)
    board = client.get("/board").text
    seq = int(re.search(r'data-seq="(\d+)"', board).group(1))
    page_seq = int(re.search(r'data-seq="(\d+)"', client.get(f"/p/{token}").text).group(1))
    store.call_party(at(0), pid)  # the host calls the party at the stand
    r = client.get(f"/board/live?after={seq}")
    assert r.status_code == 200 and int(r.headers["x-seq"]) > seq
    assert "A001" in by_id(r.text, "called-now")
    r = client.get(f"/p/{token}/live?after={page_seq}")
    assert r.status_code == 200 and r.headers["x-kind"] == "update"
    assert 'id="called"' in r.text
    store.seat_party(at(1), pid, next(iter(config.tables)).name)
    r = client.get(f"/p/{token}/live?after={r.headers['x-seq']}")
    assert r.headers["x-kind"] == "gone" and "Enjoy your meal" in r.text


def test_pages_carry_security_headers(client):
    r = client.get("/board")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/live.js").status_code == 200


def test_the_server_may_start_before_the_stand_on_a_new_file(tmp_path, config, clock):
    from starlette.testclient import TestClient

    from queueapp.web.app import create_app

    path = tmp_path / "new.db"
    with TestClient(create_app(config, path, clock)) as client:
        assert "Nobody waiting" in client.get("/board").text
        stand = Store.open(path, config, station="stand")  # the stand starts second
        try:
            pid, token = add(stand, config, -5, 2)
            stand.call_party(at(0), pid)
            assert "A001" in by_id(client.get("/board").text, "called-now")
            assert client.get(f"/p/{token}").status_code == 200
        finally:
            stand.close()
        stand = Store.open(path, config, station="stand")  # the stand restarts
        try:
            stand.seat_party(at(1), pid, next(iter(config.tables)).name)
        finally:
            stand.close()
        r = client.get(f"/p/{token}")
        assert r.status_code == 200 and "Enjoy your meal" in by_id(r.text, "gone")


def test_a_huge_check_in_form_is_refused_before_it_is_read(join_client, store):
    r = join_client.post("/join", headers=ORIGIN,
                         data={"name": "x" * 100_000, "size": "2"})
    assert r.status_code == 413 and 'id="too-long"' in r.text
    assert store.load_room().waiting() == []


def test_the_join_limit_holds_for_simultaneous_posts(join_config, db_path, clock, store):
    """Posts arriving together from one address cannot all pass the limit (it is
    checked and counted in one step), and each saved party is one of the allowed."""
    import asyncio

    import httpx
    from helpers import serving

    from queueapp.web.app import create_app

    async def flood(base: str) -> list[int]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            posts = [http.post("/join", headers={"origin": base},
                               data={"name": f"Flood {n}", "size": "2", "phone": ""})
                     for n in range(20)]
            return [r.status_code for r in await asyncio.gather(*posts)]

    with serving(create_app(join_config, db_path, clock)) as base:
        codes = asyncio.run(flood(base))
    assert sorted(codes).count(303) == 3 and codes.count(429) == 17
    assert len(store.load_room().waiting()) == 3


def form_once(page: str) -> str:
    """The one-time mark of a check-in form as shown."""
    found = re.search(r'<input type="hidden" name="once" value="([^"]+)"', page)
    assert found, "no once mark on the form"
    return found.group(1)


def test_a_check_in_form_posted_twice_adds_one_party(join_client, store):
    """A double tap on a slow network (or a reload that posts again) sends the same form
    twice: the second opens the page of the party the first added, and adds nobody."""
    once = form_once(join_client.get("/join").text)
    typed = {"name": "Slow Sam", "size": "2", "phone": "", "once": once}
    first = join_client.post("/join?lang=en", headers=ORIGIN, data=typed,
                             follow_redirects=False)
    second = join_client.post("/join?lang=zh", headers=ORIGIN, data=typed,
                              follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"].replace("lang=en", "lang=zh")
    assert [p.name for p in store.load_room().waiting()] == ["Slow Sam"]
    # with a phone too: the second is not refused as "already on the list"
    once = form_once(join_client.get("/join").text)
    typed = {"name": "Slow Sue", "size": "3", "phone": "138 1234 5678", "once": once}
    first = join_client.post("/join", headers=ORIGIN, data=typed, follow_redirects=False)
    second = join_client.post("/join", headers=ORIGIN, data=typed, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    assert [p.name for p in store.load_room().waiting()] == ["Slow Sam", "Slow Sue"]
    # each form shown has its own mark
    assert form_once(join_client.get("/join").text) != once


def test_the_same_form_typed_anew_is_a_new_check_in(join_client, store):
    """Back to the form, another name typed over it (a friend's party on the same phone):
    a new party, not the first one's page."""
    once = form_once(join_client.get("/join").text)
    for name in ("Ann", "Bea"):
        r = join_client.post("/join", headers=ORIGIN, follow_redirects=False,
                             data={"name": name, "size": "2", "phone": "", "once": once})
        assert r.status_code == 303
    assert [p.name for p in store.load_room().waiting()] == ["Ann", "Bea"]


def test_a_refused_form_corrected_and_sent_again_is_saved(join_client, store):
    once = form_once(join_client.get("/join").text)
    r = join_client.post("/join", headers=ORIGIN,
                         data={"name": "Li", "size": "99", "phone": "", "once": once})
    assert r.status_code == 400
    r = join_client.post("/join", headers=ORIGIN, follow_redirects=False,
                         data={"name": "Li", "size": "2", "phone": "", "once": once})
    assert r.status_code == 303 and [p.name for p in store.load_room().waiting()] == ["Li"]


def test_a_check_in_form_posted_twice_at_once_adds_one_party(join_config, db_path, clock,
                                                             store):
    """Both posts of a double tap in flight together: one party, and both answers open
    its page."""
    import asyncio

    import httpx
    from helpers import serving

    from queueapp.web.app import create_app

    async def double_tap(base: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            once = form_once((await http.get("/join")).text)
            typed = {"name": "Double Dan", "size": "2", "phone": "", "once": once}
            return list(await asyncio.gather(*[
                http.post("/join", headers={"origin": base}, data=typed) for _ in range(3)]))

    with serving(create_app(join_config, db_path, clock)) as base:
        answers = asyncio.run(double_tap(base))
    assert [r.status_code for r in answers] == [303, 303, 303]
    assert len({r.headers["location"] for r in answers}) == 1
    assert [p.name for p in store.load_room().waiting()] == ["Double Dan"]


def test_a_phone_already_on_the_list_cannot_join_again(join_client, store, config):
    store.add_party(at(-5), 2, "Ann", "+8613800001111", tz=config.timezone, ticket_prefix="A")
    r = join_client.post("/join", headers=ORIGIN,
                         data={"name": "Mallory", "size": "2", "phone": "138 0000 1111"})
    assert r.status_code == 400
    assert "already on the list" in by_id(r.text, "phone-error")
    assert [p.name for p in store.load_room().waiting()] == ["Ann"]
    # the refused form does not count against the address's limit
    for n in range(3):
        r = join_client.post("/join", headers=ORIGIN, data={"name": f"P{n}", "size": "2"},
                             follow_redirects=False)
        assert r.status_code == 303


def test_a_page_open_across_a_server_restart_gets_the_news_at_once(client, store, config):
    """A page that kept its number from before the server restarted (the count starts
    again at 1) is given the newest state, not left waiting for the count to catch up."""
    add(store, config, -5, 2)
    client.get("/board")
    r = client.get("/board/live?after=987654")
    assert r.status_code == 200 and int(r.headers["x-seq"]) < 987654
    assert "A001" in by_id(r.text, "classes")
