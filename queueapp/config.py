"""Load and validate ``config.toml``.

Every mistake becomes a :class:`ConfigError` that names the file, the line
where it can be found and the field, so the host stand never shows a traceback
for a typo in the settings.
"""

from __future__ import annotations

import math
import os
import re
import socket
import tomllib
import zoneinfo
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, field
from datetime import datetime
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import phonenumbers

from queueapp import numbers
from queueapp.clock import clock_change_at
from queueapp.goodwill.catalogue import (
    CATEGORIES,
    Catalogue,
    Interaction,
    clock_text,
    parse_clock,
    parse_hours,
    parse_season,
)
from queueapp.i18n import LANGUAGES
from queueapp.keys import KEY_IDS, KEYS
from queueapp.messages import settings as message_settings

DAY_STARTS = 4 * 60  # the business day begins at 04:00 local: a late service is one day
TICKETS_RESTART = DAY_STARTS  # queue numbers start again with the day, unless told otherwise
PARTY_SIZE_LIMIT = 100  # the largest party (and dining_minutes key) a config may name
DAY_MINUTES = 24 * 60
MONEY_LIMIT = 1_000_000  # the most a budget or a gesture's cost may be

# every number a config may hold: (low, high), both inclusive; the README's config table
# documents the same ranges. A value outside them (or nan/inf, or true/false) is refused:
# ``sync_seconds = nan`` drew a blank screen, ``refresh_seconds = 1e-9`` took a whole core,
# ``pin_window_minutes = 1e308`` crashed and ``budget_per_shift = nan`` approved anything.
RANGES: dict[str, tuple[float, float]] = {
    "restaurant.largest_party": (1, PARTY_SIZE_LIMIT),
    "service.refresh_seconds": (1, 60),
    "service.sync_seconds": (0.2, 60),
    "service.attention_minutes": (1, 240),
    "service.long_wait_minutes": (1, 240),
    "seating.hold_minutes": (1, 120),
    "quoting.clearing_minutes": (0.5, 120),
    "quoting.dining_minutes": (1, 600),
    "goodwill.budget_per_shift": (0, MONEY_LIMIT),
    "goodwill.pin_max_wrong": (1, 100),
    "goodwill.pin_window_minutes": (1, DAY_MINUTES),
    "goodwill.pin_lock_minutes": (1, DAY_MINUTES),
    "goodwill.repeat_guard_seconds": (0, 300),  # 0 turns the double-tap guard off
    "goodwill.void_free_minutes": (0, DAY_MINUTES),  # 0: every void needs a lead
    "privacy.keep_guest_days": (0, 3650),
    "guests.tickets.up_to": (1, PARTY_SIZE_LIMIT),
    "guests.joins_per_minute": (1, 600),
    "web.port": (1, 65535),
    "headoffice.every_seconds": (10, 86400),
    "sections.floor": (-10, 300),
    "tables.seats": (1, PARTY_SIZE_LIMIT),
    "joins.seats": (1, 1000),
    "interactions.cost": (0, MONEY_LIMIT),
    "interactions.min_waited": (0, DAY_MINUTES),
    "interactions.max_waited": (0, DAY_MINUTES),
    "interactions.min_over_quote": (-DAY_MINUTES, DAY_MINUTES),
    "interactions.max_over_quote": (-DAY_MINUTES, DAY_MINUTES),
    "interactions.repeat_after": (1, DAY_MINUTES),
    "interactions.min_size": (1, PARTY_SIZE_LIMIT),
    "interactions.max_size": (1, PARTY_SIZE_LIMIT),
}


def in_range(value: object, low: float, high: float, whole: bool = False) -> bool:
    """Is ``value`` a finite number (a whole one if ``whole``) from ``low`` to ``high``?
    true/false are not numbers here, though Python counts them as ints."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if whole and not isinstance(value, int):
        return False
    return math.isfinite(value) and low <= value <= high

BUILTIN_TAGS = ("child", "high chair", "wheelchair", "birthday", "VIP")
ENV_VAR = "QUEUEAPP_CONFIG"
DEFAULT_KEEP_GUEST_DAYS = 365  # [privacy] keep_guest_days when the config leaves it out


class ConfigError(Exception):
    """A config file that cannot be used, with a message fit for a person."""

BACKUP_KEEP = 7  # [storage] backup_keep: timed backups kept by default
BACKUP_KEEP_MAX = 1000
BACKUP_EVERY_RANGE = (5, 1440)  # [storage] backup_every_minutes when on

@dataclass(frozen=True)
class Section:
    name: str
    floor: int | None = None
    label_zh: str = ""

    def label(self, language: str) -> str:
        return self.label_zh if language == "zh" and self.label_zh else self.name


@dataclass(frozen=True)
class Table:
    name: str
    seats: int
    section: str = ""


@dataclass(frozen=True)
class Join:
    """Tables that can be pushed together to seat one big party."""

    tables: tuple[str, ...]
    seats: int

    @property
    def name(self) -> str:
        return "+".join(self.tables)


@dataclass(frozen=True)
class Quoting:
    clearing_minutes: float = 5.0
    # party size -> typical minutes a table stays occupied (nearest size wins)
    dining_minutes: dict[int, float] = field(
        default_factory=lambda: {2: 55.0, 4: 70.0, 6: 85.0, 8: 95.0}
    )

    def dining_for(self, size: int) -> float:
        """Default dining minutes for a party of ``size`` (next band up)."""
        bands = sorted(self.dining_minutes)
        for band in bands:
            if size <= band:
                return self.dining_minutes[band]
        return self.dining_minutes[bands[-1]]


@dataclass(frozen=True)
class Goodwill:
    """Budgets for gestures and the limits on lead PIN entry."""

    budget_per_shift: float = 300.0  # per host, in the restaurant's currency
    shift_starts: tuple[int, ...] = (0,)  # local minutes of the day a shift begins
    pin_max_wrong: int = 5  # this many wrong PINs within pin_window_minutes ...
    pin_window_minutes: float = 10.0
    pin_lock_minutes: float = 5.0  # ... lock PIN entry for this long
    # the same gesture to the same party again within this many seconds (a double tap)
    # is logged only after the host confirms; 0 turns the guard off
    repeat_guard_seconds: float = 10.0
    void_free_minutes: float = 15.0  # a host may void their own gesture alone this long


@dataclass(frozen=True)
class TicketClass:
    """Queue numbers for one table class: ``prefix`` and the largest party it takes
    (``None`` on the last class: every larger party)."""

    prefix: str
    up_to: int | None


DEFAULT_TICKETS = (TicketClass("A", 2), TicketClass("B", 4), TicketClass("C", 6),
                   TicketClass("D", None))


@dataclass(frozen=True)
class Guests:
    """The guest's side: queue numbers, self check-in and the web server's address."""

    tickets: tuple[TicketClass, ...] = DEFAULT_TICKETS
    self_check_in: bool = False  # /join lets guests add themselves
    joins_per_minute: int = 5  # self check-ins allowed from one address per minute
    listen: str = "127.0.0.1"  # [web] the address `queueapp serve` binds to
    port: int = 8080
    public_url: str = ""  # [web] how guests' phones reach the server (links, QR codes)
    tickets_restart: int = TICKETS_RESTART  # local minutes after midnight numbers restart
    # ([restaurant] day_starts when not given)

    def ticket_class(self, size: int) -> TicketClass:
        """The class a party of ``size`` queues in."""
        for cls in self.tickets:
            if cls.up_to is None or size <= cls.up_to:
                return cls
        return self.tickets[-1]

    @property
    def base_url(self) -> str:
        """The address written into guest links: ``public_url``, else the bound one."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "localhost" if self.listen in ("127.0.0.1", "0.0.0.0", "::", "") else self.listen
        return f"http://{host}:{self.port}"


CHAIN_KEY_ENV = "QUEUEAPP_CHAIN_KEY"  # the chain-wide pseudonym key, if not in [headoffice]
HEADOFFICE_URL_ENV = "QUEUEAPP_HEADOFFICE_URL"  # the central database, if not in [headoffice]


@dataclass(frozen=True)
class HeadOffice:
    """[headoffice]: where this restaurant's records go (``queueapp sync``), under which
    site name, and the chain-wide key that turns phones and staff names into pseudonyms.
    The URL and key may come from the environment instead (kept out of a file hosts read)."""

    url: str = ""
    site: str = ""
    key: str = ""
    every_seconds: float = 60.0  # how often the app's background worker sends

    def resolved_url(self) -> str:
        return self.url or os.environ.get(HEADOFFICE_URL_ENV, "").strip()

    def resolved_key(self) -> str:
        return self.key or os.environ.get(CHAIN_KEY_ENV, "")


STATION_ENV = "QUEUEAPP_STATION"  # this stand's name, when --station does not give it
STATION_MAX = 64  # the longest name a stand may have (a computer's name fits)
UNNAMED_STATION = "stand"  # a computer without a name


def station_problem(name: str) -> str:
    """"" when ``name`` will do as a stand's name; else the i18n key saying why not."""
    if not name or len(name) > STATION_MAX or not name.isprintable():
        return "err_station_name"
    return ""


def default_station() -> str:
    """A stand's name when none is given: the computer's, which stays the same across
    restarts (so the stand keeps its host on duty)."""
    name = " ".join(socket.gethostname().split())[:STATION_MAX]
    return UNNAMED_STATION if station_problem(name) else name


def stand_station(explicit: str | None, config: Config,
                  environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """This stand's name, and where it was given: ``--station``, then
    ``$QUEUEAPP_STATION``, then ``[stand] station``, then the computer's name (""). Each
    stand keeps its own host on duty under its name; check it with
    :func:`station_problem` (the config's own is checked when it is read)."""
    env = os.environ if environ is None else environ
    for given, where in ((explicit, "--station"), (env.get(STATION_ENV), STATION_ENV),
                         (config.station, "[stand] station")):
        if given is not None and given.strip():
            return " ".join(given.split()), where
    return default_station(), ""


@dataclass(frozen=True)
class Lead:
    name: str
    pin_hash: str


@dataclass(frozen=True)
class Conversation:
    """Tips shown beside the suggestions: topics guests enjoy, topics to avoid."""

    enjoy: tuple[str, ...] = ()
    enjoy_zh: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    avoid_zh: tuple[str, ...] = ()

    def tips(self, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(enjoy, avoid) in the language, falling back to English."""
        if language == "zh":
            return self.enjoy_zh or self.enjoy, self.avoid_zh or self.avoid
        return self.enjoy, self.avoid


@dataclass(frozen=True)
class Config:
    path: Path | None
    name: str
    timezone: str
    country: str
    language: str
    largest_party: int
    currency: str
    tables: tuple[Table, ...]
    sections: tuple[Section, ...]
    # [restaurant] day_starts: local minutes after midnight the business day begins; a
    # "day" in reports, the review, busy hours and head office runs from it to the next
    day_starts: int = DAY_STARTS
    joins: tuple[Join, ...] = ()
    db: str = ""
    refresh_seconds: float = 5.0
    sync_seconds: float = 1.0
    attention_minutes: float = 15.0
    long_wait_minutes: float = 15.0
    quoting: Quoting = field(default_factory=Quoting)
    extra_tags: tuple[str, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)
    interactions: tuple[Interaction, ...] = ()
    goodwill: Goodwill = field(default_factory=Goodwill)
    hosts: tuple[str, ...] = ()
    leads: tuple[Lead, ...] = ()
    conversation: Conversation = field(default_factory=Conversation)
    hold_minutes: float = 10.0  # how long a table is kept for a party ([seating])
    keep_guest_days: int = DEFAULT_KEEP_GUEST_DAYS  # [privacy]; 0 keeps personal data forever
    backup_keep: int = BACKUP_KEEP  # timed backups kept ([storage])
    backup_every_minutes: float = 0.0  # the app's backup timer; 0 = off ([storage])
    guests: Guests = field(default_factory=Guests)  # [guests] and [web]
    messages: message_settings.Messages = field(  # [messages]: messages to guests
        default_factory=message_settings.Messages)
    headoffice: HeadOffice = field(default_factory=HeadOffice)  # [headoffice]
    station: str = ""  # [stand] station: this stand's name (see stand_station)

    @property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.interactions, self.timezone)

    def lead(self, name: str) -> Lead | None:
        for lead in self.leads:
            if lead.name.casefold() == name.strip().casefold():
                return lead
        return None

    @property
    def tags(self) -> tuple[str, ...]:
        return BUILTIN_TAGS + tuple(t for t in self.extra_tags if t not in BUILTIN_TAGS)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def section(self, name: str) -> Section:
        for s in self.sections:
            if s.name == name:
                return s
        return Section(name)


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to use: ``--config``, then ``$QUEUEAPP_CONFIG``, then ``./config.toml``."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path("config.toml")


# what is wrong with a key name in [keys] ("" when nothing): the host stand knows its
# keyboard's names, the core does not (it never imports Textual), so a front door passes one
KeyNameCheck = Callable[[str], str]


def load_config(path: str | os.PathLike[str] | None = None,
                key_names: KeyNameCheck | None = None) -> Config:
    """Read, parse and validate a config file; raise ConfigError on any mistake
    (``key_names`` also checks each key of ``[keys]`` is one the stand can bind)."""
    p = find_config(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{p}: config file not found. Pass --config FILE, set {ENV_VAR}, "
            "or run queueapp from a folder that holds config.toml."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read the config file ({exc}).") from None
    return parse_config(text, p, key_names)


def parse_config(text: str, path: Path | None = None,
                 key_names: KeyNameCheck | None = None) -> Config:
    where = str(path) if path else "config"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}. Fix the syntax on that line.") from None
    return _Validator(raw, text, where, path, key_names).build()


_ARRAY_HEADER = re.compile(r"\s*\[\[\s*([^\]\s]+)\s*\]\]")


class _Asked(dict[str, Any]):
    """A table of the config that remembers which keys the validator asked for (looked
    up, tested for, or read with ``get``): any other key is one no code reads. A table
    whose keys are data (party sizes in ``dining_minutes``, reply codes) is read by
    going through it, which counts as asking for every key."""

    def __init__(self, items: dict[str, Any]) -> None:
        super().__init__({k: _asked(v) for k, v in items.items()})
        self.asked: set[str] = set()
        self.every = False

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self.every = True
        return super().__iter__()

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self.every = True
        return super().keys()

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        self.every = True
        return super().items()

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        self.every = True
        return super().values()


def _asked(value: Any) -> Any:
    """``value`` from tomllib with every table in it an :class:`_Asked`."""
    if isinstance(value, dict):
        return _Asked(value)
    if isinstance(value, list):
        return [_asked(v) for v in value]
    return value


class _Validator:
    """Turns the raw TOML dict into a Config, reporting the first mistake found."""

    def __init__(self, raw: dict[str, Any], text: str, where: str, path: Path | None,
                 key_names: KeyNameCheck | None = None):
        self.raw, self.text, self.where, self.path = _Asked(raw), text, where, path
        self.key_names = key_names
        self.lines = text.splitlines()
        # where each [[array]] entry starts, found once (line lookups stay cheap)
        self.starts: dict[str, list[int]] = {}
        for i, line in enumerate(self.lines):
            if m := _ARRAY_HEADER.match(line):
                self.starts.setdefault(m.group(1), []).append(i)

    # -- error helpers -------------------------------------------------
    def _line(self, key: str, array: str | None = None, index: int | None = None) -> int | None:
        lines = self.lines
        if array is not None and index is not None:
            starts = self.starts.get(array, [])
            if index >= len(starts):
                return None
            start = starts[index]
            setting = re.compile(rf"\s*{re.escape(key)}\s*=")
            for i in range(start + 1, len(lines)):
                if lines[i].lstrip().startswith("["):
                    return start + 1
                if setting.match(lines[i]):
                    return i + 1
            return start + 1
        setting = re.compile(rf"\s*\"?{re.escape(key)}\"?\s*=")
        for i, line in enumerate(lines):
            if setting.match(line):
                return i + 1
        return None

    def fail(self, fld: str, msg: str, line: int | None = None) -> ConfigError:
        if line is None and "." in fld and "[" not in fld:  # point at the section at least
            header = re.compile(rf"\s*\[\s*{re.escape(fld.split('.')[0])}\s*\]")
            line = next((i + 1 for i, text in enumerate(self.text.splitlines())
                         if header.match(text)), None)
        loc = f"{self.where}, line {line}" if line else self.where
        return ConfigError(f"{loc}: {fld}: {msg}")

    def _get(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], fld: str,
             default: Any = ..., line: int | None = None) -> Any:
        if key not in table:
            if default is ...:
                raise self.fail(fld, "is missing; add it.", line)
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value) if abs(value) < 2 ** 63 else math.inf  # TOML ints are unbounded
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            names = " or ".join(k.__name__ for k in kinds)
            raise self.fail(fld, f"should be {_kind_word(names)}, not {value!r}.",
                            line or self._line(key))
        return value

    def _section(self, key: str) -> dict[str, Any]:
        value = self.raw.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"[{key}]", "should be a table of settings.", self._line(key))
        return value

    # -- build -----------------------------------------------------------
    def build(self) -> Config:
        if "restaurant" not in self.raw:
            raise self.fail("[restaurant]", "section is missing; add name, timezone and country.")
        r = self._section("restaurant")
        name = self._get(r, "name", str, "restaurant.name")
        tz = self._get(r, "timezone", str, "restaurant.timezone")
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise self.fail("restaurant.timezone", f"{tz!r} is not a known time zone; "
                            "use an IANA name such as \"Asia/Shanghai\".",
                            self._line("timezone")) from None
        country = self._get(r, "country", str, "restaurant.country").upper()
        if country not in phonenumbers.SUPPORTED_REGIONS:
            raise self.fail("restaurant.country", f"{country!r} is not a country code "
                            "phonenumbers knows; use two letters such as \"CN\" or \"GB\".",
                            self._line("country"))
        language = self._get(r, "language", str, "restaurant.language", "en")
        if language not in LANGUAGES:
            raise self.fail("restaurant.language", f"{language!r} is not supported; "
                            "use " + " or ".join(f'"{code}"' for code in LANGUAGES) + ".",
                            self._line("language"))
        largest = self._number(r, "largest_party", "restaurant.largest_party", 12, whole=True)
        currency = self._get(r, "currency", str, "restaurant.currency", "¥")
        day_starts = self._time_of_day(r, "day_starts", "restaurant.day_starts", "04:00",
                                       "the business day begins (a service running past "
                                       "midnight counts as the day it began)")
        self._clear_of_clock_changes(tz, day_starts, "restaurant.day_starts",
                                     "a day cannot begin then",
                                     self._line("day_starts"))

        sections = self._sections()
        tables = self._tables()
        known_sections = {s.name for s in sections}
        for t in tables:
            if t.section and t.section not in known_sections:
                sections.append(Section(t.section))
                known_sections.add(t.section)
        joins = self._joins({t.name: t for t in tables})

        storage = self._section("storage")
        db = self._get(storage, "db", str, "storage.db", "")
        backup_keep, backup_every = self._backups(storage)

        svc = self._section("service")
        refresh = self._number(svc, "refresh_seconds", "service.refresh_seconds", 5.0)
        sync = self._number(svc, "sync_seconds", "service.sync_seconds", 1.0)
        attention = self._number(svc, "attention_minutes", "service.attention_minutes", 15.0)
        long_wait = self._number(svc, "long_wait_minutes", "service.long_wait_minutes", 15.0)

        seating = self._section("seating")
        # a table kept longer than the range's top is a reservation
        hold = self._number(seating, "hold_minutes", "seating.hold_minutes", 10.0)

        q = self._section("quoting")
        clearing = self._number(q, "clearing_minutes", "quoting.clearing_minutes", 5.0)
        dining_raw = self._get(q, "dining_minutes", dict, "quoting.dining_minutes", None)
        dining: dict[int, float] = {}
        if dining_raw:
            for k, v in dining_raw.items():
                try:
                    size = numbers.parse_whole(str(k), 1, PARTY_SIZE_LIMIT)
                except numbers.NumberError:
                    size = 0
                if not size or not in_range(v, *RANGES["quoting.dining_minutes"]):
                    raise self.fail("quoting.dining_minutes", f"entry {k!r} = {v!r} should be "
                                    "a party size mapped to minutes from "
                                    f"{_range_text('quoting.dining_minutes')}, e.g. \"4\" = 70.",
                                    self._line("dining_minutes"))
                dining[size] = float(v)
        quoting = Quoting(clearing, dining) if dining else Quoting(clearing)

        tags = self._section("tags")
        extra = self._get(tags, "extra", list, "tags.extra", [])
        for tag in extra:
            if not isinstance(tag, str) or not tag.strip():
                raise self.fail("tags.extra", f"{tag!r} should be a non-empty text.",
                                self._line("extra"))
        keys = self._keys()

        privacy = self._section("privacy")
        keep_days = self._number(privacy, "keep_guest_days", "privacy.keep_guest_days",
                                 DEFAULT_KEEP_GUEST_DAYS, whole=True)

        config = Config(
            path=self.path, name=name, timezone=tz, country=country, language=language,
            largest_party=largest, currency=currency, day_starts=day_starts,
            tables=tuple(tables),
            sections=tuple(sections), joins=tuple(joins), db=db, refresh_seconds=refresh,
            sync_seconds=sync, attention_minutes=attention, long_wait_minutes=long_wait,
            quoting=quoting,
            extra_tags=tuple(t.strip() for t in extra), keys=keys,
            interactions=tuple(self._interactions()), goodwill=self._goodwill(tz, day_starts),
            hosts=tuple(self._hosts()), leads=tuple(self._leads()),
            conversation=self._conversation(), hold_minutes=hold, keep_guest_days=keep_days,
            backup_keep=backup_keep, backup_every_minutes=backup_every,
            guests=self._guests(tz, day_starts), messages=message_settings.parse(self),
            headoffice=self._headoffice(), station=self._station(),
        )
        self._refuse_unread(self.raw, "", None)
        return config

    # -- keys no code reads ------------------------------------------------------------
    def _refuse_unread(self, table: _Asked, where: str, entry: tuple[str, int] | None) -> None:
        """Refuse the first key in ``table`` (and the tables in it) that the validator never
        asked for: a typo (``largestparty``, ``saets``, ``[storrage]``) would otherwise be
        ignored and the default used. What is known is what the code above read, so a new
        setting is known the moment it is read. ``where`` names the table in messages
        (``restaurant``, ``tables[12] (A9)``); ``entry`` is its [[array]] and index."""
        for key in dict.keys(table):  # unbound: the walk asks for nothing itself
            value = dict.__getitem__(table, key)
            fld = f"{where}.{key}" if where else key
            if key not in table.asked and not table.every:
                raise self._unknown(table, key, where, entry, value)
            if isinstance(value, _Asked):
                self._refuse_unread(value, fld, entry)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, _Asked):
                        named = dict.get(item, "name", dict.get(item, "id"))
                        label = f"{fld}[{i + 1}]" + (f" ({named})" if isinstance(named, str)
                                                     else "")
                        self._refuse_unread(item, label, entry or (fld, i))

    def _unknown(self, table: _Asked, key: str, where: str, entry: tuple[str, int] | None,
                 value: Any) -> ConfigError:
        """The message for ``key``, which no code reads: where it is, and the known key
        nearest to it (difflib), else every known one."""
        a_section = isinstance(value, dict) or (isinstance(value, list) and bool(value) and
                                                all(isinstance(v, dict) for v in value))
        if not where and a_section:
            brackets = ("[[", "]]") if isinstance(value, list) else ("[", "]")
            name = brackets[0] + key + brackets[1]
            known = sorted(k for k in table.asked  # the sections asked for, there or not
                           if isinstance(dict.get(table, k, {}), dict | list))
            near = get_close_matches(key, known, n=1)
            hint = (f"did you mean {brackets[0]}{near[0]}{brackets[1]}?" if near
                    else "the sections are " + ", ".join(known) + ".")
            header = re.compile(rf"\s*\[\[?\s*{re.escape(key)}\s*[\].]")
            line = next((i + 1 for i, text in enumerate(self.lines) if header.match(text)),
                        None)
            return self.fail(name, f"is not a known section; {hint} Fix or remove it: what "
                             "no code reads would leave the defaults in use.", line)
        if not where:  # a setting above every section header
            return self.fail(key, "is not a known field here: every setting belongs under "
                             "its section, e.g. [restaurant] or [service].", self._line(key))
        known = sorted(table.asked)
        near = get_close_matches(key, known, n=1)
        hint = f"did you mean {near[0]}?" if near else "use " + ", ".join(known) + "."
        if entry is not None and entry[0] in self.starts:  # a [[tables]] entry
            line, place = self._line(key, *entry), f"[[{entry[0]}]]"
        elif entry is not None:  # an entry of an inline list: the line of the list
            section, _, name = entry[0].rpartition(".")
            line = message_settings.section_line(self.lines, section, name) if section \
                else self._line(name)
            place = entry[0]
        else:
            line = message_settings.section_line(self.lines, where, key) or self._line(key)
            place = f"[{where}]"
        return self.fail(f"{where}.{key}", f"is not a known field of {place}; {hint} Fix or "
                         "remove it: a field no code reads would leave its default in use.",
                         line)

    def _keys(self) -> dict[str, str]:
        """[keys]: binding id = key (or keys, "a,plus"). Each id must be one of the stand's,
        each key one it can bind (when ``key_names`` can tell), and no key may do two
        things once the remaps are laid over the defaults."""
        raw = self._section("keys")
        keys: dict[str, str] = {}
        for k, v in raw.items():
            if k not in KEY_IDS:
                raise self.fail(f"keys.{k}", f"{k!r} is not a key id; use one of "
                                f"{', '.join(sorted(KEY_IDS))}.", self._line(k))
            parts = [part.strip() for part in v.split(",")] if isinstance(v, str) else []
            if not parts or not all(parts):
                raise self.fail(f"keys.{k}", f"{v!r} should be a key name such as \"a\" "
                                "or \"ctrl+n\" (several: \"a,plus\").", self._line(k))
            for part in parts:
                problem = self.key_names(part) if self.key_names else ""
                if problem:
                    raise self.fail(f"keys.{k}", f"{part!r} {problem}", self._line(k))
            keys[k] = ",".join(parts)
        doing: dict[str, str] = {}  # key -> the binding id it does
        for id_, default, _ in KEYS:
            for key in keys.get(id_, default).split(","):
                other = doing.setdefault(key, id_)
                if other == id_:
                    continue
                blamed = id_ if id_ in keys else other
                how = {i: "as [keys] sets it" if i in keys else "its default key"
                       for i in (other, id_)}
                raise self.fail(f"keys.{blamed}", f"{key!r} would do two things: {other} "
                                f"({how[other]}) and {id_} ({how[id_]}). Give one of them "
                                "another key in [keys].", self._line(blamed))
        return keys

    def _station(self) -> str:
        """[stand] station: this stand's name (optional; see ``stand_station``)."""
        stand = self._section("stand")
        name = " ".join(self._get(stand, "station", str, "stand.station", "").split())
        if name and station_problem(name):
            raise self.fail("stand.station", f"{name!r} should be 1 to {STATION_MAX} "
                            "printable characters, e.g. \"front\".", self._line("station"))
        return name

    def _headoffice(self) -> HeadOffice:
        """[headoffice] url, site, key, every_seconds (all optional)."""
        h = self._section("headoffice")
        url = self._get(h, "url", str, "headoffice.url", "").strip()
        if url:  # judged by PostgreSQL's own client library, loaded only for an address
            from queueapp.headoffice.address import SCHEMES, problem, shown

            example = "\"postgresql://queueapp@hq.example:5432/chain\""
            if not url.startswith(SCHEMES):
                raise self.fail("headoffice.url", f"{shown(url)!r} should be a PostgreSQL "
                                f"address, e.g. {example}.", self._line("url"))
            wrong = problem(url)
            if wrong:
                raise self.fail("headoffice.url", f"{shown(url)!r} is not an address "
                                f"PostgreSQL can read ({wrong}). Write it like {example} (an "
                                "IPv6 host in brackets, [::1]; @ : / in a password as %40 "
                                "%3A %2F).", self._line("url"))
        site = self._get(h, "site", str, "headoffice.site", "").strip()
        if site and not re.fullmatch(r"[\w.-]{1,64}", site):
            raise self.fail("headoffice.site", f"{site!r} should be 1 to 64 letters, digits, "
                            "'-', '_' or '.' (e.g. \"shanghai-jingan\").", self._line("site"))
        key = self._get(h, "key", str, "headoffice.key", "")
        every = self._number(h, "every_seconds", "headoffice.every_seconds", 60.0)
        return HeadOffice(url, site, key, every)

    def _clear_of_clock_changes(self, tz: str, minutes: int, fld: str, what: str,
                                line: int | None) -> None:
        """Refuse local time ``minutes`` when the clocks of ``tz`` skip or repeat it (02:30
        in Europe/Berlin): ``what`` says why ("a day cannot begin then").
        Midnight stays allowed wherever the clocks change then (Cairo, Santiago...):
        "00:00" is calendar days, counted as they always were."""
        if minutes == 0:
            return
        this_year = datetime.now().year
        changed = clock_change_at(tz, minutes, (this_year, this_year + 1))
        if changed is not None:
            raise self.fail(fld, f"{clock_text(minutes)} is skipped or repeated when the "
                            f"clocks change in {tz} (on {changed.isoformat()}): {what}. "
                            "Choose a time the clocks never change at, "
                            "such as \"04:00\".", line)

    def _time_of_day(self, table: dict[str, Any], key: str, fld: str, default: str,
                     what: str) -> int:
        """A local time of day ``"HH:MM"`` (00:00 to 23:59) as minutes after midnight;
        ``what`` says what it is for in the message when it is not one."""
        raw = self._get(table, key, str, fld, default)
        try:
            minutes = parse_clock(raw)
            if not 0 <= minutes < DAY_MINUTES:
                raise ValueError
        except ValueError:
            raise self.fail(fld, f"{raw!r} should be the local time {what}, e.g. \"04:00\".",
                            self._line(key)) from None
        return minutes

    def _guests(self, tz: str, day_starts: int) -> Guests:
        """[guests] queue numbers and self check-in, [web] where `queueapp serve` listens.
        Numbers restart with the business day (``day_starts``) unless told otherwise, never
        at a time the clocks of ``tz`` skip or repeat."""
        g = self._section("guests")
        raw = self._get(g, "tickets", list, "guests.tickets", None)
        tickets = DEFAULT_TICKETS if raw is None else self._tickets(raw)
        check_in = self._get(g, "self_check_in", bool, "guests.self_check_in", False)
        restart = self._time_of_day(g, "tickets_restart", "guests.tickets_restart",
                                    clock_text(day_starts),
                                    "queue numbers start again from 1 (a service running "
                                    "past midnight keeps its numbers)")
        self._clear_of_clock_changes(tz, restart, "guests.tickets_restart",
                                     "queue numbers cannot start again then",
                                     self._line("tickets_restart"))
        per_minute = self._number(g, "joins_per_minute", "guests.joins_per_minute", 5,
                                  whole=True)
        w = self._section("web")
        listen = self._get(w, "listen", str, "web.listen", "127.0.0.1").strip()
        port = self._number(w, "port", "web.port", 8080, whole=True)
        public = self._get(w, "public_url", str, "web.public_url", "").strip()
        if public and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", public):
            raise self.fail("web.public_url", f"{public!r} should be an address guests' "
                            "phones can open, e.g. \"http://192.168.1.20:8080\".",
                            self._line("public_url"))
        return Guests(tickets, check_in, per_minute, listen, port, public, restart)

    def _tickets(self, raw: list[Any]) -> tuple[TicketClass, ...]:
        """``tickets = [{prefix = "A", up_to = 2}, ..., {prefix = "D"}]``: prefixes of
        capital letters, each class taking larger parties than the one before, the last
        without ``up_to`` (every larger party)."""
        line = self._line("tickets")
        out: list[TicketClass] = []
        example = ('e.g. [{prefix = "A", up_to = 2}, {prefix = "B", up_to = 4}, '
                   '{prefix = "C"}]')
        if not raw or not all(isinstance(e, dict) for e in raw):
            raise self.fail("guests.tickets", f"should be a list of classes, {example}.", line)
        for i, e in enumerate(raw):
            fld = f"guests.tickets[{i + 1}]"
            prefix = self._get(e, "prefix", str, f"{fld}.prefix", line=line).strip()
            if not re.fullmatch(r"[A-Z]{1,3}", prefix) or any(c.prefix == prefix for c in out):
                raise self.fail(f"{fld}.prefix", f"{prefix!r} should be 1 to 3 capital letters "
                                "(A-Z), a different one for each class.", line)
            last = i == len(raw) - 1
            up_to = self._number(e, "up_to", f"{fld}.up_to", None, whole=True, line=line,
                                 ranged="guests.tickets.up_to")
            if up_to is None and not last:
                raise self.fail(f"{fld}.up_to", f"is missing: every class but the last needs "
                                f"the largest party it takes, {example}.", line)
            if up_to is not None and out and up_to <= (out[-1].up_to or 0):
                raise self.fail(f"{fld}.up_to", f"should be larger than the class before "
                                f"({out[-1].up_to}).", line)
            out.append(TicketClass(prefix, None if last else up_to))
        return tuple(out)

    def _backups(self, storage: dict[str, Any]) -> tuple[int, float]:
        """[storage] backup_keep (1..1000) and backup_every_minutes (0 = off, else
        5..1440: more often only wears the disk, less than daily is no timer)."""
        keep = self._get(storage, "backup_keep", int, "storage.backup_keep", BACKUP_KEEP)
        if not 1 <= keep <= BACKUP_KEEP_MAX:
            raise self.fail("storage.backup_keep", f"should be between 1 and {BACKUP_KEEP_MAX} "
                            f"backups, not {keep!r}.", self._line("backup_keep"))
        every = self._get(storage, "backup_every_minutes", float,
                          "storage.backup_every_minutes", 0.0)
        lo, hi = BACKUP_EVERY_RANGE
        if not (every == 0 or lo <= every <= hi):  # NaN and infinity fail here too
            raise self.fail("storage.backup_every_minutes", f"should be 0 (off) or between "
                            f"{lo} and {hi} minutes, not {every!r}.",
                            self._line("backup_every_minutes"))
        return keep, every

    def _number(self, table: dict[str, Any], key: str, fld: str, default: Any = ...,
                whole: bool = False, line: int | None = None, ranged: str = "") -> Any:
        """A finite number within its documented range (``RANGES[ranged or fld]``);
        ``default`` when absent (None stays None)."""
        value = self._get(table, key, int if whole else float, fld, default, line)
        if value is None:
            return None
        low, high = RANGES[ranged or fld]
        if not in_range(value, low, high, whole):
            kind = "a whole number" if whole else "a number"
            raise self.fail(fld, f"should be {kind} from {_range_text(ranged or fld)}, "
                            f"not {value:g}.", line or self._line(key))
        return value

    def _sections(self) -> list[Section]:
        raw = self.raw.get("sections", [])
        if not isinstance(raw, list):
            raise self.fail("[[sections]]", "should be a list of [[sections]] entries.")
        out: list[Section] = []
        for i, entry in enumerate(raw):
            line = self._line("name", "sections", i)
            fld = f"sections[{i + 1}]"
            name = self._get(entry, "name", str, f"{fld}.name", line=line)
            floor = self._number(entry, "floor", f"{fld}.floor", None, whole=True, line=line,
                                 ranged="sections.floor")
            label = self._get(entry, "label_zh", str, f"{fld}.label_zh", "", line=line)
            out.append(Section(name, floor, label))
        return out

    def _tables(self) -> list[Table]:
        raw = self.raw.get("tables")
        if not raw:
            raise self.fail("[[tables]]", "no tables are defined; add at least one [[tables]] "
                            "entry with name and seats.")
        if not isinstance(raw, list):
            raise self.fail("[[tables]]", "should be a list of [[tables]] entries.")
        out: list[Table] = []
        seen: dict[str, str] = {}  # a name as hosts tell tables apart -> as written first
        for i, entry in enumerate(raw):
            fld = f"tables[{i + 1}]"
            name = self._get(entry, "name", str, f"{fld}.name",
                             line=self._line("name", "tables", i)).strip()
            fld = f"tables[{i + 1}] ({name})"
            if not name or "+" in name:
                raise self.fail(f"{fld}.name", "should be a non-empty name without '+'.",
                                self._line("name", "tables", i))
            # "A1" and "a1 " are one table to a host (as host names are one host)
            told_apart = " ".join(name.casefold().split())
            same = seen.get(told_apart)
            if same == name:
                raise self.fail(f"{fld}.name", f"table {name!r} is defined twice; "
                                "give each table its own name.", self._line("name", "tables", i))
            if same is not None:
                raise self.fail(f"{fld}.name", f"{name!r} is the same name as table {same!r} "
                                "(case and spaces do not count); give each table its own "
                                "name.", self._line("name", "tables", i))
            seen[told_apart] = name
            seats = self._number(entry, "seats", f"{fld}.seats", whole=True,
                                 line=self._line("seats", "tables", i), ranged="tables.seats")
            section = self._get(entry, "section", str, f"{fld}.section", "",
                                line=self._line("section", "tables", i))
            out.append(Table(name, seats, section))
        return out

    def _joins(self, tables: dict[str, Table]) -> list[Join]:
        raw = self.raw.get("joins", [])
        if not isinstance(raw, list):
            raise self.fail("[[joins]]", "should be a list of [[joins]] entries.")
        out: list[Join] = []
        for i, entry in enumerate(raw):
            fld = f"joins[{i + 1}].tables"
            line = self._line("tables", "joins", i)
            names = self._get(entry, "tables", list, fld, line=line)
            if len(names) < 2:
                raise self.fail(fld, "should list at least two tables.", line)
            for n in names:
                if n not in tables:
                    raise self.fail(fld, f"{n!r} is not one of the [[tables]].", line)
            seats = self._number(entry, "seats", f"joins[{i + 1}].seats",
                                 sum(tables[n].seats for n in names), whole=True, line=line,
                                 ranged="joins.seats")
            out.append(Join(tuple(names), seats))
        return out

    # -- goodwill: [[interactions]], [goodwill], [[hosts]], [[leads]], [conversation] --
    def _array(self, key: str) -> list[dict[str, Any]]:
        raw = self.raw.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
            raise self.fail(f"[[{key}]]", f"should be a list of [[{key}]] entries.",
                            self._line(key))
        return raw

    def _interactions(self) -> list[Interaction]:
        out: list[Interaction] = []
        seen: set[str] = set()
        for i, e in enumerate(self._array("interactions")):
            def line(key: str, i: int = i) -> int | None:
                return self._line(key, "interactions", i)

            ident = e.get("id")
            fld = f"interactions[{i + 1}]"
            if not isinstance(ident, str) or not re.fullmatch(r"[a-z0-9_]+", ident) \
                    or ident == "custom":
                raise self.fail(f"{fld}.id", f"{ident!r} should be a short name of lower-case "
                                "letters, digits and _ (and not \"custom\"), e.g. \"fruit_plate\".",
                                line("id"))
            fld = f"interactions[{i + 1}] ({ident})"
            if ident in seen:
                raise self.fail(f"{fld}.id", "is used twice; give each interaction its own id.",
                                line("id"))
            seen.add(ident)

            def get(key: str, kind: Any, default: Any = None, fld: str = fld,
                    e: dict[str, Any] = e) -> Any:
                return self._get(e, key, kind, f"{fld}.{key}", default, line=line(key))

            label = get("label", str, ...)
            category = get("category", str, ...)
            if category not in CATEGORIES:
                raise self.fail(f"{fld}.category", f"{category!r} should be one of "
                                + ", ".join(CATEGORIES) + ".", line("category"))
            def number(key: str, default: Any = None, whole: bool = False, fld: str = fld,
                       e: dict[str, Any] = e) -> Any:
                return self._number(e, key, f"{fld}.{key}", default, whole, line(key),
                                    f"interactions.{key}")

            cost = number("cost", 0.0)
            if e.get("repeat_after") == 0:
                raise self.fail(f"{fld}.repeat_after", "should be more than 0 minutes "
                                "(leave it out to give the gesture once per party).",
                                line("repeat_after"))
            nums = {k: number(k) for k in ("min_waited", "max_waited", "min_over_quote",
                                           "max_over_quote", "repeat_after")}
            for lo, hi in (("min_waited", "max_waited"), ("min_over_quote", "max_over_quote")):
                if nums[lo] is not None and nums[hi] is not None and nums[lo] > nums[hi]:
                    raise self.fail(f"{fld}.{hi}", f"is smaller than {lo}.", line(hi))
            sizes = {k: number(k, whole=True) for k in ("min_size", "max_size")}
            if sizes["min_size"] and sizes["max_size"] and sizes["min_size"] > sizes["max_size"]:
                raise self.fail(f"{fld}.max_size", "is smaller than min_size.", line("max_size"))
            tags = get("tags", list, [])
            if not all(isinstance(t, str) and t.strip() for t in tags):
                raise self.fail(f"{fld}.tags", "should be a list of tag names, "
                                "e.g. [\"child\"].", line("tags"))
            hours_text = get("hours", str)
            season_text = get("season", str)
            try:
                hours = parse_hours(hours_text) if hours_text else ()
            except ValueError as exc:
                raise self.fail(f"{fld}.hours", f"{exc}.", line("hours")) from None
            try:
                season = parse_season(season_text) if season_text else None
            except ValueError as exc:
                raise self.fail(f"{fld}.season", f"{exc}.", line("season")) from None
            out.append(Interaction(
                id=ident, label=label, category=category, cost=cost,
                label_zh=get("label_zh", str, ""), script=get("script", str, ""),
                script_zh=get("script_zh", str, ""), min_waited=nums["min_waited"],
                max_waited=nums["max_waited"], min_over_quote=nums["min_over_quote"],
                max_over_quote=nums["max_over_quote"], tags=tuple(t.strip() for t in tags),
                min_size=sizes["min_size"], max_size=sizes["max_size"], hours=hours,
                season=season, returning=get("returning", bool),
                repeat_after=nums["repeat_after"],
                needs_approval=get("needs_approval", bool, False),
                rescue=get("rescue", bool, False),
                on_guest_page=get("on_guest_page", bool, True)))
        return out

    def _goodwill(self, tz: str, day_starts: int) -> Goodwill:
        """[goodwill]: one shift a day from ``day_starts`` unless ``shift_starts`` says
        otherwise (a budget that began again at midnight would split a late service); a
        shift cannot begin at a time the clocks of ``tz`` skip or repeat."""
        g = self._section("goodwill")
        budget = self._number(g, "budget_per_shift", "goodwill.budget_per_shift", 300.0)
        starts_raw = self._get(g, "shift_starts", list, "goodwill.shift_starts",
                               [clock_text(day_starts)])
        try:
            if not starts_raw or not all(isinstance(x, str) for x in starts_raw):
                raise ValueError("should list the local times shifts begin, e.g. "
                                 "[\"10:00\", \"16:00\"]")
            starts = tuple(sorted({parse_clock(x) % (24 * 60) for x in starts_raw}))
        except ValueError as exc:
            raise self.fail("goodwill.shift_starts", f"{exc}.",
                            self._line("shift_starts")) from None
        for start in starts:
            self._clear_of_clock_changes(tz, start, "goodwill.shift_starts",
                                         "a shift cannot begin then",
                                         self._line("shift_starts"))
        max_wrong = self._number(g, "pin_max_wrong", "goodwill.pin_max_wrong", 5, whole=True)
        window = self._number(g, "pin_window_minutes", "goodwill.pin_window_minutes", 10.0)
        lock = self._number(g, "pin_lock_minutes", "goodwill.pin_lock_minutes", 5.0)
        guard = self._number(g, "repeat_guard_seconds", "goodwill.repeat_guard_seconds", 10.0)
        void_free = self._number(g, "void_free_minutes", "goodwill.void_free_minutes", 15.0)
        return Goodwill(budget, starts, max_wrong, window, lock, guard, void_free)

    def _hosts(self) -> list[str]:
        from queueapp.goodwill.roster import normalise_name

        out: list[str] = []
        for i, e in enumerate(self._array("hosts")):
            name = self._get(e, "name", str, f"hosts[{i + 1}].name",
                             line=self._line("name", "hosts", i)).strip()
            same = next((n for n in out if normalise_name(n) == normalise_name(name)), None)
            if not normalise_name(name) or same is not None:
                raise self.fail(f"hosts[{i + 1}].name", f"{name!r} is empty or the same name "
                                f"as {same!r} (case, spaces and punctuation do not count).",
                                self._line("name", "hosts", i))
            out.append(name)
        return out

    def _leads(self) -> list[Lead]:
        from queueapp.goodwill.pins import MIN_N, MIN_PIN_DIGITS, MIN_R, hash_problem

        out: list[Lead] = []
        for i, e in enumerate(self._array("leads")):
            name = self._get(e, "name", str, f"leads[{i + 1}].name",
                             line=self._line("name", "leads", i)).strip()
            fld = f"leads[{i + 1}] ({name})"
            if not name or any(lead.name == name for lead in out):
                raise self.fail(f"leads[{i + 1}].name", f"{name!r} is empty or used twice.",
                                self._line("name", "leads", i))
            pin_hash = self._get(e, "pin_hash", str, f"{fld}.pin_hash",
                                 line=self._line("pin_hash", "leads", i))
            problem = hash_problem(pin_hash)
            if problem == "weak":
                raise self.fail(f"{fld}.pin_hash", f"is too weak: scrypt's cost must be at "
                                f"least N={MIN_N} and r={MIN_R}. Remove this [[leads]] entry "
                                f"and run `queueapp lead add {name}` (a secret of at least "
                                f"{MIN_PIN_DIGITS} digits, kept in the database).",
                                self._line("pin_hash", "leads", i))
            if problem:
                short = pin_hash.strip().isdigit() and len(pin_hash.strip()) < MIN_PIN_DIGITS
                raise self.fail(f"{fld}.pin_hash", "is not a PIN hash made by `python -m "
                                "queueapp.goodwill.pins` (never put the PIN itself here"
                                + (f"; and a PIN needs at least {MIN_PIN_DIGITS} digits"
                                   if short else "") + ").",
                                self._line("pin_hash", "leads", i))
            out.append(Lead(name, pin_hash))
        return out

    def _conversation(self) -> Conversation:
        c = self._section("conversation")
        lists = {}
        for key in ("enjoy", "enjoy_zh", "avoid", "avoid_zh"):
            value = self._get(c, key, list, f"conversation.{key}", [])
            if not all(isinstance(x, str) and x.strip() for x in value):
                raise self.fail(f"conversation.{key}", "should be a list of texts.",
                                self._line(key))
            lists[key] = tuple(x.strip() for x in value)
        return Conversation(**lists)


def _range_text(ranged: str) -> str:
    """``1 to 60``, ``0 to 1,000,000``, ``0.2 to 60``: a documented range as people read it."""
    return " to ".join(f"{int(x):,}" if float(x).is_integer() else f"{x:g}"
                       for x in RANGES[ranged])


def _kind_word(names: str) -> str:
    words = {"str": "text in quotes", "int": "a whole number", "float": "a number",
             "list": "a list [...]", "dict": "a table { ... }", "bool": "true or false"}
    return words.get(names, names)
