"""The board on a 1920x1080 screen and a guest's page on a 390x844 phone, in Chromium,
on a busy evening: they fit their screens (nothing to scroll sideways, the board in one
screen), the numbers are big, and the pictures are taken.

The pictures go to a temporary folder; ``QUEUEAPP_SCREENSHOTS=docs pytest
tests/browser/test_screenshots.py -k en`` writes the README's (docs/board.png,
docs/guest-page.png); the Chinese pages are checked the same way.
"""

from __future__ import annotations

import pytest
from browsing import BOARD_VIEW, PHONE_VIEW, OpenPage, busy_evening, picture_folder
from playwright.async_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

PHONE_SCALE = 2  # a phone's screen has 2-3 device pixels per CSS pixel
PNG = b"\x89PNG\r\n\x1a\n"


async def measure(page: Page, expression: str) -> float:
    return float(await page.evaluate(expression))


async def font_px(page: Page, selector: str) -> float:
    return await measure(page, f"parseFloat(getComputedStyle(document.querySelector("
                               f"{selector!r})).fontSize)")


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_board_on_a_1920x1080_screen(served, open_page: OpenPage, tmp_path, lang):
    busy_evening(served)
    board = await open_page(served.url(f"/board?lang={lang}"), view=BOARD_VIEW)
    # the first called first: its hold runs out first
    await expect(board.locator("#called-now .ticket")).to_have_text(["A001", "B001", "C001"])
    await expect(board.locator("#class-B .next .ticket")).to_have_text(
        ["B002", "B003", "B004"])
    # one screen: nothing to scroll either way on the TV
    assert await measure(board, "document.documentElement.scrollWidth") <= BOARD_VIEW["width"]
    assert await measure(board, "document.documentElement.scrollHeight") \
        <= BOARD_VIEW["height"]
    # the numbers read across the room: the number being called is the biggest thing
    assert await font_px(board, "#called-now .ticket") >= 120
    assert await font_px(board, "#class-B .next .ticket") >= 48
    assert await font_px(board, "#wait-B") >= 36
    picture = picture_folder(tmp_path) / ("board.png" if lang == "en" else "board-zh.png")
    await board.screenshot(path=str(picture))
    assert picture.read_bytes().startswith(PNG)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_guest_page_on_a_390px_phone(served, open_page: OpenPage, tmp_path, lang):
    token = busy_evening(served)
    page = await open_page(served.url(f"/p/{token}?lang={lang}"), view=PHONE_VIEW,
                           scale=PHONE_SCALE)
    await expect(page.locator("#ticket")).to_have_text("B005")
    await expect(page.locator("#position")).to_have_attribute("data-position", "4")
    # fits the phone: nothing wider than the screen, the buttons inside it
    assert await measure(page, "document.documentElement.scrollWidth") <= PHONE_VIEW["width"]
    for button in ("#coming", "#cancel"):
        box = await page.locator(button).bounding_box()
        assert box is not None and box["x"] >= 0 \
            and box["x"] + box["width"] <= PHONE_VIEW["width"], button
        assert box["height"] >= 44, button  # big enough for a thumb
    assert await font_px(page, "#ticket") >= 64
    picture = picture_folder(tmp_path) / ("guest-page.png" if lang == "en"
                                          else "guest-page-zh.png")
    await page.screenshot(path=str(picture))  # what the phone shows, 390x844
    assert picture.read_bytes().startswith(PNG)
