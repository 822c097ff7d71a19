"""What every command does first: the config and the database, or a clear message."""

from __future__ import annotations

from pathlib import Path

import click

from queueapp.config import Config, ConfigError, load_config
from queueapp.store import Store, StoreError, resolve_db_path


def obj(ctx: click.Context, key: str) -> str | None:
    """An option given to the main group (``queueapp --db FILE events``)."""
    return (ctx.obj or {}).get(key) if isinstance(ctx.obj, dict) else None


def config_or_exit(path: str | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def store_or_exit(db_path: str | None, config: Config, must_exist: bool = False) -> Store:
    """Open the database. Commands that only read (``must_exist``) open it read-only and
    refuse a file that is not there: a mistyped path must not become an empty database."""
    path = resolve_db_path(db_path, config)
    if must_exist and not Path(path).is_file():
        raise click.ClickException(f"{path}: no such database file. Check the path "
                                   "(--db FILE) or fill one with queueapp simulate.")
    try:
        return Store.open_readonly(path) if must_exist else Store.open(path, config)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
