"""Sending this restaurant's records to the central database, batch by batch.

Each batch is one PostgreSQL transaction: it checks the feed's mark is still where
this run read it (``FOR UPDATE``: two runs for one store take turns), writes the rows
with ``ON CONFLICT (site, local_id)`` (DO NOTHING for the append-only feeds, DO
UPDATE for parties), recomputes the daily figures of the days it touched, and moves
the mark. A run killed anywhere leaves either the whole batch or none of it, and the
next run starts from the central mark: no duplicates, no gaps.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from queueapp.config import Config
from queueapp.goodwill.catalogue import clock_text
from queueapp.headoffice import schema
from queueapp.headoffice.address import SCHEMES, problem, shown
from queueapp.headoffice.outgoing import Pseudonyms, outgoing
from queueapp.i18n import ENGLISH, Translator
from queueapp.store import Store
from queueapp.store.sync import FEEDS, Batch, Feed

CONNECT_TIMEOUT = 5  # seconds: a server that does not answer is "down", not waited on
BATCH = 5000  # rows (for parties: events) per batch and transaction

Hook = Callable[[str, Batch], None]  # (feed name, batch): tests inject faults here


class HeadOfficeError(Exception):
    """The sync or the chain report cannot go on; ``key`` and ``values`` name the words
    in ``queueapp.i18n`` (``str()`` is the English)."""

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values

    def __str__(self) -> str:
        return ENGLISH(self.key, **self.values)


def where(url: str) -> str:
    """``user@host:port/db`` for messages (never the password)."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.Error:
        return "?"
    user = f"{info['user']}@" if info.get("user") else ""
    host = str(info.get("host") or "localhost").rsplit("@", 1)[-1]  # an unescaped @ in a password
    return f"{user}{host}:{info.get('port') or 5432}/{info.get('dbname') or ''}"


def _explain(exc: psycopg.Error, url: str) -> HeadOfficeError:
    text = str(exc).strip()
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return HeadOfficeError("err_hq_password", where=where(url))
    if "does not exist" in low and "database" in low:
        return HeadOfficeError("err_hq_no_database", where=where(url))
    if isinstance(exc, psycopg.OperationalError):
        return HeadOfficeError("err_hq_unreachable", where=where(url),
                               detail=text.splitlines()[-1].strip() if text else type(exc).__name__)
    return HeadOfficeError("err_hq_failed", where=where(url), detail=text.splitlines()[0])


@contextmanager
def connect(url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection to the central database; every failure as a HeadOfficeError."""
    if not url:
        raise HeadOfficeError("err_hq_no_url")
    if not url.startswith(SCHEMES):
        raise HeadOfficeError("err_hq_url", url=shown(url))
    wrong = problem(url)  # libpq's reading of it, before any connection
    if wrong:
        raise HeadOfficeError("err_hq_url_unreadable", url=shown(url), detail=wrong)
    try:
        conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True,
                               application_name="queueapp sync")
    except psycopg.ProgrammingError:
        raise HeadOfficeError("err_hq_url", url=shown(url)) from None
    except psycopg.Error as exc:
        raise _explain(exc, url) from None
    try:
        with conn:
            yield conn
    except psycopg.Error as exc:
        raise _explain(exc, url) from None


def schema_version(conn: psycopg.Connection[Any]) -> int | None:
    """The central schema's version, or None where it was never created."""
    found = conn.execute("SELECT to_regclass('queueapp_schema')").fetchone()
    if not found or found[0] is None:
        return None
    row = conn.execute("SELECT max(version) FROM queueapp_schema").fetchone()
    return row[0] if row and row[0] is not None else None


def migrate(url: str) -> tuple[int, int]:
    """Create or bring the central schema up to date: (version before, after)."""
    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('queueapp_schema'))")
        conn.execute(schema.VERSION_TABLE)
        before = schema_version(conn) or 0
        if before > schema.LATEST:
            raise HeadOfficeError("err_hq_schema_newer", where=where(url), version=before,
                                  known=schema.LATEST)
        for version, about, run in schema.MIGRATIONS:
            if version > before:
                run(lambda text: conn.execute(text))  # type: ignore[arg-type]
                conn.execute("INSERT INTO queueapp_schema (version, about) VALUES (%s, %s)",
                             [version, about])
        return before, schema.LATEST


def check_schema(conn: psycopg.Connection[Any], url: str) -> None:
    version = schema_version(conn)
    if version is None:
        raise HeadOfficeError("err_hq_no_schema", where=where(url))
    if version > schema.LATEST:
        raise HeadOfficeError("err_hq_schema_newer", where=where(url), version=version,
                              known=schema.LATEST)
    if version < schema.LATEST:
        raise HeadOfficeError("err_hq_schema_older", where=where(url), version=version,
                              known=schema.LATEST)


@dataclass
class Target:
    """Where and as whom: the central URL, this store's site name, the chain key."""

    url: str
    site: str
    key: str

    @classmethod
    def resolve(cls, config: Config, store: Store, url: str = "", site: str = "") -> Target:
        """``--to``/``--site``, else ``[headoffice]`` (or the environment), else the site
        name ``simulate --site`` wrote into the file. No key, no sync."""
        ho = config.headoffice
        target = cls(url or ho.resolved_url(), site or ho.site or store.sync.site_name(),
                     ho.resolved_key())
        if not target.url:
            raise HeadOfficeError("err_hq_no_url")
        if not target.site:
            raise HeadOfficeError("err_hq_no_site")
        if not target.key:
            raise HeadOfficeError("err_hq_no_key")
        return target


@dataclass
class Result:
    site: str
    rows: dict[str, int] = field(default_factory=dict)  # feed -> rows sent this run
    batches: int = 0
    # the time zone and day start head office counted this store's days by before this
    # run, when this run moved them (every daily figure recounted): worth telling, since
    # two terminals whose configs disagree would move them back and forth
    days_were: tuple[str, int] | None = None

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def days_moved(t: Translator, site: str, was: tuple[str, int], config: Config) -> str:
    """What to tell when a run moved the store's days at head office from ``was`` (its
    time zone and day start before) to the config's."""

    def when(zone: str, minutes: int) -> str:
        return f"{clock_text(minutes)} ({zone})"

    return t("hq_days_moved", site=site, was=when(*was),
             now=when(config.timezone, config.day_starts))


def claim(conn: psycopg.Connection[Any], site: str, site_id: str,
          config: Config) -> tuple[str, int] | None:
    """Register this store under ``site`` (or check it is the one registered there), and
    record what its figures need. Another store with the same name is refused. A store
    whose days now begin elsewhere (its time zone or ``day_starts`` changed) has all its
    daily figures recomputed on the new days, in the same transaction: no figure of the
    chain is left counted on the old ones. Returns the old (time zone, day start) then."""
    with conn.transaction():
        row = conn.execute("SELECT name FROM sites WHERE site_id = %s", [site_id]).fetchone()
        if row and row[0] != site:
            raise HeadOfficeError("err_hq_site_renamed", site=site, known=row[0])
        values = [config.name, config.timezone, config.day_starts, config.currency,
                  config.goodwill.budget_per_shift,
                  " ".join(clock_text(m) for m in config.goodwill.shift_starts)]
        conn.execute("INSERT INTO sites (name, site_id, restaurant, timezone, day_starts, "
                     "currency, budget_per_shift, shift_starts) VALUES (%s, %s, %s, %s, %s, "
                     "%s, %s, %s) ON CONFLICT (name) DO NOTHING", [site, site_id, *values])
        owner = conn.execute("SELECT site_id, timezone, day_starts FROM sites WHERE name = %s "
                             "FOR UPDATE", [site]).fetchone()
        if owner is None or owner[0] != site_id:
            raise HeadOfficeError("err_hq_site_clash", site=site)
        conn.execute("UPDATE sites SET restaurant = %s, timezone = %s, day_starts = %s, "
                     "currency = %s, budget_per_shift = %s, shift_starts = %s WHERE name = %s",
                     [*values, site])
        moved = (owner[1], owner[2]) != (config.timezone, config.day_starts)
        if moved:
            with conn.cursor() as cur:
                redo_days(cur, site)
        conn.execute("INSERT INTO sync_marks (site, feed) SELECT %s, unnest(%s::text[]) "
                     "ON CONFLICT DO NOTHING", [site, [f.name for f in FEEDS]])
    return (owner[1], owner[2]) if moved else None


def _same_file(conn: psycopg.Connection[Any], store: Store, site: str, feed: Feed) -> None:
    """Refuse a file that went back in time (put back from a backup, or copied): its
    ids run below head office's mark, or the row head office holds at the mark is not
    this file's row there. Sending it would leave gaps and mix two histories."""
    central, local = _mark(conn, site, feed), store.sync.top(feed)
    same = central <= local
    if same and central:
        stamp = store.sync.stamp(feed, central)
        if stamp is not None:
            column, here = stamp
            row = conn.execute(sql.SQL("SELECT extract(epoch FROM {}) FROM {} WHERE site = %s "
                                       "AND local_id = %s").format(
                sql.Identifier(column), sql.Identifier(feed.name)), [site, central]).fetchone()
            there = None if row is None or row[0] is None else float(row[0])
            same = here is not None and there is not None and abs(here - there) < 0.01
    if not same:
        raise HeadOfficeError("err_hq_file_behind", site=site, feed=feed.name,
                              central=central, local=local)


class _Moved(Exception):
    """The mark moved under this run (another run for the same store sent the batch)."""


def _mark(conn: psycopg.Connection[Any], site: str, feed: Feed) -> int:
    row = conn.execute("SELECT last_id FROM sync_marks WHERE site = %s AND feed = %s",
                       [site, feed.name]).fetchone()
    return int(row[0]) if row else 0


def _send(conn: psycopg.Connection[Any], batch: Batch, site: str, names: Pseudonyms,
          config: Config, inside: Hook | None) -> None:
    """One batch, one transaction: rows, the figures of the days they touch, the mark."""
    feed = batch.feed
    with conn.transaction(), conn.cursor() as cur:
        row = cur.execute("SELECT last_id FROM sync_marks WHERE site = %s AND feed = %s "
                          "FOR UPDATE", [site, feed.name]).fetchone()
        if row is None or int(row[0]) != batch.after:
            raise _Moved
        if batch.rows:
            table = sql.Identifier(feed.name)
            stage = sql.Identifier(f"stage_{feed.name}")
            cols = sql.SQL(", ").join(map(sql.Identifier, ("site", "local_id",
                                                           *feed.column_names)))
            # a staging table per feed and connection, emptied at every commit
            cur.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING "
                                "DEFAULTS) ON COMMIT DELETE ROWS").format(stage, table))
            with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(stage, cols)) as copy:
                for values in outgoing(batch, site, names, config):
                    copy.write_row(values)
            if feed.upsert:
                sets = sql.SQL(", ").join(
                    sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c))
                    for c in (*feed.column_names, "synced_at"))
                conflict: sql.Composable = sql.SQL("DO UPDATE SET {}").format(sets)
            else:
                conflict = sql.SQL("DO NOTHING")
            cur.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} "
                                "ON CONFLICT (site, local_id) {}").format(
                table, cols, cols, stage, conflict))
            touches = schema.TOUCHES.get(feed.name)
            if touches:
                days = [r[0] for r in cur.execute(
                    f"SELECT DISTINCT {schema.local_day('x.t')} FROM ("
                    + touches.format(stage=f"stage_{feed.name}") + ") x(t), sites s "
                    "WHERE s.name = %(site)s AND x.t IS NOT NULL", {"site": site})]
                refresh_days(cur, site, days, shifts=feed.name == schema.SHIFTS_FROM)
        if batch.gone:  # parties undone here (an undone arrival): gone centrally too
            days = [r[0] for r in cur.execute(
                sql.SQL("DELETE FROM {} p USING sites s WHERE p.site = %s AND s.name = p.site "
                        "AND p.local_id = ANY(%s) RETURNING "
                        + schema.local_day("p.arrived_at")).format(sql.Identifier(feed.name)),
                [site, list(batch.gone)])]
            refresh_days(cur, site, sorted(set(days)), shifts=False)
        if inside is not None:
            inside(feed.name, batch)
        cur.execute("UPDATE sync_marks SET last_id = %s, rows_sent = rows_sent + %s, "
                    "acked_at = now() WHERE site = %s AND feed = %s",
                    [batch.mark, len(batch.rows), site, feed.name])


def refresh_days(cur: psycopg.Cursor[Any], site: str, days: list[dt.date],
                 shifts: bool = True) -> None:
    """Recompute a store's daily figures for ``days`` from the rows now there (and the
    shifts each host gave in, when gestures came)."""
    if not days:
        return
    params = {"site": site, "days": days}
    cur.execute("DELETE FROM site_days WHERE site = %(site)s AND day = ANY(%(days)s::date[])",
                params)
    cur.execute(f"INSERT INTO site_days ({', '.join(schema.DAY_COLUMNS)}) {schema.DAY_PARTS}",
                params)
    if not shifts:
        return
    cur.execute("DELETE FROM site_shifts WHERE site = %(site)s "
                "AND day = ANY(%(days)s::date[])", params)
    cur.execute(f"INSERT INTO site_shifts (site, day, host, shift_start) {schema.SHIFT_PARTS}",
                params)


def redo_days(cur: psycopg.Cursor[Any], site: str) -> None:
    """Every daily figure of a store again, on the days its ``sites`` row now says."""
    cur.execute("DELETE FROM site_days WHERE site = %s", [site])
    cur.execute("DELETE FROM site_shifts WHERE site = %s", [site])
    times = " UNION ".join(f"SELECT DISTINCT {schema.local_day(f'x.{column}')} FROM {table} x, "
                           "sites s WHERE s.name = %(site)s AND x.site = s.name"
                           for table, column in schema.DAY_TIMES)
    refresh_days(cur, site, [r[0] for r in cur.execute(times, {"site": site})])


def sync(store: Store, config: Config, target: Target, batch_size: int = BATCH,
         between: Hook | None = None, inside: Hook | None = None,
         stop: threading.Event | None = None,
         moved: Callable[[tuple[str, int]], object] | None = None) -> Result:
    """Send everything new since the last acknowledged batch of every feed.

    ``between`` runs after each committed batch, ``inside`` inside each batch's
    transaction before its mark moves (tests put faults there); ``stop`` ends the run
    after the current batch (the app quitting). ``moved`` hears the store's old (time
    zone, day start) as soon as this run has moved its days, before anything is sent:
    the move is committed then, and must be told even if a batch then fails."""
    names = Pseudonyms(target.key, config.country)
    site_id = store.sync.site_id()
    result = Result(target.site)
    with connect(target.url) as conn:
        check_schema(conn, target.url)
        result.days_were = claim(conn, target.site, site_id, config)
        if result.days_were is not None and moved is not None:
            moved(result.days_were)
        for feed in FEEDS:
            _same_file(conn, store, target.site, feed)
        for feed in FEEDS:
            while not (stop is not None and stop.is_set()):
                after = _mark(conn, target.site, feed)
                batch = store.sync.batch(feed, after, batch_size)
                if batch.mark == after:
                    break
                try:
                    _send(conn, batch, target.site, names, config, inside)
                except _Moved:
                    continue
                result.rows[feed.name] = result.rows.get(feed.name, 0) + len(batch.rows)
                result.batches += 1
                if between is not None:
                    between(feed.name, batch)
        conn.execute("UPDATE sites SET last_sync_at = now() WHERE name = %s", [target.site])
    return result
