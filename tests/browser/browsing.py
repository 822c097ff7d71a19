"""What the real-browser tests share: a real uvicorn serving the guest web app on a
free local port, the stand's side of the file, Chromium's flags and the screen sizes."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
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
WAIT_MS = 6000  # how long an expectation waits for the page to show a host's action
START_SECONDS = 20.0  # how long the server may take to start
BOARD_VIEW = {"width": 1920, "height": 1080}  # the waiting-area TV
PHONE_VIEW = {"width": 390, "height": 844}  # a guest's phone
# open_page's factory: (url, view=PHONE_VIEW, scale=1, no_event_source=False) -> Page
OpenPage = Callable[..., Awaitable[Page]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: object) -> Iterator[str]:
    """``app`` served by a real uvicorn on a free local port, in a thread; yields its
    base address and stops it (``should_exit``) afterwards."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,  # type: ignore[arg-type]
                                           log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the guest web server did not start on port {port}")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


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
