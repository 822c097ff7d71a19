"""The command line: ``queueapp`` starts the host stand; subcommands do the rest."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import arrow
import click

from queueapp.cli.common import (
    Commands,
    check_file,
    config_or_exit,
    day_or_exit,
    obj,
    output,
    say_damaged,
    store_or_exit,
)
from queueapp.cli.headoffice import chain_report, sync_command
from queueapp.cli.quotes import backtest, simulate
from queueapp.cli.roster import host, lead
from queueapp.cli.serve import serve
from queueapp.complaints.loop import CATEGORIES as COMPLAINT_CATEGORIES
from queueapp.config import (
    ENV_VAR,
    STATION_ENV,
    STATION_MAX,
    Config,
    stand_station,
    station_problem,
)
from queueapp.goodwill.catalogue import CATEGORIES as GESTURE_CATEGORIES
from queueapp.goodwill.catalogue import clock_text
from queueapp.i18n import Translator
from queueapp.store import DB_ERRORS, Store, StoreError, as_store_error, stations
from queueapp.waitlist.events import write_events_csv

CONFIG_OPTION = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="Config file (default: $QUEUEAPP_CONFIG, then ./config.toml).")
DB_OPTION = click.option("--db", "db_path", type=click.Path(dir_okay=False),
                         help="SQLite file (default: [storage] db in config, "
                              "then queueapp.db in the user data directory).")
DEMO_OPTION = click.option("--demo", "use_demo", is_flag=True,
                           help="Use the file `queueapp demo` keeps (demo.db in the user "
                                "data directory) instead of --db.")
STATION_OPTION = click.option("--station", "station", metavar="NAME",
                              help="This stand's name: its host on duty is kept under it "
                                   f"(default: ${STATION_ENV}, then [stand] station, then "
                                   "the computer's name). Give each stand on one file its own.")


def _station(ctx: click.Context, station: str | None, config: Config) -> str:
    """This stand's name (``--station``, ``$QUEUEAPP_STATION``, ``[stand] station``, the
    computer's), or a clear message when it cannot name a stand."""
    name, where = stand_station(station or obj(ctx, "station"), config)
    if station_problem(name):
        raise click.ClickException(Translator(config.language)(
            "err_station_name", where=where, name=name, most=STATION_MAX))
    return name


def _run_app(config: Config, store: Store, notice: str = "") -> None:
    """Run the stand on ``store`` as the station it names (``store.station``), holding
    that name on the file meanwhile: a second stand of the same name is refused, since
    it would share this one's host on duty."""
    from queueapp.ui.app import QueueApp

    try:
        claimed = stations.claim(store.path, store.station)
    except StoreError as exc:
        raise click.ClickException(Translator(config.language).error(exc)) from None
    with claimed:
        app = QueueApp(config, store)
        if notice:  # shown on the first screen (a toast raised before the app runs waits)
            app.notify(notice, timeout=12)
        app.run()


def _wants_demo(ctx: click.Context, use_demo: bool) -> bool:
    return use_demo or bool(obj(ctx, "use_demo"))


def _config(ctx: click.Context, config_path: str | None, use_demo: bool) -> Config:
    """The config; with --demo and none named, the example the demo was built with."""
    path = config_path or obj(ctx, "config_path")
    return config_or_exit(path or (_bundled_config() if _wants_demo(ctx, use_demo) else None))


def _db(ctx: click.Context, db_path: str | None, use_demo: bool, config: Config) -> str | None:
    """--db FILE, or with --demo the demo's file (which must exist), or the default."""
    if not _wants_demo(ctx, use_demo):
        return db_path or obj(ctx, "db_path")
    from queueapp.sim.demo import demo_db_path

    t = Translator(config.language)
    if db_path or obj(ctx, "given_db"):
        raise click.ClickException(t("demo_and_db"))
    path = demo_db_path()
    if not path.is_file():
        raise click.ClickException(t("demo_missing", path=path,
                                     command=shlex.join([*running_program(), "demo"])))
    return str(path)


@click.group(cls=Commands, invoke_without_command=True)
@CONFIG_OPTION
@DB_OPTION
@DEMO_OPTION
@STATION_OPTION
@click.version_option(package_name="queueapp")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, db_path: str | None,
         use_demo: bool, station: str | None) -> None:
    """queueapp: the host stand of a busy restaurant. With no command, start the app."""
    ctx.ensure_object(dict)
    ctx.obj.update(config_path=config_path, db_path=db_path, given_db=bool(db_path),
                   use_demo=use_demo, station=station)
    if use_demo and ctx.invoked_subcommand == "backtest":
        # backtest (cli/quotes.py) reads the group's --db and --config
        from queueapp.sim.demo import demo_db_path

        ctx.obj.update(db_path=db_path or str(demo_db_path()),
                       config_path=config_path or _bundled_config())
    if ctx.invoked_subcommand is None:
        from queueapp.store import resolve_db_path

        config = _config(ctx, config_path, use_demo)
        name = _station(ctx, station, config)
        path = resolve_db_path(_db(ctx, db_path, use_demo, config), config)
        new = not Path(path).exists()
        store = store_or_exit(str(path), config, station=name)
        # a mistyped --db makes a new, empty file: the host sees at once which file it is
        _run_app(config, store, Translator(config.language)("db_created", path=path)
                 if new else "")


@main.command()
@CONFIG_OPTION
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Build the demo in this new file instead of the demo's own "
                   "(demo.db in the user data directory, replaced on each run).")
@click.option("--seed", default=7, show_default=True, help="Seed for the simulated evening.")
@click.option("--no-app", is_flag=True, help="Only build the database and print its path.")
@STATION_OPTION
@click.pass_context
def demo(ctx: click.Context, config_path: str | None, db_path: str | None, seed: int,
         no_app: bool, station: str | None) -> None:
    """Start on a fresh database in the middle of a busy evening.

    Its file stays afterwards: `queueapp report --demo` (or any command with --demo)
    reads it."""
    from queueapp.sim.demo import build_demo, demo_db_path, demo_memo_path

    named = config_path or obj(ctx, "config_path")
    config = config_or_exit(named or _bundled_config())
    t = Translator(config.language)
    if db_path:
        path = Path(db_path)
        if path.exists():
            raise click.ClickException(t("demo_file_exists", path=path))
    else:
        path = demo_db_path()
        _remove_old_demo(path, t)
    # the demo puts its host on duty at this stand, under the name it then runs as
    store = store_or_exit(str(path), config, station=_station(ctx, station, config))

    def quoting(parties: int) -> None:  # the slow part, once per history: say so
        if not no_app:
            click.echo(t("demo_quoting", n=parties))

    build_demo(store, config, seed=seed, memo=demo_memo_path(), quoting=quoting)
    if no_app:
        click.echo(str(path))
        return
    # `report --demo` looks for the config as the demo did; a file of one's own is read
    # with its config named, so the command works from any folder
    command = demo_report_command(path, chosen=bool(db_path),
                                  config=config.path if named or db_path else None,
                                  program=running_program())
    click.echo(t("demo_started", path=path, command=command))
    _run_app(config, store, t("demo_started", path=path, command=command))
    click.echo(t("demo_kept", path=path, command=command))


def running_program() -> list[str]:
    """The words that run this program again from a shell, in any folder: ``queueapp``
    when that name on the PATH is this program; else its path (after the README's
    install it is only in ``.venv/bin``, which is not on the PATH), or, run as
    ``python -m queueapp``, this Python's path and ``-m queueapp``."""
    found = shutil.which("queueapp")
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.stem == "queueapp":  # the installed script
        if found and _same_file(Path(found), argv0):
            return ["queueapp"]
        return [os.path.abspath(argv0)]
    here = Path(sys.executable).parent
    if found and Path(found).parent.resolve() == here.resolve():  # the same install's
        return ["queueapp"]
    return [sys.executable, "-m", "queueapp"]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def demo_report_command(path: Path, chosen: bool, config: Path | None = None,
                        program: Sequence[str] = ("queueapp",)) -> str:
    """How to read the demo afterwards, a command that works as printed, from any folder:
    ``program`` as :func:`running_program` says it; ``--demo`` finds the usual file; a
    file the host chose with ``--db`` is named in full, and so is ``config``, the config
    the demo ran on (else the command's own lookup, the same as the demo's, finds it)."""
    words = [*program, "report"]
    words += ["--db", str(path.resolve())] if chosen else ["--demo"]
    if config is not None:
        words += ["--config", str(config.resolve())]
    return shlex.join(words)


def _remove_old_demo(path: Path, t: Translator) -> None:
    """Each demo starts on a fresh evening: the last one's file (and SQLite's journal
    files beside it) goes first."""
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            old.unlink(missing_ok=True)
        except OSError as exc:
            raise click.ClickException(t("demo_cannot_replace", path=old,
                                         detail=exc.strerror or exc)) from None


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
@DEMO_OPTION
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write to this file instead of standard output.")
@click.option("--all-words", is_flag=True,
              help="Also write the app's own words (call, edit) besides the contract's.")
@click.pass_context
def events(ctx: click.Context, config_path: str | None, db_path: str | None, use_demo: bool,
           out, all_words: bool) -> None:
    """Write the event log as CSV in the contract format (docs/event-log.md)."""
    config = _config(ctx, config_path, use_demo)
    store = store_or_exit(_db(ctx, db_path, use_demo, config), config, must_exist=True)
    from queueapp.privacy import printable

    # ids imported from another system may hold control characters: none reach a terminal
    events = (replace(ev, party=printable(ev.party), table=printable(ev.table))
              for ev in store.all_events(by_time=True))
    t = Translator(config.language)
    with output(out, t) as fh:
        n = write_events_csv(events, fh, config.timezone, all_words)
    if out != "-":
        click.echo(t("events_written", n=n, path=out), err=True)
    say_damaged(store, t)


@main.command("check-config")
@CONFIG_OPTION
@click.pass_context
def check_config(ctx: click.Context, config_path: str | None) -> None:
    """Validate the config; exit non-zero with the reason on error."""
    config = config_or_exit(config_path or ctx.obj.get("config_path"))
    if config.leads:  # still read, but hosts can read the file: move them to the database
        click.echo(Translator(config.language)(
            "warn_config_leads", names=", ".join(lead.name for lead in config.leads)),
            err=True)
    crossing = shift_across_day(config)
    if crossing is not None:
        click.echo(Translator(config.language)(
            "warn_shift_crosses_day", start=clock_text(crossing),
            day=clock_text(config.day_starts)), err=True)
    _check_messages(config)
    click.echo(f"{config.path}: OK — {config.name}, {len(config.tables)} tables in "
               f"{len(config.sections)} sections, {sum(t.seats for t in config.tables)} seats, "
               f"{len(config.joins)} joins, language {config.language}.")


def shift_across_day(config: Config) -> int | None:
    """The start of the goodwill shift that runs on past ``day_starts`` into the next
    business day (None when a shift begins then): the review counts its gestures on two
    days, the header's budget on one shift, so they can disagree after ``day_starts``."""
    starts = sorted(config.goodwill.shift_starts)
    if not starts or config.day_starts in starts:
        return None
    return max((m for m in starts if m < config.day_starts), default=starts[-1])


def _check_messages(config: Config) -> None:
    """``[messages]``: every ``${NAME}`` it reads must be set in the environment (the
    value is never printed); then the channels, masked."""
    from queueapp.messages import settings

    t = Translator(config.language)
    messages = config.messages
    text = config.path.read_text(encoding="utf-8") if config.path else ""
    problems = settings.environment_lines(messages, text)
    if problems:
        raise click.ClickException("\n".join(
            t("err_env_missing", where=f"{config.path}, line {line}" if line else config.path,
              field=fld, name=name) for line, fld, name in problems))
    if messages.enabled:
        click.echo(t("check_messages", n=len(messages.channels),
                     channels=", ".join(settings.masked(u) for u in messages.channels),
                     secret=t("check_secret_set") if messages.webhook_secret
                     else t("check_secret_none")))


def _range(config: Config, start: str | None, end: str | None,
           now: float | None = None) -> tuple[float, float]:
    """Business dates (YYYY-MM-DD, inclusive) to a UTC range, each from ``[restaurant]
    day_starts`` to the next; default: the business day ``now`` (the clock's) is in."""

    from queueapp.clock import FIRST_DAY, LAST_DAY, SystemClock, business_date, business_days

    tz = config.timezone
    t = Translator(config.language)

    def day(option: str, text: str) -> date:
        found = day_or_exit(t, option, text)
        if not FIRST_DAY <= found <= LAST_DAY:
            raise click.BadParameter(t("err_date_range", option=option, date=text,
                                       first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
        return found

    if start:
        first = day("--from", start)
    else:
        when = SystemClock().now().float_timestamp if now is None else now
        first = business_date(when, tz, config.day_starts)
    last = day("--to", end) if end else first
    if last < first:
        raise click.BadParameter(t("err_dates_order" if start else "err_to_before_today",
                                   first=first.isoformat(), last=last.isoformat()))
    return business_days(first, last, tz, config.day_starts)


FROM_OPTION = click.option("--from", "date_from", metavar="DATE",
                           help="First business day (YYYY-MM-DD, local; a day runs from "
                           "[restaurant] day_starts); default today.")
TO_OPTION = click.option("--to", "date_to", metavar="DATE",
                         help="Last day, inclusive (YYYY-MM-DD); default the --from day.")


@main.command()
@CONFIG_OPTION
@DB_OPTION
@DEMO_OPTION
@FROM_OPTION
@TO_OPTION
@click.option("--host", default="", help="Only this host's gestures and parties.")
@click.option("--category", default="", metavar="ID",
              help=f"Only this gesture or complaint category ({', '.join(GESTURE_CATEGORIES)};"
                   f" {', '.join(COMPLAINT_CATEGORIES)}).")
@click.option("--party", default="", help="Only this party (id or part of a name).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.pass_context
def report(ctx: click.Context, config_path: str | None, db_path: str | None, use_demo: bool,
           date_from: str | None, date_to: str | None, host: str, category: str, party: str,
           fmt: str, out) -> None:
    """The shift-lead review's figures for a date range."""
    from queueapp.review.exports import render_report
    from queueapp.review.reports import Filters, build

    config = _config(ctx, config_path, use_demo)
    t = Translator(config.language)
    _check_category(t, category)
    store = store_or_exit(_db(ctx, db_path, use_demo, config), config, must_exist=True)
    start, end = _range(config, date_from, date_to)
    rep = build(store, Filters(start, end, host, category, party), config)
    text = render_report(rep, config, fmt)
    with output(out, t) as fh:
        fh.write(text)
    say_damaged(store, t)
    _say_if_not_begun(t, config, start)


def _check_category(t: Translator, category: str) -> None:
    """A category the report can filter on: a mistyped one (``drinks``) matched nothing,
    and the report said there were no gestures."""
    known = (*GESTURE_CATEGORIES, *COMPLAINT_CATEGORIES)
    if category and category not in known:
        raise click.BadParameter(t("err_report_category", category=category,
                                   choices=", ".join(known)))


def _say_if_not_begun(t: Translator, config: Config, start: float) -> None:
    """A range that begins in the future is all zeros or empty: say why, on stderr (what
    was written stays as it is)."""
    import arrow

    from queueapp.clock import SystemClock

    if start > SystemClock().now().float_timestamp:
        click.echo(t("report_not_begun", start=arrow.get(start).to(config.timezone)
                     .format("YYYY-MM-DD HH:mm")), err=True)


@main.command()
@click.argument("kind", type=click.Choice(["gestures", "complaints", "parties"]))
@CONFIG_OPTION
@DB_OPTION
@DEMO_OPTION
@FROM_OPTION
@TO_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.pass_context
def export(ctx: click.Context, kind: str, config_path: str | None, db_path: str | None,
           use_demo: bool, date_from: str | None, date_to: str | None, fmt: str, out) -> None:
    """Export a log (phones masked, spreadsheet formulas neutralised)."""
    from queueapp.review.exports import export_rows, write_rows
    from queueapp.review.reports import Filters

    config = _config(ctx, config_path, use_demo)
    store = store_or_exit(_db(ctx, db_path, use_demo, config), config, must_exist=True)
    start, end = _range(config, date_from, date_to)
    rows = export_rows(store, kind, Filters(start, end), config)
    text = write_rows(rows, fmt, store.review.log_columns(kind))
    t = Translator(config.language)
    with output(out, t) as fh:
        fh.write(text)
    say_damaged(store, t)
    _say_if_not_begun(t, config, start)


@main.command("backup")
@CONFIG_OPTION
@DB_OPTION
@DEMO_OPTION
@click.option("--to", "to_dir", type=click.Path(file_okay=False),
              help="Folder for the backups (default: backups beside the database).")
@click.option("--keep", type=click.IntRange(1, 1000), default=None,
              help="Timed backups to keep (default: [storage] backup_keep, 7).")
@click.pass_context
def backup_command(ctx: click.Context, config_path: str | None, db_path: str | None,
                   use_demo: bool, to_dir: str | None, keep: int | None) -> None:
    """Copy the database while the stand runs (SQLite's backup API), check the copy,
    and keep the newest N copies. Copies are readable by their owner only."""
    from queueapp.store.backup import backup_folder, make_backup
    from queueapp.store.database import resolve_db_path

    config = _config(ctx, config_path, use_demo)
    t = Translator(config.language)
    path = resolve_db_path(_db(ctx, db_path, use_demo, config), config)
    kept = keep or config.backup_keep
    try:
        result = make_backup(path, time.time(), to_dir, kept)
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None
    folder = backup_folder(path, to_dir)
    click.echo(t("backup_done", path=path, backup=result.path, kept=kept, folder=folder,
                 removed=len(result.removed)))


@main.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False))
@CONFIG_OPTION
@DB_OPTION
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@click.pass_context
def restore_command(ctx: click.Context, backup_file: str, config_path: str | None,
                    db_path: str | None, yes: bool) -> None:
    """Put a backup back as the database (checked first; the database it replaces is
    kept in the backups folder). Stop the stands first if you can."""
    from queueapp.store.backup import check_backup, restore_backup
    from queueapp.store.database import resolve_db_path

    config = _config(ctx, config_path, False)
    t = Translator(config.language)
    path = resolve_db_path(db_path or obj(ctx, "db_path"), config)
    backup = Path(backup_file)
    try:
        check_backup(backup)
        if not yes:
            click.confirm(t("restore_confirm", path=path, backup=backup), abort=True)
        kept = restore_backup(backup, path, time.time())
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None
    click.echo(t("restore_done", backup=backup, path=path))
    if kept is not None:
        click.echo(t("restore_kept", kept=kept))


@main.command()
@click.option("--before", "before_day", required=True, metavar="DATE",
              help="Anonymise what is older than this local day (YYYY-MM-DD).")
@CONFIG_OPTION
@DB_OPTION
@DEMO_OPTION
@click.option("--yes", is_flag=True,
              help="Do not ask before anonymising (for scripts): it cannot be undone.")
@click.pass_context
def purge(ctx: click.Context, before_day: str, config_path: str | None, db_path: str | None,
          use_demo: bool, yes: bool) -> None:
    """Anonymise guests' names, phones and notes older than DATE (counts and reports stay).
    Says how many parties and guests that is and asks first (--yes does not ask)."""
    from queueapp import privacy
    from queueapp.store.database import resolve_db_path

    config = _config(ctx, config_path, use_demo)
    t = Translator(config.language)
    day_or_exit(t, "--before", before_day)  # the form, or no such day (2026-11-31)
    try:
        before = privacy.cutoff(before_day, config.timezone)
    except ValueError:
        raise click.BadParameter(t("purge_bad_date", day=privacy.printable(before_day, True)),
                                 param_hint="--before") from None
    today = arrow.now(config.timezone).floor("day")
    if before > today.float_timestamp:  # a mistyped year would wipe the whole history
        raise click.BadParameter(t("purge_future", day=before_day,
                                   today=today.format("YYYY-MM-DD")), param_hint="--before")
    path = resolve_db_path(_db(ctx, db_path, use_demo, config), config)
    check_file(Path(path), t)  # a mistyped path must not become an empty database
    store = store_or_exit(str(path), config)
    try:
        pending = privacy.to_purge(store, before)
        if not yes and pending.total:  # thousands of guests, for good: say so, and ask
            click.confirm(t("purge_confirm", day=before_day, parties=f"{pending.parties:,}",
                            guests=f"{pending.guests:,}", notes=f"{pending.guest_notes:,}",
                            path=path), abort=True)
        purged = privacy.purge(store, before)
    except StoreError as exc:
        raise click.ClickException(t.error(exc)) from None
    except DB_ERRORS as exc:  # the file is busy (the count reads it): say so
        raise click.ClickException(t.error(as_store_error(exc))) from None
    click.echo(t("purge_done", day=before_day, parties=purged.parties, guests=purged.guests,
                 notes=purged.guest_notes, events=purged.events))


@main.command()
@CONFIG_OPTION
@DB_OPTION
@DEMO_OPTION
@click.pass_context
def verify(ctx: click.Context, config_path: str | None, db_path: str | None,
           use_demo: bool) -> None:
    """Check the record was not altered: triggers, constraints, the hash chain over events
    and gestures, and SQLite's quick_check. Exit 0 when all is well, 1 otherwise."""
    from queueapp.store import integrity

    config = _config(ctx, config_path, use_demo)
    store = store_or_exit(_db(ctx, db_path, use_demo, config), config, must_exist=True)
    try:
        verdict = integrity.verify(store)
    except DB_ERRORS as exc:  # the file is busy: say so, not a traceback
        raise click.ClickException(Translator(config.language).error(as_store_error(exc))) \
            from None
    for line in integrity.lines(verdict, Translator(config.language), config.timezone):
        click.echo(line)
    if not verdict.ok:
        ctx.exit(1)


main.add_command(backtest)
main.add_command(simulate)
main.add_command(sync_command)
main.add_command(chain_report)
main.add_command(lead)
main.add_command(host)
main.add_command(serve)
