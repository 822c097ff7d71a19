"""Simulated goodwill: the gestures, rescues and guest notes a good team would have
logged for simulated (or imported) events, and writing them through the store.

``queueapp simulate`` and ``queueapp demo`` use it after the events are written.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from queueapp.goodwill.catalogue import Catalogue, Interaction
from queueapp.goodwill.guests import GuestCard, GuestNote
from queueapp.goodwill.suggestions import ATTENTION_MINUTES, suggest
from queueapp.store import Store
from queueapp.store.gestures import Gesture
from queueapp.store.rescues import TABLE_OFFER, Rescue
from queueapp.waitlist.events import Event
from queueapp.waitlist.room import Party

SIMULATED = "simulated"  # the station of every simulated row
PARTIES_PER_TURN = 7  # a host looks after this many parties in a row, then the next takes over
DROP_BY = 0.85  # chance a host, dropping by, gives something
TOP_SUGGESTIONS = 3  # the host picks among this many suggestions
TAKES_FIRST = 0.6  # ... and usually the first
LEAD_APPROVES = 0.5  # chance a lead approves an item that needs approval
RESCUE_OVER = 10  # minutes past the quote after which a seated party may have been rescued
RESCUED = 0.3  # chance such a party was
RESCUE_WITH_GESTURE = 0.7  # chance a rescue offered a gesture rather than a table
DECIDED_AFTER = 120  # seconds from a rescue offer to its outcome, at most
NOTED = 0.3  # chance a returning guest's visit leaves a note on the card


def rota_host(n: int, hosts: Sequence[str]) -> str:
    """Who looked after the n-th party of a simulated day: hosts take turns, seven
    parties each."""
    return hosts[(n // PARTIES_PER_TURN) % len(hosts)] if hosts else "Host"


def simulated_hosts(events: Iterable[Event], hosts: Sequence[str]) -> dict[str, str]:
    """Party id -> the host who added it, by the same rota as :func:`simulate_goodwill`."""
    arrivals = sorted((e.time, e.party) for e in events if e.event == "arrive")
    return {party: rota_host(n, hosts) for n, (_, party) in enumerate(arrivals)}


def simulate_goodwill(events: Iterable[Event], catalogue: Catalogue | Iterable[Interaction],
                      seed: int = 0, hosts: Sequence[str] = ("Lin", "Ana", "Hao"),
                      leads: Sequence[str] = ("Mei",),
                      attention_minutes: float = ATTENTION_MINUTES,
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                 list[dict[str, Any]]]:
    """Gestures, rescues and guest notes a good team would have logged for these events.

    Hosts drop by every ~``attention_minutes`` and usually give one of the top
    suggestions; parties that walked away were offered a rescue first (outcome
    "left"); some long-overdue parties that were seated were rescued ("stayed").
    Guests with a phone that comes back get notes (likes, the odd dislike or
    allergy) that later visits use. Rows are plain dicts; ``guest_id`` is not
    known yet, so rows carry ``phone`` instead (see :func:`import_goodwill`).
    Deterministic for a given ``seed``.
    """
    rng = random.Random(seed)
    cat = catalogue if isinstance(catalogue, Catalogue) else Catalogue(catalogue)
    evs = sorted(events, key=lambda e: e.time)
    parties: dict[str, Party] = {}
    ends: dict[str, tuple[float, str]] = {}
    for ev in evs:
        if ev.event == "arrive" and ev.party not in parties:
            d = ev.data or {}
            parties[ev.party] = Party(ev.party, int(ev.size or 1), ev.time, d.get("name", ""),
                                      d.get("phone", ""), tuple(d.get("tags", ())),
                                      quote=d.get("quote"))
        elif ev.event in ("seat", "abandon") and ev.party in parties and ev.party not in ends:
            reason = (ev.data or {}).get("reason", "walked_away") if ev.event == "abandon" \
                else ""
            ends[ev.party] = (ev.time, "seated" if ev.event == "seat" else reason)
    gestures: list[dict[str, Any]] = []
    rescues: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    visits: dict[str, int] = {}
    known_notes: dict[str, list[tuple[str, str]]] = {}
    rescue_items = cat.rescues()
    next_id = 0
    for n, p in enumerate(sorted(parties.values(), key=lambda p: (p.arrived, p.id))):
        if p.id not in ends:
            continue
        end, how = ends[p.id]
        host = rota_host(n, hosts)
        card = None
        if p.phone:
            visits[p.phone] = visits.get(p.phone, 0) + 1
            if visits[p.phone] > 1:
                noted = known_notes.get(p.phone, [])
                card = GuestCard(0, p.phone, p.name, "", p.arrived, p.arrived,
                                 visits[p.phone] - 1, visits[p.phone], p.arrived,
                                 tuple(GuestNote(0, 0, 0.0, k, x) for k, x in noted))
        history: list[Gesture] = []

        def log(t: float, item: Interaction, approved: str = "", p: Party = p,
                host: str = host, history: list[Gesture] = history) -> None:
            nonlocal next_id
            next_id += 1
            history.append(Gesture(next_id, t, p.id, None, item.id, item.label, item.category,
                                   item.cost, host, "", approved))
            gestures.append({"time": t, "party": p.id, "phone": p.phone,
                             "interaction": item.id, "label": item.label,
                             "category": item.category, "cost": item.cost, "host": host,
                             "note": "", "approved_by": approved})

        t = p.arrived + rng.uniform(0.5, 4) * 60
        walked = how == "walked_away"
        last_stop = end - (rng.uniform(1, 4) * 60 if walked else 60)
        while t < last_stop:
            if rng.random() < DROP_BY:
                options = suggest(p, t, cat, history, card, None, None, attention_minutes,
                                  limit=TOP_SUGGESTIONS)
                if options:
                    pick = options[0 if rng.random() < TAKES_FIRST
                                   else rng.randrange(len(options))]
                    item = pick.interaction
                    if not item.needs_approval:
                        log(t, item)
                    elif rng.random() < LEAD_APPROVES and leads:
                        log(t, item, leads[0])
            t += max(3.0, rng.gauss(attention_minutes * 0.8, 4)) * 60
        over = p.waited(end) - p.quote if p.quote is not None else None
        if walked or (how == "seated" and over is not None and over > RESCUE_OVER
                      and rng.random() < RESCUED):
            at = max(p.arrived, end - rng.uniform(2, 8) * 60)
            if rescue_items and (walked or rng.random() < RESCUE_WITH_GESTURE):
                item = rng.choice(rescue_items)
                offer = item.id
                log(at, item)
            else:  # a table about to free up was offered
                offer = TABLE_OFFER + rng.choice(["A4", "W3", "T3", "A1", "T1"])
            rescues.append({"time": at, "party": p.id, "host": host, "offer": offer,
                            "outcome": "left" if walked else "stayed",
                            "decided_at": min(end, at + DECIDED_AFTER)})
        if p.phone and history and not walked and rng.random() < NOTED:
            liked = rng.choice(history)
            entry = ("like", liked.label.casefold())
            if rng.random() < 0.1:
                entry = ("dislike", rng.choice(["spicy broth", "coriander", "loud tables"]))
            elif rng.random() < 0.05:
                entry = ("allergy", rng.choice(["peanuts", "shellfish", "sesame"]))
            known_notes.setdefault(p.phone, []).append(entry)
            notes.append({"time": end + rng.uniform(1, 30) * 60, "phone": p.phone,
                          "kind": entry[0], "text": entry[1], "host": host})
    return gestures, rescues, notes


def import_goodwill(store: Store, events: Iterable[Event], gestures: Iterable[dict[str, Any]],
                    rescues: Iterable[dict[str, Any]], notes: Iterable[dict[str, Any]]) -> int:
    """Write simulated goodwill after the events were imported: guests (one per phone,
    with their visits), gestures, rescues and notes, in one transaction. Returns rows written.
    """
    gestures, rescues, notes = list(gestures), list(rescues), list(notes)
    n = len(gestures) + len(rescues)
    with store.transaction():
        guest_ids = store.guests.ids_by_phone()
        for ev in sorted(events, key=lambda e: e.time):
            phone = (ev.data or {}).get("phone", "") if ev.event == "arrive" else ""
            if not phone:
                continue
            if phone not in guest_ids:
                guest_ids[phone] = store.guests.add(phone, ev.data.get("name", ""), ev.time,
                                                    visits=0)
            if store.guests.link_visit(ev.party, guest_ids[phone], ev.time):
                store.guests.count_visit(guest_ids[phone], ev.time)
                n += 1
        store.gestures.import_gestures(
            Gesture(0, g["time"], g["party"], guest_ids.get(g.get("phone", "")),
                    g["interaction"], g["label"], g["category"], g["cost"], g["host"],
                    g.get("note", ""), g.get("approved_by", ""), station=SIMULATED)
            for g in gestures)
        store.rescues.import_rescues(
            Rescue(0, r["time"], r["party"], r["host"], r["offer"], r["outcome"],
                   r["decided_at"], SIMULATED) for r in rescues)
        n += store.guests.import_notes(
            GuestNote(0, guest_ids[x["phone"]], x["time"], x["kind"], x["text"], x["host"])
            for x in notes if x["phone"] in guest_ids)
    return n
