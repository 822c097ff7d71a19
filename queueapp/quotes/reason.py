"""Why a quote is what it is: a short, true sentence from the estimator's own walk.

The walk records, for the party being quoted, which table class it was seated at in
each sample and how many tables of that class had to free for it (the parties ahead
seated there first, who did not walk away, plus its own). :func:`explain` turns the
typical sample into :class:`Reason` parts (an i18n key and its values: no words in
the core); :func:`say` renders them in the reader's language, e.g. "2 parties ahead
for a table for 4; 3 must free up, the last in about 12 min".
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from queueapp.i18n import Translator
from queueapp.quotes.walk import HELD, JOIN_KEY, MARK, Trace, key_seats

if TYPE_CHECKING:
    from queueapp.quotes.rule import Quote

NOW = 0.5  # a median wait this short (minutes) is "a table is free now"


@dataclass(frozen=True)
class Reason:
    """One part of a quote's explanation: an i18n key and its (whole-number) values.

    ``seats`` and ``joined`` name a table class; :func:`say` turns them into the
    ``{table}`` words ("table for 4", "4人桌").
    """

    key: str
    values: tuple[tuple[str, int], ...] = ()


def explain(samples: Sequence[float], trace: Trace, size: int,
            point: float | None = None) -> tuple[Reason, ...]:
    """The reason the walk gives for a party's sampled waits (minutes from now): the
    table class it was seated at most often, and in those samples the median number
    of tables of that class that had to free for it and when. With ``point`` (the
    quote's minutes, raised above the median for safety) the sample at the quote
    stands in for the median, so the reason never says less than the quote does."""
    marks = trace.marks
    n = len(marks)
    if not n:
        return ()
    ordered = sorted(samples)
    by_mark = sorted(marks)
    # the sample the quote stands on: the median, or where the quote's own point falls
    # when it was raised above the median (so the reason's minutes are the quote's)
    at = (n - 1) // 2 if point is None else \
        min(n - 1, max((n - 1) // 2, bisect.bisect_right(ordered, point) - 1))
    low, high = by_mark[0], by_mark[-1]
    if low == high or (low >= 0 and low // MARK == high // MARK):
        # the usual case: one table class in every sample (all the sorting in C)
        key, turns = _unmark(by_mark[at])
        minutes = ordered[n // 2] if point is None else point
        if key >= 0 and key_seats(key) < size:
            return (Reason("why_wait_no_table", (("size", size),)),)
        if key == HELD:
            return (Reason("why_wait_held"),)
        if minutes <= NOW and key >= 0:
            return (Reason("why_wait_free_now", _table(key)),)
    else:
        keys = trace.keys
        if (ordered[n // 2] if point is None else point) <= NOW:
            at_once = Counter(k for k, x in zip(keys, samples, strict=True)
                              if x <= NOW and k >= 0 and key_seats(k) >= size)
            if at_once:
                return (Reason("why_wait_free_now", _table(at_once.most_common(1)[0][0])),)
        key = Counter(keys).most_common(1)[0][0]
        if key == HELD:
            return (Reason("why_wait_held"),)
        mine = [i for i, k in enumerate(keys) if k == key]
        turns = sorted(marks[i] for i in mine)[(len(mine) - 1) // 2] % MARK
        minutes = sorted(samples[i] for i in mine)[len(mine) // 2] if point is None \
            else point
    if key == -1 or key_seats(key) < size:
        # nothing here seats the party (the walk put it at the largest table)
        return (Reason("why_wait_no_table", (("size", size),)),)
    table = _table(key)
    whole = max(1, int(minutes + 0.5))
    ahead = turns - 1
    if ahead <= 0:
        first = Reason("why_wait_ahead_none", table)
    elif ahead == 1:
        first = Reason("why_wait_ahead_one", table)
    else:
        first = Reason("why_wait_ahead_many", (("n", ahead), *table))
    if turns <= 1:
        frees = Reason("why_wait_frees_one", (("minutes", whole),))
    else:
        frees = Reason("why_wait_frees_many", (("count", turns), ("minutes", whole)))
    return first, frees


def _unmark(mark: int) -> tuple[int, int]:
    """A trace mark as (table class, tables freed); -1 and ``HELD`` stand as they are."""
    return (mark // MARK, mark % MARK) if mark >= 0 else (mark, 0)


def _table(key: int) -> tuple[tuple[str, int], ...]:
    return (("seats", key_seats(key)), ("joined", int(key >= JOIN_KEY)))


def guest_minutes(x: float) -> int:
    """Minutes as a guest is told them: to 5 minutes, at least 5."""
    return max(5, int(5 * math.floor(x / 5 + 0.5)))


AHEAD = ("why_wait_ahead_none", "why_wait_ahead_one", "why_wait_ahead_many")
# the tables still to free, said on their own (the guest's page: see ``say``)
ALONE = {"why_wait_frees_one": "why_wait_frees_one_alone",
         "why_wait_frees_many": "why_wait_frees_many_alone"}


def say(quote: Quote | None, t: Translator, for_guest: bool = False,
        on_page: bool = False) -> str:
    """The quote's reason as one line in ``t``'s language; "" when it has none (the
    day-one rule and the baselines give none). ``for_guest``: next to the quote as the
    guest is told it (to 5 minutes), its minutes are rounded the same way ("25 min ...
    free in about 25 min", not "... about 27"). ``on_page``: on the guest's own page,
    which shows their place in line among the parties not yet called, the walk's count
    of parties seated first (called ones too) is left out, and the tables to free are
    said on their own ("2 tables for your party must free up ...")."""
    parts = getattr(quote, "reason", ()) if quote is not None else ()
    out = []
    table: dict[str, object] = {}
    for part in parts:
        values: dict[str, object] = dict(part.values)
        minutes = values.get("minutes")
        if (for_guest or on_page) and isinstance(minutes, int):
            values["minutes"] = guest_minutes(minutes)
        if "seats" in values:
            values["table"] = t("why_wait_join" if values.get("joined") else "why_wait_table",
                                seats=values["seats"])
            table = {"table": values["table"]}
        key = part.key
        if on_page and key in AHEAD:
            continue
        if on_page and key in ALONE:
            key, values = ALONE[key], {**values, **table}
        out.append(t(key, **values))
    return t("why_wait_sep").join(out)
