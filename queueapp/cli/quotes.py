"""Command-line commands for quotes: ``backtest`` and ``simulate``.

Registered on the main ``queueapp`` group by cli.py. Every bad input ends in a
one-line message and a non-zero exit (click.ClickException), never a traceback.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import click
from rich.cells import cell_len

from queueapp.cli.common import config_or_exit, day_or_exit, obj, store_or_exit
from queueapp.config import Config, ConfigError, Quoting, load_config
from queueapp.i18n import Translator
from queueapp.quotes.backtest import (
    BacktestError,
    Metrics,
    check_events,
    load_tables,
    write_quotes_csv,
)
from queueapp.quotes.backtest import backtest as run_backtest
from queueapp.quotes.baselines import all_baselines
from queueapp.quotes.estimator import Estimator
from queueapp.quotes.rule import Quoter
from queueapp.sim.simulator import scenario_names
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


def _language(*paths: str | None) -> str:
    """The language of the first config that reads among ``paths`` (None: the usual
    lookup, $QUEUEAPP_CONFIG then ./config.toml); English when none does (a bare events
    file and tables file need no config)."""
    for path in paths:
        try:
            return load_config(path).language
        except ConfigError:
            continue
    return "en"


def metric_lines(m: Metrics, t: Translator) -> list[str]:
    """The backtest's figures, one a line, the values under each other in either
    language (measured in screen cells: a Chinese label is twice as wide)."""
    rows = [(t("bt_quoted"), str(m.parties)), (t("bt_seated"), str(m.seated)),
            (t("bt_mae"), t("bt_minutes", n=f"{m.mae:.1f}")),
            (t("bt_within5"), f"{m.within5:.1%}"),
            (t("bt_bias"), t("bt_bias_value", n=f"{m.bias:+.1f}")),
            (t("bt_over5"), f"{m.over5:.1%}")]
    width = max(cell_len(label) for label, _ in rows) + 3
    return [label + " " * (width - cell_len(label)) + value for label, value in rows]


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
    named = config_path or obj(ctx, "config_path")
    t = Translator(_language(*([named] if named else []),
                             *([tables_path] if events_csv and tables_path else []), None))
    if events_csv and db_path:
        raise click.ClickException(t("bt_not_both"))
    if events_csv:
        if not tables_path:
            raise click.ClickException(t("bt_needs_tables"))
        try:
            layout = load_tables(tables_path)
            with open(events_csv, encoding="utf-8", newline="") as fh:
                events = read_events_csv(fh)
        except FileNotFoundError:
            raise click.ClickException(t("bt_events_missing", path=events_csv)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(t("bt_events_unreadable", path=events_csv,
                                         detail=exc)) from None
        except EventLogError as exc:
            raise click.ClickException(f"{events_csv}: {exc}") from None
        except BacktestError as exc:
            raise click.ClickException(str(exc)) from None
        tables, joins, tz = layout.tables, layout.joins, layout.timezone
        quoting = _quoting_from(tables_path)
        source = events_csv
    elif db_path:
        config = config_or_exit(named)
        t = Translator(config.language)
        store = store_or_exit(db_path, config, must_exist=True)
        events = list(store.all_events(by_time=True))
        tables, joins, tz, quoting = config.tables, config.joins, config.timezone, config.quoting
        source = db_path
    else:
        raise click.ClickException(t("bt_nothing"))
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
            raise click.ClickException(t("bt_cannot_write", path=out_path, detail=exc)) from None
    click.echo(t("bt_head", source=source, events=len(events), quoter=quoter,
                 seconds=f"{took:.1f}"))
    for line in metric_lines(result.metrics, t):
        click.echo("  " + line)
    if by_size:
        click.echo("  " + t("bt_by_size"))
        for size, m in result.by_size().items():
            if m.seated:
                click.echo(f"  {size:>4} {m.seated:>6} {m.mae:6.1f} {m.within5:7.1%} "
                           f"{m.bias:+6.1f} {m.over5:7.1%}")
    if out_path:
        click.echo(t("bt_wrote", n=len(result.rows), path=out_path))


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

    t = Translator(config.language)
    parties = sum(1 for e in events if e.event == "arrive")
    click.echo(t("sim_quoting", parties=parties))
    started = time.perf_counter()
    try:
        n, quotes = write_quoted(store, config, events, seed)
        if site:
            store.sync.set_site_name(site)
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None
    except BacktestError as exc:  # the file's own events name tables the config lacks
        raise click.ClickException(f"{db_path}: {exc}") from None
    took = time.perf_counter() - started
    click.echo(t("sim_wrote", path=db_path, n=n, parties=parties, days=days,
                 scenario=scenario, about=t(f"scenario_{scenario}"), start=start.isoformat()))
    click.echo(t("sim_quoted", seconds=f"{took:.1f}", seated=quotes.seated,
                 mae=f"{quotes.mae:.1f}", within5=f"{quotes.within5:.1%}"))
