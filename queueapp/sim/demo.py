"""History and a live evening, simulated through the real store.

``fill_history`` is what ``queueapp simulate`` writes; ``build_demo`` adds four
weeks of it and then an evening in full swing that ends right now, so a
newcomer sees a live restaurant with returning guests and a goodwill log.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import arrow
import platformdirs

from queueapp.clock import business_date
from queueapp.config import Config
from queueapp.goodwill import gestures, roster
from queueapp.quotes.backtest import Metrics
from queueapp.sim.goodwill import import_goodwill, simulate_goodwill, simulated_hosts
from queueapp.sim.quoting import quote_arrivals, quote_once
from queueapp.sim.simulator import evening_so_far, simulate
from queueapp.store import Store
from queueapp.store.database import TICKET_DIGITS
from queueapp.waitlist.events import ABANDON, ARRIVE, SEAT, Event

DEMO_HOST = "Lin"  # on duty in the demo when the config names no hosts
# The demo's shift leads and their secrets, made in the demo's own database (documented
# in the README and config.toml): never for a real restaurant.
DEMO_LEADS = {"Mei": "246813", "Jun": "135724"}
COMPLAINS = 0.014  # about one seated party in seventy complains
WALKOUT_SAYS_WHY = 0.1  # a walk-away now and then says why
SETTLED_DAYS = 2  # items older than this were all seen through


def demo_db_path() -> Path:
    """Where ``queueapp demo`` keeps its restaurant: one stable file in the user data
    directory (``~/.local/share/queueapp/demo.db`` on Linux), so ``--demo`` on the other
    commands finds it afterwards."""
    return platformdirs.user_data_path("queueapp", appauthor=False) / "demo.db"


def demo_memo_path() -> Path:
    """Where the demo keeps the quotes of its history (the user cache directory,
    ``~/.cache/queueapp/demo`` on Linux): a month of quotes takes a while to compute,
    and every demo that day has the same history."""
    return platformdirs.user_cache_path("queueapp", appauthor=False) / "demo"


# what the team wrote, in the restaurant's language: (category, what, done on the spot)
COMPLAINTS = {
    "en": (
        ("food", "Broth arrived lukewarm", "Replaced the pot at once"),
        ("food", "Lamb slices not fresh", "Took them back, brought a new plate"),
        ("service", "Waited long for a drink refill", "Apologised and refilled"),
        ("unmet_request", "Asked for a slotted spoon; none left", "Brought a ladle, apologised"),
        ("unmet_request", "Wanted a table by the window", "Offered the next window table"),
        ("cleanliness", "Sticky table", "Wiped and reset the table"),
        ("other", "Too cold near the door", "Moved them further inside"),
    ),
    "zh": (
        ("food", "锅底上桌时不够热", "马上换了一锅"),
        ("food", "羊肉片不新鲜", "撤下并换了一盘新的"),
        ("service", "续饮料等了很久", "道歉并马上续上"),
        ("unmet_request", "要漏勺，已经没有了", "拿来汤勺并道歉"),
        ("unmet_request", "想坐靠窗的桌", "安排下一张靠窗的桌"),
        ("cleanliness", "桌面发黏", "擦干净并重新摆台"),
        ("other", "门口太冷", "换到里面的座位"),
    ),
}
NOTES = {
    "en": {"walked": ("Left after a long wait, said the quote was too short",
                      "Apologised at the door"),
           "recheck": "Checked back with the guest: all right now",
           "fed_back": "Passed on at the briefing"},
    "zh": {"walked": ("等了很久后离开，说预估时间太短", "在门口道歉"),
           "recheck": "回访客人：现在一切都好",
           "fed_back": "已在例会上传达"},
}
FEEDBACK = {"food": "kitchen", "service": "floor", "unmet_request": "purchasing",
            "cleanliness": "cleaning", "wait": "management", "other": "management"}


def import_with_goodwill(store: Store, config: Config, events: list[Event], seed: int) -> int:
    """Events, then the gestures, rescues, guests, notes and complaints a good team
    would have logged."""
    hosts = config.hosts or ("Lin", "Ana", "Hao")
    n = store.import_events(events, hosts=simulated_hosts(events, hosts))
    leads = tuple(lead.name for lead in config.leads) or tuple(DEMO_LEADS)[:1]
    given, rescues, notes = simulate_goodwill(events, config.catalogue, seed, hosts, leads,
                                              config.attention_minutes)
    import_goodwill(store, events, given, rescues, notes)
    store.complaints.import_complaints(simulate_complaints(events, seed, hosts, leads,
                                                           config.language))
    return n


def simulate_complaints(events: list[Event], seed: int, hosts: tuple[str, ...] | list[str],
                        leads: tuple[str, ...] | list[str], language: str = "en"
                        ) -> list[dict[str, Any]]:
    """About one seated party in seventy complains; a walk-away now and then says why.
    Most items went through all four steps; the most recent may still be open. The team
    writes in the restaurant's ``language``."""
    written = COMPLAINTS.get(language, COMPLAINTS["en"])
    notes = NOTES.get(language, NOTES["en"])
    rng = random.Random(f"complaints/{seed}")
    end = max((e.time for e in events), default=0.0)
    rows: list[dict[str, Any]] = []
    for ev in events:
        if ev.event == SEAT and rng.random() < COMPLAINS:
            category, what, action = rng.choice(written)
            at = ev.time + rng.uniform(10, 50) * 60
            rows.append({"recorded_at": at, "party": ev.party, "table_name": ev.table,
                         "category": category, "what": what, "action": action})
        elif ev.event == ABANDON and ev.data.get("reason") == "walked_away" \
                and rng.random() < WALKOUT_SAYS_WHY:
            what, action = notes["walked"]
            rows.append({"recorded_at": ev.time, "party": ev.party, "category": "wait",
                         "what": what, "action": action})
    out = []
    for row in rows:
        t: float = row["recorded_at"]
        if t > end:
            continue
        row["recorded_by"] = rng.choice(list(hosts))
        steps = (("handled_at", rng.uniform(2, 10), 0.95), ("rechecked_at", rng.uniform(10, 60),
                 0.85), ("fed_back_at", rng.uniform(60, 600), 0.8))
        settled = end - t > SETTLED_DAYS * 86400
        for key, minutes, chance in steps:
            t += minutes * 60
            if t > end or (not settled and rng.random() > chance):
                break
            row[key] = t
        if "handled_at" in row:
            row.update(handled_by=row["recorded_by"], handled_note=row["action"])
        if "rechecked_at" in row:
            row.update(rechecked_by=rng.choice(list(leads)),
                       recheck_note=notes["recheck"])
        if "fed_back_at" in row:
            row.update(fed_back_to=FEEDBACK[row["category"]],
                       fed_back_by=row["rechecked_by"], fed_back_note=notes["fed_back"])
        out.append(row)
    return out


def fill_history(store: Store, config: Config, days: int, scenario: str = "hotpot",
                 seed: int = 0, start: date | datetime | float | None = None) -> list[Event]:
    """``days`` of simulated service from ``start`` into ``store``, every arrival quoted
    as the stand would have quoted it; returns the events."""
    events = simulate(config, days, scenario, seed, start)
    write_quoted(store, config, events, seed)
    return events


def write_quoted(store: Store, config: Config, events: list[Event], seed: int
                 ) -> tuple[int, Metrics]:
    """Simulated ``events`` into ``store``: each arrival first given the quote the stand
    would have told it, learning from the file's own events and the earlier simulated
    ones (``sim.quoting``), then written with what a good team would have logged.
    Returns the events written and how good those quotes were."""
    store.check_new_parties(events)  # before the slow part, as import_events would
    metrics = quote_arrivals(events, config, list(store.all_events(by_time=True)))
    return import_with_goodwill(store, config, events, seed), metrics


def with_tickets(events: list[Event], config: Config) -> list[Event]:
    """Give each arrival of the evening the queue number the stand would have given it:
    its table class's next number, in order of arrival (as ``Store.add_party`` counts)."""
    given: dict[str, int] = {}
    for ev in sorted((e for e in events if e.event == ARRIVE), key=lambda e: e.time):
        prefix = config.guests.ticket_class(int(ev.size or 1)).prefix
        given[prefix] = given.get(prefix, 0) + 1
        ev.data["ticket"] = f"{prefix}{given[prefix]:0{TICKET_DIGITS}d}"
    return events


def build_demo(store: Store, config: Config, seed: int = 7, now: float | None = None,
               history_days: int = 28, memo: Path | None = None,
               quoting: Callable[[int], object] | None = None) -> None:
    """Four weeks of history, then this evening so far, ending at ``now``, into a fresh
    ``store``. Every arrival carries the quote the stand would have told it: the
    history's as the stand running through those weeks would have (learning as it
    went; kept in the folder ``memo`` for the next demo on the same history, see
    ``sim.quoting.quote_once``; ``quoting`` hears when they must be computed), the
    evening's as the stand started this evening on that history would have."""
    end = now if now is not None else arrow.utcnow().float_timestamp
    # the history ends where this evening's business day began: a demo started at 01:00
    # has no simulated evening beside (and on the same tables as) the one running
    today = business_date(end, config.timezone, config.day_starts)
    history: list[Event] = []
    if history_days:
        history = simulate(config, history_days, "hotpot", seed,
                           today - timedelta(days=history_days))
    evening = with_tickets(evening_so_far(config, end, seed), config)
    store.check_new_parties(history + evening)
    quote_once(history, config, memo, quoting)
    quote_arrivals(evening, config, learned=history)
    if history:
        import_with_goodwill(store, config, history, seed)
    import_with_goodwill(store, config, evening, seed + 1)
    for party in store.load_room().waiting():  # each waiting party has its own page
        if party.ticket:
            store.give_link(party.id, end)
    add_demo_leads(store, config, end)
    if not config.hosts and roster.find_host(store, config, DEMO_HOST) is None:
        roster.add_host(store, config, DEMO_HOST, next(iter(DEMO_LEADS)), end)
    gestures.set_host_on_duty(store, config.hosts[0] if config.hosts else DEMO_HOST, config)


def add_demo_leads(store: Store, config: Config, now: float) -> None:
    """The demo's leads (:data:`DEMO_LEADS`), each added by the one before (the first on
    the empty roster); a lead already there is left as it is."""
    by = next((lead.name for lead in roster.leads(store, config)), "")
    for name, secret in DEMO_LEADS.items():
        if roster.find_lead(store, config, name) is None:
            roster.add_lead(store, config, name, secret, by, now)
        by = name
