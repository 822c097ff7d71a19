"""Command-line commands for quotes: ``backtest`` and ``simulate``.

Registered on the main ``queueapp`` group by cli.py. Every bad input ends in a
one-line message and a non-zero exit (click.ClickException), never a traceback.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import click

from queueapp.cli.common import config_or_exit, day_or_exit, obj, store_or_exit
from queueapp.config import Config, ConfigError, Quoting, load_config
from queueapp.i18n import Translator
from queueapp.quotes.backtest import BacktestError, check_events, load_tables, write_quotes_csv
from queueapp.quotes.backtest import backtest as run_backtest
from queueapp.quotes.baselines import all_baselines
from queueapp.quotes.estimator import Estimator
from queueapp.quotes.rule import Quoter
from queueapp.sim.simulator import get_scenario, scenario_names
from queueapp.sim.simulator import simulate as run_simulation
from queueapp.waitlist.events import EventLogError, read_events_csv

QUOTERS = ("estimator", "host-rule", "last-to-enter", "head-of-line", "queue-length", "rule")


def make_quoter(name: str, quoting, tables, joins=(), timezone: str = "UTC") -> Quoter:
    if name == "estimator":
        return Estimator(quoting, tables, timezone, joins)
    key = {"host-rule": "host rule", "rule": "config rule"}.get(name, name)
    return all_baselines(quoting, tables, joins)[key]  # type: ignore[return-value]


def _quoting_from(path: str) -> Quoting:
    """The file's [quoting] when it is a whole queueapp config, else the documented defaults
    (a bare tables file has none)."""
    try:
        return load_config(path).quoting
    except ConfigError:
        return Quoting()


@click.command("backtest")
@click.argument("events_csv", required=False, type=click.Path(dir_okay=False))
@click.option("--tables", "tables_path", type=click.Path(dir_okay=False),
              help="Tables file (TOML with [[tables]]) for EVENTS.csv.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="Write party,quoted_minutes here.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Backtest the app's own history in this SQLite file instead of a CSV.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config with the tables (for --db).")
@click.option("--quoter", type=click.Choice(QUOTERS), default="estimator", show_default=True,
              help="Which quoter to test.")
@click.option("--by-size", is_flag=True, help="Also print the metrics per party size.")
@click.pass_context
def backtest_command(ctx: click.Context, events_csv: str | None, tables_path: str | None,
                     out_path: str | None, db_path: str | None, config_path: str | None,
                     quoter: str, by_size: bool) -> None:
    """How good are the quotes? Re-quote every arrival from what was known then.

    EVENTS.csv --tables TABLES.toml follows the event-log contract; --db uses
    the app's own history with the tables of the config.
    """
    db_path = db_path or (None if events_csv else obj(ctx, "db_path"))
    if events_csv and db_path:
        raise click.ClickException("Give either EVENTS.csv or --db, not both.")
    if events_csv:
        if not tables_path:
            raise click.ClickException("EVENTS.csv needs --tables TABLES.toml.")
        try:
            layout = load_tables(tables_path)
            with open(events_csv, encoding="utf-8", newline="") as fh:
                events = read_events_csv(fh)
        except FileNotFoundError:
            raise click.ClickException(f"{events_csv}: events file not found.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"{events_csv}: cannot read it ({exc}).") from None
        except EventLogError as exc:
            raise click.ClickException(f"{events_csv}: {exc}") from None
        except BacktestError as exc:
            raise click.ClickException(str(exc)) from None
        tables, joins, tz = layout.tables, layout.joins, layout.timezone
        quoting = _quoting_from(tables_path)
        source = events_csv
    elif db_path:
        config = config_or_exit(config_path or obj(ctx, "config_path"))
        store = store_or_exit(db_path, config, must_exist=True)
        events = list(store.all_events(by_time=True))
        tables, joins, tz, quoting = config.tables, config.joins, config.timezone, config.quoting
        source = db_path
    else:
        raise click.ClickException("Give EVENTS.csv --tables TABLES.toml, or --db FILE.")
    try:
        check_events(events, tables)
    except BacktestError as exc:
        raise click.ClickException(f"{source}: {exc}") from None
    started = time.perf_counter()
    result = run_backtest(events, tables, make_quoter(quoter, quoting, tables, joins, tz))
    took = time.perf_counter() - started
    if out_path:
        try:
            with open(out_path, "w", encoding="utf-8", newline="") as fh:
                write_quotes_csv(result, fh)
        except OSError as exc:
            raise click.ClickException(f"{out_path}: cannot write the quotes ({exc}).") from None
    click.echo(f"{source}: {len(events)} events, {quoter} quotes in {took:.1f} s")
    for line in result.metrics.lines():
        click.echo("  " + line)
    if by_size:
        click.echo("  by party size: size, seated, MAE, within 5, signed, waited >5 over")
        for size, m in result.by_size().items():
            if m.seated:
                click.echo(f"  {size:>4} {m.seated:>6} {m.mae:6.1f} {m.within5:7.1%} "
                           f"{m.bias:+6.1f} {m.over5:7.1%}")
    if out_path:
        click.echo(f"Wrote {len(result.rows)} quotes to {out_path}")


backtest = backtest_command


def _parse_start(text: str | None, days: int, config: Config) -> date:
    """``--start``, or the date ``days`` before today's business day (the simulated days
    end where the day being served began)."""
    if not text:
        from queueapp.clock import SystemClock, business_date

        today = business_date(SystemClock().now().float_timestamp, config.timezone,
                              config.day_starts)
        return today - timedelta(days=days)
    # 2026-02-30 is no such day (it was "should be a date like 2026-03-02")
    return day_or_exit(Translator(config.language), "--start", text)


@click.command("simulate")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="SQLite file to fill (created if missing).")
@click.option("--days", type=click.IntRange(1, 3660), required=True,
              help="Days of service to simulate.")
@click.option("--scenario", type=click.Choice(scenario_names()), default="hotpot",
              show_default=True, help="Kind of restaurant.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--start", "start_text", help="First day (YYYY-MM-DD); default: DAYS days ago.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config whose tables are simulated.")
@click.option("--site", default="", help="Site name for head office (queueapp sync), "
              "written into the file.")
@click.pass_context
def simulate(ctx: click.Context, db_path: str | None, days: int, scenario: str, seed: int,
             start_text: str | None, config_path: str | None, site: str) -> None:
    """Fill a database with simulated history, through the app's own store."""
    config = config_or_exit(config_path or obj(ctx, "config_path"))
    db_path = db_path or obj(ctx, "db_path")
    if not db_path:
        from queueapp.store import resolve_db_path

        db_path = str(resolve_db_path(None, config))
    start = _parse_start(start_text, days, config)
    events = run_simulation(config, days, scenario, seed, start)
    store = store_or_exit(db_path, config, must_exist=False)
    from queueapp.sim.demo import write_quoted
    from queueapp.store import StoreError

    parties = sum(1 for e in events if e.event == "arrive")
    click.echo(f"Quoting {parties} simulated parties as the stand would have, each from "
               "what came before it...")
    started = time.perf_counter()
    try:
        n, quotes = write_quoted(store, config, events, seed)
        if site:
            store.sync.set_site_name(site)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except BacktestError as exc:  # the file's own events name tables the config lacks
        raise click.ClickException(f"{db_path}: {exc}") from None
    took = time.perf_counter() - started
    click.echo(f"{db_path}: wrote {n} events ({parties} parties, {days} days of "
               f"{scenario}: {get_scenario(scenario).about}) from {start.isoformat()}.")
    click.echo(f"Quoted them in {took:.1f} s: {quotes.seated} seated parties, mean absolute "
               f"error {quotes.mae:.1f} min, within 5 minutes {quotes.within5:.1%}.")
