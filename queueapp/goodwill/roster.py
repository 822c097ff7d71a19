"""Who may give gestures and who may approve them: the host roster and the shift leads.

The roster is the config's ``[[hosts]]`` plus the hosts a lead added (the ``hosts``
table); the leads live in the ``leads`` table with their secret hashes (the config's
old ``[[leads]]`` are still read, behind the table's, and ``check-config`` warns).

Names are compared by :func:`normalise_name`, so "Lin.", " lin" and "LIN" are all Lin:
a host cannot get a fresh budget by typing their name another way, and two roster names
that normalise alike are refused.
"""

from __future__ import annotations

import unicodedata

from queueapp.config import Config, Lead
from queueapp.goodwill.pins import MAX_SECRET, MIN_PASSPHRASE, MIN_PIN_DIGITS, hash_pin
from queueapp.goodwill.pins import secret_problem as _secret_problem
from queueapp.privacy import printable
from queueapp.store import Store, StoreError

NAME_MAX = 40  # the longest name a host or lead may have


class RosterError(StoreError):
    """A roster or lead change that cannot be made; the words say why."""


def normalise_name(name: str) -> str:
    """The name as compared: NFKC, casefolded, with every space, punctuation mark and
    control character dropped. Applied to its own result it changes nothing."""
    text = name
    for _ in range(4):  # casefolding can undo NFKC (and back): repeat until it settles
        folded = unicodedata.normalize("NFKC", text).casefold()
        folded = "".join(ch for ch in folded
                         if not unicodedata.category(ch).startswith(("P", "Z", "C"))
                         and not ch.isspace())
        if folded == text:
            break
        text = folded
    return text


def clean_name(name: str) -> str:
    """A host's or lead's name as it is kept, by the rule a party's name follows
    (``lobby.checkin.check_in``): control characters (BEL, ESC, bidi overrides) dropped,
    tabs and runs of spaces made one space. Refused when nothing readable is left or it
    is longer than NAME_MAX."""
    clean = " ".join(printable(name, one_line=True).split())
    if not clean or len(clean) > NAME_MAX or not normalise_name(clean):
        raise RosterError("err_roster_name", most=NAME_MAX)
    return clean


# -- hosts ------------------------------------------------------------------------------

def hosts(store: Store, config: Config) -> list[str]:
    """Everyone who can be on duty: the config's hosts, then those a lead added."""
    out = list(config.hosts)
    keys = {normalise_name(h) for h in out}
    for row in store.roster.hosts():
        if normalise_name(row.name) not in keys:
            out.append(row.name)
            keys.add(normalise_name(row.name))
    return out


def find_host(store: Store, config: Config, name: str) -> str | None:
    """The roster's spelling of ``name`` ("lin." -> "Lin"), or None when not on it."""
    key = normalise_name(name)
    return next((h for h in hosts(store, config) if key and normalise_name(h) == key), None)


def add_host(store: Store, config: Config, name: str, lead: str, now: float) -> str:
    """Put ``name`` on the roster (``lead`` is the lead whose secret was checked)."""
    clean = clean_name(name)
    with store.transaction():
        approver = _lead_name(store, config, lead)
        existing = find_host(store, config, clean)
        if existing is not None:
            raise RosterError("err_host_exists", name=clean, existing=existing)
        store.roster.add_host(now, clean, normalise_name(clean), approver)
    return clean


def remove_host(store: Store, config: Config, name: str, lead: str, now: float) -> str:
    """Take a host a lead added off the roster (the config's hosts stay: edit the file)."""
    with store.transaction():
        approver = _lead_name(store, config, lead)
        found = find_host(store, config, name)
        if found is None:
            raise RosterError("err_not_on_roster", name=name.strip())
        if found in config.hosts:
            raise RosterError("err_host_in_config", name=found)
        store.roster.remove_host(now, normalise_name(found), approver)
    return found


# -- leads --------------------------------------------------------------------------------

def leads(store: Store, config: Config | None) -> list[Lead]:
    """The shift leads: the table's, then any only the config still names."""
    out = [Lead(row.name, row.secret_hash) for row in store.roster.leads()]
    keys = {normalise_name(lead.name) for lead in out}
    old = config.leads if config is not None else ()
    return out + [lead for lead in old if normalise_name(lead.name) not in keys]


def find_lead(store: Store, config: Config | None, name: str) -> Lead | None:
    key = normalise_name(name)
    return next((lead for lead in leads(store, config)
                 if key and normalise_name(lead.name) == key), None)


def _lead_name(store: Store, config: Config, name: str) -> str:
    lead = find_lead(store, config, name)
    if lead is None:
        raise RosterError("err_not_a_lead", name=name.strip())
    return lead.name


def secret_problem(secret: str) -> RosterError | None:
    """Why ``secret`` is too weak for a lead (an error to show), or None when it will do."""
    key = _secret_problem(secret)
    if not key:
        return None
    return RosterError(key, digits=MIN_PIN_DIGITS, chars=MIN_PASSPHRASE, most=MAX_SECRET)


def add_lead(store: Store, config: Config, name: str, secret: str, by: str,
             now: float) -> str:
    """Make ``name`` a shift lead with ``secret``. ``by`` is the lead whose secret was
    checked; it may be empty only while there is no lead at all (the first one)."""
    clean = clean_name(name)
    weak = secret_problem(secret)
    if weak is not None:
        raise weak
    secret_hash = hash_pin(secret)  # slow on purpose: before the write lock is taken
    with store.transaction():
        if leads(store, config):
            approver = _lead_name(store, config, by)
        elif by.strip():
            raise RosterError("err_not_a_lead", name=by.strip())
        else:
            approver = ""
        existing = find_lead(store, config, clean)
        if existing is not None:
            raise RosterError("err_lead_exists", name=clean, existing=existing.name)
        store.roster.add_lead(now, clean, normalise_name(clean), secret_hash, approver)
    return clean


def remove_lead(store: Store, config: Config, name: str, by: str, now: float) -> str:
    """Take ``name`` off the leads (``by`` checked their own secret). The last lead
    stays: without one, nobody could approve anything or add a lead again."""
    with store.transaction():
        approver = _lead_name(store, config, by)
        found = find_lead(store, config, name)
        if found is None:
            raise RosterError("err_not_a_lead", name=name.strip())
        if len(leads(store, config)) <= 1:
            raise RosterError("err_last_lead", name=found.name)
        if not store.roster.remove_lead(now, normalise_name(found.name), approver):
            raise RosterError("err_lead_in_config", name=found.name)
    return found.name
