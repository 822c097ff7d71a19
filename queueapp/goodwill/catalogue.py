"""The goodwill catalogue: what a host can do for a waiting party, and when it fits.

Entries come from ``[[interactions]]`` in ``config.toml`` (validated in
:mod:`queueapp.config`, which uses the parsers below). This module is pure: no
database, no Textual.

When an entry fits (every condition that is set must hold):

- ``min_waited`` / ``max_waited``: minutes since the party arrived;
- ``min_over_quote`` / ``max_over_quote``: minutes past (+) or before (−) the
  quoted wait; a party without a quote never fits these;
- ``tags``: the party has at least one of them;
- ``min_size`` / ``max_size``: party size;
- ``hours``: local time of day, e.g. ``"17:00-22:00"`` (several ranges with
  commas; ``"22:00-02:00"`` crosses midnight);
- ``season``: local date range ``"MM-DD..MM-DD"`` (``"12-01..02-28"`` wraps);
- ``returning``: true = only returning guests, false = only first visits;
- ``rescue``: true = offered only when the party is about to leave.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import arrow

CATEGORIES = ("drink", "snack", "game", "tour", "amenity", "recovery", "custom")
CUSTOM_ID = "custom"


@dataclass(frozen=True)
class Interaction:
    """One gesture from the catalogue (or a custom one, id ``"custom"``)."""

    id: str
    label: str
    category: str
    cost: float = 0.0
    label_zh: str = ""
    script: str = ""
    script_zh: str = ""
    min_waited: float | None = None
    max_waited: float | None = None
    min_over_quote: float | None = None
    max_over_quote: float | None = None
    tags: tuple[str, ...] = ()
    min_size: int | None = None
    max_size: int | None = None
    hours: tuple[tuple[int, int], ...] = ()  # (start, end) minutes of the local day
    season: tuple[str, str] | None = None  # ("MM-DD", "MM-DD"), inclusive
    returning: bool | None = None
    repeat_after: float | None = None  # minutes; None = once per party
    needs_approval: bool = False
    rescue: bool = False
    on_guest_page: bool = True  # listed among what guests are offered on their own page

    def fits_party(self, waited: float, size: int, tags: set[str]) -> bool:
        """The conditions on the party itself: minutes waited (``min_waited`` /
        ``max_waited``), its size, and its tags (``tags`` casefolded). The host's
        suggestions and the guest's own page ask this same rule."""
        if self.min_waited is not None and waited < self.min_waited:
            return False
        if self.max_waited is not None and waited > self.max_waited:
            return False
        if self.tags and not tags & {t.casefold() for t in self.tags}:
            return False
        if self.min_size is not None and size < self.min_size:
            return False
        return self.max_size is None or size <= self.max_size

    def label_for(self, language: str) -> str:
        return self.label_zh if language == "zh" and self.label_zh else self.label

    def script_for(self, language: str) -> str:
        return self.script_zh if language == "zh" and self.script_zh else self.script


def custom(label: str, cost: float, category: str = "custom") -> Interaction:
    """A gesture outside the catalogue, logged with its own label and cost."""
    if not label.strip():
        raise ValueError("a custom gesture needs a label")
    if cost < 0:
        raise ValueError("a gesture's cost cannot be negative")
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    return Interaction(CUSTOM_ID, label.strip(), category, float(cost))


class Catalogue:
    """The configured interactions plus the restaurant's time zone (for hours and seasons)."""

    def __init__(self, items: Iterable[Interaction], timezone: str = "UTC") -> None:
        self.items: tuple[Interaction, ...] = tuple(items)
        self.timezone = timezone
        self._by_id = {i.id: i for i in self.items}

    def __iter__(self) -> Iterator[Interaction]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, interaction_id: str) -> Interaction | None:
        return self._by_id.get(interaction_id)

    def __getitem__(self, interaction_id: str) -> Interaction:
        return self._by_id[interaction_id]

    def rescues(self) -> list[Interaction]:
        return [i for i in self.items if i.rescue]

    def in_season(self, item: Interaction, now: float) -> bool:
        """Whether ``now`` falls in the item's season and hours (restaurant time)."""
        return self.in_season_dates(item, now) and self.in_hours(item, now)

    def in_season_dates(self, item: Interaction, now: float) -> bool:
        """Whether today (restaurant time) is in the item's season, whatever the hour."""
        if not item.season:
            return True
        today = arrow.get(now).to(self.timezone).format("MM-DD")
        a, b = item.season
        return a <= today <= b if a <= b else today >= a or today <= b

    def in_hours(self, item: Interaction, now: float) -> bool:
        """Whether the time of day (restaurant time) is in the item's hours."""
        if not item.hours:
            return True
        local = arrow.get(now).to(self.timezone)
        minute = local.hour * 60 + local.minute
        return any(_in_range(minute, a, b) for a, b in item.hours)


def _in_range(x: int, start: int, end: int) -> bool:
    return start <= x < end if start <= end else x >= start or x < end


# -- parsers (used by the config validator; raise ValueError with the reason) ------------

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DAY = re.compile(r"^\s*(\d{1,2})-(\d{1,2})\s*$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_clock(text: str) -> int:
    m = _CLOCK.match(text)
    if not m or int(m[1]) > 24 or int(m[2]) > 59 or (int(m[1]) == 24 and int(m[2])):
        raise ValueError(f"{text.strip()!r} is not a time of day such as \"17:30\"")
    return int(m[1]) * 60 + int(m[2])


def clock_text(minutes: int) -> str:
    """Minutes after local midnight as ``"HH:MM"``: what ``parse_clock`` reads."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours_text(hours: tuple[tuple[int, int], ...]) -> str:
    """An item's hours as a host reads them: ``11:00–14:00, 17:00–22:00``."""
    return ", ".join(f"{clock_text(a)}–{clock_text(b)}" for a, b in hours)


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """``"11:00-14:00, 17:00-22:00"`` -> ((660, 840), (1020, 1320))."""
    out = []
    for part in text.split(","):
        if part.count("-") != 1:
            raise ValueError(f"{part.strip()!r} should look like \"17:00-22:00\"")
        a, b = (parse_clock(x) for x in part.split("-"))
        if a == b:
            raise ValueError(f"{part.strip()!r} starts and ends at the same time")
        out.append((a, b % (24 * 60)))
    return tuple(out)


def parse_month_day(text: str) -> str:
    m = _DAY.match(text)
    if not m or not 1 <= int(m[1]) <= 12 or not 1 <= int(m[2]) <= _DAYS_IN_MONTH[int(m[1]) - 1]:
        raise ValueError(f"{text.strip()!r} is not a date such as \"12-24\" (MM-DD)")
    return f"{int(m[1]):02d}-{int(m[2]):02d}"


def parse_season(text: str) -> tuple[str, str]:
    """``"12-01..02-28"`` -> ("12-01", "02-28")."""
    parts = text.split("..")
    if len(parts) != 2:
        raise ValueError(f"{text!r} should look like \"12-01..02-28\" (MM-DD..MM-DD)")
    return parse_month_day(parts[0]), parse_month_day(parts[1])
