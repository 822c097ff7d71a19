"""The server as it runs: uvicorn on a real socket, server-sent events read with httpx,
and ``queueapp serve``'s clear refusals of a port in use or a bad address."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
from click.testing import CliRunner
from helpers import CONFIG_PATH, at, free_port, serving

from queueapp.cli.main import main
from queueapp.web.app import create_app


def events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) pairs from a text/event-stream."""
    kind, data = "", []
    for line in lines:
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])
        elif line == "" and kind:
            yield kind, "\n".join(data)
            kind, data = "", []


def test_server_sent_events_bring_the_hosts_actions_within_two_seconds(store, config, db_path,
                                                                       clock):
    ev = store.add_party(at(-5), 2, "Li", tz=config.timezone, ticket_prefix="A")
    token = store.guest_link(ev.party)
    with serving(create_app(config, db_path, clock)) as base, httpx.Client(timeout=10) as http:
        with http.stream("GET", f"{base}/board/events?after=0") as board:
            stream = events(board.iter_lines())
            kind, data = next(stream)  # the state as it is
            assert kind == "update" and 'id="called-now"' in data and "A001" in data
            started = time.monotonic()
            store.call_party(at(0), ev.party)  # the host calls A001 at the stand
            kind, data = next(stream)
            assert time.monotonic() - started < 2.0
            assert "A001" in data.split('id="classes"')[0]  # in "now calling"
        with http.stream("GET", f"{base}/p/{token}/events?after=0") as page:
            stream = events(page.iter_lines())
            kind, data = next(stream)
            assert kind == "update" and 'id="called"' in data
            table = next(iter(config.tables)).name
            store.seat_party(at(1), ev.party, table)
            kind, data = next(stream)
            assert kind == "gone" and "Enjoy your meal" in data
            # the stream goes on: the host undoes the seat and the page is back at once
            store.undo(at(2), store.last_event_id())
            kind, data = next(stream)
            assert kind == "update" and 'id="called"' in data
            store.seat_party(at(3), ev.party, table)
            kind, data = next(stream)
            assert kind == "gone" and "Enjoy your meal" in data
            store.table_departed(at(60), table)  # the party leaves: the link is over
            kind, data = next(stream)
            assert kind == "gone" and "no longer works" in data


def test_serve_says_clearly_when_the_port_is_taken(store, db_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--config", str(CONFIG_PATH), "--db",
                                           str(db_path), "--port", str(port)])
    assert result.exit_code != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.output
    assert "public_url" not in result.output  # this machine only: links to it work
    assert "Traceback" not in result.output


def test_serve_says_clearly_when_the_address_is_not_this_machines(store, db_path):
    result = CliRunner().invoke(main, ["serve", "--config", str(CONFIG_PATH), "--db",
                                       str(db_path), "--host", "203.0.113.7",
                                       "--port", str(free_port())])
    assert result.exit_code != 0 and "Cannot listen on 203.0.113.7" in result.output
    assert "Traceback" not in result.output


def test_serve_on_the_network_without_public_url_says_how_to_set_it(tmp_path, store,
                                                                   db_path):
    """Guests' links would read localhost, which no phone opens: a warning on stderr at
    the start, with the lines to put in the config (here the port is taken, so the
    server stops right after it)."""
    config = tmp_path / "config.toml"
    config.write_text(CONFIG_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    for public_url, warned in (("", True), ("http://192.168.1.20:8080", False)):
        if public_url:
            with config.open("a", encoding="utf-8") as f:
                f.write(f'\n[web]\npublic_url = "{public_url}"\n')
        with socket.socket() as taken:
            taken.bind(("0.0.0.0", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = CliRunner().invoke(main, ["serve", "--config", str(config), "--db",
                                               str(db_path), "--host", "0.0.0.0",
                                               "--port", str(port)])
        assert result.exit_code != 0 and "already in use" in result.output
        assert ("public_url is not set" in result.stderr) is warned, result.stderr
        if warned:
            assert f"http://localhost:{port}, which a phone cannot open" in result.stderr
            assert str(config) in result.stderr and "[web]\n  public_url = " in result.stderr


def test_serve_refuses_a_database_that_is_not_there(tmp_path):
    """A mistyped --db made a new, empty restaurant whose board said nobody waits."""
    typo = tmp_path / "queu.db"
    result = CliRunner().invoke(main, ["serve", "--config", str(CONFIG_PATH), "--db",
                                       str(typo), "--port", str(free_port())])
    assert result.exit_code == 1 and "no such database file" in result.output
    assert not typo.exists()
