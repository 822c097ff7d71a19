"""``queueapp lead ...`` and ``queueapp host ...``: the shift leads (their secrets are
kept as hashes in the database, never in the host-readable config) and the roster of
hosts. Every change needs a lead's secret, checked like the stand's PIN: wrong ones
are counted and logged, and too many lock entry for a while."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import arrow
import click

from queueapp.config import Config
from queueapp.goodwill import gestures, roster
from queueapp.goodwill.pins import MIN_PASSPHRASE, MIN_PIN_DIGITS
from queueapp.i18n import Translator
from queueapp.privacy import printable
from queueapp.store import Store, StoreError

T = TypeVar("T")
_CONFIG = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                       help="Config file (default: $QUEUEAPP_CONFIG, then ./config.toml).")
_DB = click.option("--db", "db_path", type=click.Path(dir_okay=False),
                   help="SQLite file (default: [storage] db in config, then queueapp.db "
                        "in the user data directory).")
_DEMO = click.option("--demo", "use_demo", is_flag=True, help="Use the demo's database.")
_LEAD = click.option("--lead", "lead_name", default=None,
                     help="The shift lead whose secret allows the change (asked if left out).")


def _open(ctx: click.Context, config_path: str | None, db_path: str | None,
          use_demo: bool, only_read: bool = False) -> tuple[Config, Store, Translator]:
    """The config and the database; ``only_read`` (the lists) opens the file read-only,
    so a list works on a read-only or busy file, and a mistyped path is not created."""
    from queueapp.cli.common import store_or_exit
    from queueapp.cli.main import _config, _db

    config = _config(ctx, config_path, use_demo)
    store = store_or_exit(_db(ctx, db_path, use_demo, config), config, must_exist=only_read)
    return config, store, Translator(config.language)


def _done(t: Translator, action: Callable[[], T]) -> T:
    """Run a roster change; its refusal as a clear message, not a traceback."""
    try:
        return action()
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None


def _name(t: Translator, name: str) -> str:
    """``name`` as the roster keeps it (control characters dropped, as from a party's
    name); said when that is not what was typed, refused when nothing is left."""
    clean = _done(t, lambda: roster.clean_name(name))
    if clean != " ".join(name.split()):
        click.echo(t("roster_name_cleaned", name=clean), err=True)
    return clean


def _lead_secret(store: Store, config: Config, t: Translator, lead_name: str | None) -> str:
    """Ask a lead for their secret (hidden) and check it; the lead's name when right."""
    names = [lead.name for lead in roster.leads(store, config)]
    if not names:
        raise click.ClickException(t("err_no_leads"))
    name = lead_name or (names[0] if len(names) == 1 else
                         click.prompt(t("cli_your_lead_name"),
                                      type=click.Choice(names, case_sensitive=False)))
    secret = click.prompt(t("cli_lead_secret", name=name), hide_input=True)
    result = _done(t, lambda: gestures.check_lead_pin(store, config, name, secret,
                                                      time.time()))
    if result.ok:
        return result.lead
    if result.status == "locked" and result.locked_until:
        until = arrow.get(result.locked_until).to(config.timezone).format("HH:mm")
        raise click.ClickException(t("pin_locked", time=until))
    raise click.ClickException(t("pin_wrong", n=result.tries_left))


@click.group()
def lead() -> None:
    """Shift leads: add, list, remove (their secrets live in the database)."""


@lead.command("add")
@click.argument("name")
@_LEAD
@_CONFIG
@_DB
@_DEMO
@click.pass_context
def lead_add(ctx: click.Context, name: str, lead_name: str | None, config_path: str | None,
             db_path: str | None, use_demo: bool) -> None:
    """Make NAME a shift lead: an existing lead's secret first (none on first run), then
    NAME's new secret twice (at least 6 digits, or a passphrase of 8+ characters)."""
    config, store, t = _open(ctx, config_path, db_path, use_demo)
    name = _name(t, name)
    if roster.leads(store, config):
        by = _lead_secret(store, config, t, lead_name)
    else:
        click.echo(t("cli_first_lead", name=name))
        by = ""
    secret = click.prompt(t("cli_new_secret", name=name, digits=MIN_PIN_DIGITS,
                            chars=MIN_PASSPHRASE), hide_input=True)
    weak = roster.secret_problem(secret)
    if weak is not None:
        raise click.ClickException(t.error(weak))
    if secret != click.prompt(t("cli_secret_again"), hide_input=True):
        raise click.ClickException(t("err_secrets_differ"))
    added = _done(t, lambda: roster.add_lead(store, config, name, secret, by, time.time()))
    click.echo(t("lead_added", name=added))


@lead.command("list")
@_CONFIG
@_DB
@_DEMO
@click.pass_context
def lead_list(ctx: click.Context, config_path: str | None, db_path: str | None,
              use_demo: bool) -> None:
    """The shift leads (never their secrets)."""
    config, store, t = _open(ctx, config_path, db_path, use_demo, only_read=True)
    rows = store.roster.leads()
    for row in rows:
        created = arrow.get(row.created).to(config.timezone).format("YYYY-MM-DD HH:mm")
        click.echo(t("lead_line", name=printable(row.name, one_line=True), created=created,
                     by=row.created_by or t("nobody")))
    in_table = {roster.normalise_name(row.name) for row in rows}
    for old in config.leads:
        if roster.normalise_name(old.name) not in in_table:
            click.echo(t("lead_line_config", name=old.name))
    if not roster.leads(store, config):
        click.echo(t("err_no_leads"))


@lead.command("remove")
@click.argument("name")
@_LEAD
@_CONFIG
@_DB
@_DEMO
@click.pass_context
def lead_remove(ctx: click.Context, name: str, lead_name: str | None,
                config_path: str | None, db_path: str | None, use_demo: bool) -> None:
    """Take NAME off the shift leads (a lead's secret first; the last lead stays)."""
    config, store, t = _open(ctx, config_path, db_path, use_demo)
    # what cannot be removed is said before any secret is asked for
    found = roster.find_lead(store, config, name)
    if found is None:
        names = [printable(lead.name, one_line=True) for lead in roster.leads(store, config)]
        raise click.ClickException(t("err_no_such_lead", name=printable(name.strip(), True),
                                     names=", ".join(names) or "—"))
    if found not in roster.leads(store, None):  # only config.toml's [[leads]] names them
        raise click.ClickException(t("err_lead_in_config", name=found.name))
    by = _lead_secret(store, config, t, lead_name)
    removed = _done(t, lambda: roster.remove_lead(store, config, name, by, time.time()))
    click.echo(t("lead_removed", name=removed))


@click.group()
def host() -> None:
    """The roster of hosts who can be on duty: add, list, remove (a lead's secret)."""


@host.command("add")
@click.argument("name")
@_LEAD
@_CONFIG
@_DB
@_DEMO
@click.pass_context
def host_add(ctx: click.Context, name: str, lead_name: str | None, config_path: str | None,
             db_path: str | None, use_demo: bool) -> None:
    """Put NAME on the roster of hosts (a lead's secret first)."""
    config, store, t = _open(ctx, config_path, db_path, use_demo)
    name = _name(t, name)
    by = _lead_secret(store, config, t, lead_name)
    added = _done(t, lambda: roster.add_host(store, config, name, by, time.time()))
    click.echo(t("host_added", name=added))


@host.command("remove")
@click.argument("name")
@_LEAD
@_CONFIG
@_DB
@_DEMO
@click.pass_context
def host_remove(ctx: click.Context, name: str, lead_name: str | None,
                config_path: str | None, db_path: str | None, use_demo: bool) -> None:
    """Take NAME off the roster of hosts (only hosts a lead added; a lead's secret first)."""
    config, store, t = _open(ctx, config_path, db_path, use_demo)
    # what cannot be removed is said before any secret is asked for
    found = roster.find_host(store, config, name)
    if found is None:
        names = [printable(h, one_line=True) for h in roster.hosts(store, config)]
        raise click.ClickException(t("err_no_such_host", name=printable(name.strip(), True),
                                     names=", ".join(names) or "—"))
    if found in config.hosts:
        raise click.ClickException(t("err_host_in_config", name=found))
    by = _lead_secret(store, config, t, lead_name)
    removed = _done(t, lambda: roster.remove_host(store, config, name, by, time.time()))
    click.echo(t("host_removed", name=removed))


@host.command("list")
@_CONFIG
@_DB
@_DEMO
@click.pass_context
def host_list(ctx: click.Context, config_path: str | None, db_path: str | None,
              use_demo: bool) -> None:
    """Everyone who can be on duty, then who is on duty at each stand."""
    config, store, t = _open(ctx, config_path, db_path, use_demo, only_read=True)
    added = {row.name: row for row in store.roster.hosts()}
    for name in roster.hosts(store, config):
        row = added.get(name)
        name = printable(name, one_line=True)  # a name kept before the roster dropped them
        if row is None:
            click.echo(t("host_line", name=name))
        else:
            when = arrow.get(row.added_at).to(config.timezone).format("YYYY-MM-DD HH:mm")
            click.echo(t("host_line_added", name=name, added=when, by=row.added_by))
    if not roster.hosts(store, config):
        click.echo(t("hosts_none"))
    for station, on_duty in store.stations.on_duty().items():
        click.echo(t("host_on_duty_at", station=station, host=on_duty))
