"""How the review screen and the report name things for a person: a party by its name
and ticket number, a gesture or rescue offer by its catalogue label in the screen's
language, a time in whole minutes with its unit. Ids stay in the database and exports."""

from __future__ import annotations

import re

from queueapp.config import Config
from queueapp.goodwill.gestures import TABLE_OFFER, Gesture
from queueapp.i18n import Translator

# party ids are the local day and the party's row number that day: 20261129-052
_TICKET = re.compile(r"\d{8}-(\d+)")


def ticket(party_id: str) -> str:
    """The day's row number of a party without a queue number: ``052`` of
    ``20261129-052``; ids imported from elsewhere are shown whole."""
    found = _TICKET.fullmatch(party_id)
    return found.group(1) if found else party_id


def party_label(party_id: str, names: dict[str, str],
                tickets: dict[str, str] | None = None) -> str:
    """``Zhao (A012)``, by the queue number the host called out; ``Zhao (052)``, by the
    day's row number, for a party without one; the id alone when it has no name on file."""
    if not party_id:
        return ""
    name = names.get(party_id, "").strip()
    number = (tickets or {}).get(party_id) or ticket(party_id)
    return f"{name} ({number})" if name else party_id


def gesture_label(g: Gesture, config: Config) -> str:
    """The catalogue's label in the screen's language; what was logged for a custom
    gesture, or for one whose catalogue entry has gone or been renamed since."""
    item = config.catalogue.get(g.interaction)
    if item is None or item.label != g.label:
        return g.label
    return item.label_for(config.language)


def offer_label(offer: str, config: Config, t: Translator) -> str:
    """A rescue offer: a table (``table:A3``) or a catalogue item, as a person reads it."""
    if offer.startswith(TABLE_OFFER):
        return t("offer_table", table=offer[len(TABLE_OFFER):])
    item = config.catalogue.get(offer)
    return item.label_for(config.language) if item else offer


def whole_minutes(minutes: float | None, t: Translator) -> str:
    """``21 min`` (rounded), or a dash when there is no time."""
    return "—" if minutes is None else t("minutes", n=round(minutes))


def decimal_minutes(minutes: float | None, t: Translator) -> str:
    """``2.9 min``, for averages where a tenth of a minute tells something."""
    return "—" if minutes is None else t("minutes", n=f"{minutes:.1f}")
