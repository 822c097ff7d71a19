"""What every command does first: the config and the database, or a clear message."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import click

from queueapp.clock import DAY_FORM
from queueapp.config import Config, ConfigError, load_config
from queueapp.i18n import Translator
from queueapp.store import Store, StoreError, resolve_db_path
from queueapp.store.damage import named


def day_or_exit(t: Translator, option: str, text: str) -> date:
    """A day given as YYYY-MM-DD, or a message that says what is wrong with it: the
    form, or (2026-11-31) that there is no such day."""
    if not DAY_FORM.fullmatch(text):
        raise click.BadParameter(t("err_date_format", option=option, date=text))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(t("err_date_missing", option=option, date=text)) from None


def obj(ctx: click.Context, key: str) -> str | None:
    """An option given to the main group (``queueapp --db FILE events``)."""
    return (ctx.obj or {}).get(key) if isinstance(ctx.obj, dict) else None


def config_or_exit(path: str | None) -> Config:
    try:
        return load_config(path, key_names=_key_name_problem)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _key_name_problem(key: str) -> str:
    """What is wrong with a key of [keys], as the stand's keyboard names keys (Textual is
    imported only when the config remaps a key)."""
    from queueapp.ui.keynames import key_problem

    return key_problem(key)


def store_or_exit(db_path: str | None, config: Config, must_exist: bool = False,
                  station: str = "") -> Store:
    """Open the database (as ``station``, the stand's name, for the stand). Commands that
    only read (``must_exist``) open it read-only and refuse a file that is not there: a
    mistyped path must not become an empty database."""
    path = resolve_db_path(db_path, config)
    t = Translator(config.language)
    check_file(path, t, must_exist)
    try:
        store = Store.open_readonly(path) if must_exist else \
            Store.open(path, config, station=station)
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None
    context = click.get_current_context(silent=True)
    if context is not None:  # an error the file raises later is explained from it
        context.meta[OPENED] = (store, config.language)
    return store


def check_file(path: Path, t: Translator, must_exist: bool = True) -> None:
    """A folder named as the database, and (``must_exist``) a file that is not there or
    is empty, each said for what it is."""
    if path.is_dir():
        raise click.ClickException(t("err_db_is_folder", path=path))
    if must_exist and not path.is_file():
        raise click.ClickException(t("err_db_missing", path=path))
    if must_exist and path.stat().st_size == 0:
        raise click.ClickException(t("err_db_empty", path=path))


OPENED = "queueapp.store"  # click's meta: the store the command opened, and its language


class Commands(click.Group):
    """The command group. A database error met after the file was opened (a page found
    damaged half way through an export) ends in the same clear words as one met while
    opening it, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as exc:
            opened = ctx.meta.get(OPENED)
            if opened is None:
                raise
            store, language = opened
            raise click.ClickException(Translator(language).error(store.explain(exc))) \
                from None


@contextmanager
def output(path: str, t: Translator) -> Iterator[TextIO]:
    """The file ``--out`` names (``-``: standard output), written and closed here: a
    full disk or a file that cannot be written ends in a clear message, not a traceback."""
    name = "<stdout>" if path == "-" else path
    try:
        if path == "-":
            yield sys.stdout
            sys.stdout.flush()
        else:
            with _whole_or_nothing(Path(path)) as fh:
                yield fh
    except OSError as exc:
        if path == "-":  # what is still buffered would fail again at exit: drop it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            if isinstance(exc, BrokenPipeError):  # `queueapp events | head`: the reader
                raise click.exceptions.Exit(1) from None  # has all it wanted; no message
        raise click.ClickException(t("err_write_out", path=name,
                                     detail=exc.strerror or exc)) from None


@contextmanager
def _whole_or_nothing(path: Path) -> Iterator[TextIO]:
    """Write a plain file beside ``path`` and put it in place only once it is complete:
    a command that fails half way (a damaged page) leaves no file that looks whole, and
    an older file of that name stays as it was. Written directly instead, as before,
    wherever a replacement would change what the path is: anything but a plain file (a
    pipe, /dev/stdout), a file with other names (hard links), one this user may not
    write (the error says so), or one in a folder this user may not write."""
    try:
        found = os.stat(path)  # through links: what a direct write would write to
    except FileNotFoundError:
        found = None
    real = Path(os.path.realpath(path))
    direct = found is not None and (not stat.S_ISREG(found.st_mode) or found.st_nlink > 1
                                    or not os.access(path, os.W_OK))
    if direct or not os.access(real.parent, os.W_OK):
        with open(path, "w", encoding="utf-8") as fh:
            yield fh
        return
    temp = real.with_name(f".{real.name}.{os.getpid()}.part")
    # created as open() would create the file (the umask applies); an old file's mode kept
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        if found is not None:
            os.chmod(temp, stat.S_IMODE(found.st_mode))
        os.replace(temp, real)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def say_damaged(store: Store, t: Translator) -> None:
    """After a command has read the file: the rows it had to skip, named, on stderr."""
    rows = store.damage.rows()
    if rows:
        click.echo(t("export_skipped", n=len(rows), rows=named(rows)), err=True)
