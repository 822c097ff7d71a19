"""What the real-browser tests share: a real uvicorn serving the guest web app on a
free local port, the stand's side of the file, Chromium's flags and the screen sizes."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from helpers import at
from playwright.async_api import Page

from queueapp.clock import FixedClock
from queueapp.config import Config
from queueapp.store import Store

# Debian's Chromium (CI installs it); never a downloaded browser
CHROMIUM = Path(os.environ.get("QUEUEAPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # Playwright adds --headless and a fresh --user-data-dir
WAIT_MS = 15000  # the most an expectation waits for a page (a loaded CI machine; the
# 2-second promise is measured in benchmarks/guest_pages.py, not asserted here)
BOARD_VIEW = {"width": 1920, "height": 1080}  # the waiting-area TV
PHONE_VIEW = {"width": 390, "height": 844}  # a guest's phone
# open_page's factory: (url, view=PHONE_VIEW, scale=1, no_event_source=False) -> Page
OpenPage = Callable[..., Awaitable[Page]]


@dataclass
class Served:
    """The server as the tests see it: its address, and the stand's side of the file."""

    base: str
    stand: Store  # the stand's own connection to the file the server reads
    config: Config
    clock: FixedClock

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, minutes: float, size: int, name: str = "Guest") -> tuple[str, str]:
        """The host adds a party as the stand does (with its queue number): (id, token)."""
        ev = self.stand.add_party(at(minutes), size, name, tz=self.config.timezone,
                                  ticket_prefix=self.config.guests.ticket_class(size).prefix)
        return ev.party, self.stand.guest_link(ev.party)


def busy_evening(served: Served) -> str:
    """Every table taken, twelve numbered parties waiting in four classes, three of them
    called; the token of B005's page (four parties ahead of it in its class)."""
    stand, tz = served.stand, served.config.timezone
    for n, table in enumerate(served.config.tables):
        ev = stand.add_party(at(-75 + n), min(table.seats, 6), f"Seated {n}", tz=tz)
        stand.seat_party(at(-70 + n * 2), ev.party, table.name)
    guests = [(2, "Lin"), (4, "Chen"), (3, "Zhao"), (2, "Sun"), (4, "Zhou"), (6, "Wu"),
              (2, "Xu"), (4, "He"), (8, "Guo"), (4, "Ma"), (5, "Luo"), (4, "Wang Fang")]
    ids = {}
    for n, (size, name) in enumerate(guests):
        pid, token = served.add(-40 + n * 3, size, name)
        ids[stand.party(pid).ticket] = (pid, token)  # type: ignore[union-attr]
    for ticket, minutes in (("A001", -6), ("B001", -4), ("C001", -1)):
        stand.call_party(at(minutes), ids[ticket][0])
    return ids["B005"][1]


def picture_folder(tmp_path: Path) -> Path:
    chosen = os.environ.get("QUEUEAPP_SCREENSHOTS", "")
    return Path(chosen) if chosen else tmp_path
