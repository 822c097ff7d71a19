"""``queueapp serve``: the guest web server (board, guests' own pages, self check-in)."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import click

from queueapp.cli.common import check_file
from queueapp.config import Guests
from queueapp.i18n import Translator
from queueapp.messages import settings as messages_settings
from queueapp.store import StoreError, resolve_db_path


def check_address(host: str, port: int, t: Translator) -> None:
    """Bind the address once before the server starts, so a port in use or an address
    that is not this machine's ends with a sentence rather than a traceback."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise click.ClickException(t("serve_bad_address", host=host, port=port,
                                     detail=exc)) from None
    family, kind, proto, _, address = infos[0]
    probe = socket.socket(family, kind, proto)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(t("serve_in_use", host=host, port=port)) from None
        raise click.ClickException(t("serve_bad_address", host=host, port=port,
                                     detail=exc.strerror or exc)) from None
    finally:
        probe.close()


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def lan_address() -> str:
    """This machine's address on its network, as phones there would reach it ("" when
    none is found). Nothing is sent: a UDP socket only picks its way out."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # a documentation address: never reached
        address = str(probe.getsockname()[0])
    except OSError:
        return ""
    finally:
        probe.close()
    return "" if address.startswith("127.") or address == "0.0.0.0" else address


def warn_without_public_url(guests: Guests, config_file: str, t: Translator) -> None:
    """Listening beyond this machine with no ``public_url``: guests' links would read
    ``localhost``. Said on stderr at the start, with the line to add."""
    if guests.public_url or guests.listen in LOOPBACK:
        return
    example = f"http://{lan_address() or '192.168.1.20'}:{guests.port}"
    click.echo(t("serve_no_public_url", base=guests.base_url, config=config_file,
                 example=example), err=True)


@click.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: $QUEUEAPP_CONFIG, then ./config.toml).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="SQLite file the stand uses (default: [storage] db in config, then "
                   "queueapp.db in the user data directory).")
@click.option("--demo", "use_demo", is_flag=True,
              help="Serve the file `queueapp demo` keeps (demo.db in the user data directory).")
@click.option("--host", default=None,
              help="Address to listen on (default: [web] listen, 127.0.0.1; 0.0.0.0 for "
                   "the restaurant's network).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port (default: [web] port, 8080).")
@click.pass_context
def serve(ctx: click.Context, config_path: str | None, db_path: str | None,
          use_demo: bool, host: str | None, port: int | None) -> None:
    """Serve the waiting-area board (/board), each guest's own page (/p/...) and,
    when [guests] self_check_in is on, self check-in (/join)."""
    from dataclasses import replace

    import uvicorn

    from queueapp.cli.main import _config, _db
    from queueapp.web.app import create_app

    config = _config(ctx, config_path, use_demo)
    t = Translator(config.language)
    guests = replace(config.guests, listen=host or config.guests.listen,
                     port=port or config.guests.port)
    config = replace(config, guests=guests)
    path = resolve_db_path(_db(ctx, db_path, use_demo, config), config)
    check_file(Path(path), t)  # a mistyped path must not become an empty restaurant
    warn_without_public_url(guests, str(config.path or "config.toml"), t)
    check_address(guests.listen, guests.port, t)
    unset = messages_settings.missing(config.messages)
    if unset:  # the sender and the reply webhook need them: say so before serving
        raise click.ClickException(t("messages_env_missing", name=unset[0][1]))
    try:
        app = create_app(config, path)
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None
    base = guests.base_url
    try:  # the stand's links and QR codes, and messages, point where guests reach us
        app.state.web.store.set_guest_address(base)
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None
    try:  # a damaged file serves pages that say "busy" for ever: say so here, once
        problems = app.state.web.store.quick_check()
    except StoreError:
        problems = []  # held by another program right now: the pages say so, and retry
    if problems:
        click.echo(t("db_check_failed", path=path, detail="; ".join(problems[:3])), err=True)
    join = base + "/join" if guests.self_check_in else t("serve_join_off")
    click.echo(t("serve_listening", name=config.name, db=path, board=base + "/board",
                 join=join))
    uvicorn.run(app, host=guests.listen, port=guests.port, log_level="warning",
                timeout_graceful_shutdown=2)
