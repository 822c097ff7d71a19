"""Is the record as it was written? ``queueapp verify``, the app's check at start and the
review's "record verified up to ..." all read :func:`verify`.

It checks that every trigger the app relies on is there as the migrations wrote it,
that the rows keep the rules those triggers enforce (a tool that dropped a trigger
could have written anything), the SHA-256 chain over ``events`` and ``gestures``
(``store/chain.py``), the foreign keys, and SQLite's own ``PRAGMA quick_check``. Each
problem says which table, which row and what is wrong, as an i18n key and values.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from queueapp.store import chain
from queueapp.store.backup import is_busy
from queueapp.store.schema import TRIGGERS
from queueapp.store.times import epoch

if TYPE_CHECKING:
    from queueapp.i18n import Translator
    from queueapp.store.database import Store

LISTED = 20  # rows named per rule broken; the rest are counted

# the rules the insert triggers enforce, re-checked over the rows already there:
# (table, i18n key, SQL giving the ids of the rows that break it)
RULES: tuple[tuple[str, str, str], ...] = (
    ("gestures", "verify_cost_not_number",
     "SELECT id FROM gestures WHERE typeof(cost) NOT IN ('integer', 'real') ORDER BY id"),
    ("gestures", "verify_cost_negative",
     "SELECT id FROM gestures WHERE void_of IS NULL AND cost < 0 ORDER BY id"),
    ("gestures", "verify_void_cost",
     "SELECT v.id FROM gestures v LEFT JOIN gestures o ON o.id = v.void_of "
     "WHERE v.void_of IS NOT NULL AND (o.id IS NULL OR v.cost IS NOT -o.cost "
     "OR o.void_of IS NOT NULL) ORDER BY v.id"),
    ("events", "verify_bad_json",
     "SELECT id FROM events WHERE CASE WHEN json_valid(data) "
     "THEN json_type(data) != 'object' ELSE 1 END ORDER BY id"),
    ("complaint_steps", "verify_step_order",
     "SELECT s.id FROM complaint_steps s WHERE s.step != 'handled' AND NOT EXISTS "
     "(SELECT 1 FROM complaint_steps b WHERE b.complaint_id = s.complaint_id AND b.step = "
     "CASE s.step WHEN 'rechecked' THEN 'handled' ELSE 'rechecked' END) ORDER BY s.id"),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong: an i18n key (``verify_*``) and its values (``table``, ``row``...)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Verdict:
    problems: list[Problem]
    events_upto: int  # the last event id the chain holds up to (before any problem)
    gestures_upto: int
    last_time: float | None  # when the newest of those two rows was written

    @property
    def ok(self) -> bool:
        return not self.problems


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def _triggers(store: Store) -> list[Problem]:
    found = {name: (table, sql) for name, table, sql in store.db.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")}
    problems = []
    for name, sql in TRIGGERS.items():
        table = re.search(r" ON (\w+)", sql)
        where = table.group(1) if table else ""
        if name not in found:
            problems.append(Problem("verify_trigger_missing", {"table": where, "name": name}))
        elif _normal(found[name][1] or "") != _normal(sql):
            problems.append(Problem("verify_trigger_changed", {"table": where, "name": name}))
    return problems


def _rules(store: Store) -> list[Problem]:
    problems = []
    for table, key, sql in RULES:
        ids = [r[0] for r in store.db.execute(sql)]
        problems += [Problem(key, {"table": table, "row": i}) for i in ids[:LISTED]]
        if len(ids) > LISTED:
            problems.append(Problem("verify_more", {"table": table, "n": len(ids) - LISTED}))
    return problems


def _foreign_keys(store: Store) -> list[Problem]:
    rows = store.db.execute("PRAGMA foreign_key_check").fetchall()
    return [Problem("verify_foreign_key", {"table": r[0], "row": r[1], "parent": r[2]})
            for r in rows[:LISTED]]


def _chain(store: Store, table: str) -> tuple[list[Problem], int, str | None]:
    """Walk the chain: an edited row breaks its own hash; a row taken out of the middle
    breaks the next one's. Returns the problems, the last id before the first of them,
    and that row's time."""
    problems: list[Problem] = []
    previous, last_id = "", 0
    good_id, good_time = 0, None
    cols = chain.columns(store.db, table)
    for row in chain.stored_rows(store.db, table):
        row_id, stored = row["id"], row.get("hash")
        try:
            expected = chain.row_hash(table, previous, cols, row)
        except (ValueError, TypeError):  # data that is not JSON: counted by the rules
            expected = ""
        if stored is None:
            problems.append(Problem("verify_no_hash", {"table": table, "row": row_id}))
        elif stored != expected:
            if row_id != last_id + 1:
                key = "verify_row_missing" if row_id == last_id + 2 else "verify_rows_missing"
                problems.append(Problem(key, {"table": table, "row": row_id,
                                              "first": last_id + 1, "last": row_id - 1}))
            else:
                problems.append(Problem("verify_row_changed",
                                        {"table": table, "row": row_id}))
        elif not problems:
            good_id, good_time = row_id, row["time"]
        previous, last_id = stored or "", row_id
        if len(problems) > LISTED:
            problems.append(Problem("verify_more_chain", {"table": table}))
            break
    return problems, good_id, good_time


def verify(store: Store) -> Verdict:
    """Every check; reads only (works on a read-only store). Raises sqlite3's error
    when the file is busy."""
    problems = [Problem("verify_damaged", {"detail": line}) for line in store.quick_check()]
    if problems:  # a damaged file: the rows cannot be trusted enough to read further
        return Verdict(problems, 0, 0, None)
    upto: list[int] = []
    times: list[float] = []
    try:
        problems += _triggers(store)
        problems += _rules(store)
        problems += _foreign_keys(store)
        for table in chain.CHAINED:
            found, good_id, good_time = _chain(store, table)
            problems += found
            upto.append(good_id)
            when = epoch(good_time)
            if when is not None:
                times.append(when)
    except sqlite3.DatabaseError as exc:  # damage quick_check does not see
        if is_busy(exc):
            raise
        problems.append(Problem("verify_damaged", {"detail": str(exc)}))
        return Verdict(problems, 0, 0, None)
    return Verdict(problems, upto[0], upto[1], max(times, default=None))


def when(verdict: Verdict, tz: str) -> str:
    """The time of the newest row verified, in the restaurant's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if verdict.last_time is None:
        return ""
    return datetime.fromtimestamp(verdict.last_time, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def summary(verdict: Verdict, t: Translator, tz: str) -> str:
    """One line: "Record verified up to event N / gesture M, <time>." or how many problems."""
    if not verdict.ok:
        return t("verify_failed", n=len(verdict.problems))
    return t("verify_ok", events=verdict.events_upto, gestures=verdict.gestures_upto,
             time=when(verdict, tz) or t("verify_never"))


def lines(verdict: Verdict, t: Translator, tz: str) -> list[str]:
    """Every problem, one a line, then the summary."""
    return [t(p.key, **p.values) for p in verdict.problems] + [summary(verdict, t, tz)]
