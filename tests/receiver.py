"""A stand-in for a messaging provider: a tiny HTTP server in a thread on a free port,
which Apprise's ``json://`` URL posts to. It records what arrives, and can be told to
refuse (``down``: 503) or to hang (``hang``: hold each request until released)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.down = False
        self.delay = 0.0  # seconds each request takes (a slow provider)
        self.hang = threading.Event()  # set: requests wait until it is cleared
        self.released = threading.Event()
        self.holding = threading.Event()  # set while a request is held by ``hang``
        self.answered = 0  # requests answered (whatever the answer)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(receiver.delay)
                if receiver.hang.is_set():
                    receiver.holding.set()
                    receiver.released.wait(60)
                receiver.answered += 1
                if receiver.down:
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write(b"provider down for maintenance")
                    return
                receiver.received.append(json.loads(body or b"{}"))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """An Apprise URL to this receiver, the guest's number in the payload's ``to``."""
        return self.url_waiting(5)

    def url_waiting(self, seconds: int) -> str:
        """The URL, Apprise waiting up to ``seconds`` for an answer."""
        return f"json://127.0.0.1:{self.port}/sms?:to={{phone}}&cto=2&rto={seconds}"

    def bodies(self) -> list[str]:
        return [r.get("message", "") for r in self.received]

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def messages_config(url: str | list[str], extra: str = "", language: str = "en"):
    """The tests' config with ``[messages]`` sending to ``url`` (or to each of a list)."""
    from helpers import CONFIG_PATH

    from queueapp.config import parse_config

    urls = [url] if isinstance(url, str) else url
    text = CONFIG_PATH.read_text(encoding="utf-8").replace(
        'language = "en"', f'language = "{language}"')
    text += "\n[messages]\nchannels = [" + ", ".join(f'"{u}"' for u in urls) \
        + f"]\n{extra}\n"
    return parse_config(text, CONFIG_PATH)
