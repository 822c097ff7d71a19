"""The command line: ``queueapp`` starts the host stand; subcommands do the rest."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from queueapp.cli.common import config_or_exit, store_or_exit
from queueapp.cli.quotes import backtest, simulate
from queueapp.config import ENV_VAR, Config
from queueapp.store import Store
from queueapp.waitlist.events import write_events_csv

CONFIG_OPTION = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="Config file (default: $QUEUEAPP_CONFIG, then ./config.toml).")
DB_OPTION = click.option("--db", "db_path", type=click.Path(dir_okay=False),
                         help="SQLite file (default: [storage] db in config, "
                              "then the user data directory).")


def _run_app(config: Config, store: Store) -> None:
    from queueapp.ui.app import QueueApp

    QueueApp(config, store).run()


@click.group(invoke_without_command=True)
@CONFIG_OPTION
@DB_OPTION
@click.version_option(package_name="queueapp")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, db_path: str | None) -> None:
    """queueapp: the host stand of a busy restaurant. With no command, start the app."""
    ctx.ensure_object(dict)
    ctx.obj.update(config_path=config_path, db_path=db_path)
    if ctx.invoked_subcommand is None:
        config = config_or_exit(config_path)
        _run_app(config, store_or_exit(db_path, config))


@main.command()
@CONFIG_OPTION
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Build the demo in this file instead of a temporary one.")
@click.option("--seed", default=7, show_default=True, help="Seed for the simulated evening.")
@click.option("--no-app", is_flag=True, help="Only build the database and print its path.")
@click.pass_context
def demo(ctx: click.Context, config_path: str | None, db_path: str | None, seed: int,
         no_app: bool) -> None:
    """Start on a fresh database in the middle of a busy evening."""
    from queueapp.sim.demo import build_demo

    config = config_or_exit(config_path or ctx.obj.get("config_path") or _bundled_config())
    path = Path(db_path) if db_path else Path(tempfile.mkdtemp(prefix="queueapp-demo-")) / \
        "demo.db"
    if path.exists():
        raise click.ClickException(f"{path} already exists; the demo needs a fresh file.")
    store = store_or_exit(str(path), config)
    build_demo(store, config, seed=seed)
    if no_app:
        click.echo(str(path))
        return
    _run_app(config, store)
    click.echo(f"The demo database is kept at {path}")


def _bundled_config() -> str | None:
    """The example config.toml at the repo root, when neither $QUEUEAPP_CONFIG nor
    ./config.toml names one (so the demo runs from any folder)."""
    if Path("config.toml").exists() or os.environ.get(ENV_VAR):
        return None
    candidate = Path(__file__).resolve().parent.parent.parent / "config.toml"
    return str(candidate) if candidate.exists() else None


@main.command()
@CONFIG_OPTION
@DB_OPTION
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file instead of standard output.")
@click.option("--all-words", is_flag=True,
              help="Also write the app's own words (call, edit) besides the contract's.")
@click.pass_context
def events(ctx: click.Context, config_path: str | None, db_path: str | None, out,
           all_words: bool) -> None:
    """Write the event log as CSV in the contract format (docs/event-log.md)."""
    config = config_or_exit(config_path or ctx.obj.get("config_path"))
    store = store_or_exit(db_path or ctx.obj.get("db_path"), config, must_exist=True)
    n = write_events_csv(store.all_events(by_time=True), out, config.timezone, all_words)
    if out is not sys.stdout and out.name != "<stdout>":
        click.echo(f"Wrote {n} events to {out.name}", err=True)


@main.command("check-config")
@CONFIG_OPTION
@click.pass_context
def check_config(ctx: click.Context, config_path: str | None) -> None:
    """Validate the config; exit non-zero with the reason on error."""
    config = config_or_exit(config_path or ctx.obj.get("config_path"))
    click.echo(f"{config.path}: OK — {config.name}, {len(config.tables)} tables in "
               f"{len(config.sections)} sections, {sum(t.seats for t in config.tables)} seats, "
               f"{len(config.joins)} joins, language {config.language}.")


def _range(config: Config, start: str | None, end: str | None) -> tuple[float, float]:
    """Local dates (YYYY-MM-DD, inclusive) to a UTC range; default: today."""
    import arrow

    tz = config.timezone
    try:
        first = arrow.get(start, "YYYY-MM-DD", tzinfo=tz) if start else \
            arrow.now(tz).floor("day")
        last = arrow.get(end, "YYYY-MM-DD", tzinfo=tz) if end else first
    except (arrow.parser.ParserError, ValueError):
        raise click.BadParameter("dates are written YYYY-MM-DD, e.g. 2026-11-20") from None
    if last < first:
        raise click.BadParameter("--to is before --from")
    return first.float_timestamp, last.shift(days=1).float_timestamp


FROM_OPTION = click.option("--from", "date_from", metavar="DATE",
                           help="First day (YYYY-MM-DD, local); default today.")
TO_OPTION = click.option("--to", "date_to", metavar="DATE",
                         help="Last day, inclusive (YYYY-MM-DD); default the --from day.")


@main.command()
@CONFIG_OPTION
@DB_OPTION
@FROM_OPTION
@TO_OPTION
@click.option("--host", default="", help="Only this host's gestures and parties.")
@click.option("--category", default="", help="Only this gesture or complaint category.")
@click.option("--party", default="", help="Only this party (id or part of a name).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_context
def report(ctx: click.Context, config_path: str | None, db_path: str | None,
           date_from: str | None, date_to: str | None, host: str, category: str, party: str,
           fmt: str, out) -> None:
    """The shift-lead review's figures for a date range."""
    from queueapp.review.exports import render_report
    from queueapp.review.reports import Filters, build

    config = config_or_exit(config_path or ctx.obj.get("config_path"))
    store = store_or_exit(db_path or ctx.obj.get("db_path"), config, must_exist=True)
    start, end = _range(config, date_from, date_to)
    rep = build(store, Filters(start, end, host, category, party), config)
    out.write(render_report(rep, config, fmt))


@main.command()
@click.argument("kind", type=click.Choice(["gestures", "complaints", "parties"]))
@CONFIG_OPTION
@DB_OPTION
@FROM_OPTION
@TO_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_context
def export(ctx: click.Context, kind: str, config_path: str | None, db_path: str | None,
           date_from: str | None, date_to: str | None, fmt: str, out) -> None:
    """Export a log (phones masked, spreadsheet formulas neutralised)."""
    from queueapp.review.exports import export_rows, write_rows
    from queueapp.review.reports import Filters

    config = config_or_exit(config_path or ctx.obj.get("config_path"))
    store = store_or_exit(db_path or ctx.obj.get("db_path"), config, must_exist=True)
    start, end = _range(config, date_from, date_to)
    out.write(write_rows(export_rows(store, kind, Filters(start, end), config), fmt))


main.add_command(backtest)
main.add_command(simulate)
