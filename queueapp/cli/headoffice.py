"""Command-line commands for head office: ``sync`` and ``chain-report``.

Registered on the main ``queueapp`` group. Every failure (an address that does not
answer, a wrong password, a missing or newer central schema, a site name another store
holds) ends in one clear line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from queueapp.cli.common import config_or_exit, day_or_exit, obj, output
from queueapp.clock import SystemClock, business_date
from queueapp.config import Config
from queueapp.i18n import Translator
from queueapp.store import Store, StoreError, resolve_db_path

if TYPE_CHECKING:  # psycopg loads only when a head office command runs
    from queueapp.headoffice.push import Result


def _store(ctx: click.Context, db_path: str | None, config: Config) -> Store:
    """The restaurant's file, which must exist (sync writes only its own site id)."""
    path = resolve_db_path(db_path or obj(ctx, "db_path"), config)
    t = Translator(config.language)
    if not Path(path).is_file():
        raise click.ClickException(t("err_hq_no_db", path=path))
    try:
        return Store.open(path, config)
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None


def _say_result(t: Translator, result: Result, stamp: bool = False) -> None:
    when = time.strftime("%H:%M:%S ") if stamp else ""
    if not result.total and not result.batches:
        click.echo(when + t("sync_nothing", site=result.site))
        return
    detail = ", ".join(f"{feed} {n:,}" for feed, n in result.rows.items() if n)
    click.echo(when + t("sync_done", site=result.site, rows=f"{result.total:,}",
                        batches=result.batches, detail=detail or "—"))


@click.command("sync")
@click.option("--to", "url", metavar="URL",
              help="Central PostgreSQL (postgresql://…); default [headoffice] url.")
@click.option("--site", default="", help="This store's site name; default [headoffice] site.")
@click.option("--init", "init", is_flag=True,
              help="Create or migrate the central schema, then stop.")
@click.option("--every", type=click.FloatRange(10, 86400), default=None, metavar="SECONDS",
              help="Keep running: send what is new every SECONDS.")
@click.option("--batch", "batch_size", type=click.IntRange(1, 1_000_000), default=None,
              help="Rows per batch and transaction (default 5000).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--db", "db_path", type=click.Path(dir_okay=False))
@click.pass_context
def sync_command(ctx: click.Context, url: str | None, site: str, init: bool,
                 every: float | None, batch_size: int | None, config_path: str | None,
                 db_path: str | None) -> None:
    """Send this restaurant's records to the head office database (no names, phones
    or notes: guests and staff as keyed pseudonyms)."""
    from queueapp.headoffice.push import (
        BATCH,
        HeadOfficeError,
        Target,
        days_moved,
        migrate,
        sync,
    )

    config = config_or_exit(config_path or obj(ctx, "config_path"))
    t = Translator(config.language)
    if init:
        try:
            before, after = migrate(url or config.headoffice.resolved_url())
        except HeadOfficeError as exc:
            raise click.ClickException(t.error(exc)) from None
        click.echo(t("sync_init_current", version=after) if before == after
                   else t("sync_init_done", before=before, version=after))
        return
    store = _store(ctx, db_path, config)
    try:
        target = Target.resolve(config, store, url or "", site)
    except HeadOfficeError as exc:
        raise click.ClickException(t.error(exc)) from None
    errors = (HeadOfficeError, StoreError)

    def told(was: tuple[str, int]) -> None:  # on stderr, even if the run then fails
        when = time.strftime("%H:%M:%S ") if every is not None else ""
        click.echo(when + days_moved(t, target.site, was, config), err=True)

    if every is None:
        try:
            _say_result(t, sync(store, config, target, batch_size or BATCH, moved=told))
        except errors as exc:
            raise click.ClickException(t.error(exc)) from None
        return
    try:
        while True:
            try:
                _say_result(t, sync(store, config, target, batch_size or BATCH, moved=told),
                            stamp=True)
            except errors as exc:  # down or refused: say so, try again next time
                click.echo(time.strftime("%H:%M:%S ") + t("sync_retry", error=t.error(exc),
                                                           seconds=f"{every:g}"), err=True)
            time.sleep(every)
    except KeyboardInterrupt:
        return


def _day(t: Translator, option: str, text: str | None, default: date) -> date:
    if not text:
        return default
    return day_or_exit(t, option, text)


@click.command("chain-report")
@click.option("--pg", "url", metavar="URL",
              help="Central PostgreSQL (postgresql://…); default [headoffice] url.")
@click.option("--from", "date_from", metavar="DATE", help="First day (YYYY-MM-DD, each "
              "store's business date: from its own day_starts); default today.")
@click.option("--to", "date_to", metavar="DATE", help="Last day, inclusive; default --from.")
@click.option("--rank", type=click.Choice(["parties", "gestures_per_100", "within5",
                                           "quote_mae", "complaints_per_100", "past_quote_10",
                                           "walkaways", "spend"]),
              default="parties", show_default=True, help="Order the stores by this figure.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.pass_context
def chain_report(ctx: click.Context, url: str | None, date_from: str | None,
                 date_to: str | None, rank: str, fmt: str, out: str,
                 config_path: str | None) -> None:
    """Every store's figures for some days, ranked, with the chain's totals."""
    from queueapp.headoffice.push import HeadOfficeError
    from queueapp.headoffice.report import build, render

    config = config_or_exit(config_path or obj(ctx, "config_path"))
    t = Translator(config.language)
    # today: the business day this config's restaurant is in (a day runs from day_starts)
    first = _day(t, "--from", date_from,
                 business_date(SystemClock().now().float_timestamp, config.timezone,
                               config.day_starts))
    last = _day(t, "--to", date_to, first)
    if last < first:
        raise click.BadParameter(t("err_dates_order", first=first, last=last))
    try:
        rep = build(url or config.headoffice.resolved_url(), first, last, rank)
    except HeadOfficeError as exc:
        raise click.ClickException(t.error(exc)) from None
    with output(out, t) as fh:
        fh.write(render(rep, fmt, config.language))
