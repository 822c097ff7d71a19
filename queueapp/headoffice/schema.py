"""The central PostgreSQL schema, as numbered migrations (``queueapp sync --init``).

``queueapp_schema`` records every migration applied. A sync refuses a database
without it (``--init`` first), one behind this queueapp (``--init`` migrates it) and
one ahead of it (a newer queueapp wrote it; upgrade this one). Append migrations at
the end only.

Tables:

- one per feed (``store/sync.py``: events, parties, gestures, complaints,
  complaint_steps, rescues, rescue_outcomes), keyed by ``(site, local_id)``;
- ``sites``: each store's name, its own random id (a second store claiming the name
  is refused), and what its figures need (time zone, business day start, budget per
  shift);
- ``sync_marks``: per site and feed, the last local id acknowledged (the central
  database is the truth of what it has: a run starts after it);
- ``site_days`` and ``site_shifts``: each store's figures per business day (its local
  date, from the store's ``day_starts``: a service past midnight is one day), recomputed in
  the same transaction as every batch that touches the day (a year of a hundred stores
  is then read in milliseconds, not by scanning tens of millions of rows).

Views: ``complaint_status`` and ``rescue_status`` (as in each store's own file),
``chain_week`` (per store and week) and ``chain_guests`` (returning guests across stores).
The figures are computed as ``queueapp report`` computes them (``review/reports.py``):
:data:`DAY_PARTS` says, line by line, which of its rules each column follows.
"""

from __future__ import annotations

from collections.abc import Callable

from queueapp.store.sync import FEEDS_BY_NAME, Feed

PG_TYPES = {"int": "bigint", "real": "double precision", "text": "text",
            "time": "timestamptz", "json": "jsonb", "person": "text", "guest": "text",
            "shift": "timestamptz"}
KEY_TYPES = {"int": "bigint", "text": "text"}


def feed_table(feed: Feed) -> list[str]:
    """The central table of a feed (and any column added since), idempotently."""
    cols = ", ".join(f"{c.name} {PG_TYPES[c.kind]}" for c in feed.columns)
    sql = [f"CREATE TABLE IF NOT EXISTS {feed.name} (site text NOT NULL REFERENCES "
           f"sites(name), local_id {KEY_TYPES[feed.key]} NOT NULL, {cols}, "
           "synced_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (site, local_id))"]
    sql += [f"ALTER TABLE {feed.name} ADD COLUMN IF NOT EXISTS {c.name} {PG_TYPES[c.kind]}"
            for c in feed.columns]
    return sql


# -- the figures, as queueapp report computes them -------------------------------------
# A party's wait (PartyRow.waited): to its seating, or to its leaving if it was removed;
# in minutes from epoch seconds as double precision, the same arithmetic Python does.
WAITED = ("(extract(epoch FROM coalesce(p.seated_at, CASE WHEN p.status = 'removed' "
          "THEN p.left_at END))::float8 - extract(epoch FROM p.arrived_at)::float8) / 60")
# Report.build: a seated party with a quote has a quote error (quote - waited)
QUOTED = "p.seated_at IS NOT NULL AND p.quoted_minutes IS NOT NULL"
WALKAWAY = "p.status = 'removed' AND p.remove_reason = 'walked_away'"
WITHIN = 5  # reports.WITHIN
LONG_PAST_QUOTE = 10  # reports.LONG_PAST_QUOTE


# the store's day start (sites.day_starts, minutes after local midnight) as an interval
_DAY_START = "make_interval(mins => s.day_starts)"


def local_day(column: str) -> str:
    """The business date of a time (``s``: its row of ``sites``): the local date of the
    day it falls in, days beginning ``day_starts`` after midnight (clock.business_date)."""
    return f"(({column} AT TIME ZONE s.timezone) - {_DAY_START})::date"


def _in_days(column: str) -> str:
    """Rows of the days asked for (``%(days)s``, business dates), by a range the index
    serves: from the first day's start to the start of the day after the last."""
    return (f"{column} >= ((SELECT min(d) FROM unnest(%(days)s::date[]) d)::timestamp "
            f"+ {_DAY_START}) AT TIME ZONE s.timezone AND {column} < (((SELECT max(d) FROM "
            f"unnest(%(days)s::date[]) d) + 1)::timestamp + {_DAY_START}) AT TIME ZONE "
            f"s.timezone AND {local_day(column)} = ANY(%(days)s::date[])")


# one store's figures for some business days: each a sum over the day's rows
DAY_PARTS = f"""
WITH s AS (SELECT name, timezone, day_starts FROM sites WHERE name = %(site)s),
pw AS (SELECT p.*, {WAITED} AS waited FROM parties p, s WHERE p.site = s.name
       AND {_in_days('p.arrived_at')}),
pp AS (SELECT {local_day('p.arrived_at')} AS day,
        count(*) AS parties,                               -- Report.parties
        sum(p.size) AS guests,                             -- Report.guests
        count(p.seated_at) AS seated,                      -- Report.seated
        count(*) FILTER (WHERE {WALKAWAY}) AS walkaways,   -- Report.walkaways
        count(*) FILTER (WHERE {WALKAWAY} AND p.quoted_minutes IS NOT NULL
                         AND p.waited > p.quoted_minutes) AS walkaways_after_quote,
        count(*) FILTER (WHERE p.waited > p.quoted_minutes + {LONG_PAST_QUOTE})
            AS past_quote_10,                              -- Report.past_quote_10
        count(*) FILTER (WHERE {QUOTED}) AS quoted,        -- Accuracy.n
        coalesce(sum(abs(p.quoted_minutes - p.waited)) FILTER (WHERE {QUOTED}), 0)
            AS error_abs,                                  -- Accuracy.mae * n
        coalesce(sum(p.quoted_minutes - p.waited) FILTER (WHERE {QUOTED}), 0)
            AS error_signed,                               -- Accuracy.signed * n
        count(*) FILTER (WHERE {QUOTED} AND abs(p.quoted_minutes - p.waited) <= {WITHIN})
            AS within5                                     -- Accuracy.within5 * n
       FROM pw p, s GROUP BY 1),
gg AS (SELECT {local_day('g.time')} AS day,
        count(*) FILTER (WHERE g.void_of IS NULL) AS given,       -- HostTotals.given
        count(g.void_of) AS voids,                                -- HostTotals.voids
        count(*) FILTER (WHERE g.void_of IS NULL AND EXISTS (SELECT 1 FROM gestures v
            WHERE v.site = g.site AND v.void_of = g.local_id)) AS voided,
        coalesce(sum(g.cost), 0) AS cost                           -- net: voids subtract
       FROM gestures g, s WHERE g.site = s.name AND {_in_days('g.time')} GROUP BY 1),
cc AS (SELECT {local_day('c.recorded_at')} AS day, count(*) AS complaints,
        count(*) FILTER (WHERE c.handled_at IS NULL) AS unhandled,
        count(*) FILTER (WHERE c.rechecked_at IS NULL) AS unrechecked,
        count(*) FILTER (WHERE c.fed_back_at IS NULL) AS still_open
       FROM complaint_status c, s WHERE c.site = s.name AND {_in_days('c.recorded_at')}
       GROUP BY 1),
rr AS (SELECT {local_day('r.time')} AS day, count(*) AS rescues,
        count(*) FILTER (WHERE r.outcome = 'stayed') AS stayed,
        count(*) FILTER (WHERE r.outcome = 'left') AS rescues_left
       FROM rescue_status r, s WHERE r.site = s.name AND {_in_days('r.time')} GROUP BY 1),
days AS (SELECT unnest(%(days)s::date[]) AS day)
SELECT %(site)s, days.day,
    coalesce(pp.parties, 0), coalesce(pp.guests, 0), coalesce(pp.seated, 0),
    coalesce(pp.walkaways, 0), coalesce(pp.walkaways_after_quote, 0),
    coalesce(pp.past_quote_10, 0), coalesce(pp.quoted, 0), coalesce(pp.error_abs, 0),
    coalesce(pp.error_signed, 0), coalesce(pp.within5, 0),
    coalesce(gg.given, 0), coalesce(gg.voids, 0), coalesce(gg.voided, 0),
    coalesce(gg.cost, 0),
    coalesce(cc.complaints, 0), coalesce(cc.unhandled, 0), coalesce(cc.unrechecked, 0),
    coalesce(cc.still_open, 0),
    coalesce(rr.rescues, 0), coalesce(rr.stayed, 0), coalesce(rr.rescues_left, 0)
FROM days LEFT JOIN pp USING (day) LEFT JOIN gg USING (day) LEFT JOIN cc USING (day)
    LEFT JOIN rr USING (day)
WHERE pp.day IS NOT NULL OR gg.day IS NOT NULL OR cc.day IS NOT NULL OR rr.day IS NOT NULL
"""
DAY_COLUMNS = ("site", "day", "parties", "guests", "seated", "walkaways",
               "walkaways_after_quote", "past_quote_10", "quoted", "error_abs",
               "error_signed", "within5", "given", "voids", "voided", "cost", "complaints",
               "unhandled", "unrechecked", "still_open", "rescues", "stayed", "rescues_left")
DAY_TYPES = {"site": "text", "day": "date", "error_abs": "double precision",
             "error_signed": "double precision", "cost": "double precision"}
# the shifts each host gave anything in (a void alone does not count), per business day:
# ReviewQueries.shifts_given_in counts them, and each is one budget_per_shift
SHIFT_PARTS = f"""
WITH s AS (SELECT name, timezone, day_starts FROM sites WHERE name = %(site)s)
SELECT DISTINCT %(site)s, {local_day('g.time')}, g.host, g.shift_start
FROM gestures g, s WHERE g.site = s.name AND g.void_of IS NULL AND {_in_days('g.time')}
"""

# the times whose business days a batch of each feed changes the figures of (``{stage}`` is
# the batch, ``%(site)s`` its store); a feed not listed changes no figure
TOUCHES: dict[str, str] = {
    "parties": "SELECT arrived_at FROM {stage}",
    "gestures": "SELECT time FROM {stage} UNION ALL SELECT o.time FROM gestures o "
                "WHERE o.site = %(site)s AND o.local_id = ANY(ARRAY(SELECT void_of "
                "FROM {stage} WHERE void_of IS NOT NULL))",
    "complaints": "SELECT recorded_at FROM {stage}",
    "complaint_steps": "SELECT c.recorded_at FROM complaints c WHERE c.site = %(site)s "
                       "AND c.local_id = ANY(ARRAY(SELECT complaint_id FROM {stage}))",
    "rescues": "SELECT time FROM {stage}",
    "rescue_outcomes": "SELECT r.time FROM rescues r WHERE r.site = %(site)s "
                       "AND r.local_id = ANY(ARRAY(SELECT rescue_id FROM {stage}))",
}
SHIFTS_FROM = "gestures"  # the only feed that changes site_shifts
# (table, time column) of every row DAY_PARTS counts: the days a store has figures for
DAY_TIMES = (("parties", "arrived_at"), ("gestures", "time"), ("complaints", "recorded_at"),
             ("rescues", "time"))

_SUMS = ", ".join(
    f"sum(d.{c})::{'float8' if DAY_TYPES.get(c) == 'double precision' else 'bigint'} AS {c}"
    for c in DAY_COLUMNS[2:])


def figures_sql(by_week: bool) -> str:
    """Each store's figures over ``site_days`` (per week, or for ``%(first)s`` to
    ``%(last)s``), with the rates the report derives from them."""
    period = "date_trunc('week', d.day)::date" if by_week else "NULL::date"
    where = "" if by_week else "WHERE d.day BETWEEN %(first)s AND %(last)s"
    shifts_where = ("date_trunc('week', x.day)::date = t.period" if by_week
                    else "x.day BETWEEN %(first)s AND %(last)s")
    return f"""
WITH t AS (SELECT d.site, {period} AS period, {_SUMS} FROM site_days d {where}
           GROUP BY d.site, period)
SELECT t.site, t.period AS week, t.parties, t.guests, t.seated,
    t.given - t.voided AS gestures, t.voids, t.given + t.voids AS gesture_rows,
    round(t.cost::numeric, 2)::float8 AS spend,
    s.budget_per_shift * (SELECT count(DISTINCT (x.host, x.shift_start)) FROM site_shifts x
        WHERE x.site = t.site AND {shifts_where}) AS budget,
    CASE WHEN t.parties > 0 THEN 100.0::float8 * (t.given - t.voided) / t.parties END
        AS gestures_per_100,
    t.walkaways, t.walkaways_after_quote, t.rescues, t.stayed, t.rescues_left,
    t.complaints,
    CASE WHEN t.parties > 0 THEN 100.0::float8 * t.complaints / t.parties END AS complaints_per_100,
    t.unhandled, t.unrechecked, t.still_open, t.past_quote_10,
    t.quoted, CASE WHEN t.quoted > 0 THEN t.error_abs / t.quoted END AS quote_mae,
    CASE WHEN t.quoted > 0 THEN t.within5::float8 / t.quoted END AS within5,
    CASE WHEN t.quoted > 0 THEN t.error_signed / t.quoted END AS quote_signed,
    t.error_abs, t.within5 AS within5_n
FROM t JOIN sites s ON s.name = t.site"""


COMPLAINT_STATUS = """
CREATE OR REPLACE VIEW complaint_status AS
SELECT c.site, c.local_id, c.recorded_at, c.party, c.category, c.source,
       h.time AS handled_at, r.time AS rechecked_at, f.time AS fed_back_at
FROM complaints c
LEFT JOIN complaint_steps h ON h.site = c.site AND h.complaint_id = c.local_id
     AND h.step = 'handled'
LEFT JOIN complaint_steps r ON r.site = c.site AND r.complaint_id = c.local_id
     AND r.step = 'rechecked'
LEFT JOIN complaint_steps f ON f.site = c.site AND f.complaint_id = c.local_id
     AND f.step = 'fed_back'"""
RESCUE_STATUS = """
CREATE OR REPLACE VIEW rescue_status AS
SELECT r.site, r.local_id, r.time, r.party, r.host, r.offer,
       CASE WHEN o.outcome IN ('stayed', 'left') THEN o.outcome ELSE '' END AS outcome
FROM rescues r
LEFT JOIN LATERAL (SELECT x.outcome FROM rescue_outcomes x WHERE x.site = r.site
                   AND x.rescue_id = r.local_id ORDER BY x.local_id DESC LIMIT 1) o ON true"""
CHAIN_GUESTS = """
CREATE OR REPLACE VIEW chain_guests AS
SELECT guest, count(*) AS visits, count(DISTINCT site) AS stores, min(arrived_at) AS first,
       max(arrived_at) AS last
FROM parties WHERE guest IS NOT NULL GROUP BY guest"""


def _v1(run: Callable[[str], None]) -> None:
    run("""CREATE TABLE sites (
        name text PRIMARY KEY,
        site_id text NOT NULL UNIQUE,
        restaurant text NOT NULL DEFAULT '',
        timezone text NOT NULL,
        currency text NOT NULL DEFAULT '',
        budget_per_shift double precision NOT NULL DEFAULT 0,
        shift_starts text NOT NULL DEFAULT '',
        registered_at timestamptz NOT NULL DEFAULT now(),
        last_sync_at timestamptz)""")
    run("""CREATE TABLE sync_marks (
        site text NOT NULL REFERENCES sites(name),
        feed text NOT NULL,
        last_id bigint NOT NULL DEFAULT 0,
        rows_sent bigint NOT NULL DEFAULT 0,
        acked_at timestamptz,
        PRIMARY KEY (site, feed))""")
    for name in ("events", "parties", "gestures", "complaints", "complaint_steps", "rescues",
                 "rescue_outcomes"):
        for sql in feed_table(FEEDS_BY_NAME[name]):
            run(sql)
    run("CREATE INDEX parties_arrived ON parties (site, arrived_at)")
    run("CREATE INDEX parties_guest ON parties (guest) WHERE guest IS NOT NULL")
    run("CREATE INDEX gestures_time ON gestures (site, time)")
    run("CREATE INDEX gestures_void ON gestures (site, void_of) WHERE void_of IS NOT NULL")
    run("CREATE INDEX complaints_recorded ON complaints (site, recorded_at)")
    run("CREATE INDEX complaint_steps_of ON complaint_steps (site, complaint_id)")
    run("CREATE INDEX rescues_time ON rescues (site, time)")
    run("CREATE INDEX rescue_outcomes_of ON rescue_outcomes (site, rescue_id, local_id)")
    run("CREATE INDEX events_time ON events (site, time)")
    cols = ", ".join(f"{c} {DAY_TYPES.get(c, 'bigint')} NOT NULL" for c in DAY_COLUMNS)
    run(f"CREATE TABLE site_days ({cols}, PRIMARY KEY (site, day))")
    run("""CREATE TABLE site_shifts (site text NOT NULL, day date NOT NULL, host text NOT NULL,
        shift_start timestamptz NOT NULL, PRIMARY KEY (site, day, host, shift_start))""")
    run(COMPLAINT_STATUS)
    run(RESCUE_STATUS)
    run(CHAIN_GUESTS)
    run(f"CREATE VIEW chain_week AS {figures_sql(by_week=True)}")


def _v2(run: Callable[[str], None]) -> None:
    """Messages to guests: what was sent, by which kind of channel, and how it went."""
    for sql in feed_table(FEEDS_BY_NAME["messages"]):
        run(sql)
    run("CREATE INDEX messages_created ON messages (site, created)")


def _v3(run: Callable[[str], None]) -> None:
    """Each store's business day: its figures' days begin ``day_starts`` minutes after
    local midnight. Stores already here keep midnight (0), so their figures stay as they
    were until a store sends its own day start."""
    run("ALTER TABLE sites ADD COLUMN day_starts integer NOT NULL DEFAULT 0 "
        "CHECK (day_starts >= 0 AND day_starts < 1440)")


# (version, what it does, how): append only
MIGRATIONS: tuple[tuple[int, str, Callable[[Callable[[str], None]], None]], ...] = (
    (1, "feeds, sites, marks, daily figures, chain views", _v1),
    (2, "messages to guests", _v2),
    (3, "each store's business day start", _v3),
)
LATEST = MIGRATIONS[-1][0]
VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS queueapp_schema (version integer PRIMARY KEY, "
                 "about text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
