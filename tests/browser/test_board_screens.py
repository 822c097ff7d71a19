"""The waiting-area board fills one screen, whatever the TV: at 1920x1080, 1366x768,
1280x720 and 960x540 nothing scrolls, no text runs over another, the called numbers
and the QR code are whole; on a busy evening with history (the best time to come),
self check-in on and many numbers called. In Chromium against a real uvicorn."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsing import PHONE_VIEW, OpenPage, Served, busy_evening, picture_folder
from helpers import at, config_variant, serving
from playwright.async_api import Page, expect

from queueapp.clock import FixedClock
from queueapp.i18n import Translator
from queueapp.store import Store
from queueapp.web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

SCREENS = [{"width": 1920, "height": 1080}, {"width": 1366, "height": 768},
           {"width": 1280, "height": 720}, {"width": 960, "height": 540}]
JOIN_ON = {"[quoting]\n": "[guests]\nself_check_in = true\n\n[quoting]\n"}
DAY = 24 * 60  # minutes
T = Translator("en")


def three_fridays(store: Store) -> None:
    """The same weekday on the three weeks before: parties from 18:00 to 21:00 (three an
    hour), seated after 40, 30, 15 and 10 minutes: busy hours and a best time to come
    later tonight (21:00) for the board to show."""
    waits = {-60: 40, 0: 30, 60: 15, 120: 10}  # minutes from 19:00: minutes waited
    for week in (1, 2, 3):
        for start, wait in waits.items():
            for n in range(3):
                arrived = -week * 7 * DAY + start + n * 5
                ev = store.add_party(at(arrived), 2, "Past", tz="Asia/Shanghai")
                store.seat_party(at(arrived + wait), ev.party, "A1")
                store.table_departed(at(arrived + wait + 1), "A1")
                store.table_ready(at(arrived + wait + 2), "A1")


async def overflowing(page: Page) -> list[str]:
    """The board's parts whose content runs past their box, and texts that run out of
    their card or over the next one."""
    return list(await page.evaluate("""() => {
        const out = [];
        const cut = (el, name) => {
            if (el && (el.scrollHeight > el.clientHeight + 1 ||
                       el.scrollWidth > el.clientWidth + 1)) out.push(name + " cut");
        };
        document.querySelectorAll(".class").forEach(c => cut(c, c.id));
        cut(document.getElementById("called-now"), "called-now");
        const boxes = [...document.querySelectorAll(
            ".class, #called-now, #busy, #join-here, #paused")];
        for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i].getBoundingClientRect();
                const b = boxes[j].getBoundingClientRect();
                if (a.left < b.right - 1 && b.left < a.right - 1 &&
                    a.top < b.bottom - 1 && b.top < a.bottom - 1) {
                    out.push(boxes[i].id + " over " + boxes[j].id);
                }
            }
        }
        document.querySelectorAll(
                ".class .wait, .class .next, .class h3, .class .count").forEach(t => {
            const card = t.closest(".class").getBoundingClientRect();
            const r = t.getBoundingClientRect();
            if (r.right > card.right + 1 || r.bottom > card.bottom + 1) {
                out.push(t.closest(".class").id + " text out");
            }
        });
        return out;
    }"""))


async def qr_whole(page: Page) -> tuple[dict[str, float], dict[str, float]]:
    """The QR code's box on screen, and the box its drawing (light square and modules)
    takes: equal when the code is scaled whole, bigger when it is cut off."""
    return tuple(await page.evaluate("""() => {
        const svg = document.querySelector("#join-here svg");
        const box = r => ({x: r.x, y: r.y, width: r.width, height: r.height});
        return [box(svg.getBoundingClientRect()),
                box(svg.querySelector("path").getBoundingClientRect())];
    }"""))  # type: ignore[return-value]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s['width']}x{s['height']}")
async def test_the_board_fits_one_screen(store: Store, db_path: Path, clock: FixedClock,
                                         open_page: OpenPage, tmp_path: Path,
                                         screen: dict[str, int], lang: str) -> None:
    config = config_variant(**JOIN_ON)
    three_fridays(store)
    with serving(create_app(config, db_path, clock)) as base:
        served = Served(base, store, config, clock)
        busy_evening(served)
        for ticket in ("B002", "D001", "A002", "B003"):  # seven called in all
            pid = next(p.id for p in store.load_room().waiting() if p.ticket == ticket)
            store.call_party(at(0), pid)
        board = await open_page(served.url(f"/board?lang={lang}"), view=screen)
        await expect(board.locator("#called-now .ticket")).to_have_count(7)
        await expect(board.locator("#called-now .ticket").first).to_have_text("A001")
        best = T("web_busy_best", hour="21:00", minutes=10).split(":")[0] if lang == "en" \
            else "今天稍后等候最短"
        await expect(board.locator("#busy")).to_contain_text(best)
        width, height = screen["width"], screen["height"]
        assert await board.evaluate("document.documentElement.scrollWidth") <= width
        assert await board.evaluate("document.documentElement.scrollHeight") <= height
        picture = picture_folder(tmp_path) / f"board-{lang}-{width}x{height}.png"
        await board.screenshot(path=str(picture))
        assert await overflowing(board) == []
        svg, drawing = await qr_whole(board)
        assert abs(svg["width"] - svg["height"]) < 1 and svg["width"] >= height * 0.15
        assert all(abs(svg[k] - drawing[k]) < 1 for k in svg), (svg, drawing)
        assert svg["y"] + svg["height"] <= height and svg["x"] + svg["width"] <= width


async def test_more_called_than_fit_are_counted_and_all_fits(store: Store, db_path: Path,
                                                             clock: FixedClock,
                                                             open_page: OpenPage) -> None:
    config = config_variant(**JOIN_ON)
    with serving(create_app(config, db_path, clock)) as base:
        served = Served(base, store, config, clock)
        busy_evening(served)
        for party in store.load_room().waiting():
            if party.status == "waiting" and party.ticket:
                store.call_party(at(1), party.id)
        store.set_joining_paused(True)  # the paused banner takes its row too
        board = await open_page(served.url("/board"), view=SCREENS[-1])
        await expect(board.locator("#called-more")).to_have_text(T("web_board_more", n=5))
        await expect(board.locator("#called-now .ticket")).to_have_count(7)
        assert await board.evaluate("document.documentElement.scrollHeight") <= 540
        assert await overflowing(board) == []


def long_evening(served: Served) -> None:
    """Every table taken and four parties waiting in each class, not one called: every
    card shows three next numbers, and the waits (a slow evening's) run past 100 min,
    their ranges the longest the board writes."""
    stand, tz = served.stand, served.config.timezone
    for n, table in enumerate(served.config.tables):
        ev = stand.add_party(at(-20 + n / 10), min(table.seats, 6), f"Seated {n}", tz=tz)
        stand.seat_party(at(-15), ev.party, table.name)
    for n, size in enumerate((2, 4, 6, 8) * 4):
        served.add(-10 + n / 2, size, f"Guest {n}")


def slow_dinners_config():
    """Self check-in on, and dinners of nearly three hours: waits with 3-digit ranges."""
    return config_variant(**JOIN_ON, **{
        'dining_minutes = { "2" = 55, "4" = 70, "6" = 85, "8" = 95, "12" = 110 }':
        'dining_minutes = { "2" = 160, "4" = 170, "6" = 185, "8" = 195, "12" = 210 }'})


@pytest.mark.parametrize("paused", [False, True], ids=["join", "paused"])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s['width']}x{s['height']}")
async def test_long_waits_and_three_next_numbers_fit_every_card(
        store: Store, db_path: Path, clock: FixedClock, open_page: OpenPage, tmp_path: Path,
        screen: dict[str, int], lang: str, paused: bool) -> None:
    """Three next numbers stay on one line and "Waiting: N" stays in its card, with
    3-digit waits, the joining-paused banner, in either language (the count was cut
    off the bottom of the card)."""
    config = slow_dinners_config()
    with serving(create_app(config, db_path, clock)) as base:
        served = Served(base, store, config, clock)
        long_evening(served)
        store.set_joining_paused(paused)
        board = await open_page(served.url(f"/board?lang={lang}"), view=screen)
        await expect(board.locator("#classes .next .ticket")).to_have_count(12)
        waits = await board.locator("#classes .wait").all_inner_texts()
        assert all(any(len(n) == 3 for n in w.replace("–", " ").replace("（", " ").split()
                       if n.isdigit()) for w in waits), waits
        picture = picture_folder(tmp_path) / \
            f"board-long-{lang}-{'paused' if paused else 'join'}-{screen['width']}.png"
        await board.screenshot(path=str(picture))
        assert await board.evaluate("document.documentElement.scrollHeight") <= screen["height"]
        assert await overflowing(board) == []
        for prefix in "ABCD":  # "Waiting: 4" is there to read
            await expect(board.locator(f"#class-{prefix} .count")).to_be_in_viewport(ratio=1)
        lines = await board.evaluate("""() => [...document.querySelectorAll(".class .next")]
            .map(n => new Set([...n.children].map(t => Math.round(t.getBoundingClientRect().top)))
            .size)""")
        assert lines == [1, 1, 1, 1]


async def ranges_split(page: Page, selector: str) -> list[str]:
    """The waits under ``selector`` whose range (``60–100``) is drawn on two lines."""
    return list(await page.evaluate("""(selector) => {
        const out = [];
        document.querySelectorAll(selector).forEach(el => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            const nodes = [];
            let text = "";
            while (walker.nextNode()) {
                nodes.push([walker.currentNode, text.length]);
                text += walker.currentNode.data;
            }
            const match = /\\d+–\\d+/.exec(text);
            if (!match) return;
            const at = offset => {
                for (let i = nodes.length - 1; i >= 0; i--) {
                    if (offset >= nodes[i][1]) return [nodes[i][0], offset - nodes[i][1]];
                }
            };
            const range = document.createRange();
            range.setStart(...at(match.index));
            range.setEnd(...at(match.index + match[0].length - 1));
            range.setEnd(range.endContainer, range.endOffset + 1);
            const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                 .map(r => Math.round(r.top)));
            if (tops.size > 1) out.push(text);
        });
        return out;
    }""", selector))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("screen", [SCREENS[2], PHONE_VIEW], ids=["1280x720", "phone"])
async def test_a_range_is_never_split_across_lines(
        store: Store, db_path: Path, clock: FixedClock, open_page: OpenPage,
        screen: dict[str, int], lang: str) -> None:
    """"about 80 min (60–" on one line and "100)" on the next, at 1280x720 and on a
    phone: a wait's range stays on one line, on the board and on the check-in form."""
    config = slow_dinners_config()
    with serving(create_app(config, db_path, clock)) as base:
        served = Served(base, store, config, clock)
        long_evening(served)
        board = await open_page(served.url(f"/board?lang={lang}"), view=screen)
        await expect(board.locator("#classes .next .ticket")).to_have_count(12)
        assert await ranges_split(board, "#classes .wait") == []
        join = await open_page(served.url(f"/join?lang={lang}"), view=screen)
        await expect(join.locator("#join-waits .wait").first).to_be_visible()
        assert await ranges_split(join, "#join-waits .wait") == []
