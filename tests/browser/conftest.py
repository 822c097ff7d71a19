"""Real-browser fixtures: the guest web server served by uvicorn on a free local port
over the test's SQLite file (the stand writes to the same file through its own
connection), and Debian's headless Chromium driven by Playwright.

Playwright's async API on one session-wide event loop: its sync API marks its own loop
as running between calls, which would break every Pilot test sharing the worker.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from browsing import CHROMIUM, CHROMIUM_ARGS, PHONE_VIEW, WAIT_MS, OpenPage, Served
from helpers import config_variant, serving
from playwright.async_api import Browser, Page, async_playwright, expect

from queueapp.clock import FixedClock
from queueapp.config import Config
from queueapp.store import Store
from queueapp.web.app import create_app

expect.set_options(timeout=WAIT_MS)


@pytest.fixture
def served(store: Store, config: Config, db_path: Path, clock: FixedClock
           ) -> Iterator[Served]:
    """``create_app`` on the test's file, with the test's fixed clock, served for real."""
    with serving(create_app(config, db_path, clock)) as base:
        yield Served(base, store, config, clock)


@pytest.fixture
def served_join(store: Store, db_path: Path, clock: FixedClock) -> Iterator[Served]:
    """The same, with self check-in on (``/join``)."""
    config = config_variant(**{"[quoting]\n": "[guests]\nself_check_in = true\n\n[quoting]\n"})
    with serving(create_app(config, db_path, clock)) as base:
        yield Served(base, store, config, clock)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the session (each test gets fresh pages)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: the real-browser tests need it. "
                    "Install Debian's package (apt-get install chromium; .ci/run does) or "
                    "set QUEUEAPP_CHROMIUM to a Chromium binary.", pytrace=False)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                    args=CHROMIUM_ARGS, headless=True)
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def open_page(browser: Browser) -> AsyncIterator[OpenPage]:
    """``await open_page(url, view=PHONE_VIEW, scale=1, no_event_source=False)``: a page
    in a fresh browser context (no shared cookies or cache), closed after the test.
    ``no_event_source``: a browser without EventSource (the page falls back to long
    polls)."""
    contexts = []

    async def factory(url: str, view: dict[str, int] = PHONE_VIEW, scale: float = 1,
                      no_event_source: bool = False) -> Page:
        context = await browser.new_context(viewport=view,  # type: ignore[arg-type]
                                            device_scale_factor=scale,
                                            is_mobile=view == PHONE_VIEW,
                                            has_touch=view == PHONE_VIEW)
        contexts.append(context)
        page = await context.new_page()
        if no_event_source:
            await page.add_init_script("delete window.EventSource;")
        await page.goto(url)
        return page

    yield factory
    for context in contexts:
        await context.close()
